import type { IRuntimeTransport, TransportFactory } from './runtime';
import type { ISetupEvent, RuntimeEvent } from './protocol';

/**
 * What a sandbox runs.
 */
export interface ISandboxOptions {
  /**
   * The source of the worker the frame starts (from a blob, in the frame).
   */
  workerSource: string;
  /**
   * Whether that worker is an ES module worker.
   */
  module: boolean;
  /**
   * A fresh worker for every run (JavaScript) or one for the frame's life (Python).
   */
  workerPerRun: boolean;
  /**
   * The first message for a long-lived worker, sent once the frame is up.
   */
  init?: () => Promise<unknown>;
  /**
   * Start-up messages of the runtime, taken only before it is ready (after
   * that, a program runs in the worker and nothing it sends is trusted).
   */
  onSetup?: (event: ISetupEvent) => void;
}

/**
 * Code runs in a worker started by a sandboxed frame (`sandbox="allow-scripts"`,
 * no `allow-same-origin`): the frame and its worker have an opaque origin, so a
 * program cannot reach the page, its storage or cookies, nor call the server
 * with the page's credentials (requests from it carry no cookies and Jupyter's
 * API answers no CORS). The worker keeps a runaway loop off the page's thread;
 * removing the frame kills it.
 */
export function sandboxTransport(options: ISandboxOptions): TransportFactory {
  return onEvent => {
    const frame = document.createElement('iframe');
    frame.className = 'jp-DevInterview-sandbox';
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.srcdoc = sandboxDocument(options);
    const t0 = performance.now();
    let ready = false;
    let disposed = false;
    const queue: unknown[] = [];
    let frameUp = false;
    const send = (message: unknown) => {
      if (frameUp) {
        frame.contentWindow?.postMessage(message, '*');
      } else {
        queue.push(message);
      }
    };
    const onMessage = (event: MessageEvent) => {
      // Only our frame; its origin is opaque ("null"), so check the source.
      if (event.source !== frame.contentWindow || !isMessage(event.data)) {
        return;
      }
      const data = event.data;
      if (data.type === 'frame-ready') {
        frameUp = true;
        const init = options.init;
        if (init) {
          void init().then(message => {
            if (!disposed) {
              frame.contentWindow?.postMessage(message, '*');
              queue.splice(0).forEach(send);
            }
          });
        } else {
          // Nothing to start: the frame being up is the runtime being ready.
          queue.splice(0).forEach(send);
          ready = true;
          onEvent({
            type: 'ready',
            loadMs: Math.round(performance.now() - t0)
          });
        }
        return;
      }
      if (data.type === 'snapshot' || data.type === 'snapshot-rejected') {
        if (!ready) {
          options.onSetup?.(data as ISetupEvent);
        }
        return;
      }
      if (data.type === 'ready') {
        ready = true;
      }
      onEvent(data as RuntimeEvent);
    };
    window.addEventListener('message', onMessage);
    document.body.appendChild(frame);
    const transport: IRuntimeTransport = {
      post: message => send(message),
      dispose: () => {
        disposed = true;
        window.removeEventListener('message', onMessage);
        frame.remove();
      }
    };
    return transport;
  };
}

function isMessage(data: unknown): data is { type: string } {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { type?: unknown }).type === 'string'
  );
}

/**
 * The frame's HTML: it starts the worker and relays messages both ways.
 */
export function sandboxDocument(options: ISandboxOptions): string {
  const script = `(${sandboxFrameMain.toString()})(${JSON.stringify(
    options.workerSource
  )}, ${options.module}, ${options.workerPerRun});`;
  return (
    '<!doctype html><meta charset="utf-8">' +
    `<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`
  );
}

/**
 * Runs inside the sandboxed frame (serialised with `toString()`: it must not
 * use anything from this module).
 */
function sandboxFrameMain(
  workerSource: string,
  isModule: boolean,
  workerPerRun: boolean
): void {
  const url = URL.createObjectURL(
    new Blob([workerSource], { type: 'text/javascript' })
  );
  let worker: Worker | null = null;
  let runId = '';
  const relay = (data: any) => {
    const buffer = data && data.data && data.data.buffer;
    window.parent.postMessage(
      data,
      '*',
      buffer instanceof ArrayBuffer ? [buffer] : []
    );
  };
  const start = () => {
    if (worker) {
      worker.terminate();
    }
    worker = new Worker(url, isModule ? { type: 'module' } : {});
    worker.onmessage = e => relay(e.data);
    worker.onerror = e => {
      e.preventDefault();
      if (workerPerRun) {
        relay({
          type: 'output',
          runId,
          chunks: [{ kind: 'text', stream: 'stderr', text: `${e.message}\n` }]
        });
        relay({ type: 'done', runId, status: 'error', durationMs: 0 });
      } else {
        relay({ type: 'failed', message: e.message || 'The runtime failed.' });
      }
    };
  };
  window.addEventListener('message', event => {
    const message = event.data;
    if (event.source !== window.parent || !message || !message.type) {
      return;
    }
    if (message.type === 'run') {
      runId = message.runId;
    }
    if (!worker || (workerPerRun && message.type === 'run')) {
      start();
    }
    worker!.postMessage(message);
  });
  window.parent.postMessage({ type: 'frame-ready' }, '*');
}
