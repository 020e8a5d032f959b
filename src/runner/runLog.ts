import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import * as Y from 'yjs';

import type { IRunAuthor, IRunView } from '../model/document';
import { BadEntryLog, RUNS_KEY, readRun, toValidCell } from '../model/document';
import type { IRunResult } from '../tokens';
import type { OutputChunk } from './protocol';
import { DEFAULT_OUTPUT_LIMIT, OutputLimiter, mergeChunks } from './protocol';

export type { IRunAuthor, IRunView } from '../model/document';
export { RUNS_KEY } from '../model/document';

/**
 * Runs kept in the room; older ones are dropped when a new one starts.
 */
export const MAX_RUNS = 50;

/**
 * The room's `runs`: every run with its code, author, output and result, so
 * every participant sees each run live and it is kept for review. A run is a
 * Y.Map whose `output` Y.Array grows while the program prints.
 */
export class RunLog {
  constructor(
    doc: Y.Doc,
    options: { outputLimit?: number; maxRuns?: number } = {}
  ) {
    this._runs = doc.getArray<unknown>(RUNS_KEY);
    this._outputLimit = options.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
    this._maxRuns = options.maxRuns ?? MAX_RUNS;
    this._runs.observeDeep(this._onChange);
  }

  /**
   * Emitted after any run changed (locally or remotely).
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The valid runs, oldest first (only the last `last` of them when given).
   * Entries that are not valid runs (see `readRun`) are skipped, and output
   * chunks that are not valid are left out; each is logged once.
   */
  runs(last?: number): IRunView[] {
    const runs: IRunView[] = [];
    const entries = this._runs.toArray();
    for (let i = entries.length - 1; i >= 0; i--) {
      if (last !== undefined && runs.length >= last) {
        break;
      }
      const entry = entries[i];
      const run = readRun(entry, {
        lenient: true,
        onBadChunk: chunk => this._bad.warn(chunk, 'invalid output chunk')
      });
      if (run) {
        runs.push(run);
      } else {
        this._bad.warn(entry, 'not a valid run');
      }
    }
    return runs.reverse();
  }

  /**
   * The log of skipped entries (each logged once).
   */
  get badEntries(): BadEntryLog {
    return this._bad;
  }

  /**
   * Record a new run (status `running`); the recorder adds its output and result.
   */
  start(info: {
    language: string;
    by: IRunAuthor;
    code: string;
    stdin: string;
  }): RunRecorder {
    const run = new Y.Map<unknown>();
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const doc = this._runs.doc!;
    doc.transact(() => {
      run.set('id', id);
      run.set('language', info.language);
      run.set('by', {
        name: info.by.name,
        color: info.by.color,
        role: info.by.role
      });
      run.set('code', info.code);
      run.set('stdin', info.stdin);
      run.set('status', 'running');
      run.set('startedAt', Date.now());
      run.set('durationMs', null);
      run.set('output', new Y.Array<OutputChunk>());
      this._runs.push([run]);
      const extra = this._runs.length - this._maxRuns;
      if (extra > 0) {
        this._runs.delete(0, extra);
      }
    });
    return new RunRecorder(run, new OutputLimiter(this._outputLimit));
  }

  dispose(): void {
    this._runs.unobserveDeep(this._onChange);
    Signal.clearData(this);
  }

  private _onChange = (): void => {
    this._changed.emit();
  };

  private _runs: Y.Array<unknown>;
  private _bad = new BadEntryLog('run log entry');
  private _outputLimit: number;
  private _maxRuns: number;
  private _changed = new Signal<this, void>(this);
}

/**
 * Writes one run's output (within the limit) and its result.
 */
export class RunRecorder {
  constructor(
    private _run: Y.Map<unknown>,
    private _limiter: OutputLimiter
  ) {}

  get id(): string {
    return this._run.get('id') as string;
  }

  append(chunks: OutputChunk[]): void {
    const admitted = this._limiter.admit(chunks);
    if (admitted.length === 0) {
      return;
    }
    const output = this._run.get('output');
    if (!(output instanceof Y.Array)) {
      return; // someone replaced it: the run's output is lost, not the page
    }
    output.push(mergeChunks([], admitted.map(validChunk)));
  }

  finish(result: IRunResult): void {
    this._run.doc?.transact(() => {
      this._run.set('status', result.status);
      this._run.set('durationMs', result.durationMs);
    });
  }
}

/**
 * A chunk as the document accepts it (table cells that are not strings,
 * finite numbers or null become text).
 */
function validChunk(chunk: OutputChunk): OutputChunk {
  if (chunk.kind !== 'table') {
    return chunk;
  }
  return { ...chunk, rows: chunk.rows.map(row => row.map(toValidCell)) };
}
