import type { IRuntimeTransport, TransportFactory } from './runtime';
import type { ISetupEvent, RuntimeEvent } from './protocol';
import { randomNonce } from './nonce';

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
  /**
   * Where the runtime loads its files from (absolute URLs of folders, ending
   * with "/"): the only places the frame's Content-Security-Policy lets it
   * load scripts from and send requests to. None: no requests at all.
   */
  sources?: readonly string[];
}

/**
 * Code runs in a worker started by a sandboxed frame (`sandbox="allow-scripts"`,
 * no `allow-same-origin`): the frame and its worker have an opaque origin, so a
 * program cannot reach the page, its storage or cookies, nor call the server
 * with the page's credentials (requests from it carry no cookies and Jupyter's
 * API answers no CORS). The frame's Content-Security-Policy (see
 * `sandboxPolicy`) goes further: a program cannot send a request at all, except
 * to the folders the runtime loads its own files from. The worker keeps a
 * runaway loop off the page's thread; removing the frame kills it.
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
      if (data.type === 'ready' && !ready) {
        ready = true;
        // What Python started from, for tests and whoever inspects the page.
        const from = (data as { startedFrom?: unknown }).startedFrom;
        if (from === 'browser' || from === 'package' || from === 'fresh') {
          frame.dataset.startedFrom = from;
        }
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
 * The frame's HTML: its policy first (a `<meta>` policy covers only what
 * comes after it), then the script that starts the worker and relays
 * messages both ways.
 */
export function sandboxDocument(options: ISandboxOptions): string {
  const nonce = randomNonce();
  const script = `(${sandboxFrameMain.toString()})(${JSON.stringify(
    options.workerSource
  )}, ${options.module}, ${options.workerPerRun});`;
  return (
    '<!doctype html><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${sandboxPolicy(
      options.sources ?? [],
      nonce
    )}">` +
    `<script nonce="${nonce}">${script.replace(/<\/script/gi, '<\\/script')}</script>`
  );
}

/**
 * The Content-Security-Policy of the sandbox frame. Workers the frame starts
 * from blob: URLs inherit it, so it binds the program too. Code under test
 * may hold what it must not send anywhere (the hidden tests' input, in an
 * interviewer's browser), so it allows no request but those the runtime needs:
 * - `default-src 'none'`: nothing else (images, fonts, frames, media, …);
 * - `script-src`: the frame's own script (by `nonce`); `'unsafe-eval'` (the
 *   JavaScript runner evaluates the program, Pyodide compiles code at run
 *   time); `'wasm-unsafe-eval'` (Pyodide is WebAssembly: browsers that do not
 *   count it under `'unsafe-eval'`); `blob:` (the worker's script, for
 *   browsers without `worker-src`); `sources` (our Python worker module,
 *   `pyodide.mjs` and `pyodide.asm.mjs`, imported);
 * - `worker-src blob:`: the worker, made from a blob in the frame;
 * - `connect-src`: `sources` only (Pyodide fetches its WebAssembly, its
 *   standard library and packages from there), else `'none'`;
 * - `base-uri`, `form-action 'none'`: they do not fall back to `default-src`.
 * Sources are full URLs: the frame's origin is opaque, so `'self'` would not
 * name the server. A folder URL (ending with "/") allows only what is under it
 * (browsers check only the origin after a redirect, and refuse a redirect to
 * another origin: a `pyodide_url` must serve its files without one).
 */
export function sandboxPolicy(
  sources: readonly string[],
  nonce: string
): string {
  const allowed = sources
    .map(sourceExpression)
    .filter((source): source is string => source !== null);
  const unique = Array.from(new Set(allowed));
  const list = (values: string[]) =>
    values.length > 0 ? values.join(' ') : "'none'";
  return [
    "default-src 'none'",
    `script-src ${list([
      `'nonce-${nonce}'`,
      "'unsafe-eval'",
      "'wasm-unsafe-eval'",
      'blob:',
      ...unique
    ])}`,
    'worker-src blob:',
    `connect-src ${list(unique)}`,
    "base-uri 'none'",
    "form-action 'none'"
  ].join('; ');
}

/**
 * A source of the policy for an http(s) URL (resolved against the page),
 * without its query and fragment; null for anything else. Characters that
 * would end the source or the directive, or the `content` attribute, are
 * percent-encoded, as a URL may have them.
 */
function sourceExpression(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, globalThis.location?.href);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return null;
  }
  if (parsed.username || parsed.password) {
    return null;
  }
  parsed.search = '';
  parsed.hash = '';
  return parsed.href.replace(
    /[;,'"<>&\s*]/g,
    char => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
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
