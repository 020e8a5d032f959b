import type { TransportFactory } from './runtime';
import { sandboxTransport } from './sandbox';
import type { IPythonOptions } from './startup';
import { PAGE_FETCHED, pythonInit } from './startup';
import { deleteSnapshot, loadSnapshot, saveSnapshot } from './snapshotStore';

/**
 * Python (Pyodide) in a worker inside the sandbox frame.
 *
 * The frame has an opaque origin, so the worker script and Pyodide's files
 * are fetched with CORS: they come from `staticBase`, our extension's files as
 * the server's `devinterview/static/` route serves them (public, with
 * `Access-Control-Allow-Origin: *`). Those two folders are all the frame's
 * policy lets the worker load or fetch (see `sandboxPolicy`).
 */
export function pythonTransport(
  options: IPythonOptions & { staticBase: string }
): TransportFactory {
  // The bundler emits the worker as a file with a hashed name, which the
  // server serves from the labextension JupyterLab loaded.
  const bundled = new URL('./python.worker.js', import.meta.url);
  const name = bundled.pathname.split('/').pop() ?? '';
  const workerUrl = new URL(name, options.staticBase).href;
  const key = options.indexURL;
  return onEvent => {
    // From the page, at once: see PAGE_FETCHED.
    const files = fetchFiles(options.indexURL);
    return sandboxTransport({
      workerSource: pythonBootstrap(workerUrl),
      module: false,
      workerPerRun: false,
      // Our worker module is under staticBase; Pyodide's files under indexURL
      // (the same folder's pyodide/, or the configured distribution).
      sources: [options.staticBase, options.indexURL],
      init: async () => ({
        ...pythonInit(options, await loadSnapshot(key)),
        files: await files
      }),
      onSetup: event => {
        if (event.type === 'snapshot') {
          void saveSnapshot(key, { version: event.version, data: event.data });
        } else {
          void deleteSnapshot(key);
        }
      }
    })(onEvent);
  };
}

/**
 * Pyodide's big files, downloaded by the page (cached in its HTTP cache);
 * one that cannot be had is left to the worker.
 */
async function fetchFiles(
  indexURL: string
): Promise<Record<string, ArrayBuffer>> {
  const files: Record<string, ArrayBuffer> = {};
  await Promise.all(
    PAGE_FETCHED.map(async name => {
      const url = new URL(name, indexURL).href;
      try {
        const response = await fetch(url);
        if (response.ok) {
          files[url] = await response.arrayBuffer();
        }
      } catch {
        // The worker downloads it itself.
      }
    })
  );
  return files;
}

/**
 * The worker's first script. A sandboxed (opaque-origin) frame cannot start
 * module workers here, so the worker is a classic one that imports our worker
 * module dynamically. Messages that arrive before that import finishes are
 * held and replayed. `importScripts` is hidden because Pyodide refuses to run
 * in what it detects as a classic worker; it only needs dynamic `import()`,
 * which classic workers have.
 */
export function pythonBootstrap(workerUrl: string): string {
  return `(${bootstrapMain.toString()})(${JSON.stringify(workerUrl)});`;
}

function bootstrapMain(url: string): void {
  const scope = self as any;
  const held: MessageEvent[] = [];
  const hold = (event: MessageEvent) => held.push(event);
  scope.addEventListener('message', hold);
  scope.importScripts = undefined;
  import(/* webpackIgnore: true */ url).then(
    () => {
      scope.removeEventListener('message', hold);
      for (const event of held) {
        scope.dispatchEvent(new MessageEvent('message', { data: event.data }));
      }
    },
    (error: unknown) =>
      scope.postMessage({
        type: 'failed',
        message: `Python could not start: ${String(error)}`
      })
  );
}
