import type { IRunMessage, RuntimeEvent } from './protocol';
import type { TransportFactory } from './runtime';

/**
 * JavaScript runs in a worker started by a sandboxed frame
 * (`sandbox="allow-scripts"`, no `allow-same-origin`): the frame has an opaque
 * origin, so the program cannot reach the page, its storage or cookies, nor
 * call the server with the page's credentials; the worker keeps a runaway
 * loop off the page's thread, and removing the frame kills it.
 */
export const jsSandboxTransport: TransportFactory = onEvent => {
  const frame = document.createElement('iframe');
  frame.className = 'jp-DevInterview-sandbox';
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.srcdoc = sandboxDocument();
  const onMessage = (event: MessageEvent) => {
    // Only our frame; its origin is opaque ("null"), so check the source.
    if (event.source === frame.contentWindow && isEvent(event.data)) {
      onEvent(event.data);
    }
  };
  window.addEventListener('message', onMessage);
  document.body.appendChild(frame);
  return {
    post: (message: IRunMessage) =>
      frame.contentWindow?.postMessage(message, '*'),
    dispose: () => {
      window.removeEventListener('message', onMessage);
      frame.remove();
    }
  };
};

function isEvent(data: unknown): data is RuntimeEvent {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { type?: unknown }).type === 'string'
  );
}

/**
 * The frame's HTML: it starts one worker per run and relays messages.
 */
export function sandboxDocument(): string {
  const worker = `(${sandboxWorkerMain.toString()})();`;
  const script = `(${sandboxFrameMain.toString()})(${JSON.stringify(worker)});`;
  return (
    '<!doctype html><meta charset="utf-8">' +
    `<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`
  );
}

/**
 * Runs inside the sandboxed frame (serialised with `toString()`: it must not
 * use anything from this module).
 */
function sandboxFrameMain(workerSource: string): void {
  const url = URL.createObjectURL(
    new Blob([workerSource], { type: 'text/javascript' })
  );
  let worker: Worker | null = null;
  window.addEventListener('message', event => {
    const message = event.data;
    if (event.source !== window.parent || !message || message.type !== 'run') {
      return;
    }
    worker?.terminate();
    worker = new Worker(url);
    worker.onmessage = e => window.parent.postMessage(e.data, '*');
    worker.onerror = e => {
      e.preventDefault();
      window.parent.postMessage(
        {
          type: 'output',
          runId: message.runId,
          chunks: [{ kind: 'text', stream: 'stderr', text: `${e.message}\n` }]
        },
        '*'
      );
      window.parent.postMessage(
        { type: 'done', runId: message.runId, status: 'error', durationMs: 0 },
        '*'
      );
    };
    worker.postMessage(message);
  });
  window.parent.postMessage({ type: 'ready', loadMs: 0 }, '*');
}

/**
 * Runs in the worker (serialised with `toString()`): console output and
 * `readline()`/`prompt()` on the stdin lines, the program as the body of an
 * async function (top-level `await` works), errors with their stack.
 */
function sandboxWorkerMain(): void {
  const scope = self as any;
  scope.onmessage = async (event: MessageEvent) => {
    const message = event.data;
    const runId: string = message.runId;
    const limit: number = message.outputLimit;
    let used = 0;
    let pending: { kind: 'text'; stream: string; text: string }[] = [];
    let last = performance.now();
    const flush = () => {
      last = performance.now();
      if (pending.length > 0) {
        scope.postMessage({ type: 'output', runId, chunks: pending });
        pending = [];
      }
    };
    const emit = (stream: string, text: string) => {
      if (used > limit) {
        return;
      }
      used += text.length;
      pending.push({ kind: 'text', stream, text });
      if (performance.now() - last >= 50) {
        flush();
      }
    };
    const show = (value: unknown): string => {
      if (typeof value === 'string') {
        return value;
      }
      if (value instanceof Error) {
        return value.stack || String(value);
      }
      try {
        const json = JSON.stringify(value);
        return json === undefined ? String(value) : json;
      } catch {
        return String(value);
      }
    };
    const line = (args: unknown[]) => `${args.map(show).join(' ')}\n`;
    const console = scope.console;
    console.log =
      console.info =
      console.debug =
        (...args: unknown[]) => emit('stdout', line(args));
    console.error = console.warn = (...args: unknown[]) =>
      emit('stderr', line(args));
    const lines = String(message.stdin).split('\n');
    if (lines[lines.length - 1] === '') {
      lines.pop();
    }
    scope.readline = scope.prompt = (question?: unknown) => {
      if (question !== undefined) {
        emit('stdout', String(question));
      }
      const next = lines.shift();
      if (next === undefined) {
        return null;
      }
      emit('stdout', `${next}\n`);
      return next;
    };
    const started = performance.now();
    let status = 'ok';
    try {
      // One line of wrapper, so line numbers in stacks are the program's.
      await (0, eval)(
        `(async () => {${message.code}\n})()\n//# sourceURL=main.js`
      );
    } catch (error) {
      status = 'error';
      const text =
        error instanceof Error
          ? (error.stack || String(error))
              .split('\n')
              .filter(l => !/^\s+at /.test(l) || l.includes('main.js'))
              .join('\n')
          : `Uncaught ${show(error)}`;
      emit('stderr', `${text}\n`);
    }
    flush();
    scope.postMessage({
      type: 'done',
      runId,
      status,
      durationMs: Math.round(performance.now() - started)
    });
  };
}
