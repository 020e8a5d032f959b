/**
 * Python interpreter snapshots kept in this browser (IndexedDB of the page's
 * origin; the sandbox frame has none). One per Pyodide location.
 */
const DB = 'devinterview-python';
const STORE = 'snapshots';

/**
 * A stored snapshot and the Pyodide version that made it.
 */
export interface IStoredSnapshot {
  version: string;
  data: Uint8Array;
}

function open(): Promise<IDBDatabase | null> {
  return new Promise(resolve => {
    try {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  op: (store: IDBObjectStore) => IDBRequest<T>
): Promise<T | null> {
  const db = await open();
  if (!db) {
    return null;
  }
  try {
    return await new Promise<T | null>(resolve => {
      try {
        const request = op(db.transaction(STORE, mode).objectStore(STORE));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
  } finally {
    db.close();
  }
}

export async function loadSnapshot(
  key: string
): Promise<IStoredSnapshot | null> {
  const value = await withStore<unknown>('readonly', store => store.get(key));
  const stored = value as Partial<IStoredSnapshot> | null;
  return stored &&
    typeof stored.version === 'string' &&
    stored.data instanceof Uint8Array
    ? (stored as IStoredSnapshot)
    : null;
}

export async function saveSnapshot(
  key: string,
  snapshot: IStoredSnapshot
): Promise<void> {
  await withStore('readwrite', store => store.put(snapshot, key));
}

export async function deleteSnapshot(key: string): Promise<void> {
  await withStore('readwrite', store => store.delete(key));
}
