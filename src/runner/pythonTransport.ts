import type { RuntimeEvent } from './protocol';
import type { TransportFactory } from './runtime';

/**
 * Python in a dedicated worker. `indexURL` empty: the Pyodide files served
 * with our extension (beside the worker's own script).
 */
export function pythonTransport(
  indexURL: string,
  loadPackages: boolean
): TransportFactory {
  return onEvent => {
    // The URL first, then the worker: written as one expression, the bundler
    // would turn it into a classic worker, and Pyodide needs a module worker.
    const url = new URL('./python.worker.js', import.meta.url);
    const worker = new Worker(url, { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<RuntimeEvent>) =>
      onEvent(event.data)
    );
    worker.addEventListener('error', event => {
      event.preventDefault();
      onEvent({
        type: 'failed',
        message: `The Python worker failed: ${event.message || 'unknown error'}`
      });
    });
    worker.postMessage({ type: 'init', indexURL, loadPackages });
    return {
      post: message => worker.postMessage(message),
      dispose: () => worker.terminate()
    };
  };
}
