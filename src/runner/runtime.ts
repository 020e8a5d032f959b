import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

import type {
  ICodeRunner,
  IRunOptions,
  IRunResult,
  RunnerState
} from '../tokens';
import type { IRunMessage, RunMode, RuntimeEvent } from './protocol';
import { DEFAULT_OUTPUT_LIMIT } from './protocol';

/**
 * A channel to one live runtime (a worker, a sandboxed frame). Disposing it
 * kills the runtime, whatever it is doing: that is how a runaway program stops.
 */
export interface IRuntimeTransport {
  post(message: IRunMessage): void;
  dispose(): void;
}

/**
 * Creates a transport and starts its runtime; events come back through `onEvent`.
 */
export type TransportFactory = (
  onEvent: (event: RuntimeEvent) => void
) => IRuntimeTransport;

let nextRunId = 0;

/**
 * Drives one kind of runtime: starts it ahead of time (warm), runs one program
 * at a time, enforces the time limit, and on Stop or time-out kills the
 * runtime and starts a fresh one, so the page never waits on a runaway loop.
 */
export class MessageRuntime implements ICodeRunner {
  constructor(options: MessageRuntime.IOptions) {
    this.mode = options.mode;
    this._factory = options.factory;
    this._now = options.now ?? (() => performance.now());
  }

  /**
   * What this runtime runs code as.
   */
  readonly mode: RunMode;

  get state(): RunnerState {
    return this._state;
  }

  get stateChanged(): ISignal<this, RunnerState> {
    return this._stateChanged;
  }

  /**
   * What the runtime last said while loading (for the progress indicator), or
   * why it could not start.
   */
  get progress(): string {
    return this._progress;
  }

  /**
   * How long the last start took, in ms (null until one finished).
   */
  get loadMs(): number | null {
    return this._loadMs;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  warm(): void {
    if (this._disposed || this._transport) {
      return;
    }
    this._setState('loading');
    const transport = this._factory(event => {
      if (this._transport === transport) {
        this._onEvent(event);
      }
    });
    this._transport = transport;
  }

  /**
   * Run a program, as `mode` (default: this runtime's own mode; the Python
   * runtime also runs SQL).
   */
  async run(
    options: IRunOptions,
    mode: RunMode = this.mode
  ): Promise<IRunResult> {
    if (this._disposed) {
      throw new Error('The runner is closed.');
    }
    if (this._current) {
      throw new Error('A program is already running.');
    }
    const runId = `run-${++nextRunId}`;
    const started = this._now();
    const result = new Promise<IRunResult>(resolve => {
      this._current = { runId, mode, options, resolve, started, timer: null };
    });
    this.warm();
    if (this._state === 'ready') {
      this._send();
    } else if (this._state === 'failed') {
      this._finish('failed', this._failure);
    }
    // Otherwise the program goes out when the runtime says it is ready.
    return result;
  }

  stop(): void {
    if (this._current) {
      this._finish('stopped', 'Stopped.');
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this.stop();
    this._disposed = true;
    this._transport?.dispose();
    this._transport = null;
    Signal.clearData(this);
  }

  private _send(): void {
    const current = this._current;
    if (!current || !this._transport) {
      return;
    }
    this._setState('busy');
    const limit = current.options.timeLimitMs;
    current.timer = setTimeout(() => {
      this._finish(
        'timeout',
        `Stopped: the program ran longer than the ${Math.round(limit / 1000)} s time limit.`
      );
    }, limit);
    this._transport.post({
      type: 'run',
      runId: current.runId,
      mode: current.mode,
      code: current.options.code,
      stdin: current.options.stdin,
      outputLimit: current.options.outputLimit ?? DEFAULT_OUTPUT_LIMIT
    });
  }

  private _onEvent(event: RuntimeEvent): void {
    switch (event.type) {
      case 'loading':
        this._progress = event.message;
        this._stateChanged.emit(this._state);
        break;
      case 'ready':
        this._loadMs = event.loadMs;
        this._progress = '';
        this._setState('ready');
        if (this._current) {
          this._send();
        }
        break;
      case 'failed':
        this._failure = event.message;
        this._progress = event.message;
        this._transport?.dispose();
        this._transport = null;
        this._setState('failed');
        if (this._current) {
          this._finish('failed', event.message);
        }
        break;
      case 'output':
        if (this._current?.runId === event.runId) {
          this._current.options.onOutput(event.chunks);
        }
        break;
      case 'done':
        if (this._current?.runId === event.runId) {
          this._finish(event.status, null, event.durationMs);
        }
        break;
    }
  }

  /**
   * End the current run. Anything but a normal end kills the runtime (it may
   * be stuck) and starts a fresh one.
   */
  private _finish(
    status: IRunResult['status'],
    message: string | null,
    durationMs?: number
  ): void {
    const current = this._current;
    if (!current) {
      return;
    }
    this._current = null;
    if (current.timer !== null) {
      clearTimeout(current.timer);
    }
    if (message) {
      current.options.onOutput([
        { kind: 'text', stream: 'system', text: `${message}\n` }
      ]);
    }
    if (status === 'timeout' || status === 'stopped') {
      this._transport?.dispose();
      this._transport = null;
      this._setState('idle');
      if (!this._disposed) {
        this.warm();
      }
    } else if (status !== 'failed') {
      this._setState('ready');
    }
    current.resolve({
      status,
      durationMs: durationMs ?? Math.round(this._now() - current.started)
    });
  }

  private _setState(state: RunnerState): void {
    this._state = state;
    this._stateChanged.emit(state);
  }

  private _factory: TransportFactory;
  private _now: () => number;
  private _transport: IRuntimeTransport | null = null;
  private _state: RunnerState = 'idle';
  private _progress = '';
  private _loadMs: number | null = null;
  private _failure = 'The runtime could not start.';
  private _current: {
    runId: string;
    mode: RunMode;
    options: IRunOptions;
    resolve: (result: IRunResult) => void;
    started: number;
    timer: ReturnType<typeof setTimeout> | null;
  } | null = null;
  private _stateChanged = new Signal<this, RunnerState>(this);
  private _disposed = false;
}

/**
 * A namespace for `MessageRuntime` statics.
 */
export namespace MessageRuntime {
  /**
   * The options of a runtime.
   */
  export interface IOptions {
    mode: RunMode;
    factory: TransportFactory;
    /**
     * The clock (tests).
     */
    now?: () => number;
  }
}

/**
 * A runtime seen as the runner of another mode (SQL on the Python runtime):
 * same state, same worker, other mode.
 */
export class ModeView implements ICodeRunner {
  /**
   * `owns`: whether disposing the view disposes the runtime (a runtime made
   * for this view alone); by default the runtime belongs to someone else.
   */
  constructor(
    readonly runtime: MessageRuntime,
    readonly mode: RunMode,
    options: { owns?: boolean } = {}
  ) {
    this._owns = options.owns ?? false;
  }

  get state(): RunnerState {
    return this.runtime.state;
  }

  get stateChanged(): ISignal<ICodeRunner, RunnerState> {
    return this.runtime.stateChanged;
  }

  get progress(): string {
    return this.runtime.progress;
  }

  get isDisposed(): boolean {
    return this.runtime.isDisposed;
  }

  warm(): void {
    this.runtime.warm();
  }

  run(options: IRunOptions): Promise<IRunResult> {
    return this.runtime.run(options, this.mode);
  }

  stop(): void {
    this.runtime.stop();
  }

  dispose(): void {
    if (this._owns) {
      this.runtime.dispose();
    }
  }

  private _owns: boolean;
}
