/**
 * The interview document: the room's Y.Doc with its roots named and typed,
 * and the rules a valid document follows. The server checks every update
 * against the same rules (docs/protocol.md, "The interview document"); the
 * frontend reads through them, so an entry that breaks them is skipped
 * instead of breaking a panel (documents stored before the server enforced
 * them can hold such entries).
 *
 * The validators are pure: they look at values, never change the document.
 */
import { YFile } from '@jupyter/ydoc';
import * as Y from 'yjs';

import type { Language, SessionStatus } from '../api/types';
import type {
  ITableChunk,
  ITextChunk,
  OutputChunk,
  RunStatus
} from '../runner/protocol';
import { RUN_STATUSES, mergeChunks } from '../runner/protocol';
import { isLanguage } from './language';

/**
 * The code (Y.Text); the name `YFile` uses, so JupyterLab's CodeMirror
 * binding edits it.
 */
export const SOURCE_KEY = 'source';

/**
 * The server-owned `meta` map (language, status).
 */
export const META_KEY = 'meta';

/**
 * The server-owned `timer` map.
 */
export const TIMER_KEY = 'timer';

/**
 * The whiteboard's records (a y-utility `YKeyValue` of `{key, val}`).
 */
export const WHITEBOARD_KEY = 'whiteboard';

/**
 * The run log (Y.Array of Y.Map runs).
 */
export const RUNS_KEY = 'runs';

/**
 * Longest run id accepted.
 */
export const MAX_RUN_ID_LENGTH = 64;

/**
 * The statuses a session (and the room's `meta.status`) can have.
 */
export const SESSION_STATUSES: readonly SessionStatus[] = [
  'scheduled',
  'active',
  'terminated'
];

/**
 * The output streams of a text chunk.
 */
export const OUTPUT_STREAMS: readonly ITextChunk['stream'][] = [
  'stdout',
  'stderr',
  'system'
];

/**
 * Who ran a program.
 */
export interface IRunAuthor {
  name: string;
  color: string;
  role: string;
}

/**
 * One run as the panel shows it.
 */
export interface IRunView {
  id: string;
  language: string;
  by: IRunAuthor;
  code: string;
  stdin: string;
  status: RunStatus;
  startedAt: number;
  durationMs: number | null;
  output: OutputChunk[];
}

/**
 * The room's `meta`, read: null where the value is missing or invalid.
 */
export interface IRoomMeta {
  language: Language | null;
  status: SessionStatus | null;
}

/**
 * One entry of the `whiteboard` array: a tldraw record under its id.
 */
export interface IWhiteboardEntryValue {
  key: string;
  val: { id: string; typeName: string; [field: string]: unknown };
}

/**
 * The room document: `source` (Y.Text, through `YFile`), `meta` and `timer`
 * (Y.Map, written by the server only), `whiteboard` and `runs` (Y.Array).
 * `YFile` also creates `state` (Y.Map, @jupyter/ydoc's document state), which
 * this extension never writes.
 */
export class InterviewDocument extends YFile {
  constructor() {
    super();
    const doc = this.ydoc;
    this.meta = doc.getMap(META_KEY);
    this.timer = doc.getMap(TIMER_KEY);
    this.whiteboard = doc.getArray(WHITEBOARD_KEY);
    this.runs = doc.getArray(RUNS_KEY);
  }

  /**
   * Creates a standalone interview document.
   */
  static create(): InterviewDocument {
    return new InterviewDocument();
  }

  /**
   * The server-owned `meta` map: `language`, `status`.
   */
  readonly meta: Y.Map<unknown>;

  /**
   * The server-owned `timer` map: `running`, `started_at_ms`,
   * `accumulated_ms`, `planned_minutes`.
   */
  readonly timer: Y.Map<unknown>;

  /**
   * The whiteboard's `{key, val}` entries (see `isValidWhiteboardEntry`).
   */
  readonly whiteboard: Y.Array<unknown>;

  /**
   * The runs (see `isValidRun`).
   */
  readonly runs: Y.Array<unknown>;

  /**
   * The room's language and status, null where missing or invalid.
   */
  getMeta(): IRoomMeta {
    return readMeta(this.meta);
  }
}

/**
 * A plain JSON object (what Yjs stores for `{...}` content), not an array,
 * a Y type, binary or null.
 */
export function isPlainObject(
  value: unknown
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A number that is not NaN or infinite.
 */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Read the room's `meta`: `language` must be a session language and
 * `status` a session status, else null.
 */
export function readMeta(meta: { get(key: string): unknown }): IRoomMeta {
  const language = meta.get('language');
  const status = meta.get('status');
  return {
    language: isLanguage(language) ? language : null,
    status: SESSION_STATUSES.includes(status as SessionStatus)
      ? (status as SessionStatus)
      : null
  };
}

/**
 * Whether the `meta` map is valid: `language` one of the session languages,
 * `status` one of scheduled, active, terminated (both present).
 */
export function isValidMeta(meta: { get(key: string): unknown }): boolean {
  const read = readMeta(meta);
  return read.language !== null && read.status !== null;
}

/**
 * Whether the `timer` map is valid: `running` a boolean, `started_at_ms` a
 * finite number or null, `accumulated_ms` a finite number, `planned_minutes`
 * an integer or null (all present).
 */
export function isValidTimer(timer: { get(key: string): unknown }): boolean {
  const started = timer.get('started_at_ms');
  const planned = timer.get('planned_minutes');
  return (
    typeof timer.get('running') === 'boolean' &&
    (started === null || isFiniteNumber(started)) &&
    isFiniteNumber(timer.get('accumulated_ms')) &&
    (planned === null || Number.isInteger(planned))
  );
}

/**
 * Whether a value is a valid output chunk:
 * - text: `{kind: 'text', stream: 'stdout' | 'stderr' | 'system', text: string}`;
 * - table: `{kind: 'table', columns: string[], rows: cell[][], truncated:
 *   boolean}` where a cell is a string, a finite number or null.
 * Other fields are ignored.
 */
export function isValidOutputChunk(value: unknown): value is OutputChunk {
  if (!isPlainObject(value)) {
    return false;
  }
  if (value.kind === 'text') {
    return (
      OUTPUT_STREAMS.includes(value.stream as ITextChunk['stream']) &&
      typeof value.text === 'string'
    );
  }
  if (value.kind === 'table') {
    const { columns, rows } = value as Partial<
      Record<keyof ITableChunk, unknown>
    >;
    return (
      Array.isArray(columns) &&
      columns.every(column => typeof column === 'string') &&
      Array.isArray(rows) &&
      rows.every(row => Array.isArray(row) && row.every(isValidCell)) &&
      typeof value.truncated === 'boolean'
    );
  }
  return false;
}

/**
 * A table cell as stored: a string, a finite number or null.
 */
export function isValidCell(value: unknown): value is string | number | null {
  return value === null || typeof value === 'string' || isFiniteNumber(value);
}

/**
 * A table cell as the document accepts it: a string, a finite number or null
 * (SQL can produce blobs, big integers and infinities; they are shown as text).
 */
export function toValidCell(value: unknown): string | number | null {
  return isValidCell(value) ? value : String(value);
}

/**
 * Read one run: the view of a valid run, or null when `value` is not one.
 * A run is a Y.Map whose fields are:
 * - `id`: a string of 1 to 64 characters;
 * - `language`, `code`, `stdin`: strings;
 * - `by`: a plain object whose `name`, `color` and `role` are strings;
 * - `status`: one of running, ok, error, timeout, stopped, failed;
 * - `startedAt`: a finite number; `durationMs`: a finite number or null;
 * - `output`: a Y.Array of output chunks (`isValidOutputChunk`).
 * Other keys are ignored. In `lenient` mode (what the run panel shows),
 * chunks of `output` that are not valid are left out instead of making the
 * whole run invalid; `onBadChunk` hears of each. Consecutive text of the
 * same stream is merged in the view.
 */
export function readRun(
  value: unknown,
  options: { lenient?: boolean; onBadChunk?: (chunk: unknown) => void } = {}
): IRunView | null {
  if (!(value instanceof Y.Map)) {
    return null;
  }
  const run = value as Y.Map<unknown>;
  const id = run.get('id');
  const language = run.get('language');
  const by = run.get('by');
  const code = run.get('code');
  const stdin = run.get('stdin');
  const status = run.get('status');
  const startedAt = run.get('startedAt');
  const durationMs = run.get('durationMs');
  const output = run.get('output');
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_RUN_ID_LENGTH ||
    typeof language !== 'string' ||
    !isValidAuthor(by) ||
    typeof code !== 'string' ||
    typeof stdin !== 'string' ||
    !RUN_STATUSES.includes(status as RunStatus) ||
    !isFiniteNumber(startedAt) ||
    !(durationMs === null || isFiniteNumber(durationMs)) ||
    !(output instanceof Y.Array)
  ) {
    return null;
  }
  const chunks: OutputChunk[] = [];
  for (const chunk of output.toArray()) {
    if (isValidOutputChunk(chunk)) {
      chunks.push(chunk);
    } else if (options.lenient) {
      options.onBadChunk?.(chunk);
    } else {
      return null;
    }
  }
  return {
    id,
    language,
    by: { name: by.name, color: by.color, role: by.role },
    code,
    stdin,
    status: status as RunStatus,
    startedAt,
    durationMs,
    output: mergeChunks([], chunks)
  };
}

/**
 * Whether a value is a valid run (see `readRun`; every output chunk valid).
 */
export function isValidRun(value: unknown): boolean {
  return readRun(value) !== null;
}

/**
 * Whether a value is a run's author: `{name, color, role}`, all strings.
 */
export function isValidAuthor(value: unknown): value is IRunAuthor {
  return (
    isPlainObject(value) &&
    typeof value.name === 'string' &&
    typeof value.color === 'string' &&
    typeof value.role === 'string'
  );
}

/**
 * Why a whiteboard entry is not valid, or null when it is. An entry is a
 * plain object `{key, val}`:
 * - `key`: a non-empty string;
 * - `val`: a plain object (the tldraw record) with `val.id === key`,
 *   `val.typeName` a non-empty string and `key` starting with
 *   `val.typeName + ':'`;
 * - a shape (`typeName === 'shape'`) also has `x`, `y`, `rotation` finite
 *   numbers, `opacity` a finite number from 0 to 1, `type` and `index`
 *   non-empty strings, `parentId` a string starting with `page:` or
 *   `shape:`, `isLocked` a boolean, `props` and `meta` plain objects.
 * Other fields are ignored here; the whiteboard also checks each record
 * against tldraw's own schema before showing it.
 */
export function whiteboardEntryProblem(entry: unknown): string | null {
  if (!isPlainObject(entry)) {
    return 'not an object';
  }
  const { key, val } = entry;
  if (typeof key !== 'string' || key.length === 0) {
    return 'key is not a non-empty string';
  }
  if (!isPlainObject(val)) {
    return 'val is not an object';
  }
  if (val.id !== key) {
    return 'val.id differs from key';
  }
  const typeName = val.typeName;
  if (typeof typeName !== 'string' || typeName.length === 0) {
    return 'val.typeName is not a non-empty string';
  }
  if (!key.startsWith(`${typeName}:`)) {
    return 'key does not start with val.typeName';
  }
  if (typeName === 'shape') {
    return shapeProblem(val);
  }
  return null;
}

/**
 * Whether a value is a valid whiteboard entry (see `whiteboardEntryProblem`).
 */
export function isValidWhiteboardEntry(
  entry: unknown
): entry is IWhiteboardEntryValue {
  return whiteboardEntryProblem(entry) === null;
}

function shapeProblem(shape: Record<string, unknown>): string | null {
  for (const field of ['x', 'y', 'rotation', 'opacity']) {
    if (!isFiniteNumber(shape[field])) {
      return `${field} is not a finite number`;
    }
  }
  const opacity = shape.opacity as number;
  if (opacity < 0 || opacity > 1) {
    return 'opacity is not between 0 and 1';
  }
  for (const field of ['type', 'index']) {
    const value = shape[field];
    if (typeof value !== 'string' || value.length === 0) {
      return `${field} is not a non-empty string`;
    }
  }
  const parentId = shape.parentId;
  if (
    typeof parentId !== 'string' ||
    !(parentId.startsWith('page:') || parentId.startsWith('shape:'))
  ) {
    return 'parentId is not a page or shape id';
  }
  if (typeof shape.isLocked !== 'boolean') {
    return 'isLocked is not a boolean';
  }
  for (const field of ['props', 'meta']) {
    if (!isPlainObject(shape[field])) {
      return `${field} is not an object`;
    }
  }
  return null;
}

/**
 * Logs each bad entry once (console.warn), however often it is read: by
 * identity for objects, by value for primitives (at most `limit` of them).
 */
export class BadEntryLog {
  constructor(
    readonly what: string,
    readonly limit = 100
  ) {}

  /**
   * How many warnings were written.
   */
  get count(): number {
    return this._count;
  }

  /**
   * Warn about `entry` unless it was warned about already.
   */
  warn(entry: unknown, reason: string): void {
    if (typeof entry === 'object' && entry !== null) {
      if (this._objects.has(entry)) {
        return;
      }
      this._objects.add(entry);
    } else {
      const id = `${typeof entry}:${String(entry)}:${reason}`;
      if (this._primitives.has(id) || this._primitives.size >= this.limit) {
        return;
      }
      this._primitives.add(id);
    }
    this._count++;
    console.warn(
      `DevInterview: skipped an invalid ${this.what} (${reason}).`,
      entry
    );
  }

  private _objects = new WeakSet<object>();
  private _primitives = new Set<string>();
  private _count = 0;
}
