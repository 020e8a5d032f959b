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

import { PageConfig } from '@jupyterlab/coreutils';

import { closureMessage, connectionLabels } from '../interview/connection';
import { ParticipantsList } from '../interview/participants';
import { InterviewDocument } from '../model/document';
import { RoomConnection, appendsToken } from '../room/provider';
import { FakeServer } from './fakeServer';
import { FakeWebSocket } from './fakeWebSocket';

const trans = nullTranslator.load('devinterview_jupyter');

function roomWith(overrides: Record<string, unknown>): RoomConnection {
  return new RoomConnection({
    sessionId: '6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01',
    serverSettings: new FakeServer().settings({
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      ...overrides
    }),
    user: { name: 'Ada', color: '#123456', role: 'interviewer' }
  });
}

describe('RoomConnection and the Jupyter token', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
  });

  it('leaves the token out of a same-origin room URL', () => {
    // The page is http://localhost/ (jsdom's location).
    expect(window.location.origin).toBe('http://localhost');
    const room = roomWith({
      wsUrl: 'ws://localhost/user/alice/',
      token: 'secret-server-token'
    });
    try {
      const [socket] = FakeWebSocket.instances;
      expect(socket.url).toBe(
        'ws://localhost/user/alice/devinterview/api/rooms/6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01'
      );
      expect(socket.url).not.toContain('secret-server-token');
    } finally {
      room.dispose();
    }
  });

  it('appends the token to a cross-origin room URL', () => {
    const room = roomWith({
      wsUrl: 'wss://jupyter.example.org/user/alice/',
      token: 'secret-server-token'
    });
    try {
      const [socket] = FakeWebSocket.instances;
      expect(socket.url).toBe(
        'wss://jupyter.example.org/user/alice/devinterview/api/rooms/6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01?token=secret-server-token'
      );
    } finally {
      room.dispose();
    }
  });

  it('follows the settings and the page config like @jupyterlab/services', () => {
    const cross = { wsUrl: 'ws://other.test/', token: 't', appendToken: true };
    const same = {
      wsUrl: 'ws://localhost:9999/',
      token: 't',
      appendToken: true
    };
    expect(appendsToken(cross)).toBe(true);
    expect(appendsToken(same)).toBe(false); // same host, another port
    expect(appendsToken({ ...cross, appendToken: false })).toBe(false);
    expect(appendsToken({ ...cross, token: '' })).toBe(false);
    PageConfig.setOption('appendToken', 'true');
    try {
      expect(appendsToken(same)).toBe(true);
    } finally {
      PageConfig.setOption('appendToken', '');
    }
  });
});

describe('RoomConnection close codes', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it.each([
    [4401, 'expired'],
    [4404, 'deleted'],
    [4413, 'too-large'],
    [4422, 'rejected']
  ])('stops reconnecting after %i (%s)', (code, state) => {
    const room = roomWith({});
    try {
      const [socket] = FakeWebSocket.instances;
      socket.openAndSync();
      expect(room.state).toBe('connected');
      let changes = 0;
      room.stateChanged.connect(() => changes++);
      socket.serverClose(code);
      expect(room.state).toBe(state);
      expect(room.closure).toBe(state);
      expect(changes).toBeGreaterThan(0);
      jest.advanceTimersByTime(60_000);
      expect(FakeWebSocket.instances).toHaveLength(1);
      expect(room.state).toBe(state);
    } finally {
      room.dispose();
    }
  });

  it('reconnects after 1013 (server busy) and shows reconnecting', () => {
    const room = roomWith({});
    try {
      const [socket] = FakeWebSocket.instances;
      socket.openAndSync();
      expect(room.state).toBe('connected');
      socket.serverClose(1013);
      expect(room.closure).toBeNull();
      expect(room.state).toBe('offline');
      jest.advanceTimersByTime(1000);
      expect(FakeWebSocket.instances).toHaveLength(2);
      expect(room.state).toBe('reconnecting');
      FakeWebSocket.instances[1].openAndSync();
      expect(room.state).toBe('connected');
    } finally {
      room.dispose();
    }
  });

  it('is seen again at once after a reconnect, and sees the others again', () => {
    const room = roomWith({});
    try {
      const [socket] = FakeWebSocket.instances;
      socket.openAndSync();
      // Someone else, as the server relays them.
      const other = new Awareness(new Y.Doc());
      other.setLocalState({ user: { name: 'Grace', role: 'candidate' } });
      const otherState = encodeAwarenessUpdate(other, [other.clientID]);
      applyAwarenessUpdate(room.awareness, otherState, 'server');
      expect(room.awareness.getStates().has(other.clientID)).toBe(true);
      const clockBefore = room.awareness.meta.get(
        room.awareness.clientID
      )!.clock;

      socket.serverClose(1013);
      expect(room.awareness.getStates().has(other.clientID)).toBe(false);
      jest.advanceTimersByTime(1000);
      FakeWebSocket.instances[1].openAndSync();
      // The server sends the same state again (same clock): it counts.
      applyAwarenessUpdate(room.awareness, otherState, 'server');
      expect(room.awareness.getStates().has(other.clientID)).toBe(true);
      // Our own state goes out with a newer clock than the one the others saw
      // removed.
      expect(
        room.awareness.meta.get(room.awareness.clientID)!.clock
      ).toBeGreaterThan(clockBefore);
    } finally {
      room.dispose();
    }
  });

  it('has a label and a message for every closure', () => {
    const labels = connectionLabels(trans, 'Session deleted');
    expect(labels.expired).toBe('Invite expired');
    expect(closureMessage('expired', trans)).toBe(
      'This invite has expired or was revoked.'
    );
    expect(closureMessage('too-large', trans)).toBe(
      'The interview document has reached its size limit; your latest changes could not be saved. Reload the page.'
    );
    expect(closureMessage('rejected', trans)).toMatch(
      /invalid.*Reload the page/
    );
    expect(closureMessage('deleted', trans)).toBe('This session was deleted.');
  });
});

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
      expect(room.sharedModel).toBeInstanceOf(InterviewDocument);
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
      const text = (item: HTMLElement, part: string) =>
        item.querySelector(`.jp-DevInterview-participant${part}`)?.textContent;
      expect(items().map(i => text(i, 'Name'))).toEqual(['Ada (you)', 'Grace']);
      // Everyone's role shows next to their name, not only in the tooltip.
      expect(
        items().map(
          i => i.querySelector('.jp-DevInterview-roleBadge')?.textContent
        )
      ).toEqual(['Interviewer', 'Candidate']);
      expect(items().map(i => i.dataset.online)).toEqual(['true', 'true']);
      expect(items()[1].dataset.role).toBe('candidate');
      expect(items()[1].title).toBe('Grace · Candidate · online');

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
