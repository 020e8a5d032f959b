/**
 * The room connection without a server (connect: false) and the
 * participants list from awareness.
 */
import { nullTranslator } from '@jupyterlab/translation';
import {
  applyAwarenessUpdate,
  Awareness,
  encodeAwarenessUpdate
} from 'y-protocols/awareness';
import * as Y from 'yjs';

import { ParticipantsList } from '../interview/participants';
import { RoomConnection } from '../room/provider';
import { FakeServer } from './fakeServer';

const trans = nullTranslator.load('devinterview_jupyter');

describe('RoomConnection without a server', () => {
  it('keeps local edits and flags them as unsynced while offline', () => {
    const room = new RoomConnection({
      sessionId: '6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01',
      serverSettings: new FakeServer().settings(),
      user: { name: 'Ada', color: '#123456', role: 'interviewer' },
      connect: false
    });
    try {
      let changes = 0;
      room.stateChanged.connect(() => changes++);
      expect(room.state).toBe('connecting');
      expect(room.hasUnsyncedEdits).toBe(false);
      room.sharedModel.ysource.insert(0, 'print(1)');
      expect(room.doc.getText('source').toString()).toBe('print(1)');
      expect(room.hasUnsyncedEdits).toBe(true);
      expect(changes).toBe(1);
      expect(room.awareness.getLocalState()?.user).toEqual({
        name: 'Ada',
        color: '#123456',
        role: 'interviewer'
      });
      expect(room.meta).toBe(room.doc.getMap('meta'));
      expect(room.timer).toBe(room.doc.getMap('timer'));
    } finally {
      room.dispose();
    }
    expect(room.isDisposed).toBe(true);
  });
});

describe('ParticipantsList', () => {
  it('lists everyone in the awareness and marks who left as offline', () => {
    const local = new Awareness(new Y.Doc());
    const remote = new Awareness(new Y.Doc());
    local.setLocalStateField('user', {
      name: 'Ada',
      color: '#123456',
      role: 'interviewer'
    });
    remote.setLocalStateField('user', {
      name: 'Grace',
      color: '#654321',
      role: 'candidate'
    });
    const list = new ParticipantsList({ awareness: local, trans });
    try {
      applyAwarenessUpdate(
        local,
        encodeAwarenessUpdate(remote, [remote.clientID]),
        'remote'
      );
      const items = () =>
        Array.from(list.node.querySelectorAll<HTMLElement>('li'));
      expect(items().map(i => i.textContent)).toEqual(['Ada (you)', 'Grace']);
      expect(items().map(i => i.dataset.online)).toEqual(['true', 'true']);
      expect(items()[1].dataset.role).toBe('candidate');
      expect(items()[1].title).toBe('Grace · candidate · online');

      remote.setLocalState(null);
      applyAwarenessUpdate(
        local,
        encodeAwarenessUpdate(remote, [remote.clientID]),
        'remote'
      );
      expect(list.participants.map(p => [p.name, p.online])).toEqual([
        ['Ada', true],
        ['Grace', false]
      ]);
    } finally {
      list.dispose();
      local.destroy();
      remote.destroy();
    }
  });
});
