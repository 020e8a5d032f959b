/**
 * The messages between the page and a code runtime (the Python worker, the
 * JavaScript sandbox), and the output limit both sides apply. No DOM here:
 * the worker bundles this module too.
 */

/**
 * How a run ended (or that it is still going).
 */
export type RunStatus =
  'running' | 'ok' | 'error' | 'timeout' | 'stopped' | 'failed';

/**
 * Every `RunStatus`, for checking values read from the room.
 */
export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'ok',
  'error',
  'timeout',
  'stopped',
  'failed'
];

/**
 * Where a piece of text output came from; `system` is what the runner itself
 * says (time limit, truncation).
 */
export type OutputStream = 'stdout' | 'stderr' | 'system';

/**
 * Text written by the program.
 */
export interface ITextChunk {
  kind: 'text';
  stream: OutputStream;
  text: string;
}

/**
 * A result table (SQL).
 */
export interface ITableChunk {
  kind: 'table';
  columns: string[];
  rows: (string | number | null)[][];
  /**
   * Whether rows were left out (more than `MAX_TABLE_ROWS`).
   */
  truncated: boolean;
}

/**
 * One piece of a run's output.
 */
export type OutputChunk = ITextChunk | ITableChunk;

/**
 * What a runtime executes code as.
 */
export type RunMode = 'python' | 'sql' | 'javascript';

/**
 * Page → runtime: start the runtime (Python: where Pyodide's files are).
 */
export interface IInitMessage {
  type: 'init';
  /**
   * Pyodide's files (absolute URL, with a trailing slash).
   */
  indexURL: string;
  /**
   * A memory snapshot of a previous start (same Pyodide version), if the
   * page has one.
   */
  snapshot?: Uint8Array | null;
  /**
   * The Pyodide version that made the snapshot (used only when it matches).
   */
  snapshotVersion?: string | null;
  /**
   * The snapshot built with our package (absolute URL, gzip-compressed), for
   * a first visit: restored when the page has none of its own. Null when
   * Pyodide comes from elsewhere (`pyodide_url`): it was made for our copy.
   */
  packageSnapshotUrl?: string | null;
  /**
   * Pyodide's files the page has downloaded (absolute URL → bytes), served
   * to Pyodide instead of downloading them again in the sandbox.
   */
  files?: Record<string, ArrayBuffer> | null;
  /**
   * Whether to load the packages a program imports (only a full Pyodide
   * distribution has them).
   */
  loadPackages: boolean;
}

/**
 * Page → runtime: run a program.
 */
export interface IRunMessage {
  type: 'run';
  runId: string;
  mode: RunMode;
  code: string;
  /**
   * What `input()` (Python) or `readline()` (JavaScript) read, line by line.
   */
  stdin: string;
  /**
   * Output bytes forwarded at most; the rest is cut with a marker.
   */
  outputLimit: number;
}

/**
 * Where a Python start came from (see `startedFrom`).
 */
export type PythonStart = 'browser' | 'package' | 'fresh';

/**
 * Runtime → page, during start-up only: a memory snapshot of the fresh
 * interpreter for the page to keep, or word that the one it gave was refused.
 */
export type ISetupEvent =
  | { type: 'snapshot'; version: string; data: Uint8Array }
  | { type: 'snapshot-rejected' };

/**
 * Runtime → page messages.
 */
export type RuntimeEvent =
  | { type: 'loading'; message: string }
  | {
      type: 'ready';
      loadMs: number;
      /**
       * What Python started from: this browser's snapshot, the one built
       * with the package, or a fresh start.
       */
      startedFrom?: PythonStart;
    }
  | { type: 'failed'; message: string }
  | { type: 'output'; runId: string; chunks: OutputChunk[] }
  | {
      type: 'done';
      runId: string;
      status: 'ok' | 'error';
      durationMs: number;
    };

/**
 * Output kept per run by default (text bytes; tables count their cells).
 */
export const DEFAULT_OUTPUT_LIMIT = 64 * 1024;

/**
 * Rows of one result table that are kept.
 */
export const MAX_TABLE_ROWS = 200;

/**
 * Lets output through up to a byte budget, then one marker and nothing more.
 * Both the runtime (so a print loop cannot flood the page) and the run log
 * (so a run cannot bloat the room) apply it.
 */
export class OutputLimiter {
  constructor(readonly limit: number = DEFAULT_OUTPUT_LIMIT) {}

  /**
   * Whether output was cut.
   */
  get truncated(): boolean {
    return this._truncated;
  }

  /**
   * Bytes let through so far.
   */
  get used(): number {
    return this._used;
  }

  /**
   * The part of `chunks` that fits, plus the marker when the budget ran out.
   */
  admit(chunks: OutputChunk[]): OutputChunk[] {
    const out: OutputChunk[] = [];
    for (const chunk of chunks) {
      if (this._truncated) {
        break;
      }
      const size = chunkSize(chunk);
      if (this._used + size <= this.limit) {
        this._used += size;
        out.push(chunk);
        continue;
      }
      const room = this.limit - this._used;
      if (chunk.kind === 'text' && room > 0) {
        out.push({ ...chunk, text: chunk.text.slice(0, room) });
      }
      this._used = this.limit;
      this._truncated = true;
      out.push({
        kind: 'text',
        stream: 'system',
        text: `\n[output truncated after ${formatBytes(this.limit)}]\n`
      });
    }
    return out;
  }

  private _used = 0;
  private _truncated = false;
}

/**
 * The size a chunk counts for (characters of text; table cells as text).
 */
export function chunkSize(chunk: OutputChunk): number {
  if (chunk.kind === 'text') {
    return chunk.text.length;
  }
  let size = chunk.columns.join('\t').length;
  for (const row of chunk.rows) {
    size += row.map(cell => String(cell)).join('\t').length + 1;
  }
  return size;
}

/**
 * `65536` → `64 KB`.
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    return `${Math.round(bytes / (1024 * 1024))} MB`;
  }
  if (bytes >= 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  return `${bytes} B`;
}

/**
 * Append chunks to a list, merging consecutive text of the same stream (the
 * run log stays short even when a program prints one character at a time).
 */
export function mergeChunks(
  into: OutputChunk[],
  chunks: OutputChunk[]
): OutputChunk[] {
  for (const chunk of chunks) {
    const last = into[into.length - 1];
    if (
      chunk.kind === 'text' &&
      last?.kind === 'text' &&
      last.stream === chunk.stream
    ) {
      into[into.length - 1] = { ...last, text: last.text + chunk.text };
    } else {
      into.push(chunk);
    }
  }
  return into;
}
