import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import * as Y from 'yjs';

import type { IRunAuthor } from '../model/document';
import { BadEntryLog, MAX_RUN_ID_LENGTH } from '../model/document';
import type { ICaseResult, ITestRunView, TestRunStatus } from './model';
import {
  MAX_TEST_CASES,
  MAX_TEST_RUNS,
  TEST_RUNS_KEY,
  clipText,
  readTestRun,
  toStoredResult
} from './model';

/**
 * Longest author field the server accepts.
 */
const MAX_AUTHOR_TEXT = 256;

/**
 * Longest language name the server accepts.
 */
const MAX_LANGUAGE_TEXT = 32;

/**
 * The room's `testRuns`: every test run with who started it and each case's
 * result, so every participant sees the results live. A test run is a Y.Map
 * whose `results` is a Y.Array of plain case results, created empty with the
 * run and appended to once per case, never rewritten nor trimmed: every
 * update the room gets counts against its quota, so a case costs its own
 * bytes only, not those of every case before it again.
 *
 * Only visible tests belong here: results of hidden tests stay in the
 * interviewer's browser, the caller must not record them.
 */
export class TestRunLog implements IDisposable {
  constructor(doc: Y.Doc, options: { maxRuns?: number } = {}) {
    this._runs = doc.getArray<unknown>(TEST_RUNS_KEY);
    this._maxRuns = options.maxRuns ?? MAX_TEST_RUNS;
    this._runs.observeDeep(this._onChange);
  }

  /**
   * Emitted after any test run changed (locally or remotely).
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The valid test runs, oldest first (see `readTestRun`); entries that are
   * not valid are skipped and logged once.
   */
  get runs(): ITestRunView[] {
    const runs: ITestRunView[] = [];
    for (const entry of this._runs.toArray()) {
      const run = readTestRun(entry);
      if (run) {
        runs.push(run);
      } else {
        this._bad.warn(entry, 'not a valid test run');
      }
    }
    return runs;
  }

  /**
   * The log of skipped entries (each logged once).
   */
  get badEntries(): BadEntryLog {
    return this._bad;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Record a new test run (status `running`, no results yet); the recorder
   * adds the results and the end. The oldest runs beyond the limit go.
   */
  start(info: {
    by: IRunAuthor;
    language: string;
    question: string;
    total: number;
  }): TestRunRecorder {
    const run = new Y.Map<unknown>();
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const total = Number.isFinite(info.total)
      ? Math.min(Math.max(Math.floor(info.total), 0), MAX_TEST_CASES)
      : 0;
    const doc = this._runs.doc!;
    doc.transact(() => {
      run.set('id', id.slice(0, MAX_RUN_ID_LENGTH));
      run.set('by', {
        name: clipText(info.by.name, MAX_AUTHOR_TEXT),
        color: clipText(info.by.color, MAX_AUTHOR_TEXT),
        role: clipText(info.by.role, MAX_AUTHOR_TEXT)
      });
      run.set('language', clipText(info.language, MAX_LANGUAGE_TEXT));
      // An id the server refuses would close the connection: cut it instead.
      run.set('question', info.question.slice(0, MAX_RUN_ID_LENGTH));
      run.set('status', 'running');
      run.set('startedAt', Date.now());
      run.set('total', total);
      run.set('results', new Y.Array<ICaseResult>());
      this._runs.push([run]);
      const extra = this._runs.length - this._maxRuns;
      if (extra > 0) {
        this._runs.delete(0, extra);
      }
    });
    return new TestRunRecorder(run, total);
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._runs.unobserveDeep(this._onChange);
    Signal.clearData(this);
  }

  private _onChange = (): void => {
    this._changed.emit();
  };

  private _runs: Y.Array<unknown>;
  private _bad = new BadEntryLog('test run');
  private _maxRuns: number;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * Writes one test run's results and its end.
 */
export class TestRunRecorder {
  constructor(
    private _run: Y.Map<unknown>,
    readonly total: number
  ) {}

  get id(): string {
    return this._run.get('id') as string;
  }

  /**
   * The results written so far.
   */
  get results(): readonly ICaseResult[] {
    return this._results;
  }

  /**
   * Add the next case's result (clipped to what the room accepts). Results
   * beyond `total`, or after the end, are dropped: the server would refuse
   * them.
   */
  addResult(result: ICaseResult): void {
    if (this._finished || this._results.length >= this.total) {
      return;
    }
    const stored = toStoredResult(result);
    this._results = [...this._results, stored];
    this._transact(() => {
      const results = this._run.get('results');
      // Another client may have put something else there: the server refuses
      // such a run anyway, so leave it.
      if (results instanceof Y.Array) {
        results.push([stored]);
      }
    });
  }

  /**
   * Record how the run ended; later calls change nothing.
   */
  finish(status: Exclude<TestRunStatus, 'running'>): void {
    if (this._finished) {
      return;
    }
    this._finished = true;
    this._transact(() => {
      this._run.set('status', status);
    });
  }

  private _transact(write: () => void): void {
    // A run trimmed away (by this or another client) is gone for good:
    // writing into it would only send the server a pointless update.
    if (this._run._item?.deleted) {
      return;
    }
    this._run.doc?.transact(write);
  }

  private _results: ICaseResult[] = [];
  private _finished = false;
}
