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
  PythonStart,
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
  /**
   * Emscripten's module (internal; used after a restore, see `resetCZone`).
   */
  _module?: {
    __tzset_js?: (
      timezone: number,
      daylight: number,
      stdName: number,
      dstName: number
    ) => void;
    _timezone: number;
    _daylight: number;
    _tzname?: number;
    HEAPU32: Uint32Array;
  };
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
    _loadSnapshot?: Uint8Array | Promise<Uint8Array>;
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
 * Imported before a snapshot is taken, so that a restored Python has them at
 * hand (SQL, tracebacks). The same line is in snapshot.build.mjs (a unit test
 * checks it).
 */
const PRELOAD = 'import sqlite3, traceback';

/**
 * Run after every restore. A snapshot holds the state of the Python that made
 * it — on another machine for the one built with the package: its random
 * state (every restore would draw the same numbers) and its time zone (CPython
 * reads it once, at start-up); Pyodide also puts a second "" in front of
 * `sys.path`. Same computation of the zone as CPython's `init_timezone`.
 */
const AFTER_RESTORE = `
import random as _random, sys as _sys, time as _time
_random.seed()
_sys.path[:] = list(dict.fromkeys(_sys.path))
def _devinterview_zone():
    year = 31557600
    t = int(_time.time()) // year * year
    jan, jul = _time.localtime(t), _time.localtime(t + year // 2)
    jan_zone, jul_zone = -jan.tm_gmtoff, -jul.tm_gmtoff
    if jan_zone < jul_zone:
        _time.timezone, _time.altzone = jul_zone, jan_zone
        _time.tzname = (jul.tm_zone, jan.tm_zone)
    else:
        _time.timezone, _time.altzone = jan_zone, jul_zone
        _time.tzname = (jan.tm_zone, jul.tm_zone)
    _time.daylight = int(jan_zone != jul_zone)
_devinterview_zone()
del _random, _sys, _time, _devinterview_zone
`;

/**
 * The C library's time zone (names and offsets, which `time.localtime()`
 * reports) is also set once and lives in the snapshot: set it again from this
 * browser's clock. Pyodide internals: skipped if this build lacks them (the
 * offsets Python computes stay right, only the zone's name would not).
 */
function resetCZone(py: IPyodide): void {
  const m = py._module;
  if (
    !m ||
    typeof m.__tzset_js !== 'function' ||
    typeof m._tzname !== 'number'
  ) {
    return;
  }
  m.__tzset_js(
    m._timezone,
    m._daylight,
    m.HEAPU32[m._tzname >>> 2],
    m.HEAPU32[(m._tzname + 4) >>> 2]
  );
}

async function restore(
  module: IPyodideModule,
  indexURL: string,
  snapshot: Uint8Array | Promise<Uint8Array>
): Promise<IPyodide> {
  const restored = await module.loadPyodide({
    indexURL,
    _loadSnapshot: snapshot
  });
  resetCZone(restored);
  restored.runPython(AFTER_RESTORE);
  return restored;
}

/**
 * The snapshot built with the package, unpacked; null if it cannot be had.
 */
async function fetchPackageSnapshot(url: string): Promise<Uint8Array | null> {
  try {
    const response = await fetch(url);
    if (!response.ok || !response.body) {
      return null;
    }
    const unpacked = response.body.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(unpacked).arrayBuffer());
  } catch {
    return null;
  }
}

/**
 * Start Python, the fastest way there is: this browser's snapshot of an
 * earlier start (the page keeps it), else the snapshot built with the package
 * (a first visit), else the long way. The page is then handed a snapshot to
 * keep: the package's (once restored) or one of the fresh interpreter, taken
 * right after start-up, before any JavaScript object or any program enters
 * Python. A snapshot of the page's that does not restore is reported; one
 * that does not restore at all means the long way.
 */
async function startPython(
  module: IPyodideModule,
  indexURL: string,
  own: Uint8Array | null,
  packaged: (() => Promise<Uint8Array | null>) | null
): Promise<{ pyodide: IPyodide; startedFrom: PythonStart }> {
  if (own) {
    try {
      return {
        pyodide: await restore(module, indexURL, own),
        startedFrom: 'browser'
      };
    } catch {
      self.postMessage({ type: 'snapshot-rejected' });
    }
  }
  let shipped: Uint8Array | null = null;
  try {
    if (!packaged) {
      throw new Error('No snapshot with the package.');
    }
    // Given as a promise: Pyodide fetches its WebAssembly meanwhile.
    const pyodide = await restore(
      module,
      indexURL,
      packaged().then(data => {
        if (!data) {
          throw new Error('No snapshot with the package.');
        }
        return (shipped = data);
      })
    );
    if (shipped) {
      // Restoring copied it into Python's memory: the page may keep it.
      const data: Uint8Array = shipped;
      self.postMessage({ type: 'snapshot', version: module.version, data }, [
        data.buffer
      ]);
    }
    return { pyodide, startedFrom: 'package' };
  } catch {
    // None, or not for this Pyodide build: the long way.
  }
  const fresh = await module.loadPyodide({ indexURL, _makeSnapshot: true });
  fresh.runPython(PRELOAD);
  try {
    const data = fresh.makeMemorySnapshot();
    self.postMessage({ type: 'snapshot', version: module.version, data }, [
      data.buffer
    ]);
  } catch {
    // No snapshot this time: the next start is the long way again.
  }
  return { pyodide: fresh, startedFrom: 'fresh' };
}

/**
 * Serve the files the page downloaded to Pyodide's own `fetch` until Python
 * is ready (the returned function puts `fetch` back: no program
 * ever sees this). Anything else goes to the network as usual.
 */
function serveFiles(
  files: Record<string, ArrayBuffer> | null | undefined
): () => void {
  const held = new Map(
    Object.entries(files ?? {}).filter(
      ([, bytes]) => bytes instanceof ArrayBuffer
    )
  );
  const scope = self as unknown as { fetch: typeof fetch };
  const original = scope.fetch;
  if (held.size === 0) {
    return () => undefined;
  }
  scope.fetch = (input, init) => {
    const url =
      typeof input === 'string'
        ? input
        : input instanceof URL
          ? input.href
          : input.url;
    const bytes = held.get(url);
    if (!bytes) {
      return original.call(self, input, init);
    }
    // Kept, not handed out once: a start that fails half-way (a snapshot
    // that does not restore) is followed by another.
    const type = url.endsWith('.wasm')
      ? 'application/wasm'
      : 'application/octet-stream';
    return Promise.resolve(
      new Response(bytes, { headers: { 'Content-Type': type } })
    );
  };
  return () => {
    scope.fetch = original;
  };
}

async function init(message: IInitMessage): Promise<void> {
  const started = performance.now();
  const restoreFetch = serveFiles(message.files);
  try {
    self.postMessage({ type: 'loading', message: 'Downloading Python…' });
    const indexURL = message.indexURL;
    const own =
      message.snapshot && message.snapshotVersion ? message.snapshot : null;
    // Download the package's snapshot beside Pyodide's own files (it is
    // needed only when the page has none that restores).
    const packageUrl = message.packageSnapshotUrl ?? null;
    let packaged: Promise<Uint8Array | null> | null =
      !own && packageUrl ? fetchPackageSnapshot(packageUrl) : null;
    // Pyodide's loader is an ES module served beside its files (or from the
    // configured distribution): not something for the bundler to resolve.
    const module: IPyodideModule = await import(
      /* webpackIgnore: true */ new URL('pyodide.mjs', indexURL).href
    );
    self.postMessage({ type: 'loading', message: 'Starting Python…' });
    const startup = await startPython(
      module,
      indexURL,
      message.snapshotVersion === module.version ? own : null,
      packageUrl ? () => (packaged ??= fetchPackageSnapshot(packageUrl)) : null
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
    restoreFetch();
    self.postMessage({
      type: 'ready',
      loadMs: Math.round(performance.now() - started),
      startedFrom: startup.startedFrom
    });
  } catch (error) {
    restoreFetch();
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
