import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import * as Y from 'yjs';

import type { IRunResult } from '../tokens';
import type { OutputChunk, RunStatus } from './protocol';
import { DEFAULT_OUTPUT_LIMIT, OutputLimiter, mergeChunks } from './protocol';

/**
 * The name of the run log in the room document.
 */
export const RUNS_KEY = 'runs';

/**
 * Runs kept in the room; older ones are dropped when a new one starts.
 */
export const MAX_RUNS = 50;

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
 * The room's `runs`: every run with its code, author, output and result, so
 * every participant sees each run live and it is kept for review. A run is a
 * Y.Map whose `output` Y.Array grows while the program prints.
 */
export class RunLog {
  constructor(
    doc: Y.Doc,
    options: { outputLimit?: number; maxRuns?: number } = {}
  ) {
    this._runs = doc.getArray<Y.Map<unknown>>(RUNS_KEY);
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
   * The runs, oldest first (only the last `last` of them when given).
   */
  runs(last?: number): IRunView[] {
    const runs = this._runs.toArray();
    return (last === undefined ? runs : runs.slice(-last)).map(view);
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
      run.set('by', { ...info.by });
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

  private _runs: Y.Array<Y.Map<unknown>>;
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
    const output = this._run.get('output') as Y.Array<OutputChunk>;
    output.push(mergeChunks([], admitted));
  }

  finish(result: IRunResult): void {
    this._run.doc?.transact(() => {
      this._run.set('status', result.status);
      this._run.set('durationMs', result.durationMs);
    });
  }
}

function view(run: Y.Map<unknown>): IRunView {
  const output = run.get('output');
  return {
    id: String(run.get('id') ?? ''),
    language: String(run.get('language') ?? ''),
    by: (run.get('by') as IRunAuthor) ?? { name: '?', color: '', role: '' },
    code: String(run.get('code') ?? ''),
    stdin: String(run.get('stdin') ?? ''),
    status: (run.get('status') as RunStatus) ?? 'running',
    startedAt: Number(run.get('startedAt') ?? 0),
    durationMs: (run.get('durationMs') as number | null) ?? null,
    output:
      output instanceof Y.Array
        ? mergeChunks([], output.toArray() as OutputChunk[])
        : []
  };
}
