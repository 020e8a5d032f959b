import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

/**
 * Where an autosave is: nothing to save yet, changes waiting for the pause in
 * typing, a request in flight, everything saved, or the last save failed.
 */
export type AutosaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

/**
 * Saves a draft after a pause in the changes, one request at a time.
 *
 * A change during a save is saved by another request once that one is done,
 * so the last request always carries the last change; each request is built
 * when it is sent (`save` reads the current draft), never queued stale.
 */
export class Autosave {
  constructor(options: Autosave.IOptions) {
    this._save = options.save;
    this._delayMs = options.delayMs ?? 800;
  }

  /**
   * The current state.
   */
  get state(): AutosaveState {
    return this._state;
  }

  /**
   * Emitted when `state` changes.
   */
  get stateChanged(): ISignal<this, AutosaveState> {
    return this._stateChanged;
  }

  /**
   * Why the last save failed (null after a success).
   */
  get error(): unknown {
    return this._error;
  }

  /**
   * Whether there are changes the server does not have yet.
   */
  get dirty(): boolean {
    return this._dirty || this._running !== null;
  }

  /**
   * Note a change: it is saved once no other change came for `delayMs`.
   */
  schedule(): void {
    if (this._disposed) {
      return;
    }
    this._dirty = true;
    this._clearTimer();
    this._timer = setTimeout(() => {
      this._timer = null;
      void this._run().catch(() => undefined); // shown through `state`
    }, this._delayMs);
    if (this._running === null) {
      this._setState('pending');
    }
  }

  /**
   * Save now whatever is not saved yet, and wait for it.
   *
   * @throws what the save threw, when it failed.
   */
  async flush(): Promise<void> {
    while (!this._disposed && (this._dirty || this._running !== null)) {
      // A change typed during the last save is not waited for either.
      this._clearTimer();
      await this._run();
    }
  }

  /**
   * Forget the changes not saved yet: there is no draft to save them to any
   * more (it was submitted, maybe from another tab).
   */
  reset(): void {
    this._clearTimer();
    this._dirty = false;
    this._error = null;
    this._setState('idle');
  }

  /**
   * Forget the pending changes and stop (a save in flight still ends).
   */
  dispose(): void {
    this._disposed = true;
    this._clearTimer();
    Signal.clearData(this);
  }

  private _run(): Promise<void> {
    if (this._running === null) {
      this._running = this._loop().finally(() => {
        this._running = null;
      });
    }
    return this._running;
  }

  private async _loop(): Promise<void> {
    // With a timer running, the next change is still being typed: it waits.
    while (this._dirty && this._timer === null && !this._disposed) {
      this._dirty = false;
      this._setState('saving');
      try {
        await this._save();
        this._error = null;
      } catch (error) {
        this._dirty = true;
        this._error = error;
        this._setState('error');
        throw error;
      }
    }
    this._setState(this._dirty ? 'pending' : 'saved');
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _setState(state: AutosaveState): void {
    if (state !== this._state && !this._disposed) {
      this._state = state;
      this._stateChanged.emit(state);
    }
  }

  private _save: () => Promise<void>;
  private _delayMs: number;
  private _state: AutosaveState = 'idle';
  private _stateChanged = new Signal<this, AutosaveState>(this);
  private _error: unknown = null;
  private _dirty = false;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _running: Promise<void> | null = null;
  private _disposed = false;
}

/**
 * A namespace for `Autosave` statics.
 */
export namespace Autosave {
  /**
   * The options of an autosave.
   */
  export interface IOptions {
    /**
     * Send the current draft to the server.
     */
    save: () => Promise<void>;
    /**
     * The pause in changes before a save, in ms (default 800).
     */
    delayMs?: number;
  }
}
