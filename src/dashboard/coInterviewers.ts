import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { DevInterviewAPIError } from '../api/errors';
import type { ICoInterviewer, ISession } from '../api/types';
import type { IDevInterviewClient } from '../tokens';

/**
 * Hub user names as the server accepts them (`team.check_username`).
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@+-]{1,255}$/;

/**
 * Whether a string is a hub user name the server accepts.
 */
export function isHubUserName(value: string): boolean {
  return USERNAME_PATTERN.test(value);
}

/**
 * The body of the co-interviewers dialog: the session's co-interviewers,
 * with an add field and remove buttons for the owner, read-only for others.
 */
export class CoInterviewersForm extends Widget {
  constructor(options: CoInterviewersForm.IOptions) {
    super();
    this._client = options.client;
    this._session = options.session;
    this._trans = options.trans;
    const me = options.currentUser ?? null;
    // Unknown user: let the server decide (a refusal turns the form read-only).
    this._editable = me === null || me === this._session.owner;
    this.addClass('jp-DevInterview-coInterviewers');
    this._buildDOM();
    this._render();
    this.ready = this.reload();
  }

  /**
   * Resolves once the first load has ended (it never rejects).
   */
  readonly ready: Promise<void>;

  /**
   * The co-interviewers shown, oldest first.
   */
  get coInterviewers(): readonly ICoInterviewer[] {
    return this._items;
  }

  /**
   * Whether this user may add and remove co-interviewers.
   */
  get editable(): boolean {
    return this._editable;
  }

  /**
   * The last error shown, or `null`.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Whether a request is in flight.
   */
  get busy(): boolean {
    return this._busy;
  }

  /**
   * Load the co-interviewers from the server. Never rejects.
   */
  async reload(): Promise<void> {
    await this._run(async () => {
      const list = await this._client.listCoInterviewers(this._session.id);
      this._items = list.items;
      this._loaded = true;
    });
  }

  /**
   * Add a co-interviewer by hub user name; whether it worked. A name the
   * server would refuse is refused here, without a request.
   */
  async add(username: string): Promise<boolean> {
    if (this._busy) {
      return false;
    }
    const name = username.trim();
    if (!isHubUserName(name)) {
      this._setError(
        name
          ? this._trans.__(
              '"%1" is not a hub user name: use letters, digits and . _ @ + - only.',
              name
            )
          : this._trans.__('Enter the hub user name of a co-interviewer.'),
        true
      );
      this._input.focus();
      return false;
    }
    if (name === this._session.owner) {
      this._setError(
        this._trans.__('%1 owns this session already: add someone else.', name),
        true
      );
      this._input.focus();
      return false;
    }
    const ok = await this._run(async () => {
      const entry = await this._client.addCoInterviewer(this._session.id, name);
      if (!this._items.some(item => item.username === entry.username)) {
        this._items = [...this._items, entry];
      }
    });
    if (ok) {
      this._input.value = '';
      this._setMessage(this._trans.__('%1 can now co-interview.', name));
    }
    if (!this.isDisposed && this._editable) {
      this._input.focus();
    }
    return ok;
  }

  /**
   * Remove a co-interviewer; whether it worked.
   */
  async remove(username: string): Promise<boolean> {
    const ok = await this._run(async () => {
      try {
        await this._client.removeCoInterviewer(this._session.id, username);
      } catch (error) {
        if (error instanceof DevInterviewAPIError && error.status === 404) {
          // Gone already (removed elsewhere): show the list as it is now.
          const list = await this._client.listCoInterviewers(this._session.id);
          this._items = list.items;
        }
        throw error;
      }
      this._items = this._items.filter(item => item.username !== username);
    });
    if (ok) {
      this._setMessage(this._trans.__('%1 was removed.', username));
    }
    return ok;
  }

  protected onAfterAttach(): void {
    // The dialog answers Enter in any input by closing: in the name field,
    // Enter adds instead (this listener runs before the dialog's).
    document.addEventListener('keydown', this._onKeydown, true);
  }

  protected onBeforeDetach(): void {
    document.removeEventListener('keydown', this._onKeydown, true);
  }

  dispose(): void {
    document.removeEventListener('keydown', this._onKeydown, true);
    super.dispose();
  }

  private _onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && event.target === this._input) {
      event.preventDefault();
      event.stopPropagation();
      void this.add(this._input.value);
    }
  };

  /**
   * Run one request: busy while it runs, its failure in the error line.
   */
  private async _run(request: () => Promise<void>): Promise<boolean> {
    this._busy = true;
    this._setMessage(null);
    this._render();
    try {
      await request();
      this._error = null;
      this._invalid = false;
      return true;
    } catch (error) {
      if (
        error instanceof DevInterviewAPIError &&
        error.reason === 'owner_only'
      ) {
        this._editable = false;
      }
      this._error = error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      this._busy = false;
      if (!this.isDisposed) {
        this._render();
      }
    }
  }

  private _setError(message: string | null, invalid = false): void {
    this._error = message;
    this._invalid = invalid;
    this._setMessage(null);
    this._render();
  }

  private _setMessage(message: string | null): void {
    this._messageNode.textContent = message ?? '';
    this._messageNode.hidden = message === null;
  }

  private _buildDOM(): void {
    const trans = this._trans;
    const owner = document.createElement('p');
    owner.className = 'jp-DevInterview-coInterviewersOwner';
    owner.textContent = trans.__('Owner: %1', this._session.owner);

    this._note = document.createElement('p');
    this._note.className = 'jp-DevInterview-coInterviewersNote';
    this._note.textContent = trans.__(
      'Only the owner of this session (%1) can add or remove co-interviewers.',
      this._session.owner
    );

    const heading = document.createElement('h3');
    heading.id = `jp-DevInterview-coInterviewers-${this._session.id}`;
    heading.className = 'jp-DevInterview-coInterviewersHeading';
    heading.textContent = trans.__('Co-interviewers');

    this._list = document.createElement('ul');
    this._list.className = 'jp-DevInterview-coInterviewerList';
    this._list.setAttribute('aria-labelledby', heading.id);

    this._form = document.createElement('form');
    this._form.className = 'jp-DevInterview-coInterviewerAdd';
    this._form.addEventListener('submit', event => {
      event.preventDefault();
      void this.add(this._input.value);
    });
    const label = document.createElement('label');
    label.className = 'jp-DevInterview-field';
    const labelText = document.createElement('span');
    labelText.textContent = trans.__('Hub user name');
    this._input = document.createElement('input');
    this._input.className = 'jp-mod-styled';
    this._input.name = 'username';
    this._input.autocomplete = 'off';
    this._input.spellcheck = false;
    this._input.maxLength = 255;
    this._input.placeholder = trans.__('e.g. bob');
    this._input.addEventListener('input', () => {
      if (this._invalid) {
        this._setError(null);
      }
    });
    const hint = document.createElement('span');
    hint.id = `jp-DevInterview-coInterviewerHint-${this._session.id}`;
    hint.className = 'jp-DevInterview-coInterviewerHint';
    hint.textContent = trans.__(
      'They open the interview from their own server and dashboard.'
    );
    this._input.setAttribute('aria-describedby', hint.id);
    label.append(labelText, this._input);
    this._addButton = document.createElement('button');
    this._addButton.type = 'submit';
    this._addButton.className =
      'jp-mod-styled jp-mod-accept jp-DevInterview-coInterviewerAddButton';
    this._addButton.textContent = trans.__('Add');
    const row = document.createElement('div');
    row.className = 'jp-DevInterview-coInterviewerAddRow';
    row.append(label, this._addButton);
    this._form.append(row, hint);

    this._errorNode = document.createElement('div');
    this._errorNode.className = 'jp-DevInterview-error';
    this._errorNode.setAttribute('role', 'alert');
    this._errorNode.hidden = true;

    this._messageNode = document.createElement('div');
    this._messageNode.className = 'jp-DevInterview-message';
    this._messageNode.setAttribute('role', 'status');
    this._messageNode.hidden = true;

    this.node.append(
      owner,
      this._note,
      heading,
      this._list,
      this._form,
      this._errorNode,
      this._messageNode
    );
  }

  private _render(): void {
    const trans = this._trans;
    this.node.setAttribute('aria-busy', String(this._busy));
    this.node.dataset.editable = String(this._editable);
    this._note.hidden = this._editable;
    this._form.hidden = !this._editable;
    this._addButton.disabled = this._busy;
    if (this._invalid) {
      this._input.setAttribute('aria-invalid', 'true');
    } else {
      this._input.removeAttribute('aria-invalid');
    }
    this._errorNode.textContent = this._error ?? '';
    this._errorNode.hidden = this._error === null;

    this._list.replaceChildren();
    if (this._items.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'jp-DevInterview-coInterviewerEmpty';
      empty.textContent = this._loaded
        ? trans.__('No co-interviewers yet.')
        : trans.__('Loading…');
      this._list.appendChild(empty);
      return;
    }
    for (const item of this._items) {
      const li = document.createElement('li');
      li.className = 'jp-DevInterview-coInterviewer';
      li.dataset.username = item.username;
      const name = document.createElement('span');
      name.className = 'jp-DevInterview-coInterviewerName';
      name.textContent = item.username;
      const added = document.createElement('span');
      added.className = 'jp-DevInterview-coInterviewerAdded';
      added.textContent = trans.__('added by %1', item.added_by);
      added.title = item.added_at;
      li.append(name, added);
      if (this._editable) {
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'jp-DevInterview-coInterviewerRemove';
        remove.dataset.action = 'remove';
        const label = trans.__('Remove %1', item.username);
        remove.title = label;
        remove.setAttribute('aria-label', label);
        remove.disabled = this._busy;
        closeIcon.element({
          container: remove,
          tag: 'span',
          elementSize: 'normal'
        });
        remove.addEventListener('click', () => {
          void this.remove(item.username);
        });
        li.appendChild(remove);
      }
      this._list.appendChild(li);
    }
  }

  private _client: IDevInterviewClient;
  private _session: ISession;
  private _trans: TranslationBundle;
  private _editable: boolean;
  private _items: ICoInterviewer[] = [];
  private _loaded = false;
  private _busy = false;
  private _error: string | null = null;
  private _invalid = false;
  private _note!: HTMLParagraphElement;
  private _list!: HTMLUListElement;
  private _form!: HTMLFormElement;
  private _input!: HTMLInputElement;
  private _addButton!: HTMLButtonElement;
  private _errorNode!: HTMLDivElement;
  private _messageNode!: HTMLDivElement;
}

/**
 * A namespace for `CoInterviewersForm` statics.
 */
export namespace CoInterviewersForm {
  /**
   * The options of the form.
   */
  export interface IOptions {
    /**
     * The REST client.
     */
    client: IDevInterviewClient;
    /**
     * The session whose co-interviewers are shown.
     */
    session: ISession;
    /**
     * The current user's name (`GET /me`); `null` when unknown.
     */
    currentUser?: string | null;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
  }
}

/**
 * Show the co-interviewers of a session in a dialog (editable by its owner).
 */
export async function manageCoInterviewers(
  client: IDevInterviewClient,
  session: ISession,
  currentUser: string | null,
  trans: TranslationBundle
): Promise<void> {
  const body = new CoInterviewersForm({ client, session, currentUser, trans });
  await showDialog({
    title: trans.__('Co-interviewers of "%1"', session.title),
    body,
    buttons: [Dialog.cancelButton({ label: trans.__('Close') })],
    focusNodeSelector: body.editable ? 'input[name="username"]' : undefined
  });
}
