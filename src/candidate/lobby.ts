import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { IIntegrityPolicy, Language } from '../api/types';
import { formatLanguage } from '../dashboard/format';
import { recordedList } from '../integrity/notice';
import type { IBrowserCheck } from './browserCheck';
import { BROWSER_CHECKS, canJoin, checkText } from './browserCheck';
import { MAX_NAME_LENGTH, checkName, nameProblemText } from './lobbyName';

/**
 * The candidate's welcome page, before the interview: its title, who the
 * interviewers are, what is recorded, the candidate's name and a short
 * browser check. "Join" enters the interview, and pressing it is the
 * candidate's acknowledgement of what is recorded.
 *
 * It only shows and asks: the page decides what Join does (`joinRequested`)
 * and tells the lobby how it went (`setBusy`, `showError`, `showNameError`).
 */
export class CandidateLobby extends Widget {
  constructor(options: CandidateLobby.IOptions) {
    super();
    const { trans } = options;
    this._trans = trans;
    this.id = 'devinterview-candidate-lobby';
    this.addClass('jp-DevInterview-lobby');
    this.title.label = options.sessionTitle;

    const form = document.createElement('form');
    form.className = 'jp-DevInterview-lobbyForm';
    form.noValidate = true; // our messages, in the page's language
    form.setAttribute('aria-labelledby', 'devinterview-lobby-title');
    form.addEventListener('submit', this._onSubmit);

    const heading = document.createElement('header');
    heading.className = 'jp-DevInterview-lobbyHeader';
    const welcome = document.createElement('p');
    welcome.className = 'jp-DevInterview-lobbyWelcome';
    welcome.textContent = trans.__('Welcome to your interview');
    const title = document.createElement('h1');
    title.id = 'devinterview-lobby-title';
    title.className = 'jp-DevInterview-lobbyTitle';
    title.textContent = options.sessionTitle;
    const facts = document.createElement('p');
    facts.className = 'jp-DevInterview-lobbyAbout';
    facts.textContent = options.plannedMinutes
      ? trans.__(
          '%1 · about %2 minutes',
          formatLanguage(options.language),
          String(options.plannedMinutes)
        )
      : formatLanguage(options.language);
    heading.append(welcome, title, facts);

    const interviewers = this._section(
      'interviewers',
      trans._n(
        'Your interviewer',
        'Your interviewers',
        Math.max(1, options.interviewers.length)
      )
    );
    const names = document.createElement('ul');
    names.className = 'jp-DevInterview-lobbyInterviewers';
    for (const name of options.interviewers) {
      const item = document.createElement('li');
      item.textContent = name; // text only: a name never becomes markup
      names.append(item);
    }
    interviewers.append(names);

    const recorded = this._section('recorded', trans.__('What is recorded'));
    const list = recordedList(options.policy, trans);
    list.classList.add('jp-DevInterview-lobbyRecorded');
    recorded.append(list);

    const check = this._section('check', trans.__('Browser check'));
    this._checks = document.createElement('ul');
    this._checks.className = 'jp-DevInterview-lobbyChecks';
    // Lines change while the room connects: said politely, not as alerts.
    this._checks.setAttribute('aria-live', 'polite');
    for (const id of BROWSER_CHECKS) {
      const line = document.createElement('li');
      line.className = 'jp-DevInterview-lobbyCheck';
      line.dataset.check = id;
      line.dataset.status = 'pending';
      const mark = document.createElement('span');
      mark.className = 'jp-DevInterview-lobbyCheckMark';
      mark.setAttribute('aria-hidden', 'true');
      const text = document.createElement('span');
      text.className = 'jp-DevInterview-lobbyCheckText';
      line.append(mark, text);
      this._checks.append(line);
    }
    check.append(this._checks);

    const field = document.createElement('div');
    field.className = 'jp-DevInterview-lobbyField';
    const label = document.createElement('label');
    label.className = 'jp-DevInterview-lobbyLabel';
    label.htmlFor = 'devinterview-lobby-name';
    label.textContent = trans.__('Your name');
    const input = document.createElement('input');
    input.id = 'devinterview-lobby-name';
    input.className = 'jp-mod-styled jp-DevInterview-lobbyName';
    input.type = 'text';
    input.name = 'name';
    input.autocomplete = 'name';
    input.required = true;
    input.spellcheck = false;
    // A little room over the limit: spaces collapse before it counts.
    input.maxLength = MAX_NAME_LENGTH * 2;
    input.value = options.name;
    input.setAttribute(
      'aria-describedby',
      'devinterview-lobby-name-hint devinterview-lobby-name-error'
    );
    input.addEventListener('input', () => this.showNameError(null));
    const hint = document.createElement('p');
    hint.id = 'devinterview-lobby-name-hint';
    hint.className = 'jp-DevInterview-lobbyHint';
    hint.textContent = trans.__(
      'Shown to your interviewers beside your role, Candidate.'
    );
    const nameError = document.createElement('p');
    nameError.id = 'devinterview-lobby-name-error';
    nameError.className = 'jp-DevInterview-lobbyNameError';
    nameError.hidden = true;
    field.append(label, input, hint, nameError);

    const actions = document.createElement('div');
    actions.className = 'jp-DevInterview-lobbyActions';
    const consent = document.createElement('p');
    consent.className = 'jp-DevInterview-lobbyConsent';
    consent.id = 'devinterview-lobby-consent';
    consent.textContent = trans.__(
      'By joining you confirm you have read what is recorded.'
    );
    const join = document.createElement('button');
    join.type = 'submit';
    join.className = 'jp-mod-styled jp-mod-accept jp-DevInterview-lobbyJoin';
    join.textContent = trans.__('Join');
    join.setAttribute('aria-describedby', 'devinterview-lobby-consent');
    const error = document.createElement('p');
    error.className = 'jp-DevInterview-lobbyError';
    error.setAttribute('role', 'alert');
    error.hidden = true;
    actions.append(join, consent, error);

    // Two columns on wide screens: about the interview, and getting in.
    const about = document.createElement('div');
    about.className = 'jp-DevInterview-lobbyColumn';
    about.append(interviewers, recorded);
    const entry = document.createElement('div');
    entry.className = 'jp-DevInterview-lobbyColumn';
    entry.append(check, field, actions);
    form.append(heading, about, entry);
    this.node.append(form);

    this._input = input;
    this._nameError = nameError;
    this._join = join;
    this._error = error;
  }

  /**
   * Emitted with the name (as it will be shown) when the candidate presses
   * Join with an acceptable name and the browser can take part.
   */
  get joinRequested(): ISignal<this, string> {
    return this._joinRequested;
  }

  /**
   * The name field (its current text).
   */
  get nameInput(): HTMLInputElement {
    return this._input;
  }

  /**
   * Show the browser check's lines; Join is refused while a blocking one
   * failed.
   */
  setChecks(checks: readonly IBrowserCheck[]): void {
    for (const check of checks) {
      const line = this._checks.querySelector<HTMLElement>(
        `[data-check="${check.id}"]`
      );
      if (!line) {
        continue;
      }
      line.dataset.status = check.status;
      line.dataset.blocking = String(check.blocking);
      line.querySelector('.jp-DevInterview-lobbyCheckText')!.textContent =
        checkText(check, this._trans);
    }
    this._blocked = !canJoin(checks);
    this.node.dataset.canJoin = String(!this._blocked);
    this._syncJoin();
  }

  /**
   * While Join is being sent: the button says so and the form cannot be sent
   * twice.
   */
  setBusy(busy: boolean): void {
    this._busy = busy;
    this._join.textContent = busy
      ? this._trans.__('Joining…')
      : this._trans.__('Join');
    this.node.setAttribute('aria-busy', String(busy));
    this._syncJoin();
  }

  /**
   * A problem with Join that is not about the name (null hides it).
   */
  showError(message: string | null): void {
    this._error.textContent = message ?? '';
    this._error.hidden = message === null;
  }

  /**
   * A problem with the name (null hides it); the field is marked invalid
   * and focused.
   */
  showNameError(message: string | null): void {
    this._nameError.textContent = message ?? '';
    this._nameError.hidden = message === null;
    if (message === null) {
      this._input.removeAttribute('aria-invalid');
      this._nameError.removeAttribute('role');
    } else {
      this._input.setAttribute('aria-invalid', 'true');
      this._nameError.setAttribute('role', 'alert');
      this._input.focus();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.clearData(this);
    super.dispose();
  }

  protected onAfterAttach(): void {
    // The page's one question; Enter in it is Join.
    this._input.focus();
    const end = this._input.value.length;
    this._input.setSelectionRange(end, end);
  }

  private _section(name: string, heading: string): HTMLElement {
    const section = document.createElement('section');
    section.className = `jp-DevInterview-lobbySection jp-DevInterview-lobbySection-${name}`;
    const title = document.createElement('h2');
    title.id = `devinterview-lobby-${name}`;
    title.className = 'jp-DevInterview-lobbyHeading';
    title.textContent = heading;
    section.setAttribute('aria-labelledby', title.id);
    section.append(title);
    return section;
  }

  private _syncJoin(): void {
    // Disabled only when sending or when the browser truly cannot take
    // part; aria-disabled keeps the button in the Tab order while busy.
    this._join.disabled = this._blocked;
    this._join.setAttribute('aria-disabled', String(this._busy));
  }

  private _onSubmit = (event: Event): void => {
    event.preventDefault();
    if (this._busy || this._blocked) {
      return;
    }
    const check = checkName(this._input.value);
    if (!('name' in check)) {
      this.showNameError(nameProblemText(check.problem, this._trans));
      return;
    }
    this._input.value = check.name;
    this.showNameError(null);
    this.showError(null);
    this._joinRequested.emit(check.name);
  };

  private _trans: TranslationBundle;
  private _checks: HTMLElement;
  private _input: HTMLInputElement;
  private _nameError: HTMLElement;
  private _join: HTMLButtonElement;
  private _error: HTMLElement;
  private _busy = false;
  private _blocked = false;
  private _joinRequested = new Signal<this, string>(this);
}

/**
 * A namespace for `CandidateLobby` statics.
 */
export namespace CandidateLobby {
  /**
   * What the lobby shows.
   */
  export interface IOptions {
    /**
     * The interview's title.
     */
    sessionTitle: string;
    /**
     * The interview's language.
     */
    language: Language;
    /**
     * The planned length in minutes (null: not said).
     */
    plannedMinutes: number | null;
    /**
     * The interviewers' display names.
     */
    interviewers: readonly string[];
    /**
     * What is recorded.
     */
    policy: IIntegrityPolicy;
    /**
     * What the name field starts with.
     */
    name: string;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
  }
}
