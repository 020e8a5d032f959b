// Build step (run by webpack.config.js in a child Node process, not shipped as
// code): start Pyodide in Node, take a memory snapshot of the fresh interpreter
// and write it gzip-compressed. The browser worker restores it on a first
// visit (python.worker.ts), which skips CPython's start-up.
//
//   node snapshot.build.mjs <pyodide folder> <output .bin.gz>
//
// The snapshot must look like one made in a browser worker: same executable
// name and arguments (Node's would name this script), no JavaScript object
// inside Python, the same modules imported (PRELOAD in python.worker.ts). What
// differs by machine — the time zone, the random state — the worker resets
// after every restore.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

// Keep equal to PRELOAD in python.worker.ts (a unit test checks it).
const PRELOAD = 'import sqlite3, traceback';

const [folder, output] = process.argv.slice(2);
if (!folder || !output) {
  process.stderr.write(
    'usage: node snapshot.build.mjs <pyodide folder> <output>\n'
  );
  process.exit(2);
}
const indexURL = folder.endsWith('/') ? folder : `${folder}/`;
const { loadPyodide } = await import(
  pathToFileURL(`${indexURL}pyodide.mjs`).href
);
const pyodide = await loadPyodide({
  indexURL,
  _makeSnapshot: true,
  // A browser has no program path; Emscripten then says "./this.program".
  _sysExecutable: './this.program',
  args: [],
  env: {}
});
pyodide.runPython(PRELOAD);
const data = pyodide.makeMemorySnapshot();
writeFileSync(output, gzipSync(data, { level: 9 }));
