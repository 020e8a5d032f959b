import type { Toolbar } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { ConnectionState, RoomClosure } from '../model/connection';
import type { InterviewPanel } from './panel';

/**
 * What a closure for good means, in a sentence (the panel's notice).
 */
export function closureMessage(
  closure: RoomClosure,
  trans: TranslationBundle
): string {
  switch (closure) {
    case 'deleted':
      return trans.__('This session was deleted.');
    case 'expired':
      return trans.__('This invite has expired or was revoked.');
    case 'removed':
      return trans.__('The owner removed you from this interview.');
    case 'too-large':
      return trans.__(
        'The interview document has reached its size limit; your latest changes could not be saved. Reload the page.'
      );
    case 'rejected':
      return trans.__(
        'The server refused a change that would have made the interview document invalid; your latest changes could not be saved. Reload the page.'
      );
  }
}

/**
 * The short label of each connection state (the toolbar).
 */
export function connectionLabels(
  trans: TranslationBundle,
  deletedLabel: string
): Record<ConnectionState, string> {
  return {
    connecting: trans.__('Connecting…'),
    connected: trans.__('Connected'),
    reconnecting: trans.__('Reconnecting…'),
    offline: trans.__('Offline'),
    deleted: deletedLabel,
    expired: trans.__('Invite expired'),
    removed: trans.__('Removed'),
    'too-large': trans.__('Size limit reached'),
    rejected: trans.__('Change refused')
  };
}

/**
 * Add the live connection state of the panel's room to a toolbar (interviewer and
 * candidate toolbars share it). `deletedLabel` says what "the room is gone" means to
 * this reader.
 */
export function addConnectionState(
  toolbar: Toolbar,
  panel: InterviewPanel,
  trans: TranslationBundle,
  deletedLabel: string
): void {
  const node = document.createElement('span');
  node.className = 'jp-DevInterview-connection';
  node.setAttribute('role', 'status');
  toolbar.addItem('connection', new Widget({ node }));
  const labels = connectionLabels(trans, deletedLabel);
  const sync = () => {
    const state = panel.room.state;
    node.dataset.state = state;
    node.dataset.unsynced = String(panel.room.hasUnsyncedEdits);
    node.textContent =
      state !== 'connected' && panel.room.hasUnsyncedEdits
        ? trans.__('%1 (unsynced edits kept)', labels[state])
        : labels[state];
  };
  panel.room.stateChanged.connect(sync);
  sync();
}
