/**
 * The package's entry point (src/index.ts, built to package.json's `main` and
 * `types`) is its public API: another extension gets our tokens from there —
 * the very Token objects our plugins provide and ask for, since JupyterLab
 * matches them by identity — and never needs a deep import.
 */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Token } from '@lumino/coreutils';

import { clientPlugin } from '../api/plugin';
import { PAGE_CONFIG, PLUGIN_ID, URL_PATH } from '../constants';
import * as entry from '../index';
import plugins from '../index';
import { interviewPlugin } from '../interview/plugin';
import { runnersPlugin } from '../runner/plugin';
import * as tokens from '../tokens';
import { whiteboardPlugin } from '../whiteboard/plugin';

declare const require: (name: string) => any;
declare const __dirname: string;
const fs: {
  existsSync(path: string): boolean;
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: string): string;
} = require('fs');
const path: {
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
} = require('path');

const root = path.resolve(__dirname, '..', '..');

// The only module jest cannot load (it finds the worker by `import.meta.url`, a
// bundler's job). These tests never start a runner, so its factory is not
// called; everything else is the real module graph of the entry point.
jest.mock('../runner/pythonTransport', () => ({
  pythonTransport: () => {
    throw new Error('not in these tests');
  }
}));

function tokensOf(plugin: JupyterFrontEndPlugin<unknown>): Token<unknown>[] {
  return [
    ...(plugin.provides ? [plugin.provides] : []),
    ...(plugin.requires ?? []),
    ...(plugin.optional ?? [])
  ].filter((t): t is Token<unknown> => t instanceof Token);
}

describe('the entry point', () => {
  it('is what package.json names as main and types', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(root, 'package.json'), 'utf8')
    );
    const tsconfig = JSON.parse(
      fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')
    );
    const { rootDir, outDir } = tsconfig.compilerOptions;
    // tsc writes src/index.ts to lib/index.js and lib/index.d.ts.
    expect(pkg.main).toBe(`${outDir}/index.js`);
    expect(pkg.types).toBe(`${outDir}/index.d.ts`);
    expect(fs.existsSync(path.join(root, rootDir, 'index.ts'))).toBe(true);
  });

  it('exports every token of src/tokens.ts, as the same objects', () => {
    const ours = Object.entries(tokens).filter(
      ([, value]) => value instanceof Token
    );
    expect(ours.map(([name]) => name).sort()).toEqual([
      'ICodeRunners',
      'IDevInterviewClient',
      'IWhiteboardFactory'
    ]);
    for (const [name, token] of ours) {
      expect((entry as Record<string, unknown>)[name]).toBe(token);
    }
  });

  it('exports the tokens our plugins provide and use', () => {
    expect(whiteboardPlugin.provides).toBe(entry.IWhiteboardFactory);
    expect(runnersPlugin.provides).toBe(entry.ICodeRunners);
    expect(clientPlugin.provides).toBe(entry.IDevInterviewClient);
    expect(interviewPlugin.optional).toContain(entry.IWhiteboardFactory);
    expect(interviewPlugin.optional).toContain(entry.ICodeRunners);
    expect(interviewPlugin.requires).toContain(entry.IDevInterviewClient);
    // Any of our tokens a plugin provides or asks for is public, so another
    // extension can provide or use it without a deep import.
    const exported = new Set(
      Object.values(entry).filter(value => value instanceof Token)
    );
    for (const plugin of plugins) {
      for (const token of tokensOf(plugin)) {
        if (token.name.startsWith('devinterview-jupyter:')) {
          expect(exported.has(token)).toBe(true);
        }
      }
    }
  });

  it('lists every plugin once, under the ids of the shared constants', () => {
    expect(plugins.map(p => p.id).sort()).toEqual(
      Object.values(PLUGIN_ID).sort()
    );
    expect(entry.PLUGIN_ID).toBe(PLUGIN_ID);
    expect(entry.PAGE_CONFIG).toBe(PAGE_CONFIG);
    expect(entry.URL_PATH).toBe(URL_PATH);
  });

  it('exports the error class the client rejects with', () => {
    const error = new entry.DevInterviewAPIError('boom', { status: 503 });
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe('unavailable');
  });
});

describe('the shared constants', () => {
  const source = JSON.parse(
    fs.readFileSync(
      path.join(root, 'devinterview_jupyter', 'constants.json'),
      'utf8'
    )
  );

  it('are the values of devinterview_jupyter/constants.json', () => {
    const pick = (
      section: Record<string, Record<string, string>>,
      field: string
    ) => {
      const out: Record<string, string> = {};
      for (const [name, entry] of Object.entries(section)) {
        out[name] = entry[field];
      }
      return out;
    };
    expect(PAGE_CONFIG).toEqual(pick(source.pageConfig, 'key'));
    expect(PLUGIN_ID).toEqual(pick(source.pluginIds, 'id'));
    expect(URL_PATH).toEqual(pick(source.paths, 'path'));
  });

  it('name each settings schema after its plugin', () => {
    // JupyterLab finds a plugin's settings by `schema/<name>.json` under the
    // package's name: the id must be `<package>:<name>`.
    const pkg = JSON.parse(
      fs.readFileSync(path.join(root, 'package.json'), 'utf8')
    );
    for (const file of fs.readdirSync(path.join(root, 'schema'))) {
      if (file.endsWith('.json')) {
        const name = file.slice(0, -'.json'.length);
        expect(Object.values(PLUGIN_ID)).toContain(`${pkg.name}:${name}`);
      }
    }
  });
});
