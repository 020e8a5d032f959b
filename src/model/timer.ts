/**
 * The shared interview timer: the room's `timer` map and its arithmetic.
 */

/**
 * The state of the timer as the server writes it into the room.
 */
export interface ITimerSnapshot {
  /**
   * Whether the timer runs.
   */
  running: boolean;
  /**
   * Server epoch ms when the current run started (null when paused).
   */
  started_at_ms: number | null;
  /**
   * Milliseconds counted by earlier runs.
   */
  accumulated_ms: number;
  /**
   * The planned length of the interview, in minutes (null: none).
   */
  planned_minutes: number | null;
}

/**
 * How the timer stands against the planned length.
 */
export type TimerPhase = 'normal' | 'warning' | 'over';

/**
 * A stopped timer at zero.
 */
export const EMPTY_TIMER: ITimerSnapshot = {
  running: false,
  started_at_ms: null,
  accumulated_ms: 0,
  planned_minutes: null
};

/**
 * Read a timer snapshot from the room's `timer` map (or any key-value
 * source), tolerating missing or mistyped values.
 */
export function readTimer(source: {
  get(key: string): unknown;
}): ITimerSnapshot {
  const num = (value: unknown): number | null =>
    typeof value === 'number' && Number.isFinite(value) ? value : null;
  return {
    running: source.get('running') === true,
    started_at_ms: num(source.get('started_at_ms')),
    accumulated_ms: num(source.get('accumulated_ms')) ?? 0,
    planned_minutes: num(source.get('planned_minutes'))
  };
}

/**
 * The elapsed milliseconds shown at server time `serverNow`:
 * `accumulated_ms + (running ? serverNow - started_at_ms : 0)`, never negative.
 */
export function elapsedMs(timer: ITimerSnapshot, serverNow: number): number {
  let elapsed = timer.accumulated_ms;
  if (timer.running && timer.started_at_ms !== null) {
    elapsed += serverNow - timer.started_at_ms;
  }
  return Math.max(0, elapsed);
}

/**
 * Elapsed time as `MM:SS`, or `H:MM:SS` from one hour (whole seconds, floored).
 */
export function formatElapsed(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0
    ? `${hours}:${pad(minutes)}:${pad(seconds)}`
    : `${pad(minutes)}:${pad(seconds)}`;
}

/**
 * The phase of the timer: `over` past the planned minutes, `warning` within
 * `warningMinutes` of them, else `normal` (always `normal` without a plan).
 */
export function timerPhase(
  ms: number,
  plannedMinutes: number | null,
  warningMinutes: number
): TimerPhase {
  if (plannedMinutes === null || plannedMinutes <= 0) {
    return 'normal';
  }
  const planned = plannedMinutes * 60000;
  if (ms > planned) {
    return 'over';
  }
  if (warningMinutes > 0 && ms >= planned - warningMinutes * 60000) {
    return 'warning';
  }
  return 'normal';
}
