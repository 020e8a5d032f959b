/**
 * A key-value store on a Y.Array of `{key, val}` entries: y-utility's
 * `YKeyValue` (same layout, same semantics, same events, so both can share a
 * document), made safe against entries that are not `{key: string, ...}`
 * objects. `YKeyValue` reads `entry.key` of every entry and throws on `null`
 * (a hostile peer can push one); here such entries are ignored: never in the
 * map, never reported, never deleted.
 */
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type * as Y from 'yjs';

/**
 * One entry as stored.
 */
export interface IKeyValueEntry<T> {
  key: string;
  val: T;
}

/**
 * A change of one key, as `YKeyValue` reports it.
 */
export type KeyValueChange<T> =
  | { action: 'add'; newValue: T }
  | { action: 'update'; oldValue: T; newValue: T }
  | { action: 'delete'; oldValue: T };

/**
 * What `changed` emits: the changes by key and the Yjs transaction.
 */
export interface IKeyValueChanges<T> {
  changes: Map<string, KeyValueChange<T>>;
  transaction: Y.Transaction;
}

/**
 * Whether an array element is an entry (a plain object with a string key);
 * its `val` is not checked.
 */
export function isKeyedEntry(value: unknown): value is IKeyValueEntry<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { key?: unknown }).key === 'string'
  );
}

/**
 * The latest entry per key of a `{key, val}` Y.Array; entries further right
 * win, older duplicates are removed (as `YKeyValue` does). `changed` says
 * what changed, like `YKeyValue`'s `change` event.
 */
export class SafeKeyValue<T> {
  constructor(readonly yarray: Y.Array<unknown>) {
    this.doc = yarray.doc!;
    const entries = yarray.toArray();
    this.doc.transact(() => {
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i];
        if (!isKeyedEntry(entry)) {
          continue;
        }
        if (this.map.has(entry.key)) {
          yarray.delete(i);
        } else {
          this.map.set(entry.key, entry as IKeyValueEntry<T>);
        }
      }
    });
    yarray.observe(this._onChange);
  }

  /**
   * The document of the array.
   */
  readonly doc: Y.Doc;

  /**
   * The current entry of each key.
   */
  readonly map = new Map<string, IKeyValueEntry<T>>();

  /**
   * Emitted after entries were added, updated or deleted.
   */
  get changed(): ISignal<this, IKeyValueChanges<T>> {
    return this._changed;
  }

  /**
   * Set a key (appends a new entry, deletes the old one).
   */
  set(key: string, val: T): void {
    this.doc.transact(() => {
      if (this.map.has(key)) {
        this.delete(key);
      }
      this.yarray.push([{ key, val }]);
    });
  }

  /**
   * Delete a key.
   */
  delete(key: string): void {
    let i = 0;
    for (const entry of this.yarray) {
      if (isKeyedEntry(entry) && entry.key === key) {
        this.yarray.delete(i);
        break;
      }
      i++;
    }
  }

  /**
   * The value of a key.
   */
  get(key: string): T | undefined {
    return this.map.get(key)?.val;
  }

  /**
   * Whether a key is set.
   */
  has(key: string): boolean {
    return this.map.has(key);
  }

  destroy(): void {
    this.yarray.unobserve(this._onChange);
    Signal.clearData(this);
  }

  private _onChange = (
    event: Y.YArrayEvent<unknown>,
    transaction: Y.Transaction
  ): void => {
    const changes = new Map<string, KeyValueChange<T>>();
    event.changes.deleted.forEach(item => {
      for (const entry of item.content.getContent()) {
        if (isKeyedEntry(entry) && this.map.get(entry.key) === entry) {
          this.map.delete(entry.key);
          changes.set(entry.key, {
            action: 'delete',
            oldValue: entry.val as T
          });
        }
      }
    });
    const added = new Map<string, IKeyValueEntry<T>>();
    event.changes.added.forEach(item => {
      for (const entry of item.content.getContent()) {
        if (isKeyedEntry(entry)) {
          added.set(entry.key, entry as IKeyValueEntry<T>);
        }
      }
    });
    const toRemove = new Set<string>();
    const entries = this.yarray.toArray();
    this.doc.transact(() => {
      for (
        let i = entries.length - 1;
        i >= 0 && (added.size > 0 || toRemove.size > 0);
        i--
      ) {
        const entry = entries[i];
        if (!isKeyedEntry(entry)) {
          continue;
        }
        const key = entry.key;
        if (toRemove.has(key)) {
          toRemove.delete(key);
          this.yarray.delete(i, 1);
        } else if (added.get(key) === entry) {
          const previous = this.map.get(key);
          if (previous) {
            toRemove.add(key);
            changes.set(key, {
              action: 'update',
              oldValue: previous.val,
              newValue: entry.val as T
            });
          } else {
            const deleted = changes.get(key);
            if (deleted && deleted.action === 'delete') {
              changes.set(key, {
                action: 'update',
                oldValue: deleted.oldValue,
                newValue: entry.val as T
              });
            } else {
              changes.set(key, { action: 'add', newValue: entry.val as T });
            }
          }
          added.delete(key);
          this.map.set(key, entry as IKeyValueEntry<T>);
        } else if (added.has(key)) {
          // An older entry than the one already there: drop it.
          toRemove.add(key);
          added.delete(key);
        }
      }
    });
    if (changes.size > 0) {
      this._changed.emit({ changes, transaction });
    }
  };

  private _changed = new Signal<this, IKeyValueChanges<T>>(this);
}
