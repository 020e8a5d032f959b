import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

/**
 * Who holds the runner of an interview: its run area or its tests area.
 */
export type RunHolder = 'run' | 'tests';

/**
 * One program at a time per interview: the run area and the tests area share
 * the browser's runner, which refuses a second program while one runs. The
 * gate lets each area see that the other is busy (and say so) instead of
 * failing.
 */
export class RunGate {
  /**
   * Who holds the gate (null: free).
   */
  get holder(): RunHolder | null {
    return this._holder;
  }

  /**
   * Emitted when the gate is taken or released.
   */
  get changed(): ISignal<this, RunHolder | null> {
    return this._changed;
  }

  /**
   * Take the gate: a release function, or null when it is held already.
   */
  acquire(holder: RunHolder): (() => void) | null {
    if (this._holder !== null) {
      return null;
    }
    this._holder = holder;
    this._changed.emit(holder);
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this._holder = null;
        this._changed.emit(null);
      }
    };
  }

  private _holder: RunHolder | null = null;
  private _changed = new Signal<this, RunHolder | null>(this);
}
