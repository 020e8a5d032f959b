import type { IDisposable } from '@lumino/disposable';

import { DevInterviewAPIError } from '../api/errors';
import type { IEventReport } from '../api/types';
import type { IIntegritySink, IntervalKind } from './detector';

/**
 * How long to wait before trying again after a refusal for now (429), an
 * unavailable server or a network failure.
 */
export const RETRY_MS = 15_000;

/**
 * Most reports waiting to be sent; past it the oldest paste is dropped
 * (interval reports replace each other, so they never pile up).
 */
export const MAX_PENDING = 50;

/**
 * Sends the detector's observations to the server one at a time, in order.
 *
 * Intervals are sent as changes of state: a change that cancels one not yet
 * sent (hidden, then visible again, while the server refused for a minute)
 * leaves nothing to send. Past the server's rate limit, or when it cannot be
 * reached, the reports wait and go later. Once the server says nothing more
 * is recorded (the interview ended, signals are off) or the credential is no
 * longer valid, the sender stops for good.
 */
export class IntegritySender implements IIntegritySink, IDisposable {
  constructor(options: IntegritySender.IOptions) {
    this._report = options.report;
    this._retryMs = options.retryMs ?? RETRY_MS;
  }

  /**
   * Whether the sender has stopped for good (or was disposed).
   */
  get stopped(): boolean {
    return this._stopped;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Reports waiting to be sent (the one in flight excluded).
   */
  get pending(): readonly IEventReport[] {
    return this._pending;
  }

  paste(size: number): void {
    if (this._stopped) {
      return;
    }
    this._pending.push({ kind: 'paste', size });
    if (this._pending.length > MAX_PENDING) {
      const oldest = this._pending.findIndex(r => r.kind === 'paste');
      this._pending.splice(oldest, 1);
    }
    this._pump();
  }

  interval(kind: IntervalKind, state: 'start' | 'end'): void {
    if (this._stopped) {
      return;
    }
    this._pending = this._pending.filter(r => r.kind !== kind);
    if (this._serverState(kind) !== state) {
      this._pending.push({ kind, state });
    }
    this._pump();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._stop();
  }

  /**
   * The state the server will have of `kind` once what is in flight lands
   * (undefined: not known, e.g. before the first report of a page).
   */
  private _serverState(kind: IntervalKind): 'start' | 'end' | undefined {
    const flight = this._inFlight;
    if (flight && flight.kind === kind && 'state' in flight) {
      return flight.state;
    }
    return this._confirmed[kind];
  }

  private _stop(): void {
    this._stopped = true;
    this._pending = [];
    clearTimeout(this._retry);
    this._retry = undefined;
  }

  private _pump(): void {
    if (this._stopped || this._inFlight || this._retry !== undefined) {
      return;
    }
    const next = this._pending.shift();
    if (!next) {
      return;
    }
    this._inFlight = next;
    this._report(next).then(
      () => {
        this._inFlight = null;
        if ('state' in next) {
          this._confirmed[next.kind] = next.state;
        }
        this._pump();
      },
      (error: unknown) => {
        this._inFlight = null;
        this._failed(next, error);
        this._pump();
      }
    );
  }

  private _failed(report: IEventReport, error: unknown): void {
    const status = error instanceof DevInterviewAPIError ? error.status : -1;
    if (status === 0 || status === 429 || status >= 500) {
      // Later, unless a newer state of the same interval replaced it meanwhile.
      const replaced =
        'state' in report && this._pending.some(r => r.kind === report.kind);
      if (!replaced) {
        this._pending.unshift(report);
      }
      this._retry = setTimeout(() => {
        this._retry = undefined;
        this._pump();
      }, this._retryMs);
      return;
    }
    if (status === 401 || status === 403 || status === 404 || status === 409) {
      this._stop();
      return;
    }
    // Refused as malformed (400, 422) or failed oddly: dropped, the rest goes on.
    if (!(error instanceof DevInterviewAPIError)) {
      console.warn('DevInterview: an integrity report failed.', error);
    }
  }

  private _report: (body: IEventReport) => Promise<unknown>;
  private _retryMs: number;
  private _pending: IEventReport[] = [];
  private _inFlight: IEventReport | null = null;
  private _confirmed: Partial<Record<IntervalKind, 'start' | 'end'>> = {};
  private _retry: ReturnType<typeof setTimeout> | undefined = undefined;
  private _stopped = false;
  private _isDisposed = false;
}

/**
 * A namespace for `IntegritySender` statics.
 */
export namespace IntegritySender {
  /**
   * The options of a sender.
   */
  export interface IOptions {
    /**
     * Send one report (`client.reportEvent` bound to the session).
     */
    report: (body: IEventReport) => Promise<unknown>;
    /**
     * Milliseconds to wait before trying again (default `RETRY_MS`).
     */
    retryMs?: number;
  }
}
