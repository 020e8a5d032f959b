/**
 * The shapes of the replay endpoints (`GET /sessions/{id}/replay` and
 * `GET /sessions/{id}/replay/state?step=N`, docs/replay.md) and their
 * readers. The readers check every field the panel uses, so a malformed
 * answer becomes one clear error instead of a panel broken halfway through
 * drawing it.
 */
import type { components } from '../api/openapi';
import type { IRunAuthor, IRunView } from '../model/document';
import {
  MAX_RUN_ID_LENGTH,
  isFiniteNumber,
  isPlainObject,
  isValidAuthor,
  isValidOutputChunk
} from '../model/document';
import type { OutputChunk, RunStatus } from '../runner/protocol';
import { RUN_STATUSES, mergeChunks } from '../runner/protocol';

type Schemas = components['schemas'];

/**
 * The answers as the OpenAPI document describes them. The readers below
 * destructure these types, so a field renamed on the server breaks the build;
 * the values are still checked at run time.
 */
type TimelineAnswer = Partial<Record<keyof Schemas['ReplayTimeline'], unknown>>;
type MarkerAnswer = Partial<Record<keyof Schemas['ReplayMarker'], unknown>>;
type StateAnswer = Partial<Record<keyof Schemas['ReplayState'], unknown>>;

/**
 * What a timeline marker stands for.
 */
export type MarkerKind = Schemas['ReplayMarkerKind'];

/**
 * Every `MarkerKind`, in the order the legend lists them.
 */
export const MARKER_KINDS: readonly MarkerKind[] = [
  'start',
  'run',
  'test_run',
  'language',
  'reveal',
  'paste',
  'hidden',
  'unfocused',
  'terminate'
];

/**
 * One marker of the timeline.
 */
export interface IReplayMarker {
  kind: MarkerKind;
  /**
   * The step the marker belongs to (for a run: the step at which the run
   * first appears, so the code at that step is the code the run ran).
   */
  step: number;
  /**
   * Milliseconds from the start of the replay.
   */
  at_ms: number;
  /**
   * A short label from the server (e.g. "Run by Grace").
   */
  label: string;
  detail?: string | null;
}

/**
 * The timeline of a session: one step per stored change of its room.
 */
export interface IReplayTimeline {
  session_id: string;
  started_at: string | null;
  ended_at: string | null;
  /**
   * How many steps there are (0: nothing was ever written).
   */
  steps: number;
  /**
   * Milliseconds from `started_at` of each step, never decreasing.
   */
  times: number[];
  /**
   * Milliseconds from `started_at` to `ended_at`: the length of the
   * timeline, which can end after the last step (a live interview, an
   * interview ended later). At least the last step's time.
   */
  duration_ms: number;
  /**
   * Markers ordered by step.
   */
  markers: IReplayMarker[];
}

/**
 * One whiteboard record as stored (`{key, val}`, see `IWhiteboardEntryValue`).
 */
export interface IReplayRecord {
  key: string;
  val: unknown;
}

/**
 * One test run, summed up.
 */
export interface IReplayTestRun {
  id: string;
  by: IRunAuthor;
  status: string;
  total: number;
  passed: number;
  results: number;
}

/**
 * The room as it was after one step.
 */
export interface IReplayState {
  step: number;
  at_ms: number;
  code: string;
  language: string | null;
  status: string | null;
  whiteboard: IReplayRecord[];
  runs: IRunView[];
  testRuns: IReplayTestRun[];
  /**
   * The title of the room's question at that time, if it had one.
   */
  questionTitle: string | null;
  notes: string;
}

/**
 * Thrown when an answer does not have the documented shape.
 */
export class ReplayFormatError extends Error {
  constructor(what: string) {
    super(`The server sent a malformed replay answer (${what}).`);
    this.name = 'ReplayFormatError';
  }
}

/**
 * Read the answer of `GET /sessions/{id}/replay`.
 *
 * @throws {ReplayFormatError} when it is not a timeline.
 */
export function readTimeline(data: unknown): IReplayTimeline {
  if (!isPlainObject(data)) {
    throw new ReplayFormatError('not an object');
  }
  const {
    session_id,
    started_at,
    ended_at,
    duration_ms: duration,
    steps,
    times,
    markers
  } = data as TimelineAnswer;
  if (typeof session_id !== 'string') {
    throw new ReplayFormatError('session_id');
  }
  if (!Number.isInteger(steps) || (steps as number) < 0) {
    throw new ReplayFormatError('steps');
  }
  if (
    !Array.isArray(times) ||
    times.length !== steps ||
    !times.every(isFiniteNumber)
  ) {
    throw new ReplayFormatError('times');
  }
  if (!Array.isArray(markers)) {
    throw new ReplayFormatError('markers');
  }
  // The player relies on times never going back; a clock step on the server
  // must not make it loop, so they are made monotonic here.
  const monotonic: number[] = [];
  let last = 0;
  for (const time of times as number[]) {
    last = Math.max(last, time);
    monotonic.push(last);
  }
  const read: IReplayMarker[] = [];
  for (const marker of markers) {
    const one = readMarker(marker, steps as number);
    if (one) {
      read.push(one);
    }
  }
  read.sort((a, b) => a.step - b.step || a.at_ms - b.at_ms);
  return {
    session_id,
    started_at: typeof started_at === 'string' ? started_at : null,
    ended_at: typeof ended_at === 'string' ? ended_at : null,
    steps: steps as number,
    times: monotonic,
    duration_ms: Math.max(last, isFiniteNumber(duration) ? duration : 0),
    markers: read
  };
}

/**
 * One marker, or null when it is malformed or points past the last step
 * (a marker of a kind this page does not know yet is shown as it is).
 */
function readMarker(value: unknown, steps: number): IReplayMarker | null {
  if (!isPlainObject(value)) {
    return null;
  }
  const { kind, step, at_ms, label, detail } = value as MarkerAnswer;
  if (
    typeof kind !== 'string' ||
    !Number.isInteger(step) ||
    (step as number) < 0 ||
    (step as number) >= steps ||
    !isFiniteNumber(at_ms) ||
    typeof label !== 'string'
  ) {
    return null;
  }
  return {
    kind: kind as MarkerKind,
    step: step as number,
    at_ms,
    label,
    detail: typeof detail === 'string' ? detail : null
  };
}

/**
 * Read the answer of `GET /sessions/{id}/replay/state`.
 *
 * @throws {ReplayFormatError} when it is not a state.
 */
export function readState(data: unknown): IReplayState {
  if (!isPlainObject(data)) {
    throw new ReplayFormatError('not an object');
  }
  const {
    step,
    at_ms,
    code,
    language,
    status,
    whiteboard,
    runs,
    test_runs,
    question: questionValue,
    notes
  } = data as StateAnswer;
  if (!Number.isInteger(step)) {
    throw new ReplayFormatError('step');
  }
  if (!isFiniteNumber(at_ms)) {
    throw new ReplayFormatError('at_ms');
  }
  if (typeof code !== 'string') {
    throw new ReplayFormatError('code');
  }
  const records: IReplayRecord[] = [];
  for (const entry of Array.isArray(whiteboard) ? whiteboard : []) {
    if (isPlainObject(entry) && typeof entry.key === 'string') {
      records.push({ key: entry.key, val: entry.val });
    }
  }
  const question = isPlainObject(questionValue) ? questionValue : null;
  return {
    step: step as number,
    at_ms,
    code,
    language: typeof language === 'string' ? language : null,
    status: typeof status === 'string' ? status : null,
    whiteboard: records,
    runs: (Array.isArray(runs) ? runs : [])
      .map(readRunJson)
      .filter((run): run is IRunView => run !== null),
    testRuns: (Array.isArray(test_runs) ? test_runs : [])
      .map(readTestRunJson)
      .filter((run): run is IReplayTestRun => run !== null),
    questionTitle:
      question && typeof question.title === 'string' ? question.title : null,
    notes: typeof notes === 'string' ? notes : ''
  };
}

/**
 * A run of the state (plain JSON, the fields of the room's run maps; see
 * `readRun`), or null when it is not one. Invalid output chunks are left out.
 */
export function readRunJson(value: unknown): IRunView | null {
  if (!isPlainObject(value)) {
    return null;
  }
  const { id, language, by, code, stdin, status, startedAt, durationMs } =
    value;
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_RUN_ID_LENGTH ||
    typeof language !== 'string' ||
    !isValidAuthor(by) ||
    typeof code !== 'string' ||
    !RUN_STATUSES.includes(status as RunStatus) ||
    !isFiniteNumber(startedAt)
  ) {
    return null;
  }
  const output = Array.isArray(value.output) ? value.output : [];
  const chunks: OutputChunk[] = output.filter(isValidOutputChunk);
  return {
    id,
    language,
    by: { name: by.name, color: by.color, role: by.role },
    code,
    stdin: typeof stdin === 'string' ? stdin : '',
    status: status as RunStatus,
    startedAt,
    durationMs: isFiniteNumber(durationMs) ? durationMs : null,
    output: mergeChunks([], chunks)
  };
}

/**
 * A test run of the state, summed up, or null when it is not one.
 */
export function readTestRunJson(value: unknown): IReplayTestRun | null {
  if (!isPlainObject(value)) {
    return null;
  }
  const { id, by, status, total } = value;
  if (
    typeof id !== 'string' ||
    !isValidAuthor(by) ||
    typeof status !== 'string' ||
    !Number.isInteger(total)
  ) {
    return null;
  }
  const results = Array.isArray(value.results) ? value.results : [];
  return {
    id,
    by: { name: by.name, color: by.color, role: by.role },
    status,
    total: total as number,
    results: results.length,
    passed: results.filter(
      result => isPlainObject(result) && result.status === 'pass'
    ).length
  };
}

/**
 * `m:ss` (or `h:mm:ss`) of a duration in milliseconds.
 */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}`
    : `${minutes}:${ss}`;
}
