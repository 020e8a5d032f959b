import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

/**
 * The playback speeds offered: replay milliseconds per wall millisecond.
 */
export const SPEEDS = [1, 2, 4, 8, 16] as const;

/**
 * A playback speed.
 */
export type Speed = (typeof SPEEDS)[number];

/**
 * Whether a value is one of the offered speeds.
 */
export function isSpeed(value: unknown): value is Speed {
  return SPEEDS.includes(value as Speed);
}

/**
 * The shortest wait between two ticks while playing, in wall milliseconds:
 * steps closer together than one frame are passed in one tick.
 */
export const MIN_TICK_MS = 16;

/**
 * The longest wait between two ticks while playing, in wall milliseconds, so
 * the clock shown moves through a quiet stretch.
 */
export const MAX_TICK_MS = 250;

/**
 * The step shown at `ms` replay milliseconds: the last step at or before it
 * (step 0 before the first), or -1 when there are no steps. `times` never
 * decreases (see `readTimeline`).
 */
export function stepAtTime(times: readonly number[], ms: number): number {
  if (times.length === 0) {
    return -1;
  }
  let low = 0;
  let high = times.length - 1;
  if (ms < times[0]) {
    return 0;
  }
  // The last index whose time is <= ms.
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (times[middle] <= ms) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

/**
 * How many wall milliseconds after `positionMs` the step after `step` is due
 * at `speed`, or null when `step` is the last one.
 */
export function wallDelayToNextStep(
  times: readonly number[],
  step: number,
  positionMs: number,
  speed: number
): number | null {
  if (step + 1 >= times.length) {
    return null;
  }
  return Math.max(0, (times[step + 1] - positionMs) / speed);
}

/**
 * Anything with a step (a marker).
 */
export interface IStepped {
  step: number;
}

/**
 * The first marker after `step`, or null.
 */
export function nextMarkerAfter<T extends IStepped>(
  markers: readonly T[],
  step: number
): T | null {
  let found: T | null = null;
  for (const marker of markers) {
    if (marker.step > step && (found === null || marker.step < found.step)) {
      found = marker;
    }
  }
  return found;
}

/**
 * The last marker before `step`, or null.
 */
export function previousMarkerBefore<T extends IStepped>(
  markers: readonly T[],
  step: number
): T | null {
  let found: T | null = null;
  for (const marker of markers) {
    if (marker.step < step && (found === null || marker.step > found.step)) {
      found = marker;
    }
  }
  return found;
}

/**
 * The clock and timers a player uses (tests pass fake ones).
 */
export interface IPlayerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The browser's clock.
 */
export const browserClock: IPlayerClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: handle => window.clearTimeout(handle as number)
};

/**
 * Plays a timeline: maps wall time to replay time at a speed, and replay time
 * to the step shown (the last step at or before it). `stepChanged` fires
 * when the step shown changes; `changed` on any change (position, playing,
 * speed) so a clock can follow the position between steps.
 */
export class ReplayPlayer implements IDisposable {
  constructor(options: ReplayPlayer.IOptions) {
    this._clock = options.clock ?? browserClock;
    this._times = [...options.times];
    this._markers = [...(options.markers ?? [])];
    this._step = this._times.length > 0 ? 0 : -1;
    this._position = this._times.length > 0 ? this._times[0] : 0;
  }

  /**
   * Emitted with the new step when the step shown changes.
   */
  get stepChanged(): ISignal<this, number> {
    return this._stepChanged;
  }

  /**
   * Emitted after any change: step, position, playing, speed.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The step shown (-1 when the timeline has no steps).
   */
  get step(): number {
    return this._step;
  }

  /**
   * How many steps there are.
   */
  get steps(): number {
    return this._times.length;
  }

  /**
   * Replay milliseconds of the playhead.
   */
  get positionMs(): number {
    return this._playing ? this._positionNow() : this._position;
  }

  /**
   * Replay milliseconds of the whole timeline.
   */
  get durationMs(): number {
    return this._times.length > 0 ? this._times[this._times.length - 1] : 0;
  }

  get playing(): boolean {
    return this._playing;
  }

  get speed(): Speed {
    return this._speed;
  }
  set speed(value: Speed) {
    if (!isSpeed(value) || value === this._speed) {
      return;
    }
    // Keep the playhead where it is: only what follows goes faster.
    this._reanchor();
    this._speed = value;
    this._reschedule();
    this._changed.emit();
  }

  get markers(): readonly IStepped[] {
    return this._markers;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Start playing from the playhead (from the start when at the end).
   */
  play(): void {
    if (this._playing || this._times.length === 0 || this._disposed) {
      return;
    }
    if (this._step >= this._times.length - 1) {
      this._setStep(0);
      this._position = this._times[0];
    }
    this._playing = true;
    this._anchorWall = this._clock.now();
    this._anchorMs = this._position;
    this._reschedule();
    this._changed.emit();
  }

  /**
   * Stop where the playhead is.
   */
  pause(): void {
    if (!this._playing) {
      return;
    }
    this._position = this._positionNow();
    this._playing = false;
    this._cancel();
    this._changed.emit();
  }

  toggle(): void {
    if (this._playing) {
      this.pause();
    } else {
      this.play();
    }
  }

  /**
   * Show a step (clamped to the timeline); playing goes on from there.
   */
  seek(step: number): void {
    if (this._times.length === 0) {
      return;
    }
    const target = Math.min(
      this._times.length - 1,
      Math.max(0, Math.round(step))
    );
    this._position = this._times[target];
    this._anchorWall = this._clock.now();
    this._anchorMs = this._position;
    this._setStep(target);
    this._reschedule();
    this._changed.emit();
  }

  /**
   * Go to the first marker after the step shown; false when there is none.
   */
  nextMarker(): boolean {
    const marker = nextMarkerAfter(this._markers, this._step);
    if (marker) {
      this.seek(marker.step);
    }
    return marker !== null;
  }

  /**
   * Go to the last marker before the step shown; false when there is none.
   */
  previousMarker(): boolean {
    const marker = previousMarkerBefore(this._markers, this._step);
    if (marker) {
      this.seek(marker.step);
    }
    return marker !== null;
  }

  /**
   * Take a longer timeline of the same session (a live interview goes on):
   * the step shown stays.
   */
  setTimeline(times: readonly number[], markers: readonly IStepped[]): void {
    this._reanchor();
    this._times = [...times];
    this._markers = [...markers];
    if (this._times.length === 0) {
      this._playing = false;
      this._cancel();
      this._setStep(-1);
    } else if (this._step >= this._times.length || this._step < 0) {
      this.seek(Math.max(0, Math.min(this._step, this._times.length - 1)));
      return;
    }
    this._reschedule();
    this._changed.emit();
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._playing = false;
    this._cancel();
    Signal.clearData(this);
  }

  /**
   * Where the playhead is now, while playing.
   */
  private _positionNow(): number {
    const elapsed = this._clock.now() - this._anchorWall;
    return Math.min(
      this.durationMs,
      this._anchorMs + Math.max(0, elapsed) * this._speed
    );
  }

  private _reanchor(): void {
    if (this._playing) {
      this._position = this._positionNow();
      this._anchorWall = this._clock.now();
      this._anchorMs = this._position;
    }
  }

  private _tick = (): void => {
    this._timer = null;
    if (!this._playing || this._disposed) {
      return;
    }
    const position = this._positionNow();
    const step = stepAtTime(this._times, position);
    if (step > this._step) {
      this._setStep(step);
    }
    if (this._step >= this._times.length - 1) {
      // The end: stop there.
      this._position = this.durationMs;
      this._playing = false;
      this._changed.emit();
      return;
    }
    this._reschedule();
    this._changed.emit();
  };

  private _reschedule(): void {
    this._cancel();
    if (!this._playing) {
      return;
    }
    const delay = wallDelayToNextStep(
      this._times,
      this._step,
      this._positionNow(),
      this._speed
    );
    if (delay === null) {
      // Already at the last step.
      this._timer = this._clock.setTimeout(this._tick, 0);
      return;
    }
    this._timer = this._clock.setTimeout(
      this._tick,
      Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, delay))
    );
  }

  private _cancel(): void {
    if (this._timer !== null) {
      this._clock.clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _setStep(step: number): void {
    if (step !== this._step) {
      this._step = step;
      this._stepChanged.emit(step);
    }
  }

  private _clock: IPlayerClock;
  private _times: number[];
  private _markers: IStepped[];
  private _step: number;
  private _position: number;
  private _playing = false;
  private _speed: Speed = 1;
  private _anchorWall = 0;
  private _anchorMs = 0;
  private _timer: unknown = null;
  private _disposed = false;
  private _stepChanged = new Signal<this, number>(this);
  private _changed = new Signal<this, void>(this);
}

/**
 * A namespace for `ReplayPlayer` statics.
 */
export namespace ReplayPlayer {
  export interface IOptions {
    /**
     * Replay milliseconds of each step, never decreasing.
     */
    times: readonly number[];
    /**
     * The markers (for next/previous marker).
     */
    markers?: readonly IStepped[];
    /**
     * The clock (default: the browser's).
     */
    clock?: IPlayerClock;
  }
}
