import type {
  RecordsDiff,
  TLRecord,
  TLStore,
  UnknownRecord
} from '@tldraw/editor';
import type { IDisposable } from '@lumino/disposable';
import { YKeyValue } from 'y-utility/y-keyvalue';
import type * as Y from 'yjs';

import type { Scheduler } from '../model/schedule';
import { nextAnimationFrame } from '../model/schedule';

/**
 * The name of the board's records in the room document.
 */
export const WHITEBOARD_KEY = 'whiteboard';

/**
 * One entry of the room's `whiteboard` array (a y-utility `YKeyValue`).
 */
export interface IWhiteboardEntry {
  key: string;
  val: TLRecord;
}

/**
 * A change of one record as `YKeyValue` reports it.
 */
type RecordChange =
  | { action: 'add'; newValue: TLRecord }
  | { action: 'update'; oldValue: TLRecord; newValue: TLRecord }
  | { action: 'delete'; oldValue: TLRecord };

/**
 * Keeps a tldraw store and the room's `whiteboard` records equal.
 *
 * Local changes made by the user are collected and written in one Yjs
 * transaction per animation frame (a stroke changes its shape on every pointer
 * move; peers only need the last state of each frame). Remote changes are
 * merged into the store as remote changes, so they never echo back and never
 * enter the local undo history. Records are last-writer-wins per id.
 */
export class WhiteboardBinding implements IDisposable {
  constructor(options: WhiteboardBinding.IOptions) {
    this.store = options.store;
    this._doc = options.doc;
    this._array = options.doc.getArray<IWhiteboardEntry>(WHITEBOARD_KEY);
    this._schedule = options.schedule ?? nextAnimationFrame;
    this._readOnly = options.readOnly ?? false;
    this._records = new YKeyValue<TLRecord>(this._array);

    this._loadFromDoc();
    this._records.on('change', this._onRemote);
    this._unlisten = this.store.listen(this._onLocal, {
      source: 'user',
      scope: 'document'
    });
  }

  /**
   * The tldraw store.
   */
  readonly store: TLStore;

  /**
   * Whether local changes stay local (the interview has ended).
   */
  get readOnly(): boolean {
    return this._readOnly;
  }
  set readOnly(value: boolean) {
    this._readOnly = value;
    if (value) {
      this._cancelFlush();
      this._pending.clear();
    }
  }

  /**
   * How many local record changes wait for the next frame.
   */
  get pendingCount(): number {
    return this._pending.size;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Write the waiting local changes now, in one transaction.
   */
  flush(): void {
    this._cancelFlush();
    if (this._pending.size === 0 || this._readOnly) {
      this._pending.clear();
      return;
    }
    const pending = [...this._pending];
    this._pending.clear();
    this._doc.transact(() => {
      for (const [id, record] of pending) {
        if (record) {
          this._records.set(id, record);
        } else {
          this._records.delete(id);
        }
      }
    }, this);
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this.flush();
    this._disposed = true;
    this._unlisten();
    this._records.off('change', this._onRemote);
    this._records.destroy();
  }

  private _loadFromDoc(): void {
    const records = [...this._records.map.values()].map(entry => entry.val);
    if (records.length === 0) {
      return;
    }
    this.store.mergeRemoteChanges(() => {
      this.store.put(records);
    });
  }

  private _onLocal = (entry: { changes: RecordsDiff<UnknownRecord> }): void => {
    if (this._readOnly || this._disposed) {
      return;
    }
    const { added, updated, removed } = entry.changes;
    for (const record of Object.values(added)) {
      this._pending.set(record.id, record as TLRecord);
    }
    for (const [, to] of Object.values(updated)) {
      this._pending.set(to.id, to as TLRecord);
    }
    for (const record of Object.values(removed)) {
      this._pending.set(record.id, null);
    }
    if (this._pending.size > 0 && !this._cancel) {
      this._cancel = this._schedule(() => {
        this._cancel = null;
        this.flush();
      });
    }
  };

  private _onRemote = (
    changes: Map<string, RecordChange>,
    transaction: Y.Transaction
  ): void => {
    if (transaction.origin === this || this._disposed) {
      return;
    }
    const put: TLRecord[] = [];
    const remove: TLRecord['id'][] = [];
    for (const [id, change] of changes) {
      if (change.action === 'delete') {
        if (this.store.has(id as TLRecord['id'])) {
          remove.push(id as TLRecord['id']);
        }
      } else {
        put.push(change.newValue);
      }
    }
    if (put.length === 0 && remove.length === 0) {
      return;
    }
    this.store.mergeRemoteChanges(() => {
      if (remove.length > 0) {
        this.store.remove(remove);
      }
      if (put.length > 0) {
        this.store.put(put);
      }
    });
  };

  private _cancelFlush(): void {
    this._cancel?.();
    this._cancel = null;
  }

  private _doc: Y.Doc;
  private _array: Y.Array<IWhiteboardEntry>;
  private _records: YKeyValue<TLRecord>;
  private _schedule: Scheduler;
  private _readOnly: boolean;
  private _pending = new Map<string, TLRecord | null>();
  private _cancel: (() => void) | null = null;
  private _unlisten: () => void;
  private _disposed = false;
}

/**
 * A namespace for `WhiteboardBinding` statics.
 */
export namespace WhiteboardBinding {
  /**
   * The options of a binding.
   */
  export interface IOptions {
    /**
     * The tldraw store (records of the board).
     */
    store: TLStore;
    /**
     * The room document.
     */
    doc: Y.Doc;
    /**
     * When to write local changes (default: the next animation frame).
     */
    schedule?: Scheduler;
    /**
     * Whether local changes stay local.
     */
    readOnly?: boolean;
  }
}
