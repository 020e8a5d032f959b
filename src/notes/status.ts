import type { TranslationBundle } from '@jupyterlab/translation';

import type { ConnectionState, RoomClosure } from '../model/connection';

/**
 * The line the notes panel shows about its connection ('' when all is well):
 * notes typed while offline are kept and merged when the connection is back.
 */
export function notesStatusText(
  state: ConnectionState,
  closure: RoomClosure | null,
  trans: TranslationBundle
): string {
  switch (closure ?? state) {
    case 'connected':
      return '';
    case 'connecting':
      return trans.__('Opening the notes…');
    case 'reconnecting':
    case 'offline':
      return trans.__(
        'Connection lost: your notes are kept here and saved when it is back.'
      );
    case 'deleted':
      return trans.__('This interview was deleted, and its notes with it.');
    case 'removed':
      return trans.__('You were removed from this interview.');
    case 'too-large':
      return trans.__('The notes are full: nothing more can be added to them.');
    case 'expired':
    case 'rejected':
    default:
      return trans.__('The server closed the notes; reopen them to go on.');
  }
}
