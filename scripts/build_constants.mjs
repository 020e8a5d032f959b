// Writes src/constants.ts from devinterview_jupyter/constants.json, the one
// source of the names the server and the frontend share (the server reads the
// JSON itself: devinterview_jupyter/constants.py). Run by `jlpm build:types`;
// `jlpm check:types` fails when the committed file differs from its output.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = 'devinterview_jupyter/constants.json';
const OUTPUT = 'src/constants.ts';

const data = JSON.parse(readFileSync(join(root, SOURCE), 'utf8'));

// One exported object per section: [section, field, name, doc].
const SECTIONS = [
  [
    'pageConfig',
    'key',
    'PAGE_CONFIG',
    "Page-config keys (JupyterLab's page config, the candidate site's `jupyter-lite.json`): the server's settings for the browser."
  ],
  ['pluginIds', 'id', 'PLUGIN_ID', 'The ids of our plugins, by short name.'],
  [
    'paths',
    'path',
    'URL_PATH',
    "URL paths below the Jupyter server's base URL (each ends with `/`)."
  ]
];

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

function doc(text, indent) {
  // The text goes into a comment: it must not be able to end it.
  if (text.includes('*/')) {
    throw new Error(`${SOURCE}: a description may not contain "*/"`);
  }
  return `${indent}/**\n${indent} * ${text}\n${indent} */\n`;
}

let out =
  '/**\n' +
  ` * Generated from ${SOURCE} by scripts/build_constants.mjs\n` +
  ' * (`jlpm build:types`): do not edit.\n' +
  ' */\n';
for (const [section, field, name, text] of SECTIONS) {
  out += '\n' + doc(text, '') + `export const ${name} = {\n`;
  const entries = Object.entries(data[section]);
  entries.forEach(([key, entry], i) => {
    const value = entry[field];
    if (!NAME.test(key) || typeof value !== 'string') {
      throw new Error(`${SOURCE}: bad entry ${section}.${key}`);
    }
    out += doc(entry.description, '  ');
    out += `  ${key}: ${JSON.stringify(value)}`;
    out += i < entries.length - 1 ? ',\n' : '\n';
  });
  out += '} as const;\n';
}
writeFileSync(join(root, OUTPUT), out);
