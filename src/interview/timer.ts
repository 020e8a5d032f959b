import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type * as Y from 'yjs';

import type { TimerPhase } from '../model/timer';
import {
  elapsedMs,
  formatElapsed,
  readTimer,
  timerPhase
} from '../model/timer';
import type { ServerClock } from '../room/clock';

/**
 * A live view of the room's shared timer: elapsed time (server clock,
 * offset-corrected) against the planned minutes, with warning and over
 * states. Used in the interview toolbar and in the status bar.
 */
export class TimerDisplay extends Widget {
  constructor(options: TimerDisplay.IOptions) {
    super({ node: document.createElement('span') });
    this._trans = options.trans;
    this.warningMinutes = options.warningMinutes ?? 5;
    this.addClass('jp-DevInterview-timer');
    this.node.setAttribute('role', 'timer');
    this.node.setAttribute('aria-live', 'off');
    // Visible through CSS (`::before`), so the text stays the bare time that
    // people and tests read; screen readers get the name from aria-label.
    this.node.dataset.label = this._trans.__('Elapsed');
    this.node.setAttribute('aria-label', this._trans.__('Time elapsed'));
    this._interval = window.setInterval(() => this.render(), 250);
    this.render();
  }

  /**
   * Minutes before the planned end at which the timer turns to warning.
   */
  warningMinutes: number;

  /**
   * The phase last rendered.
   */
  get phase(): TimerPhase {
    return this._phase;
  }

  /**
   * Show the timer of this room map and clock (null: none).
   */
  setSource(timer: Y.Map<unknown> | null, clock: ServerClock | null): void {
    this._timer?.unobserve(this._onChange);
    this._timer = timer;
    this._clock = clock;
    this._timer?.observe(this._onChange);
    this.render();
  }

  /**
   * Render the current value.
   */
  render(): void {
    if (this.isDisposed) {
      return;
    }
    if (!this._timer || !this._clock) {
      this.node.textContent = '';
      this.node.dataset.phase = 'normal';
      return;
    }
    const state = readTimer(this._timer);
    const ms = elapsedMs(state, this._clock.now());
    this._phase = timerPhase(ms, state.planned_minutes, this.warningMinutes);
    const planned =
      state.planned_minutes !== null
        ? ` / ${formatElapsed(state.planned_minutes * 60000)}`
        : '';
    this.node.textContent = `${formatElapsed(ms)}${planned}`;
    this.node.setAttribute(
      'aria-label',
      state.planned_minutes !== null
        ? this._trans.__(
            'Time elapsed, of %1 minutes planned',
            state.planned_minutes
          )
        : this._trans.__('Time elapsed')
    );
    this.node.dataset.phase = this._phase;
    this.node.dataset.running = String(state.running);
    this.node.title =
      this._phase === 'over'
        ? this._trans.__('Over the planned time')
        : this._phase === 'warning'
          ? this._trans.__('The planned time is nearly over')
          : state.running
            ? this._trans.__('Interview timer (running)')
            : this._trans.__('Interview timer (paused)');
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    window.clearInterval(this._interval);
    this._timer?.unobserve(this._onChange);
    super.dispose();
  }

  private _onChange = () => this.render();

  private _trans: TranslationBundle;
  private _timer: Y.Map<unknown> | null = null;
  private _clock: ServerClock | null = null;
  private _interval: number;
  private _phase: TimerPhase = 'normal';
}

/**
 * A namespace for `TimerDisplay` statics.
 */
export namespace TimerDisplay {
  /**
   * The options of a timer display.
   */
  export interface IOptions {
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Minutes before the planned end to warn at (default 5).
     */
    warningMinutes?: number;
  }
}
