import * as decoding from 'lib0/decoding';
import type { Awareness } from 'y-protocols/awareness';
import { applyAwarenessUpdate } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';

import { isHexColor } from './colors';

/**
 * The y-websocket message type of awareness updates.
 */
const MESSAGE_AWARENESS = 1;

/**
 * The identity the server shows others for one participant.
 */
export interface IStampedUser {
  name: string;
  color: string;
  role: string;
}

/**
 * The `user` the server stamped on our own awareness entry in `update`, or
 * null when the update holds no such entry (or a malformed one).
 */
export function ownStamp(
  update: Uint8Array,
  clientId: number
): IStampedUser | null {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    let found: IStampedUser | null = null;
    for (let i = 0; i < count; i++) {
      const id = decoding.readVarUint(decoder);
      decoding.readVarUint(decoder); // clock
      const text = decoding.readVarString(decoder);
      if (id !== clientId) {
        continue;
      }
      const user = (JSON.parse(text) as { user?: unknown } | null)?.user as
        Record<string, unknown> | undefined;
      if (
        user &&
        typeof user.name === 'string' &&
        typeof user.role === 'string' &&
        isHexColor(user.color)
      ) {
        found = { name: user.name, color: user.color, role: user.role };
      }
    }
    return found;
  } catch {
    return null;
  }
}

/**
 * Make the local awareness `user` what the server shows others.
 *
 * The server stamps every presence it relays with the name, colour and role
 * it knows the sender by (rooms/sync.py) and sends the stamped state back to
 * the sender too; y-protocols ignores that copy (same clock as its own). Read
 * it here instead, so that the page shows the participant as the others see
 * them ("you" in the participants list, the author of local runs).
 */
export function followServerStamp(
  provider: WebsocketProvider,
  awareness: Awareness
): void {
  provider.messageHandlers[MESSAGE_AWARENESS] = (_encoder, decoder, source) => {
    const update = decoding.readVarUint8Array(decoder);
    applyAwarenessUpdate(awareness, update, source);
    const stamped = ownStamp(update, awareness.clientID);
    const local = awareness.getLocalState()?.user as
      Partial<IStampedUser> | undefined;
    if (
      stamped &&
      (local?.name !== stamped.name ||
        local?.color !== stamped.color ||
        local?.role !== stamped.role)
    ) {
      // One more round: the server stamps it the same, and this stops.
      awareness.setLocalStateField('user', { ...local, ...stamped });
    }
  };
}
