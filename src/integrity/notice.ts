import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

import type { IIntegrityPolicy } from '../api/types';
import { recordedFootnote, recordedItems } from './format';

/**
 * The key under which this tab remembers that the candidate read the notice
 * of a session (sessionStorage): a reload does not ask again, unless what is
 * recorded changed.
 */
export const ACK_STORAGE_KEY = 'devinterview-recorded-ack';

/**
 * What is remembered of an acknowledgement: the session and the policy read.
 */
function ackValue(sessionId: string, policy: IIntegrityPolicy): string {
  return JSON.stringify([sessionId, policy.signals, policy.paste_chars]);
}

/**
 * Whether the candidate already read this notice in this tab.
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
 * Remember that the candidate read this notice in this tab.
 */
export function rememberAcknowledged(
  sessionId: string,
  policy: IIntegrityPolicy,
  storage: Pick<Storage, 'setItem'> | null = safeSessionStorage()
): void {
  try {
    storage?.setItem(ACK_STORAGE_KEY, ackValue(sessionId, policy));
  } catch {
    // Storage may be off: the notice is shown again after a reload.
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
 * The list of what is recorded, as a DOM fragment (the notice and the dialog).
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
 * The page the candidate sees before the interview: exactly what is recorded,
 * and one way on, "I understand". The interview is shown, and any signal
 * watched, only once the candidate has pressed it.
 */
export class RecordedNotice extends Widget {
  constructor(options: RecordedNotice.IOptions) {
    super();
    const { trans, policy } = options;
    this.id = 'devinterview-recorded-notice';
    this.addClass('jp-DevInterview-candidateNotice');
    this.addClass('jp-DevInterview-recordedNotice');
    this.node.dataset.signals = String(policy.signals);

    const section = document.createElement('section');
    section.className = 'jp-DevInterview-recordedSection';
    section.setAttribute('aria-labelledby', 'devinterview-recorded-title');
    const title = document.createElement('h1');
    title.id = 'devinterview-recorded-title';
    title.className = 'jp-DevInterview-candidateNoticeTitle';
    title.textContent = trans.__('Before the interview: what is recorded');
    const intro = document.createElement('p');
    intro.className = 'jp-DevInterview-candidateNoticeBody';
    intro.textContent = options.sessionTitle
      ? trans.__('The interview "%1" keeps:', options.sessionTitle)
      : trans.__('This interview keeps:');
    const button = document.createElement('button');
    button.type = 'button';
    button.className =
      'jp-mod-styled jp-mod-accept jp-DevInterview-recordedAccept';
    button.textContent = trans.__('I understand, start the interview');
    button.addEventListener('click', () => {
      this._acknowledged.resolve();
    });
    section.append(title, intro, recordedList(policy, trans), button);
    this.node.append(section);
    this._button = button;
  }

  /**
   * Resolves when the candidate pressed "I understand".
   */
  get acknowledged(): Promise<void> {
    return this._acknowledged.promise;
  }

  protected onAfterAttach(): void {
    // Keyboard and screen-reader users land on the one action of the page.
    this._button.focus();
  }

  private _button: HTMLButtonElement;
  private _acknowledged = new PromiseDelegate<void>();
}

/**
 * A namespace for `RecordedNotice` statics.
 */
export namespace RecordedNotice {
  /**
   * The options of the notice.
   */
  export interface IOptions {
    /**
     * What the server records.
     */
    policy: IIntegrityPolicy;
    /**
     * The interview's title.
     */
    sessionTitle?: string;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
  }
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
