/**
 * The Python runtime: Pyodide in a dedicated worker (a runaway program blocks
 * only this worker, which the page can terminate). Also runs SQL through
 * Python's sqlite3 on an in-memory database.
 *
 * Started by `pythonTransport` as a module worker (Pyodide needs one) inside the
 * opaque-origin sandbox frame of `sandbox.ts`; talks the messages of `protocol.ts`. The bundler copies this file as it is (see
 * webpack.config.js): a bundled worker would be a classic one.
 */
// Types only: this file is served as it is compiled (one self-contained ES
// module, no bundler), so it may import nothing at run time.
import type {
  IInitMessage,
  IRunMessage,
  ISetupEvent,
  OutputChunk,
  OutputStream,
  RuntimeEvent
} from './protocol';

/**
 * Rows of one result table that are kept (`MAX_TABLE_ROWS` in protocol.ts).
 */
const MAX_TABLE_ROWS = 200;

interface IPyodide {
  runPython(code: string): unknown;
  setStdout(options: { write: (buffer: Uint8Array) => number }): void;
  setStderr(options: { write: (buffer: Uint8Array) => number }): void;
  setStdin(options: { stdin: () => string | null; isatty?: boolean }): void;
  registerJsModule(name: string, module: object): void;
  loadPackagesFromImports(code: string): Promise<unknown>;
  globals: { get(name: string): (...args: unknown[]) => unknown };
  makeMemorySnapshot(): Uint8Array;
}

interface IWorkerScope {
  postMessage(
    message: RuntimeEvent | ISetupEvent,
    transfer?: Transferable[]
  ): void;
  addEventListener(
    type: 'message',
    listener: (event: { data: IInitMessage | IRunMessage }) => void
  ): void;
}

interface IPyodideModule {
  version: string;
  loadPyodide(options: {
    indexURL: string;
    _makeSnapshot?: boolean;
    _loadSnapshot?: Uint8Array;
  }): Promise<IPyodide>;
}

declare const self: IWorkerScope;

/**
 * Output is sent to the page at most this often while a program runs.
 */
const FLUSH_MS = 50;

const HELPERS = `
import sys as _sys, traceback as _traceback

def _devinterview_run(code):
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        exec(compile(code, "<main.py>", "exec"), namespace)
        return True
    except SystemExit as e:
        if e.code in (None, 0):
            return True
        if not isinstance(e.code, int):
            print(e.code, file=_sys.stderr)
        return False
    except BaseException as e:
        # Leave out this helper's own frame: the traceback starts in the program.
        _traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        return False
    finally:
        _sys.stdout.flush()
        _sys.stderr.flush()

def _devinterview_sql(script):
    import sqlite3
    from devinterview import table
    db = sqlite3.connect(":memory:")
    pieces = script.split(";")
    statement, number = "", 0
    try:
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            statement += piece if last else piece + ";"
            # A ";" inside a string literal does not end the statement.
            if not last and not sqlite3.complete_statement(statement):
                continue
            if not statement.strip():
                statement = ""
                continue
            number += 1
            cursor = db.execute(statement)
            statement = ""
            if cursor.description:
                columns = [d[0] for d in cursor.description]
                rows = cursor.fetchmany(${MAX_TABLE_ROWS} + 1)
                table(columns, [list(r) for r in rows[:${MAX_TABLE_ROWS}]], len(rows) > ${MAX_TABLE_ROWS})
        return True
    except sqlite3.Error as e:
        print(f"Error in statement {number}: {e}", file=_sys.stderr)
        return False
    finally:
        db.close()
        _sys.stdout.flush()
        _sys.stderr.flush()
`;

let pyodide: IPyodide | null = null;
let loadPackages = false;

/**
 * The output of the current run, batched. Forwarding stops once the limit is
 * passed, so a print loop cannot flood the page; the page cuts at the limit
 * and marks the cut.
 */
class RunOutput {
  constructor(
    readonly runId: string,
    readonly limit: number
  ) {}

  write(stream: OutputStream, text: string): void {
    this.push({ kind: 'text', stream, text });
  }

  push(chunk: OutputChunk): void {
    if (this._used > this.limit) {
      return;
    }
    this._used +=
      chunk.kind === 'text' ? chunk.text.length : JSON.stringify(chunk).length;
    this._pending.push(chunk);
    if (performance.now() - this._lastFlush >= FLUSH_MS) {
      this.flush();
    }
  }

  flush(): void {
    this._lastFlush = performance.now();
    if (this._pending.length === 0) {
      return;
    }
    const chunks = this._pending;
    this._pending = [];
    self.postMessage({ type: 'output', runId: this.runId, chunks });
  }

  private _used = 0;
  private _pending: OutputChunk[] = [];
  private _lastFlush = performance.now();
}

let output: RunOutput | null = null;
const decoder = new TextDecoder();

function writer(stream: OutputStream) {
  return (buffer: Uint8Array): number => {
    output?.write(stream, decoder.decode(buffer));
    return buffer.length;
  };
}

/**
 * Start Python: from the page's memory snapshot of a previous start when it
 * has one (~0.7 s instead of ~6 s here), else the long way, then hand the page
 * a snapshot of the fresh interpreter. The snapshot is taken right after
 * start-up, before any JavaScript object or any program enters Python; one
 * that does not restore is reported and Python starts the long way.
 */
async function startPython(
  module: IPyodideModule,
  indexURL: string,
  snapshot: Uint8Array | null
): Promise<{ pyodide: IPyodide; fromSnapshot: boolean }> {
  if (snapshot) {
    try {
      const restored = await module.loadPyodide({
        indexURL,
        _loadSnapshot: snapshot
      });
      restored.runPython('import sys');
      return { pyodide: restored, fromSnapshot: true };
    } catch {
      self.postMessage({ type: 'snapshot-rejected' });
    }
  }
  const fresh = await module.loadPyodide({ indexURL, _makeSnapshot: true });
  fresh.runPython('import sqlite3, traceback');
  try {
    const data = fresh.makeMemorySnapshot();
    self.postMessage({ type: 'snapshot', version: module.version, data }, [
      data.buffer
    ]);
  } catch {
    // No snapshot this time: the next start is the long way again.
  }
  return { pyodide: fresh, fromSnapshot: false };
}

async function init(message: IInitMessage): Promise<void> {
  const started = performance.now();
  try {
    self.postMessage({ type: 'loading', message: 'Downloading Python…' });
    const indexURL = message.indexURL;
    // Pyodide's loader is an ES module served beside its files (or from the
    // configured distribution): not something for the bundler to resolve.
    const module: IPyodideModule = await import(
      /* webpackIgnore: true */ new URL('pyodide.mjs', indexURL).href
    );
    self.postMessage({ type: 'loading', message: 'Starting Python…' });
    const startup = await startPython(
      module,
      indexURL,
      message.snapshotVersion === module.version
        ? (message.snapshot ?? null)
        : null
    );
    pyodide = startup.pyodide;
    loadPackages = message.loadPackages;
    pyodide.setStdout({ write: writer('stdout') });
    pyodide.setStderr({ write: writer('stderr') });
    pyodide.registerJsModule('devinterview', {
      table: (columns: unknown, rows: unknown, truncated: unknown) => {
        output?.push({
          kind: 'table',
          columns: toJs(columns) as string[],
          rows: toJs(rows) as (string | number | null)[][],
          truncated: Boolean(truncated)
        });
      }
    });
    pyodide.runPython(HELPERS);
    self.postMessage({
      type: 'ready',
      loadMs: Math.round(performance.now() - started),
      fromSnapshot: startup.fromSnapshot
    });
  } catch (error) {
    self.postMessage({
      type: 'failed',
      message: `Python could not start: ${error instanceof Error ? error.message : String(error)}`
    });
  }
}

function toJs(value: unknown): unknown {
  const proxy = value as { toJs?: (options?: object) => unknown };
  return typeof proxy?.toJs === 'function'
    ? proxy.toJs({ create_proxies: false })
    : value;
}

async function run(message: IRunMessage): Promise<void> {
  const py = pyodide;
  if (!py) {
    self.postMessage({ type: 'failed', message: 'Python is not loaded.' });
    return;
  }
  const current = new RunOutput(message.runId, message.outputLimit);
  output = current;
  const lines = message.stdin.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  py.setStdin({
    stdin: () => {
      const line = lines.shift();
      if (line === undefined) {
        return null;
      }
      // Show what the program read, as a terminal would.
      current.write('stdout', `${line}\n`);
      return line;
    }
  });
  const started = performance.now();
  let ok = false;
  try {
    if (loadPackages && message.mode === 'python') {
      await py.loadPackagesFromImports(message.code);
    }
    const helper = py.globals.get(
      message.mode === 'sql' ? '_devinterview_sql' : '_devinterview_run'
    );
    ok = Boolean(helper(message.code));
  } catch (error) {
    current.write(
      'stderr',
      `${error instanceof Error ? error.message : String(error)}\n`
    );
  }
  current.flush();
  output = null;
  self.postMessage({
    type: 'done',
    runId: message.runId,
    status: ok ? 'ok' : 'error',
    durationMs: Math.round(performance.now() - started)
  });
}

// One message at a time: a run never starts before the runtime is ready.
let queue: Promise<void> = Promise.resolve();
self.addEventListener('message', event => {
  const message = event.data;
  queue = queue.then(() =>
    message.type === 'init' ? init(message) : run(message)
  );
});
