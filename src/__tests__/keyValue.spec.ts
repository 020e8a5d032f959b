/**
 * SafeKeyValue against y-utility's YKeyValue: same layout and semantics on a
 * shared document, and no exception on elements that are not entries.
 */
import { YKeyValue } from 'y-utility/y-keyvalue';
import * as Y from 'yjs';

import { SafeKeyValue } from '../model/keyValue';

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('SafeKeyValue', () => {
  it('converges with YKeyValue after concurrent writes of the same key', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const safe = new SafeKeyValue<number>(a.getArray('kv'));
    const reference = new YKeyValue<number>(b.getArray('kv'));
    const seen: string[] = [];
    safe.changed.connect((_, { changes }) => {
      for (const [key, change] of changes) {
        seen.push(`${key}:${change.action}`);
      }
    });
    safe.set('x', 1);
    reference.set('x', 2);
    reference.set('y', 3);
    sync(a, b);
    sync(a, b);
    expect(safe.get('x')).toBe(reference.get('x'));
    expect(safe.get('y')).toBe(3);
    expect(a.getArray('kv').length).toBe(2);
    expect(b.getArray('kv').length).toBe(2);
    expect(seen).toContain('y:add');

    safe.delete('y');
    sync(a, b);
    expect(reference.has('y')).toBe(false);
    expect(safe.has('y')).toBe(false);
    expect(seen).toContain('y:delete');

    reference.set('x', 5);
    sync(a, b);
    expect(safe.get('x')).toBe(5);
    expect(seen).toContain('x:update');
    safe.destroy();
  });

  it('ignores elements that are not entries instead of throwing', () => {
    const doc = new Y.Doc();
    const array = doc.getArray<unknown>('kv');
    array.push([null, 'junk', 3, { key: 4, val: 1 }, { key: 'a', val: 1 }]);
    const kv = new SafeKeyValue<number>(array);
    expect([...kv.map.keys()]).toEqual(['a']);
    let changes = 0;
    kv.changed.connect(() => changes++);
    array.push([null, { val: 2 }]);
    expect(changes).toBe(0);
    kv.set('a', 2);
    expect(kv.get('a')).toBe(2);
    expect(array.length).toBe(7); // the junk stays; the old 'a' is gone
    kv.destroy();
  });
});
