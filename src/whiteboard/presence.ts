import type { IDisposable } from '@lumino/disposable';
import type {
  Signal,
  TLInstancePresence,
  TLStore,
  TLUser
} from '@tldraw/editor';
import {
  InstancePresenceRecordType,
  UserRecordType,
  createPresenceStateDerivation,
  createUserId,
  react
} from '@tldraw/editor';
import type { Awareness } from 'y-protocols/awareness';

import type { Scheduler } from '../model/schedule';
import { after } from '../model/schedule';

/**
 * How often the local cursor is published at most. Every published state is
 * a whole presence record (~600 bytes) sent to every peer; 20 per second keep
 * remote cursors fluid at a third of the traffic of one per frame.
 */
export const PRESENCE_INTERVAL_MS = 50;

/**
 * The awareness field holding a participant's whiteboard presence (cursor,
 * selection, camera): the `user` field holds name, colour and role.
 */
export const PRESENCE_FIELD = 'whiteboard';

/**
 * The tldraw user of an awareness client: one id per browser tab, so two tabs
 * of the same person show two cursors.
 */
export function whiteboardUser(
  clientId: number,
  user: { name: string; color: string }
): TLUser {
  return UserRecordType.create({
    id: createUserId(String(clientId)),
    name: user.name,
    color: user.color
  });
}

/**
 * The presence record id of an awareness client.
 */
export function presenceId(clientId: number): TLInstancePresence['id'] {
  return InstancePresenceRecordType.createId(String(clientId));
}

/**
 * Live presence on the board: publishes the local cursor and selection in the
 * room's awareness (at most every `PRESENCE_INTERVAL_MS`) and mirrors the other
 * participants' presence into the store as `instance_presence` records, which
 * tldraw draws as named, coloured cursors.
 */
export class PresenceBinding implements IDisposable {
  constructor(options: PresenceBinding.IOptions) {
    this._store = options.store;
    this._awareness = options.awareness;
    this._schedule = options.schedule ?? after(PRESENCE_INTERVAL_MS);
    const presence = createPresenceStateDerivation(options.user, {
      instanceId: presenceId(options.awareness.clientID)
    })(this._store);
    this._stopPublishing = react('devinterview publish presence', () => {
      this._latest = presence.get();
      if (!this._cancel) {
        this._cancel = this._schedule(this._publish);
      }
    });
    this._awareness.on('change', this._onAwareness);
    this._onAwareness({
      added: [...this._awareness.getStates().keys()],
      updated: [],
      removed: []
    });
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._cancel?.();
    this._stopPublishing();
    this._awareness.off('change', this._onAwareness);
    this._awareness.setLocalStateField(PRESENCE_FIELD, null);
    const ids = [...this._shown];
    this._shown.clear();
    if (ids.length > 0) {
      this._store.mergeRemoteChanges(() => this._store.remove(ids));
    }
  }

  private _publish = (): void => {
    this._cancel = null;
    if (!this._disposed) {
      this._awareness.setLocalStateField(PRESENCE_FIELD, this._latest);
    }
  };

  private _onAwareness = (change: {
    added: number[];
    updated: number[];
    removed: number[];
  }): void => {
    if (this._disposed) {
      return;
    }
    const put: TLInstancePresence[] = [];
    const remove = new Set<TLInstancePresence['id']>();
    const states = this._awareness.getStates();
    for (const clientId of [...change.added, ...change.updated]) {
      if (clientId === this._awareness.clientID) {
        continue;
      }
      const record = states.get(clientId)?.[PRESENCE_FIELD] as
        TLInstancePresence | null | undefined;
      const id = presenceId(clientId);
      // The id is ours to decide: one client cannot overwrite another's cursor.
      const valid =
        record && typeof record === 'object' ? this._valid(record, id) : null;
      if (valid) {
        put.push(valid);
        this._shown.add(id);
      } else if (this._shown.delete(id)) {
        remove.add(id);
      }
    }
    for (const clientId of change.removed) {
      const id = presenceId(clientId);
      if (this._shown.delete(id)) {
        remove.add(id);
      }
    }
    if (put.length === 0 && remove.size === 0) {
      return;
    }
    this._store.mergeRemoteChanges(() => {
      if (remove.size > 0) {
        this._store.remove([...remove]);
      }
      if (put.length > 0) {
        this._store.put(put);
      }
    });
  };

  /**
   * A peer's presence as a record tldraw accepts, or null (a malformed state
   * hides that peer's cursor instead of breaking the board; logged once).
   */
  private _valid(
    record: TLInstancePresence,
    id: TLInstancePresence['id']
  ): TLInstancePresence | null {
    try {
      const created = InstancePresenceRecordType.create({ ...record, id });
      return this._store.schema.validateRecord(
        this._store,
        created,
        'createRecord',
        null
      ) as TLInstancePresence;
    } catch (error) {
      if (!this._warned.has(id)) {
        this._warned.add(id);
        console.warn(
          'DevInterview: skipped an invalid whiteboard presence.',
          String(error)
        );
      }
      return null;
    }
  }

  private _warned = new Set<string>();
  private _store: TLStore;
  private _awareness: Awareness;
  private _schedule: Scheduler;
  private _latest: TLInstancePresence | null = null;
  private _cancel: (() => void) | null = null;
  private _stopPublishing: () => void;
  private _shown = new Set<TLInstancePresence['id']>();
  private _disposed = false;
}

/**
 * A namespace for `PresenceBinding` statics.
 */
export namespace PresenceBinding {
  /**
   * The options of a presence binding.
   */
  export interface IOptions {
    /**
     * The tldraw store of the board.
     */
    store: TLStore;
    /**
     * The room's awareness.
     */
    awareness: Awareness;
    /**
     * The local participant as tldraw sees it (also the store's current user).
     */
    user: Signal<TLUser>;
    /**
     * When to publish the local presence (default: `PRESENCE_INTERVAL_MS` later).
     */
    schedule?: Scheduler;
  }
}
