/**
 * The room speaks the standard y-websocket protocol: the reference JavaScript client
 * (yjs + y-websocket, as a browser would use them) syncs through it with no adapter.
 */
import { expect, test } from '@playwright/test';
import { connect, synced } from './yclient';

const BASE = process.env.TARGET_URL ?? 'http://localhost:8888';
const API = `${BASE}/devinterview/api`;
const ROOMS = `${API.replace(/^http/, 'ws')}/rooms`;

test('yjs clients sync through the room, which is read-only after terminate', async ({
  request
}) => {
  const created = await request.post(`${API}/sessions`, {
    data: { title: 'yjs interop', language: 'javascript' }
  });
  expect(created.status()).toBe(201);
  const session = await created.json();

  const a = connect(ROOMS, session.id);
  const b = connect(ROOMS, session.id);
  try {
    await Promise.all([synced(a), synced(b)]);
    a.doc.getText('source').insert(0, 'console.log(42);');
    await expect
      .poll(() => b.doc.getText('source').toString())
      .toBe('console.log(42);');
    expect(b.doc.getMap('meta').toJSON()).toEqual({
      language: 'javascript',
      status: 'scheduled'
    });

    const ended = await request.post(`${API}/sessions/${session.id}/terminate`);
    expect(ended.status()).toBe(200);
    await expect
      .poll(() => a.doc.getMap('meta').get('status'))
      .toBe('terminated');

    // After the end, edits stay local: the server neither applies nor relays them.
    a.doc.getText('source').insert(0, '// too late\n');
    const reviewer = connect(ROOMS, session.id);
    try {
      await synced(reviewer);
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(reviewer.doc.getText('source').toString()).toBe(
        'console.log(42);'
      );
      expect(b.doc.getText('source').toString()).toBe('console.log(42);');
    } finally {
      reviewer.provider.destroy();
    }
  } finally {
    a.provider.destroy();
    b.provider.destroy();
  }
});
