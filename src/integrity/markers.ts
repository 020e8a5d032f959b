import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { DevInterviewAPIError } from '../api/errors';
import type { ISessionEvent, ISessionEventList } from '../api/types';
import type { IDevInterviewClient } from '../tokens';
import { describeEvent } from './format';

/**
 * How often the interviewers' markers ask for new events while shown.
 */
export const POLL_MS = 5_000;

/**
 * After a failed poll, the wait doubles up to this.
 */
const MAX_BACKOFF_MS = 60_000;

let nextListId = 0;

/**
 * The interviewers' integrity markers in the interview's header: a small
 * button with the number of signals (highlighted when new ones came), which
 * opens the list ("Grace pasted 340 characters · 12:03:10", "Grace page
 * hidden · 12:04:05–12:04:40 (35 s)"). New signals are announced to screen
 * readers. It asks the server every few seconds while the interview is shown
 * and the page visible; the candidate's page has no such widget.
 */
export class IntegrityMarkers extends Widget {
  constructor(options: IntegrityMarkers.IOptions) {
    super();
    this._client = options.client;
    this._sessionId = options.sessionId;
    this._trans = options.trans;
    this._pollMs = options.pollMs ?? POLL_MS;
    this._document = options.document ?? document;
    this.addClass('jp-DevInterview-integrity');
    const trans = this._trans;

    const listId = `jp-DevInterview-integrityList-${++nextListId}`;
    this._button = document.createElement('button');
    this._button.type = 'button';
    this._button.className =
      'jp-DevInterview-toolbarButton jp-DevInterview-integrityButton';
    this._button.setAttribute('aria-expanded', 'false');
    this._button.setAttribute('aria-controls', listId);
    const label = document.createElement('span');
    label.textContent = trans.__('Signals');
    this._badge = document.createElement('span');
    this._badge.className = 'jp-DevInterview-integrityBadge';
    this._button.append(label, this._badge);
    this._button.addEventListener('click', () => {
      this.expanded = !this.expanded;
    });

    this._panel = document.createElement('div');
    this._panel.id = listId;
    this._panel.className = 'jp-DevInterview-integrityPanel';
    this._panel.hidden = true;
    this._panel.setAttribute('role', 'region');
    this._panel.setAttribute('aria-label', trans.__('Integrity signals'));
    this._list = document.createElement('ul');
    this._list.className = 'jp-DevInterview-integrityList';
    this._status = document.createElement('p');
    this._status.className = 'jp-DevInterview-integrityStatus';
    this._panel.append(this._status, this._list);
    this._panel.addEventListener('keydown', this._onKeyDown);
    this._button.addEventListener('keydown', this._onKeyDown);

    // Polite: a new signal is worth a word, never an interruption.
    this._live = document.createElement('div');
    this._live.className = 'jp-DevInterview-visuallyHidden';
    this._live.setAttribute('aria-live', 'polite');
    this._live.setAttribute('role', 'status');

    // The list opens over the layout, attached to the page's body: the header
    // (a Lumino widget) clips what overflows it.
    this.node.append(this._button, this._live);
    this._render();
  }

  /**
   * The events as last received, in the order they started.
   */
  get events(): readonly ISessionEvent[] {
    return this._events;
  }

  /**
   * Whether the list is open.
   */
  get expanded(): boolean {
    return !this._panel.hidden;
  }
  set expanded(value: boolean) {
    if (value === this.expanded || (value && this.isDisposed)) {
      return;
    }
    this._panel.hidden = !value;
    this._button.setAttribute('aria-expanded', String(value));
    if (value) {
      this._place();
      document.body.append(this._panel);
      this._document.addEventListener('pointerdown', this._onOutside, true);
      this._seen = this._events.length;
      this._render();
    } else {
      this._panel.remove();
      this._document.removeEventListener('pointerdown', this._onOutside, true);
    }
  }

  /**
   * The open list's node (detached while closed).
   */
  get panelNode(): HTMLElement {
    return this._panel;
  }

  /**
   * Ask the server now (also what the timer does).
   */
  async refresh(): Promise<void> {
    if (this._stopped || this.isDisposed) {
      return;
    }
    let list: ISessionEventList;
    try {
      list = await this._client.listEvents(this._sessionId);
    } catch (error) {
      if (
        error instanceof DevInterviewAPIError &&
        [401, 403, 404].includes(error.status)
      ) {
        // Deleted, or no longer ours to see: nothing will change that.
        this._stopped = true;
      }
      this._failures++;
      return;
    }
    if (this.isDisposed) {
      return;
    }
    this._failures = 0;
    this._apply(list);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.expanded = false;
    this._cancel();
    this._document.removeEventListener('visibilitychange', this._onVisibility);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._document.addEventListener('visibilitychange', this._onVisibility);
    this._schedule(0);
  }

  protected onBeforeDetach(msg: Message): void {
    this.expanded = false;
    this._document.removeEventListener('visibilitychange', this._onVisibility);
    this._cancel();
    super.onBeforeDetach(msg);
  }

  private _apply(list: ISessionEventList): void {
    const known = new Map(this._events.map(e => [e.id, e]));
    const first = this._received === false;
    this._received = true;
    this._signals = list.signals;
    this._limitReached = list.limit_reached;
    const announce: string[] = [];
    for (const event of list.events) {
      const before = known.get(event.id);
      // New, or an interval that just ended (the line now says how long).
      if (!first && (!before || (!before.ended_at && event.ended_at))) {
        announce.push(describeEvent(event, this._trans));
      }
    }
    this._events = list.events.slice();
    if (first || this.expanded) {
      this._seen = this._events.length;
    }
    if (announce.length) {
      // Replaced, not appended: screen readers read the change.
      this._live.textContent = announce.join('. ');
    }
    this._render();
  }

  private _render(): void {
    const trans = this._trans;
    const count = this._events.length;
    const unseen = Math.max(0, count - this._seen);
    const ongoing = this._events.some(e => e.kind !== 'paste' && !e.ended_at);
    this._badge.textContent = this._signals ? String(count) : trans.__('off');
    this._button.classList.toggle('jp-mod-new', unseen > 0);
    this._button.classList.toggle('jp-mod-ongoing', ongoing);
    this._button.title = !this._received
      ? trans.__('Integrity signals of the candidate (loading)')
      : !this._signals
        ? trans.__('Integrity signals are not recorded on this server')
        : unseen
          ? trans._n(
              '%1 new integrity signal: pastes, page hidden or unfocused',
              '%1 new integrity signals: pastes, page hidden or unfocused',
              unseen
            )
          : trans._n(
              '%1 integrity signal: pastes, page hidden or unfocused',
              '%1 integrity signals: pastes, page hidden or unfocused',
              count
            );
    this._button.setAttribute('aria-label', this._button.title);

    const notes: string[] = [];
    if (!this._signals) {
      notes.push(
        trans.__(
          'Integrity signals are turned off on this server: nothing new is recorded.'
        )
      );
    } else if (this._received && count === 0) {
      notes.push(trans.__('No signals so far.'));
    }
    if (this._limitReached) {
      notes.push(
        trans.__(
          'The most signals this interview stores was reached: later ones were not recorded.'
        )
      );
    }
    notes.push(
      trans.__(
        'Reported by the candidate’s page: an aid to the conversation, not proof.'
      )
    );
    this._status.textContent = notes.join(' ');

    const items: HTMLElement[] = [];
    // Newest first: the list opens on what just happened.
    for (const event of [...this._events].reverse()) {
      const item = document.createElement('li');
      item.className = 'jp-DevInterview-integrityItem';
      item.dataset.kind = event.kind;
      item.dataset.role = event.role;
      if (event.kind !== 'paste' && !event.ended_at) {
        item.classList.add('jp-mod-ongoing');
      }
      item.textContent = describeEvent(event, trans);
      items.push(item);
    }
    this._list.replaceChildren(...items);
  }

  private _schedule(ms: number): void {
    this._cancel();
    if (this._stopped || this.isDisposed || !this.isAttached) {
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = undefined;
      if (this._document.visibilityState === 'hidden') {
        return; // resumed by visibilitychange
      }
      void this.refresh().then(() => {
        const wait = this._failures
          ? Math.min(MAX_BACKOFF_MS, this._pollMs * 2 ** this._failures)
          : this._pollMs;
        this._schedule(wait);
      });
    }, ms);
  }

  private _cancel(): void {
    if (this._timer !== undefined) {
      clearTimeout(this._timer);
      this._timer = undefined;
    }
  }

  private _onVisibility = (): void => {
    if (this._document.visibilityState !== 'hidden') {
      this._schedule(0);
    }
  };

  /**
   * Below the button, right-aligned with it, within the window.
   */
  private _place(): void {
    const box = this._button.getBoundingClientRect();
    const width = document.documentElement.clientWidth || window.innerWidth;
    this._panel.style.top = `${Math.round(box.bottom + 2)}px`;
    this._panel.style.right = `${Math.max(0, Math.round(width - box.right))}px`;
  }

  private _onOutside = (event: Event): void => {
    const target = event.target as Node | null;
    if (
      target &&
      !this._panel.contains(target) &&
      !this._button.contains(target)
    ) {
      this.expanded = false;
    }
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.expanded) {
      event.stopPropagation();
      this.expanded = false;
      this._button.focus();
    }
  };

  private _client: Pick<IDevInterviewClient, 'listEvents'>;
  private _sessionId: string;
  private _trans: TranslationBundle;
  private _pollMs: number;
  private _document: Document;
  private _button: HTMLButtonElement;
  private _badge: HTMLElement;
  private _panel: HTMLElement;
  private _list: HTMLElement;
  private _status: HTMLElement;
  private _live: HTMLElement;
  private _events: ISessionEvent[] = [];
  private _seen = 0;
  private _signals = true;
  private _limitReached = false;
  private _received = false;
  private _stopped = false;
  private _failures = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined = undefined;
}

/**
 * A namespace for `IntegrityMarkers` statics.
 */
export namespace IntegrityMarkers {
  /**
   * The options of the markers.
   */
  export interface IOptions {
    /**
     * The REST client (an interviewer's).
     */
    client: Pick<IDevInterviewClient, 'listEvents'>;
    /**
     * The session shown.
     */
    sessionId: string;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Milliseconds between two polls (default `POLL_MS`).
     */
    pollMs?: number;
    /**
     * The document (default: this page's).
     */
    document?: Document;
  }
}
