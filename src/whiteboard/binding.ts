import type {
  RecordsDiff,
  TLRecord,
  TLStore,
  UnknownRecord
} from '@tldraw/editor';
import type { IDisposable } from '@lumino/disposable';
import type * as Y from 'yjs';

import {
  BadEntryLog,
  WHITEBOARD_KEY,
  whiteboardEntryProblem
} from '../model/document';
import type { IKeyValueChanges } from '../model/keyValue';
import { SafeKeyValue } from '../model/keyValue';
import type { Scheduler } from '../model/schedule';
import { nextAnimationFrame } from '../model/schedule';

export { WHITEBOARD_KEY } from '../model/document';

/**
 * One entry of the room's `whiteboard` array (a y-utility `YKeyValue`).
 */
export interface IWhiteboardEntry {
  key: string;
  val: TLRecord;
}

/**
 * Keeps a tldraw store and the room's `whiteboard` records equal.
 *
 * Local changes made by the user are collected and written in one Yjs
 * transaction per animation frame (a stroke changes its shape on every pointer
 * move; peers only need the last state of each frame). Remote changes are
 * merged into the store as remote changes, so they never echo back and never
 * enter the local undo history. Records are last-writer-wins per id.
 *
 * Only valid records reach the store: an entry must pass the document's rule
 * (`whiteboardEntryProblem`), be a document record of the store's schema and
 * pass tldraw's own validation (`schema.validateRecord`). Any other entry is
 * skipped (logged once), at load and on remote changes: one bad record never
 * breaks the board. A record whose new value is not valid leaves the store.
 */
export class WhiteboardBinding implements IDisposable {
  constructor(options: WhiteboardBinding.IOptions) {
    this.store = options.store;
    this._doc = options.doc;
    this._schedule = options.schedule ?? nextAnimationFrame;
    this._readOnly = options.readOnly ?? false;
    this._records = new SafeKeyValue<unknown>(
      options.doc.getArray<unknown>(WHITEBOARD_KEY)
    );

    this._loadFromDoc();
    this._records.changed.connect(this._onRemote, this);
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
   * The log of skipped records (each logged once).
   */
  get badEntries(): BadEntryLog {
    return this._bad;
  }

  /**
   * The record to show for a stored entry, or null when it is not valid.
   */
  validRecord(key: string, val: unknown): TLRecord | null {
    const entry = { key, val };
    const problem = whiteboardEntryProblem(entry);
    if (problem !== null) {
      this._bad.warn(val, problem);
      return null;
    }
    const record = val as UnknownRecord;
    const schema = this.store.schema;
    if (!Object.prototype.hasOwnProperty.call(schema.types, record.typeName)) {
      this._bad.warn(val, `unknown record type ${record.typeName}`);
      return null;
    }
    const type = (schema.types as Record<string, { scope?: string }>)[
      record.typeName
    ];
    if (type.scope !== 'document') {
      this._bad.warn(val, `${record.typeName} is not a document record`);
      return null;
    }
    try {
      return schema.validateRecord(
        this.store,
        record as TLRecord,
        'createRecord',
        null
      ) as TLRecord;
    } catch (error) {
      this._bad.warn(val, String(error));
      return null;
    }
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
    this._records.destroy();
  }

  private _loadFromDoc(): void {
    const records: TLRecord[] = [];
    for (const [key, entry] of this._records.map) {
      const record = this.validRecord(key, entry.val);
      if (record) {
        records.push(record);
      }
    }
    this._merge(records, []);
  }

  /**
   * Put and remove records as remote changes. Should the store still refuse
   * a batch, the records go in one by one and those it refuses are skipped.
   */
  private _merge(put: TLRecord[], remove: TLRecord['id'][]): void {
    if (put.length === 0 && remove.length === 0) {
      return;
    }
    this.store.mergeRemoteChanges(() => {
      if (remove.length > 0) {
        this.store.remove(remove);
      }
      if (put.length === 0) {
        return;
      }
      try {
        this.store.put(put);
      } catch {
        for (const record of put) {
          try {
            this.store.put([record]);
          } catch (error) {
            this._bad.warn(record, String(error));
          }
        }
      }
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

  private _onRemote(
    _sender: SafeKeyValue<unknown>,
    { changes, transaction }: IKeyValueChanges<unknown>
  ): void {
    if (transaction.origin === this || this._disposed) {
      return;
    }
    const put: TLRecord[] = [];
    const remove: TLRecord['id'][] = [];
    for (const [id, change] of changes) {
      const record =
        change.action === 'delete'
          ? null
          : this.validRecord(id, change.newValue);
      if (record) {
        put.push(record);
      } else if (this._isSharedRecord(id)) {
        remove.push(id as TLRecord['id']);
      }
    }
    this._merge(put, remove);
  }

  /**
   * Whether the store holds a document record of this id (the room never
   * removes the local instance, camera, pointer or presence records).
   */
  private _isSharedRecord(id: string): boolean {
    const record = this.store.get(id as TLRecord['id']);
    if (!record) {
      return false;
    }
    const types = this.store.schema.types as Record<
      string,
      { scope?: string } | undefined
    >;
    return types[record.typeName]?.scope === 'document';
  }

  private _cancelFlush(): void {
    this._cancel?.();
    this._cancel = null;
  }

  private _doc: Y.Doc;
  private _records: SafeKeyValue<unknown>;
  private _bad = new BadEntryLog('whiteboard record');
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
