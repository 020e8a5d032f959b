/**
 * The whiteboard's Yjs binding with real tldraw stores and real Y.Docs: two
 * participants are two stores on two documents that exchange Yjs updates, as
 * the room server would relay them.
 */
import type { TLRecord, TLShapeId, TLStore } from '@tldraw/editor';
import { atom, createShapeId, createTLStore } from '@tldraw/editor';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates
} from 'y-protocols/awareness';
import * as Y from 'yjs';

import { WHITEBOARD_KEY, WhiteboardBinding } from '../whiteboard/binding';
import {
  PRESENCE_FIELD,
  PresenceBinding,
  presenceId,
  whiteboardUser
} from '../whiteboard/presence';

/**
 * A scheduler that runs its callbacks only when the test says a frame passed.
 */
function manualFrames() {
  let queue: (() => void)[] = [];
  return {
    schedule: (callback: () => void) => {
      queue.push(callback);
      return () => {
        queue = queue.filter(c => c !== callback);
      };
    },
    frame: () => {
      const run = queue;
      queue = [];
      run.forEach(callback => callback());
    },
    get waiting() {
      return queue.length;
    }
  };
}

/**
 * Relay every update of one document to the other, as the room would.
 */
function connect(a: Y.Doc, b: Y.Doc): void {
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') {
      Y.applyUpdate(b, update, 'relay');
    }
  });
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') {
      Y.applyUpdate(a, update, 'relay');
    }
  });
}

/**
 * What the editor does when it mounts: create the document, page, pointer and
 * camera records (an internal of tldraw's store, not in its public types).
 */
function makeUsable(store: TLStore): TLStore {
  (store as unknown as { ensureStoreIsUsable(): void }).ensureStoreIsUsable();
  return store;
}

function newStore(): TLStore {
  return makeUsable(createTLStore());
}

function participant() {
  const doc = new Y.Doc();
  const store = newStore();
  const frames = manualFrames();
  const binding = new WhiteboardBinding({
    store,
    doc,
    schedule: frames.schedule
  });
  return { doc, store, frames, binding };
}

/**
 * A shape record. A group has no props, so the record stays small and valid.
 */
function shape(id: TLShapeId, x: number): TLRecord {
  return {
    id,
    typeName: 'shape',
    type: 'group',
    x,
    y: 10,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {}
  } as unknown as TLRecord;
}

/**
 * Put a shape the way the editor does: as a user change.
 */
function draw(store: TLStore, record: TLRecord): void {
  store.put([store.schema.types.shape.create(record as any)]);
}

function storedKeys(doc: Y.Doc): string[] {
  return doc
    .getArray<{ key: string } | null>(WHITEBOARD_KEY)
    .toArray()
    .map(entry => entry?.key ?? '');
}

describe('WhiteboardBinding', () => {
  it('writes a frame of local changes in one transaction', () => {
    const a = participant();
    const updates: Uint8Array[] = [];
    a.doc.on('update', (update: Uint8Array) => updates.push(update));
    const id = createShapeId('one');
    draw(a.store, shape(id, 0));
    for (let x = 1; x <= 20; x++) {
      a.store.update(id, record => ({ ...record, x }));
    }
    // Nothing leaves before the frame; then one update with the last state.
    expect(updates).toHaveLength(0);
    expect(a.binding.pendingCount).toBeGreaterThan(0);
    a.frames.frame();
    expect(updates).toHaveLength(1);
    expect(storedKeys(a.doc).filter(key => key === id)).toHaveLength(1);
    const stored = a.doc
      .getArray<{ key: string; val: any }>(WHITEBOARD_KEY)
      .toArray()
      .find(entry => entry.key === id);
    expect(stored?.val.x).toBe(20);
  });

  it('merges remote adds, updates and deletes into the other store', () => {
    const a = participant();
    const b = participant();
    connect(a.doc, b.doc);
    const id = createShapeId('shared');

    draw(a.store, shape(id, 5));
    a.frames.frame();
    expect(b.store.get(id)).toMatchObject({ x: 5, type: 'group' });

    a.store.update(id, record => ({ ...record, x: 42 }));
    a.frames.frame();
    expect(b.store.get(id)).toMatchObject({ x: 42 });

    b.store.remove([id]);
    b.frames.frame();
    expect(a.store.get(id)).toBeUndefined();
    expect(storedKeys(a.doc)).not.toContain(id);
  });

  it('does not echo remote changes back or into the undo history', () => {
    const a = participant();
    const b = participant();
    connect(a.doc, b.doc);
    const sources: string[] = [];
    b.store.listen(entry => sources.push(entry.source), { scope: 'document' });
    const bUpdates: unknown[] = [];
    b.doc.on('update', (_u: Uint8Array, origin: unknown) =>
      bUpdates.push(origin)
    );

    draw(a.store, shape(createShapeId('x'), 1));
    a.frames.frame();

    expect(sources).toEqual(['remote']);
    expect(b.binding.pendingCount).toBe(0);
    expect(b.frames.waiting).toBe(0);
    expect(bUpdates).toEqual(['relay']);
  });

  it('starts from the records already in the room', () => {
    const a = participant();
    const id = createShapeId('kept');
    draw(a.store, shape(id, 7));
    a.frames.frame();

    const later = new Y.Doc();
    Y.applyUpdate(later, Y.encodeStateAsUpdate(a.doc));
    const store = createTLStore();
    const binding = new WhiteboardBinding({
      store,
      doc: later,
      schedule: manualFrames().schedule
    });
    expect(store.get(id)).toMatchObject({ x: 7 });
    binding.dispose();
  });

  it('keeps local changes local when read-only', () => {
    const a = participant();
    a.binding.readOnly = true;
    draw(a.store, shape(createShapeId('nope'), 1));
    a.frames.frame();
    expect(storedKeys(a.doc).filter(key => key.startsWith('shape:'))).toEqual(
      []
    );
  });

  it('writes what is waiting when disposed', () => {
    const a = participant();
    const id = createShapeId('last');
    draw(a.store, shape(id, 3));
    a.binding.dispose();
    expect(storedKeys(a.doc)).toContain(id);
    // Later store changes are not written any more.
    a.store.remove([id]);
    a.frames.frame();
    expect(storedKeys(a.doc)).toContain(id);
  });
});

describe('PresenceBinding', () => {
  function person(name: string, color: string) {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    const user = atom(
      'user',
      whiteboardUser(awareness.clientID, { name, color })
    );
    const store = makeUsable(createTLStore({ users: { currentUser: user } }));
    const frames = manualFrames();
    const presence = new PresenceBinding({
      store,
      awareness,
      user,
      schedule: frames.schedule
    });
    return { doc, awareness, store, frames, presence };
  }

  function relayAwareness(from: Awareness, to: Awareness): void {
    applyAwarenessUpdate(
      to,
      encodeAwarenessUpdate(from, [from.clientID]),
      'relay'
    );
  }

  it('shows other participants as named, coloured presence records', () => {
    const alice = person('Alice', '#ff0000');
    const bob = person('Bob', '#0000ff');
    alice.frames.frame();
    const published = alice.awareness.getLocalState()?.[PRESENCE_FIELD];
    expect(published).toMatchObject({ userName: 'Alice', color: '#ff0000' });

    relayAwareness(alice.awareness, bob.awareness);
    const record = bob.store.get(presenceId(alice.awareness.clientID));
    expect(record).toMatchObject({
      typeName: 'instance_presence',
      userName: 'Alice',
      color: '#ff0000'
    });
    // Bob's own presence never comes back to his store.
    expect(bob.store.get(presenceId(bob.awareness.clientID))).toBeUndefined();

    // Alice leaves: her cursor goes.
    removeAwarenessStates(bob.awareness, [alice.awareness.clientID], 'relay');
    expect(bob.store.get(presenceId(alice.awareness.clientID))).toBeUndefined();
  });

  it('publishes at most once per interval and cannot be spoofed by id', () => {
    const alice = person('Alice', '#ff0000');
    const bob = person('Bob', '#0000ff');
    alice.frames.frame();
    let changes = 0;
    alice.awareness.on('change', () => changes++);
    for (let i = 0; i < 10; i++) {
      alice.store.update('pointer:pointer' as any, p => ({
        ...p,
        x: i,
        y: i
      }));
    }
    expect(changes).toBe(0);
    alice.frames.frame();
    expect(changes).toBe(1);

    // A peer claiming Bob's record id still only moves its own cursor.
    const forged = {
      ...alice.awareness.getLocalState()![PRESENCE_FIELD],
      id: presenceId(bob.awareness.clientID)
    };
    alice.awareness.setLocalStateField(PRESENCE_FIELD, forged);
    relayAwareness(alice.awareness, bob.awareness);
    expect(bob.store.get(presenceId(bob.awareness.clientID))).toBeUndefined();
    expect(bob.store.get(presenceId(alice.awareness.clientID))).toBeDefined();
  });

  it('skips a malformed presence instead of breaking the board', () => {
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    try {
      const alice = person('Alice', '#ff0000');
      const bob = person('Bob', '#0000ff');
      alice.frames.frame();
      alice.awareness.setLocalStateField(PRESENCE_FIELD, {
        ...alice.awareness.getLocalState()![PRESENCE_FIELD],
        cursor: 'oops'
      });
      expect(() =>
        relayAwareness(alice.awareness, bob.awareness)
      ).not.toThrow();
      expect(
        bob.store.get(presenceId(alice.awareness.clientID))
      ).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('WhiteboardBinding with malformed records', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    warn.mockRestore();
  });

  /**
   * A geo (rectangle) shape with every prop tldraw 5 requires.
   */
  function geo(id: TLShapeId, x: unknown, extra: object = {}): any {
    return {
      ...(shape(id, 0) as any),
      type: 'geo',
      x,
      props: {
        w: 100,
        h: 100,
        geo: 'rectangle',
        dash: 'draw',
        growY: 0,
        url: '',
        scale: 1,
        flipX: false,
        flipY: false,
        color: 'black',
        labelColor: 'black',
        fill: 'none',
        size: 'm',
        font: 'draw',
        align: 'middle',
        verticalAlign: 'middle',
        richText: { type: 'doc', content: [{ type: 'paragraph' }] }
      },
      ...extra
    };
  }

  const good = [createShapeId('good-group'), createShapeId('good-geo')];
  const bad = {
    oops: createShapeId('oops'),
    otherId: createShapeId('other-id'),
    notObject: createShapeId('not-object'),
    badProp: createShapeId('bad-prop')
  };

  /**
   * Raw entries as a hostile peer (or an old stored document) has them: two
   * good records and, around them, everything a binding must survive.
   */
  function poison(doc: Y.Doc): number {
    const entries: unknown[] = [
      { key: good[0], val: shape(good[0], 1) },
      { key: bad.oops, val: geo(bad.oops, 'oops') },
      { key: bad.otherId, val: shape(createShapeId('elsewhere'), 2) },
      { key: bad.notObject, val: 'not a record' },
      null,
      'junk',
      {
        key: bad.badProp,
        val: geo(bad.badProp, 3, { props: { geo: 'blob' } })
      },
      // The local instance is not the room's to set.
      {
        key: 'instance:instance',
        val: { id: 'instance:instance', typeName: 'instance' }
      },
      { key: 'nothing:1', val: { id: 'nothing:1', typeName: 'nothing' } },
      { key: good[1], val: geo(good[1], 4) }
    ];
    doc.getArray(WHITEBOARD_KEY).push(entries);
    return 6; // bad entries with a key (the keyless ones are not entries)
  }

  function expectOnlyGood(store: TLStore): void {
    expect(store.get(good[0])).toMatchObject({ x: 1, type: 'group' });
    expect(store.get(good[1])).toMatchObject({ x: 4, type: 'geo' });
    for (const id of Object.values(bad)) {
      expect(store.get(id)).toBeUndefined();
    }
    expect(store.get(createShapeId('elsewhere'))).toBeUndefined();
  }

  it('loads the good records of a stored room and skips the bad', () => {
    const stored = new Y.Doc();
    const badCount = poison(stored);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(stored));
    const store = newStore();
    const instanceBefore = store.get('instance:instance' as any);
    const frames = manualFrames();
    const binding = new WhiteboardBinding({
      store,
      doc,
      schedule: frames.schedule
    });
    try {
      expectOnlyGood(store);
      expect(store.get('instance:instance' as any)).toBe(instanceBefore);
      expect(warn).toHaveBeenCalledTimes(badCount);
      // The board still works: a local drawing is written.
      const id = createShapeId('after');
      draw(store, shape(id, 9));
      frames.frame();
      expect(storedKeys(doc)).toContain(id);
    } finally {
      binding.dispose();
    }
  });

  it('skips bad records arriving from a peer, and drops a record made bad', () => {
    const a = participant();
    const hostile = new Y.Doc();
    connect(a.doc, hostile);
    const instanceBefore = a.store.get('instance:instance' as any);

    poison(hostile);
    expectOnlyGood(a.store);
    expect(a.store.get('instance:instance' as any)).toBe(instanceBefore);

    // A good record updated to a bad value leaves the board.
    hostile.transact(() => {
      const array = hostile.getArray<any>(WHITEBOARD_KEY);
      const index = array.toArray().findIndex(entry => entry?.key === good[1]);
      array.delete(index, 1);
      array.push([{ key: good[1], val: geo(good[1], 'oops') }]);
    });
    expect(a.store.get(good[1])).toBeUndefined();
    expect(a.store.get(good[0])).toMatchObject({ x: 1 });

    // Remote deletes of local-only records are ignored too.
    hostile.transact(() => {
      const array = hostile.getArray<any>(WHITEBOARD_KEY);
      const index = array
        .toArray()
        .findIndex(entry => entry?.key === 'instance:instance');
      array.delete(index, 1);
    });
    expect(a.store.get('instance:instance' as any)).toBe(instanceBefore);

    // And the board still syncs.
    const id = createShapeId('still-works');
    draw(a.store, shape(id, 5));
    a.frames.frame();
    expect(storedKeys(hostile)).toContain(id);
  });
});
