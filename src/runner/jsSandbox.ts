import type { TransportFactory } from './runtime';
import { sandboxTransport } from './sandbox';

/**
 * JavaScript in the sandbox of `sandbox.ts`: a fresh worker per run, console
 * output and `readline()` / `prompt()` on the stdin lines.
 */
export const jsSandboxTransport: TransportFactory = sandboxTransport({
  workerSource: `(${sandboxWorkerMain.toString()})();`,
  module: false,
  workerPerRun: true
});

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
