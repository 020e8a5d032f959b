/**
 * The connection state of a room, as the interview toolbar shows it.
 */

/**
 * Why the server closed the room for good (no reconnecting):
 * - `deleted`: the session is gone (close code 4404);
 * - `expired`: the candidate's invite expired or was revoked (4401);
 * - `removed`: the owner removed this co-interviewer from the session (4403);
 * - `too-large`: the document reached its size limit (4413);
 * - `rejected`: an update would have made the document invalid (4422).
 */
export type RoomClosure =
  'deleted' | 'expired' | 'removed' | 'too-large' | 'rejected';

/**
 * What the user sees: `connecting` before the first sync, `connected` once
 * synced, `reconnecting` after a lost connection (also when the server is
 * busy, 1013), `offline` when the connection is down (local edits are kept
 * and merged on reconnect), or one of the `RoomClosure`s once the server
 * closed the room for good.
 */
export type ConnectionState =
  'connecting' | 'connected' | 'reconnecting' | 'offline' | RoomClosure;

/**
 * The close codes after which the client stops reconnecting, and why.
 * Any other code (e.g. 1013, the server is busy and dropped this, its
 * slowest, connection) is followed by y-websocket's reconnection backoff.
 */
export const CLOSE_CODES: Readonly<Record<number, RoomClosure>> = {
  4401: 'expired',
  4403: 'removed',
  4404: 'deleted',
  4413: 'too-large',
  4422: 'rejected'
};

/**
 * The closure a websocket close code means, or null (reconnect).
 */
export function roomClosure(
  code: number | null | undefined
): RoomClosure | null {
  return code !== null && code !== undefined
    ? (CLOSE_CODES[code] ?? null)
    : null;
}

/**
 * Whether to reconnect after the server closed the connection with `code`:
 * not after a `CLOSE_CODES` closure, nor after any other code from 4400 to
 * 4499 (y-websocket's convention for permanent closes); after anything else
 * (e.g. 1013, the server is busy) yes, with y-websocket's backoff.
 */
export function reconnectsAfter(code: number): boolean {
  return roomClosure(code) === null && !(code >= 4400 && code < 4500);
}

/**
 * Whether a state is a closure for good.
 */
export function isClosed(state: ConnectionState): state is RoomClosure {
  return Object.values(CLOSE_CODES).includes(state as RoomClosure);
}

/**
 * The raw facts the state is derived from.
 */
export interface IConnectionFacts {
  /**
   * The websocket provider's status.
   */
  status: 'connecting' | 'connected' | 'disconnected';
  /**
   * Whether the document is synced with the server.
   */
  synced: boolean;
  /**
   * Whether the room was synced at least once.
   */
  everSynced: boolean;
  /**
   * Whether the server closed the room for good because the session was
   * deleted (the same as `closure: 'deleted'`).
   */
  deleted?: boolean;
  /**
   * Why the server closed the room for good, if it did.
   */
  closure?: RoomClosure | null;
}

/**
 * Map the provider's facts to the state shown.
 */
export function connectionState(facts: IConnectionFacts): ConnectionState {
  if (facts.closure) {
    return facts.closure;
  }
  if (facts.deleted) {
    return 'deleted';
  }
  if (facts.status === 'connected' && facts.synced) {
    return 'connected';
  }
  if (!facts.everSynced) {
    return 'connecting';
  }
  return facts.status === 'disconnected' ? 'offline' : 'reconnecting';
}
