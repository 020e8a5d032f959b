/**
 * The private notes: their room is the session's room path plus `/notes`,
 * and the panel tells what happened to the connection.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { notesStatusText } from '../notes/status';
import { RoomConnection } from '../room/provider';
import { FakeServer } from './fakeServer';
import { FakeWebSocket } from './fakeWebSocket';

const trans = nullTranslator.load('devinterview_jupyter');
const SESSION = '6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01';

function room(kind?: 'interview' | 'notes'): RoomConnection {
  return new RoomConnection({
    sessionId: SESSION,
    serverSettings: new FakeServer().settings({
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      wsUrl: 'ws://localhost/user/alice/'
    }),
    user: { name: 'Ada', color: '#123456', role: 'interviewer' },
    kind
  });
}

describe('the notes room', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
  });

  it('connects to the notes room of the session, not to the interview', () => {
    const notes = room('notes');
    const interview = room();
    try {
      const [notesSocket, interviewSocket] = FakeWebSocket.instances;
      expect(notesSocket.url).toBe(
        `ws://localhost/user/alice/devinterview/api/rooms/${SESSION}/notes`
      );
      expect(interviewSocket.url).toBe(
        `ws://localhost/user/alice/devinterview/api/rooms/${SESSION}`
      );
    } finally {
      notes.dispose();
      interview.dispose();
    }
  });

  it('keeps the notes in the source text, synced like the code', () => {
    const notes = room('notes');
    try {
      FakeWebSocket.instances[0].openAndSync();
      notes.sharedModel.setSource('Good questions about edge cases');
      expect(notes.doc.getText('source').toString()).toBe(
        'Good questions about edge cases'
      );
      expect(notes.state).toBe('connected');
    } finally {
      notes.dispose();
    }
  });

  it('stops for good when removed from the interview (4403)', () => {
    const notes = room('notes');
    try {
      const socket = FakeWebSocket.instances[0];
      socket.openAndSync();
      socket.serverClose(4403);
      expect(notes.closure).toBe('removed');
      expect(notesStatusText(notes.state, notes.closure, trans)).toMatch(
        /removed/
      );
    } finally {
      notes.dispose();
    }
  });
});

describe('notesStatusText', () => {
  it('says nothing while connected', () => {
    expect(notesStatusText('connected', null, trans)).toBe('');
  });

  it('reassures that offline notes are kept', () => {
    expect(notesStatusText('offline', null, trans)).toMatch(/kept/);
    expect(notesStatusText('reconnecting', null, trans)).toMatch(/kept/);
  });

  it('explains every closure', () => {
    for (const closure of [
      'deleted',
      'expired',
      'removed',
      'too-large',
      'rejected'
    ] as const) {
      const text = notesStatusText('connected', closure, trans);
      expect(text).not.toBe('');
    }
    expect(notesStatusText('connected', 'too-large', trans)).toMatch(/full/);
  });
});
