/**
 * State mapping: the connection state shown, the languages' MIME types and
 * the participants' colours.
 */
import {
  connectionState,
  isClosed,
  reconnectsAfter,
  roomClosure
} from '../model/connection';
import { isLanguage, LANGUAGES, mimeTypeOf } from '../model/language';
import { hexColor, interviewerUser } from '../interview/user';

describe('connectionState', () => {
  it('is connecting until the first sync', () => {
    expect(
      connectionState({
        status: 'connecting',
        synced: false,
        everSynced: false
      })
    ).toBe('connecting');
    expect(
      connectionState({ status: 'connected', synced: false, everSynced: false })
    ).toBe('connecting');
    expect(
      connectionState({
        status: 'disconnected',
        synced: false,
        everSynced: false
      })
    ).toBe('connecting');
  });

  it('is connected when connected and synced', () => {
    expect(
      connectionState({ status: 'connected', synced: true, everSynced: true })
    ).toBe('connected');
  });

  it('is offline, then reconnecting, after a lost connection', () => {
    expect(
      connectionState({
        status: 'disconnected',
        synced: false,
        everSynced: true
      })
    ).toBe('offline');
    expect(
      connectionState({ status: 'connecting', synced: false, everSynced: true })
    ).toBe('reconnecting');
    expect(
      connectionState({ status: 'connected', synced: false, everSynced: true })
    ).toBe('reconnecting');
  });
});

describe('connectionState after the session was deleted', () => {
  it('is deleted whatever the socket does', () => {
    expect(
      connectionState({
        status: 'disconnected',
        synced: false,
        everSynced: true,
        deleted: true
      })
    ).toBe('deleted');
  });
});

describe('close codes', () => {
  it('maps the codes that end a room for good, and only those', () => {
    expect(roomClosure(4401)).toBe('expired');
    expect(roomClosure(4403)).toBe('removed');
    expect(roomClosure(4404)).toBe('deleted');
    expect(roomClosure(4413)).toBe('too-large');
    expect(roomClosure(4422)).toBe('rejected');
    for (const code of [1000, 1001, 1006, 1007, 1009, 1013, 4400, 4402, null]) {
      expect([code, roomClosure(code)]).toEqual([code, null]);
    }
  });

  it('reconnects after other codes, except the permanent 44xx', () => {
    for (const code of [1000, 1006, 1007, 1009, 1011, 1013, 4000, 4500]) {
      expect([code, reconnectsAfter(code)]).toEqual([code, true]);
    }
    for (const code of [4400, 4401, 4403, 4404, 4413, 4422, 4499]) {
      expect([code, reconnectsAfter(code)]).toEqual([code, false]);
    }
  });

  it('shows a closure whatever the socket does', () => {
    for (const closure of ['expired', 'too-large', 'rejected'] as const) {
      const state = connectionState({
        status: 'connected',
        synced: true,
        everSynced: true,
        closure
      });
      expect(state).toBe(closure);
      expect(isClosed(state)).toBe(true);
    }
    expect(isClosed('reconnecting')).toBe(false);
    expect(isClosed('deleted')).toBe(true);
  });
});

describe('languages', () => {
  it('maps every session language to a highlighting MIME type', () => {
    expect(LANGUAGES.map(mimeTypeOf)).toEqual([
      'text/x-python',
      'text/javascript',
      'text/typescript',
      'text/x-java',
      'text/x-c++src',
      'text/x-go',
      'text/x-sql'
    ]);
    expect(mimeTypeOf('cobol')).toBe('text/plain');
    expect(isLanguage('go')).toBe(true);
    expect(isLanguage('constructor')).toBe(false);
  });
});

describe('participant colours', () => {
  it('keeps hex colours and expands short ones', () => {
    expect(hexColor('#A1B2C3', 'x')).toBe('#a1b2c3');
    expect(hexColor('#abc', 'x')).toBe('#aabbcc');
  });

  it('resolves a CSS variable, else picks a stable palette colour', () => {
    document.body.style.setProperty('--jp-collaborator-color1', '#ffad8e');
    expect(hexColor('var(--jp-collaborator-color1)', 'x')).toBe('#ffad8e');
    const fallback = hexColor('var(--jp-unknown)', 'Grace');
    expect(fallback).toMatch(/^#[0-9a-f]{6}$/);
    expect(hexColor(undefined, 'Grace')).toBe(fallback);
  });

  it('builds the interviewer entry from the Jupyter identity', () => {
    expect(
      interviewerUser({
        username: 'u1',
        name: 'Ada',
        display_name: 'Ada Lovelace',
        initials: 'AL',
        color: '#123456'
      } as any)
    ).toEqual({ name: 'Ada Lovelace', color: '#123456', role: 'interviewer' });
    expect(interviewerUser(null).role).toBe('interviewer');
  });
});
