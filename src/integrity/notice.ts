import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IIntegrityPolicy } from '../api/types';
import { recordedFootnote, recordedItems } from './format';

/**
 * The key under which this tab remembers that the candidate joined a session
 * from the lobby, which lists what is recorded (sessionStorage): a reload
 * goes straight back in, unless what is recorded changed.
 */
export const ACK_STORAGE_KEY = 'devinterview-recorded-ack';

/**
 * What is remembered of an acknowledgement: the session and the policy read.
 */
function ackValue(sessionId: string, policy: IIntegrityPolicy): string {
  return JSON.stringify([sessionId, policy.signals, policy.paste_chars]);
}

/**
 * Whether the candidate already joined from the lobby in this tab, having
 * read this policy.
 */
export function wasAcknowledged(
  sessionId: string,
  policy: IIntegrityPolicy,
  storage: Pick<Storage, 'getItem'> | null = safeSessionStorage()
): boolean {
  try {
    return storage?.getItem(ACK_STORAGE_KEY) === ackValue(sessionId, policy);
  } catch {
    return false;
  }
}

/**
 * Remember that the candidate joined from the lobby in this tab, having read
 * this policy (pressing Join is the acknowledgement).
 */
export function rememberAcknowledged(
  sessionId: string,
  policy: IIntegrityPolicy,
  storage: Pick<Storage, 'setItem'> | null = safeSessionStorage()
): void {
  try {
    storage?.setItem(ACK_STORAGE_KEY, ackValue(sessionId, policy));
  } catch {
    // Storage may be off: the lobby is shown again after a reload.
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * The list of what is recorded, as a DOM fragment (the lobby and the dialog).
 */
export function recordedList(
  policy: IIntegrityPolicy,
  trans: TranslationBundle
): HTMLElement {
  const node = document.createElement('div');
  node.className = 'jp-DevInterview-recorded';
  const list = document.createElement('ul');
  list.className = 'jp-DevInterview-recordedList';
  for (const text of recordedItems(policy, trans)) {
    const item = document.createElement('li');
    item.textContent = text;
    list.append(item);
  }
  const footnote = document.createElement('p');
  footnote.className = 'jp-DevInterview-recordedFootnote';
  footnote.textContent = recordedFootnote(policy, trans);
  node.append(list, footnote);
  return node;
}

/**
 * Show the list again, during the interview (the candidate's toolbar).
 */
export async function showRecordedDialog(
  policy: IIntegrityPolicy,
  trans: TranslationBundle
): Promise<void> {
  await showDialog({
    title: trans.__('What is recorded'),
    body: new Widget({ node: recordedList(policy, trans) }),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}

/**
 * The candidate toolbar's "What is recorded" button.
 */
export function recordedButton(
  policy: IIntegrityPolicy,
  trans: TranslationBundle
): Widget {
  const node = document.createElement('button');
  node.type = 'button';
  node.className =
    'jp-DevInterview-toolbarButton jp-DevInterview-recordedButton';
  node.textContent = trans.__('What is recorded');
  node.title = policy.signals
    ? trans.__(
        'The code history, large pastes and when this page is hidden or unfocused'
      )
    : trans.__('The code history only');
  node.addEventListener('click', () => {
    void showRecordedDialog(policy, trans);
  });
  return new Widget({ node });
}
