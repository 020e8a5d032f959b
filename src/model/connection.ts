/**
 * The connection state of a room, as the interview toolbar shows it.
 */

/**
 * What the user sees: `connecting` before the first sync, `connected` once
 * synced, `reconnecting` after a lost connection, `offline` when the
 * connection is down (local edits are kept and merged on reconnect),
 * `deleted` once the server closed the room because the session is gone.
 */
export type ConnectionState =
  'connecting' | 'connected' | 'reconnecting' | 'offline' | 'deleted';

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
   * Whether the server closed the room for good (the session was deleted).
   */
  deleted?: boolean;
}

/**
 * Map the provider's facts to the state shown.
 */
export function connectionState(facts: IConnectionFacts): ConnectionState {
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
