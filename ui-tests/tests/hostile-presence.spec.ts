/**
 * A hostile candidate against the reference clients (yjs + y-protocols + y-websocket, as
 * browsers use them): presence belongs to whoever introduced it, and names and roles
 * shown to others come from the server (docs/security.md, "Presence hijack").
 */
import { expect, test } from '@playwright/test';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { IClient } from './yclient';
import { connect, synced } from './yclient';

// The server that wants a login (jupyter_server_candidate_config.py): on Galata's own,
// without authentication, every visitor would be an interviewer.
const BASE = 'http://localhost:8890';
const API = `${BASE}/devinterview/api`;
const ROOMS = `${API.replace(/^http/, 'ws')}/rooms`;
const TOKEN = 'devinterview-ui-tests-interviewer';
const AS_INTERVIEWER = { Authorization: `token ${TOKEN}` };
const AWARENESS = 1;

/**
 * An awareness message for any client id and clock, as a hostile page could send it.
 */
function forgedAwareness(clientId: number, clock: number, state: unknown) {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(state));
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, AWARENESS);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

function userOf(client: IClient, clientId: number): any {
  return client.provider.awareness.getStates().get(clientId)?.user;
}

test('a candidate cannot rename, impersonate or disconnect the interviewer', async ({
  request
}) => {
  const created = await request.post(`${API}/sessions`, {
    data: { title: 'hostile presence', candidate_name: 'Grace' },
    headers: AS_INTERVIEWER
  });
  expect(created.status()).toBe(201);
  const session = await created.json();
  const invited = await request.post(`${API}/sessions/${session.id}/invites`, {
    headers: AS_INTERVIEWER
  });
  expect(invited.status()).toBe(201);
  const invite = await invited.json();

  const ada = connect(ROOMS, session.id, { token: TOKEN });
  const watcher = connect(ROOMS, session.id, { token: TOKEN });
  const mallory = connect(ROOMS, session.id, { candidate_token: invite.token });
  try {
    await Promise.all([synced(ada), synced(watcher), synced(mallory)]);
    const adaId = ada.doc.clientID;
    ada.provider.awareness.setLocalStateField('user', {
      name: 'Ada',
      color: '#112233',
      role: 'interviewer'
    });
    await expect.poll(() => userOf(watcher, adaId)?.role).toBe('interviewer');
    const adaName = userOf(watcher, adaId).name;
    // The colour is the server's too (colors.py), not the one she claimed.
    const adaColor = userOf(watcher, adaId).color;
    expect(adaColor).not.toBe('#112233');

    // Her own state, claimed as an interviewer by a candidate...
    mallory.provider.awareness.setLocalStateField('user', {
      name: 'The Interviewer',
      color: '#445566',
      role: 'interviewer'
    });
    // ...and the interviewer's id: with the largest clock a browser accepts, and with
    // a clock just ahead of hers (what a real hijacker would use next).
    const posing = {
      user: { name: 'Mallory', color: '#ff0000', role: 'interviewer' }
    };
    const current = ada.provider.awareness.meta.get(adaId)!.clock;
    for (const clock of [Number.MAX_SAFE_INTEGER, current + 5]) {
      mallory.provider.ws!.send(forgedAwareness(adaId, clock, posing));
    }
    const malloryId = mallory.doc.clientID;
    await expect
      .poll(() => userOf(watcher, malloryId))
      .toEqual({ name: 'Grace', color: '#d9480f', role: 'candidate' });

    // Ada is still Ada, for everyone and for herself, and still connected.
    ada.provider.awareness.setLocalStateField('cursor', { at: 1 });
    await expect
      .poll(() => watcher.provider.awareness.getStates().get(adaId)?.cursor)
      .toEqual({ at: 1 });
    expect(userOf(watcher, adaId)).toEqual({
      name: adaName,
      color: adaColor,
      role: 'interviewer'
    });
    expect(userOf(ada, adaId).name).toBe('Ada'); // her own copy was never overwritten
    const adaClock = ada.provider.awareness.meta.get(adaId)!.clock;
    expect(adaClock).toBeLessThan(1000);
    expect(ada.closes).toEqual([]);
    expect(ada.provider.wsconnected).toBe(true);
    // The forged message itself was well formed: the decoder reads it back.
    const decoder = decoding.createDecoder(forgedAwareness(1, 2, {}));
    expect(decoding.readVarUint(decoder)).toBe(AWARENESS);
  } finally {
    for (const client of [ada, watcher, mallory]) {
      client.provider.destroy();
    }
  }
});
