import type { Toolbar } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { InterviewPanel } from './panel';

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
  const labels = {
    connecting: trans.__('Connecting…'),
    connected: trans.__('Connected'),
    reconnecting: trans.__('Reconnecting…'),
    offline: trans.__('Offline'),
    deleted: deletedLabel
  };
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
