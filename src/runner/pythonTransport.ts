import type { TransportFactory } from './runtime';
import { sandboxTransport } from './sandbox';
import { deleteSnapshot, loadSnapshot, saveSnapshot } from './snapshotStore';

/**
 * Python (Pyodide) in a worker inside the sandbox frame.
 *
 * The frame has an opaque origin, so the worker script and Pyodide's files
 * are fetched with CORS: they come from `staticBase`, our extension's files as
 * the server's candidate-site handler serves them (public, with
 * `Access-Control-Allow-Origin: *`). Those two folders are all the frame's
 * policy lets the worker load or fetch (see `sandboxPolicy`).
 */
export function pythonTransport(options: {
  staticBase: string;
  indexURL: string;
  loadPackages: boolean;
}): TransportFactory {
  // The bundler emits the worker as a file with a hashed name; the same file
  // is in the candidate site's copy of this extension.
  const bundled = new URL('./python.worker.js', import.meta.url);
  const name = bundled.pathname.split('/').pop() ?? '';
  const workerUrl = new URL(name, options.staticBase).href;
  const key = options.indexURL;
  return sandboxTransport({
    workerSource: pythonBootstrap(workerUrl),
    module: false,
    workerPerRun: false,
    // Our worker module is under staticBase; Pyodide's files under indexURL
    // (the same folder's pyodide/, or the configured distribution).
    sources: [options.staticBase, options.indexURL],
    init: async () => {
      const stored = await loadSnapshot(key);
      return {
        type: 'init',
        indexURL: options.indexURL,
        loadPackages: options.loadPackages,
        snapshot: stored?.data ?? null,
        snapshotVersion: stored?.version ?? null
      };
    },
    onSetup: event => {
      if (event.type === 'snapshot') {
        void saveSnapshot(key, { version: event.version, data: event.data });
      } else {
        void deleteSnapshot(key);
      }
    }
  });
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
