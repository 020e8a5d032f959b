import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

import type { IPlayerClock } from './player';
import { browserClock } from './player';

/**
 * Quiet time after the last wanted step before its state is asked for.
 */
export const DEBOUNCE_MS = 60;

/**
 * Longest a wanted step waits while the wanted step keeps changing (dragging
 * the slider, fast playback), so the view still follows.
 */
export const MAX_WAIT_MS = 200;

/**
 * States kept, by step: going back to a step seen before needs no request.
 */
export const CACHE_SIZE = 64;

/**
 * A failed load.
 */
export interface ILoadFailure {
  step: number;
  error: unknown;
}

/**
 * Loads the state of the step the user wants while they scrub or play:
 * requests are debounced (at most one per `maxWaitMs` while the wanted step
 * keeps changing) and the latest wins: an answer is shown only when no
 * answer to a later request has been shown already, so a slow answer for an
 * old position never replaces the newer one. States are cached by step (a
 * stored step never changes).
 */
export class StateLoader<T> implements IDisposable {
  constructor(options: StateLoader.IOptions<T>) {
    this._fetch = options.fetch;
    this._clock = options.clock ?? browserClock;
    this._debounceMs = options.debounceMs ?? DEBOUNCE_MS;
    this._maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
    this._cacheSize = options.cacheSize ?? CACHE_SIZE;
  }

  /**
   * Emitted with each state to show.
   */
  get loaded(): ISignal<this, T> {
    return this._loaded;
  }

  /**
   * Emitted when the latest request failed.
   */
  get failed(): ISignal<this, ILoadFailure> {
    return this._failed;
  }

  /**
   * Emitted when `busy` changes.
   */
  get busyChanged(): ISignal<this, boolean> {
    return this._busyChanged;
  }

  /**
   * Whether a wanted state is not shown yet.
   */
  get busy(): boolean {
    return this._busy;
  }

  /**
   * The step whose state was shown last, or null.
   */
  get shownStep(): number | null {
    return this._shownStep;
  }

  /**
   * How many requests were sent (for tests and the benchmark).
   */
  get requestCount(): number {
    return this._requestCount;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Want the state of `step`: from the cache at once, else after the debounce.
   */
  request(step: number): void {
    if (this._disposed) {
      return;
    }
    this._wanted = step;
    const cached = this._cache.get(step);
    if (cached !== undefined) {
      this._cancelTimer();
      this._firstWanted = null;
      // Counts as the latest answer: older ones still on their way are dropped.
      const seq = ++this._seq;
      this._deliver(seq, step, cached);
      return;
    }
    this._setBusy(true);
    const now = this._clock.now();
    if (this._firstWanted === null) {
      this._firstWanted = now;
    }
    const waited = now - this._firstWanted;
    const delay = Math.max(
      0,
      Math.min(this._debounceMs, this._maxWaitMs - waited)
    );
    this._cancelTimer();
    this._timer = this._clock.setTimeout(this._fire, delay);
  }

  /**
   * Want the state of `step` now, without the debounce.
   */
  requestNow(step: number): void {
    this.request(step);
    if (this._timer !== null) {
      this._cancelTimer();
      this._fire();
    }
  }

  /**
   * Forget the cached states (the timeline was reloaded).
   */
  clearCache(): void {
    this._cache.clear();
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._cancelTimer();
    for (const controller of this._inFlight.values()) {
      controller.abort();
    }
    this._inFlight.clear();
    Signal.clearData(this);
  }

  private _fire = (): void => {
    this._timer = null;
    this._firstWanted = null;
    const step = this._wanted;
    if (step === null || this._disposed) {
      return;
    }
    const seq = ++this._seq;
    const controller = new AbortController();
    this._inFlight.set(seq, controller);
    this._requestCount++;
    this._fetch(step, controller.signal).then(
      state => {
        this._inFlight.delete(seq);
        this._remember(step, state);
        this._deliver(seq, step, state);
      },
      error => {
        this._inFlight.delete(seq);
        if (this._disposed || seq < this._seq) {
          return; // a later request replaces this one
        }
        this._setBusy(false);
        this._failed.emit({ step, error });
      }
    );
  };

  private _deliver(seq: number, step: number, state: T): void {
    if (this._disposed || seq <= this._shownSeq) {
      return; // stale: a later answer is on screen
    }
    this._shownSeq = seq;
    this._shownStep = step;
    // Requests older than this answer can only bring stale states.
    for (const [other, controller] of this._inFlight) {
      if (other < seq) {
        controller.abort();
        this._inFlight.delete(other);
      }
    }
    if (seq === this._seq && this._timer === null) {
      this._setBusy(false);
    }
    this._loaded.emit(state);
  }

  private _remember(step: number, state: T): void {
    this._cache.delete(step);
    this._cache.set(step, state);
    while (this._cache.size > this._cacheSize) {
      const oldest = this._cache.keys().next().value as number;
      this._cache.delete(oldest);
    }
  }

  private _setBusy(busy: boolean): void {
    if (busy !== this._busy) {
      this._busy = busy;
      this._busyChanged.emit(busy);
    }
  }

  private _cancelTimer(): void {
    if (this._timer !== null) {
      this._clock.clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _fetch: (step: number, signal: AbortSignal) => Promise<T>;
  private _clock: IPlayerClock;
  private _debounceMs: number;
  private _maxWaitMs: number;
  private _cacheSize: number;
  private _cache = new Map<number, T>();
  private _inFlight = new Map<number, AbortController>();
  private _wanted: number | null = null;
  private _firstWanted: number | null = null;
  private _timer: unknown = null;
  private _seq = 0;
  private _shownSeq = 0;
  private _shownStep: number | null = null;
  private _requestCount = 0;
  private _busy = false;
  private _disposed = false;
  private _loaded = new Signal<this, T>(this);
  private _failed = new Signal<this, ILoadFailure>(this);
  private _busyChanged = new Signal<this, boolean>(this);
}

/**
 * A namespace for `StateLoader` statics.
 */
export namespace StateLoader {
  export interface IOptions<T> {
    /**
     * Ask the server for the state of a step.
     */
    fetch: (step: number, signal: AbortSignal) => Promise<T>;
    clock?: IPlayerClock;
    debounceMs?: number;
    maxWaitMs?: number;
    cacheSize?: number;
  }
}
