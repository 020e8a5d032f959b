import type { IDevInterviewClient } from '../tokens';

/**
 * The offset of the server clock against the local one, from one round trip:
 * the server read its clock `serverNowMs` somewhere between the local times
 * `t0` (request sent) and `t1` (answer received); assume the middle.
 */
export function clockOffset(t0: number, serverNowMs: number, t1: number) {
  return serverNowMs - (t0 + t1) / 2;
}

/**
 * The server clock as seen from this browser: `Date.now()` corrected by an
 * offset measured with `GET /devinterview/api/time`.
 */
export class ServerClock {
  constructor(options: ServerClock.IOptions = {}) {
    this._localNow = options.localNow ?? (() => Date.now());
  }

  /**
   * Milliseconds to add to the local clock to get the server's (0 until
   * measured).
   */
  get offset(): number {
    return this._offset;
  }

  /**
   * Whether the offset was measured at least once.
   */
  get measured(): boolean {
    return this._measured;
  }

  /**
   * The server's epoch milliseconds now.
   */
  now(): number {
    return this._localNow() + this._offset;
  }

  /**
   * Measure the offset against the server. Takes the sample with the
   * shortest round trip of `samples`; keeps the old offset if all fail.
   */
  async sync(client: IDevInterviewClient, samples = 3): Promise<number> {
    let best: { rtt: number; offset: number } | null = null;
    for (let i = 0; i < samples; i++) {
      try {
        const t0 = this._localNow();
        const { now_ms } = await client.serverTime();
        const t1 = this._localNow();
        const rtt = t1 - t0;
        if (!best || rtt < best.rtt) {
          best = { rtt, offset: clockOffset(t0, now_ms, t1) };
        }
      } catch {
        // Keep whatever we have; the next sync may succeed.
      }
    }
    if (best) {
      this._offset = best.offset;
      this._measured = true;
    }
    return this._offset;
  }

  private _localNow: () => number;
  private _offset = 0;
  private _measured = false;
}

/**
 * A namespace for `ServerClock` statics.
 */
export namespace ServerClock {
  /**
   * The options of a server clock.
   */
  export interface IOptions {
    /**
     * The local clock (for tests); `Date.now` by default.
     */
    localNow?: () => number;
  }
}
