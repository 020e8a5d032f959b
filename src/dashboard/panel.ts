import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import type { LabIcon } from '@jupyterlab/ui-components';
import {
  deleteIcon,
  downloadIcon,
  historyIcon,
  launchIcon,
  linkIcon,
  notebookIcon,
  refreshIcon,
  runIcon,
  stopIcon,
  usersIcon
} from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import type {
  IScorecardSummary,
  ISession,
  ISessionCreate,
  SessionStatus
} from '../api/types';
import { scorecardSummaryParts } from '../scorecards/format';
import type { IDevInterviewClient } from '../tokens';
import {
  formatDuration,
  formatLanguage,
  formatStatus,
  formatTimestamp,
  maskLink,
  statusHint
} from './format';
import { RowMenu } from './rowMenu';

/**
 * Seconds the "link copied" notice stays: long enough to read, short enough
 * not to linger on a shared screen.
 */
const NOTICE_SECONDS = 6;

/**
 * The columns of the sessions table, in order.
 */
const COLUMNS = [
  'title',
  'candidate',
  'language',
  'status',
  'created',
  'started',
  'duration',
  'scorecards',
  'actions'
] as const;

/**
 * The row actions, in order.
 */
type RowAction =
  | 'open'
  | 'replay'
  | 'download-report'
  | 'open-report'
  | 'copy-link'
  | 'new-link'
  | 'co-interviewers'
  | 'start'
  | 'terminate'
  | 'delete';

/**
 * The statuses the filter offers ('' = all).
 */
const FILTERS: ('' | SessionStatus)[] = [
  '',
  'scheduled',
  'active',
  'terminated'
];

/**
 * A panel listing the interview sessions (`GET /sessions`) in a table.
 */
export class SessionsPanel extends Widget {
  constructor(options: SessionsPanel.IOptions) {
    super();
    this._client = options.client;
    this._trans = (options.translator ?? nullTranslator).load(
      'devinterview_jupyter'
    );
    this._actions = options.actions ?? {};
    this._noticeSeconds = options.noticeSeconds ?? NOTICE_SECONDS;
    this.addClass('jp-DevInterview-dashboard');
    this._buildDOM();
    this.refreshIntervalSeconds = options.refreshIntervalSeconds ?? 0;
    this._client.sessionsChanged.connect(this._onSessionsChanged, this);
  }

  /**
   * The status filter ('' = all statuses).
   */
  get statusFilter(): '' | SessionStatus {
    return this._filter;
  }
  set statusFilter(value: '' | SessionStatus) {
    this._filter = value;
    this._filterSelect.value = value;
    void this.refresh();
  }

  /**
   * The informational message showing (e.g. "link copied"), or `null`; it
   * goes away by itself after a few seconds.
   */
  get message(): string | null {
    return this._message;
  }

  /**
   * The sessions shown, newest first.
   */
  get sessions(): readonly ISession[] {
    return this._sessions;
  }

  /**
   * The current user's name (from `GET /me`), or `null` while unknown.
   */
  get currentUser(): string | null {
    return this._currentUser;
  }

  /**
   * The total number of sessions on the server.
   */
  get total(): number {
    return this._total;
  }

  /**
   * The message of the last failed refresh, or `null`.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Seconds between automatic refreshes while the panel is visible; 0 = off.
   */
  get refreshIntervalSeconds(): number {
    return this._intervalSeconds;
  }
  set refreshIntervalSeconds(value: number) {
    const seconds = Number.isFinite(value) && value > 0 ? value : 0;
    this._intervalSeconds = seconds;
    if (this._timer !== null) {
      window.clearInterval(this._timer);
      this._timer = null;
    }
    if (seconds > 0) {
      this._timer = window.setInterval(() => {
        if (this.isVisible) {
          void this.refresh();
        }
      }, seconds * 1000);
    }
  }

  /**
   * Reload the sessions from the server.
   *
   * Concurrent calls share one request. Never rejects: a failure is shown in
   * the panel's error line (and kept in `error`).
   */
  refresh(): Promise<void> {
    if (!this._pending) {
      this._pending = this._load().finally(() => {
        this._pending = null;
      });
    }
    return this._pending;
  }

  /**
   * Run one row action on a session (what the row buttons do).
   */
  async runAction(action: RowAction, session: ISession): Promise<void> {
    const trans = this._trans;
    const actions = this._actions;
    try {
      switch (action) {
        case 'open':
          await actions.open?.(session);
          return;
        case 'replay':
          await actions.replay?.(session);
          return;
        case 'download-report':
          await actions.downloadReport?.(session);
          return;
        case 'open-report':
          await actions.openReport?.(session);
          return;
        case 'copy-link': {
          // The session's current link: copying twice gives the same link.
          const invite = await this._client.liveInvite(session.id);
          await (actions.copy ?? defaultCopy)(invite.url);
          // Never the whole token on screen: it may be shared.
          this._setMessage(
            trans.__('Candidate link copied: %1', maskLink(invite.url))
          );
          return;
        }
        case 'new-link': {
          const ok = await (actions.confirm ?? (() => Promise.resolve(true)))(
            trans.__('New candidate link for "%1"?', session.title),
            trans.__(
              'The current candidate link stops working at once: a candidate who joined with it is disconnected and needs the new link.'
            ),
            trans.__('New link')
          );
          if (!ok) {
            return;
          }
          const invite = await this._client.rotateInvite(session.id);
          await (actions.copy ?? defaultCopy)(invite.url);
          this._setMessage(
            trans.__(
              'New candidate link copied: %1 The old link no longer works.',
              maskLink(invite.url)
            )
          );
          return;
        }
        case 'co-interviewers':
          await actions.manageCoInterviewers?.(session, this._currentUser);
          return;
        case 'start':
          await this._client.startSession(session.id);
          return;
        case 'terminate': {
          const ok = await (actions.confirm ?? (() => Promise.resolve(true)))(
            trans.__('End the interview "%1"?', session.title),
            trans.__(
              'The interview ends for everyone, its duration is stored and its room becomes read-only.'
            ),
            trans.__('End interview')
          );
          if (ok) {
            await this._client.terminateSession(session.id);
          }
          return;
        }
        case 'delete': {
          const ok = await (actions.confirm ?? (() => Promise.resolve(true)))(
            trans.__('Delete "%1"?', session.title),
            trans.__(
              'The session, its invites and its room are deleted for good.'
            ),
            trans.__('Delete')
          );
          if (ok) {
            await this._client.deleteSession(session.id);
          }
          return;
        }
      }
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._render();
    }
  }

  /**
   * Ask for and create a new session (what the New session button does).
   */
  async createSession(): Promise<ISession | null> {
    const body = await this._actions.askNewSession?.();
    if (!body) {
      return null;
    }
    try {
      const session = await this._client.createSession(body);
      return session;
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._render();
      return null;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.refreshIntervalSeconds = 0;
    window.clearTimeout(this._noticeTimer);
    this._client.sessionsChanged.disconnect(this._onSessionsChanged, this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    void this.refresh();
  }

  private _onSessionsChanged(): void {
    // A change during a refresh needs one more refresh after it.
    const pending = this._pending;
    if (pending) {
      void pending.then(() => this.refresh());
    } else {
      void this.refresh();
    }
  }

  private _setMessage(message: string | null): void {
    window.clearTimeout(this._noticeTimer);
    this._message = message;
    this._messageNode.textContent = message ?? '';
    this._messageNode.hidden = message === null;
    this._messageNode.style.setProperty(
      '--jp-devinterview-notice-duration',
      `${this._noticeSeconds}s`
    );
    // Restart the fading animation for a new message.
    this._messageNode.classList.remove('jp-mod-fading');
    if (message !== null && this._noticeSeconds > 0) {
      void this._messageNode.offsetWidth;
      this._messageNode.classList.add('jp-mod-fading');
      this._noticeTimer = window.setTimeout(
        () => this._setMessage(null),
        this._noticeSeconds * 1000
      );
    }
  }

  private async _load(): Promise<void> {
    this.node.setAttribute('aria-busy', 'true');
    this._refreshButton.disabled = true;
    try {
      const [page] = await Promise.all([
        this._client.listSessions({
          limit: 200,
          status: this._filter || undefined
        }),
        this._loadCurrentUser()
      ]);
      this._sessions = page.items;
      this._total = page.total;
      this._error = null;
      this._scorecards = await this._loadScorecards(page.items);
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
    } finally {
      if (!this.isDisposed) {
        this.node.removeAttribute('aria-busy');
        this._refreshButton.disabled = false;
        this._render();
      }
    }
  }

  /**
   * The scorecards of the listed sessions at a glance. Never rejects: without
   * them (an older server, a failed request) the column stays empty.
   */
  private async _loadScorecards(
    sessions: readonly ISession[]
  ): Promise<Map<string, IScorecardSummary>> {
    const found = new Map<string, IScorecardSummary>();
    if (sessions.length === 0) {
      return found;
    }
    try {
      const summary = await this._client.scorecardSummary(
        sessions.map(session => session.id)
      );
      for (const item of Array.isArray(summary?.items) ? summary.items : []) {
        if (item && typeof item.session_id === 'string') {
          found.set(item.session_id, item);
        }
      }
    } catch {
      // Shown as an empty column: the sessions matter more.
    }
    return found;
  }

  /**
   * Learn who the current user is (once), to mark the sessions shared with
   * them. Never rejects: a failed request is tried again at the next refresh.
   */
  private async _loadCurrentUser(): Promise<void> {
    if (this._currentUserKnown) {
      return;
    }
    try {
      const me = await this._client.me();
      this._currentUserKnown = true;
      this._currentUser =
        me && me.kind === 'interviewer' && typeof me.name === 'string'
          ? me.name
          : null;
    } catch {
      // Unknown for now: no session is marked as shared.
    }
  }

  private _buildDOM(): void {
    const trans = this._trans;
    const header = document.createElement('div');
    header.className = 'jp-DevInterview-dashboardHeader';

    const title = document.createElement('h2');
    title.className = 'jp-DevInterview-dashboardTitle';
    title.textContent = trans.__('Interview sessions');

    this._summary = document.createElement('span');
    this._summary.className = 'jp-DevInterview-summary';

    this._refreshButton = document.createElement('button');
    this._refreshButton.type = 'button';
    this._refreshButton.className =
      'jp-mod-styled jp-mod-reject jp-DevInterview-refreshButton';
    this._refreshButton.textContent = trans.__('Refresh');
    this._refreshButton.title = trans.__('Reload the list of sessions');
    this._refreshButton.addEventListener('click', () => {
      void this.refresh();
    });

    this._filterSelect = document.createElement('select');
    this._filterSelect.className = 'jp-DevInterview-statusFilter';
    this._filterSelect.setAttribute('aria-label', trans.__('Filter by status'));
    for (const status of FILTERS) {
      const option = document.createElement('option');
      option.value = status;
      option.textContent = status
        ? formatStatus(status, trans)
        : trans.__('All statuses');
      this._filterSelect.appendChild(option);
    }
    this._filterSelect.addEventListener('change', () => {
      this.statusFilter = this._filterSelect.value as '' | SessionStatus;
    });

    const createButton = document.createElement('button');
    createButton.type = 'button';
    createButton.className =
      'jp-mod-styled jp-mod-accept jp-DevInterview-createButton';
    createButton.textContent = trans.__('New session');
    createButton.title = trans.__('Create an interview session');
    createButton.hidden = !this._actions.askNewSession;
    createButton.addEventListener('click', () => {
      void this.createSession();
    });

    header.append(
      title,
      this._summary,
      this._filterSelect,
      createButton,
      this._refreshButton
    );

    this._messageNode = document.createElement('div');
    this._messageNode.className = 'jp-DevInterview-message';
    this._messageNode.setAttribute('role', 'status');
    this._messageNode.setAttribute('aria-live', 'polite');
    this._messageNode.hidden = true;

    this._errorNode = document.createElement('div');
    this._errorNode.className = 'jp-DevInterview-error';
    this._errorNode.setAttribute('role', 'alert');
    this._errorNode.hidden = true;

    const table = document.createElement('table');
    table.className = 'jp-DevInterview-sessionsTable';
    const headings: Record<(typeof COLUMNS)[number], string> = {
      title: trans.__('Title'),
      candidate: trans.__('Candidate'),
      language: trans.__('Language'),
      status: trans.__('Status'),
      created: trans.__('Created'),
      started: trans.__('Started'),
      duration: trans.__('Duration (min)'),
      scorecards: trans.__('Scorecards'),
      actions: trans.__('Actions')
    };
    const headRow = table.createTHead().insertRow();
    for (const column of COLUMNS) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.column = column;
      th.textContent = headings[column];
      headRow.appendChild(th);
    }
    this._body = table.createTBody();

    this.node.append(header, this._errorNode, this._messageNode, table);
    this._render();
  }

  private _render(): void {
    const trans = this._trans;
    this._errorNode.textContent = this._error ?? '';
    this._errorNode.hidden = this._error === null;
    this._summary.textContent = trans._n(
      '%1 session',
      '%1 sessions',
      this._total
    );

    // A refresh rebuilds the rows: keep the keyboard focus (and an open
    // More menu) where they were.
    const focused = this._focusedAction();
    RowMenu.closeAll();
    this._body.replaceChildren();
    if (this._sessions.length === 0) {
      const row = this._body.insertRow();
      row.className = 'jp-DevInterview-emptyRow';
      const cell = row.insertCell();
      cell.colSpan = COLUMNS.length;
      cell.textContent = trans.__('No interview sessions yet.');
      return;
    }
    for (const session of this._sessions) {
      this._body.appendChild(this._renderRow(session));
    }
    if (focused) {
      this._restoreFocus(focused);
    }
  }

  private _focusedAction(): {
    sessionId: string;
    action: string;
    menuOpen: boolean;
  } | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this._body.contains(active)) {
      return null;
    }
    const row = active.closest<HTMLElement>('tr.jp-DevInterview-sessionRow');
    const action = active.dataset.action ?? active.dataset.menu;
    if (!row?.dataset.sessionId || !action) {
      return null;
    }
    const more = row.querySelector('.jp-DevInterview-moreButton');
    return {
      sessionId: row.dataset.sessionId,
      action,
      menuOpen: more?.getAttribute('aria-expanded') === 'true'
    };
  }

  private _restoreFocus(focused: {
    sessionId: string;
    action: string;
    menuOpen: boolean;
  }): void {
    const row = Array.from(this._body.rows).find(
      r => r.dataset.sessionId === focused.sessionId
    );
    const menu = row ? this._menus.get(row) : undefined;
    if (!row || !menu) {
      return;
    }
    if (focused.menuOpen) {
      menu.open('none');
    }
    const target =
      focused.action === 'more'
        ? menu.button
        : row.querySelector<HTMLButtonElement>(
            `button[data-action="${focused.action}"]`
          );
    if (target && !target.disabled) {
      target.focus();
    } else {
      menu.button.focus();
    }
  }

  private _renderRow(session: ISession): HTMLTableRowElement {
    const trans = this._trans;
    const row = document.createElement('tr');
    row.className = 'jp-DevInterview-sessionRow';
    row.dataset.sessionId = session.id;
    row.dataset.status = session.status;

    const add = (column: (typeof COLUMNS)[number], text: string) => {
      const cell = row.insertCell();
      cell.dataset.column = column;
      cell.textContent = text;
      return cell;
    };

    const title = add('title', session.title);
    row.dataset.owner = session.owner;
    const me = this._currentUser;
    if (me !== null && session.owner && session.owner !== me) {
      // A session someone else owns and shares with this user.
      row.dataset.shared = 'true';
      const shared = document.createElement('span');
      shared.className = 'jp-DevInterview-sharedBadge';
      shared.textContent = trans.__('shared by %1', session.owner);
      shared.title = trans.__('Owned by %1', session.owner);
      title.append(' ', shared);
    }
    add('candidate', session.candidate_name ?? '');
    add('language', formatLanguage(session.language));

    const status = add('status', '');
    const badge = document.createElement('span');
    badge.className = `jp-DevInterview-status jp-DevInterview-status-${session.status}`;
    badge.textContent = formatStatus(session.status, trans);
    status.appendChild(badge);
    const hint = statusHint(session.status, trans);
    if (hint) {
      const note = document.createElement('span');
      note.className = 'jp-DevInterview-statusHint';
      note.textContent = hint;
      status.append(' ', note);
    }

    const created = add('created', formatTimestamp(session.created_at));
    created.title = session.created_at;
    // The Created column is hidden on narrow screens (dashboard.css).
    title.title = trans.__('Created %1', formatTimestamp(session.created_at));
    const started = add('started', formatTimestamp(session.started_at));
    started.title = session.started_at ?? '';
    const duration = add('duration', formatDuration(session.duration_minutes));
    if (session.duration_minutes === null) {
      // A plain dash, not a control: muted, and said in words.
      duration.classList.add('jp-mod-empty');
      duration.title = trans.__('Known once the interview has ended');
    }
    this._renderScorecards(add('scorecards', ''), session);

    const cell = add('actions', '');
    const actions = document.createElement('div');
    actions.className = 'jp-DevInterview-rowActions';
    cell.appendChild(actions);
    const button = (
      action: RowAction,
      icon: LabIcon,
      text: string,
      description: string = text
    ) => {
      const node = document.createElement('button');
      node.type = 'button';
      node.className = 'jp-DevInterview-rowButton';
      node.dataset.action = action;
      node.title = description;
      // The accessible name starts with the visible text (WCAG 2.5.3).
      node.setAttribute('aria-label', description);
      node.appendChild(
        icon.element({
          tag: 'span',
          elementSize: 'normal',
          className: 'jp-DevInterview-rowButtonIcon'
        })
      );
      const label = document.createElement('span');
      label.className = 'jp-DevInterview-rowButtonLabel';
      label.textContent = text;
      node.appendChild(label);
      node.addEventListener('click', () => {
        void this.runAction(action, session);
      });
      return node;
    };
    const ended = session.status === 'terminated';

    // The two things done most: open the interview, send the candidate link.
    const open = button(
      'open',
      launchIcon,
      trans.__('Open'),
      trans.__('Open the interview')
    );
    open.classList.add('jp-mod-primary');
    const copy = button(
      'copy-link',
      linkIcon,
      trans.__('Copy link'),
      trans.__('Copy link: the candidate link of this interview')
    );
    copy.disabled = ended;
    const menu = new RowMenu({
      text: trans.__('More'),
      label: trans.__('More actions for "%1"', session.title)
    });
    this._menus.set(row, menu);
    actions.append(open, copy, menu.button, menu.menu);

    // The lifecycle, then what is kept of the interview, then the rest.
    const newLink = button(
      'new-link',
      refreshIcon,
      trans.__('New link'),
      trans.__(
        'New link: replace the candidate link (the old one stops working)'
      )
    );
    newLink.disabled = ended;
    menu.addItem(newLink);
    const start = button(
      'start',
      runIcon,
      trans.__('Start interview'),
      trans.__('Start interview now, without waiting for the candidate')
    );
    start.disabled = session.status !== 'scheduled';
    menu.addItem(start);
    const end = button(
      'terminate',
      stopIcon,
      trans.__('End interview'),
      trans.__('End interview for everyone')
    );
    end.disabled = ended;
    menu.addItem(end);
    menu.addSeparator();
    // Replays and reports: of live and ended interviews alike.
    if (this._actions.replay) {
      menu.addItem(
        button(
          'replay',
          historyIcon,
          trans.__('Replay'),
          trans.__('Replay the interview')
        )
      );
    }
    if (this._actions.openReport) {
      menu.addItem(
        button(
          'open-report',
          notebookIcon,
          trans.__('Open report'),
          trans.__('Open report in JupyterLab')
        )
      );
    }
    if (this._actions.downloadReport) {
      menu.addItem(
        button(
          'download-report',
          downloadIcon,
          trans.__('Download report'),
          trans.__('Download report (notebook)')
        )
      );
    }
    if (this._actions.manageCoInterviewers) {
      menu.addItem(
        button('co-interviewers', usersIcon, trans.__('Co-interviewers…'))
      );
    }
    menu.addSeparator();
    const remove = button(
      'delete',
      deleteIcon,
      trans.__('Delete'),
      trans.__('Delete the session')
    );
    remove.classList.add('jp-mod-danger');
    menu.addItem(remove);
    return row;
  }

  /**
   * The scorecards cell: the count, then the recommendations (each marked
   * for its colour) or where one's own scorecard is.
   */
  private _renderScorecards(cell: HTMLElement, session: ISession): void {
    const trans = this._trans;
    const item = this._scorecards.get(session.id) ?? null;
    const parts = scorecardSummaryParts(item, trans);
    if (!item || !parts) {
      return;
    }
    cell.dataset.submitted = String(item.submitted);
    cell.dataset.mine = item.mine ?? '';
    const count = document.createElement('span');
    count.className = 'jp-DevInterview-scorecardCount';
    count.textContent = parts.count;
    cell.append(count);
    if (!parts.detail) {
      return;
    }
    cell.append(' · ');
    if (parts.recommendations) {
      parts.recommendations.forEach(({ value, label }, index) => {
        if (index > 0) {
          cell.append(', ');
        }
        const badge = document.createElement('span');
        badge.className = 'jp-DevInterview-recommendation';
        badge.dataset.recommendation = value;
        badge.textContent = label;
        cell.append(badge);
      });
    } else {
      const mine = document.createElement('span');
      mine.className = 'jp-DevInterview-scorecardMine';
      mine.textContent = parts.detail;
      cell.append(mine);
      cell.title = trans.__(
        'You will see the recommendations after you submit your own scorecard.'
      );
    }
  }

  private _client: IDevInterviewClient;
  private _actions: SessionsPanel.IActions;
  private _filter: '' | SessionStatus = '';
  private _message: string | null = null;
  private _noticeSeconds: number;
  private _noticeTimer = 0;
  // The More menu of each row on screen.
  private _menus = new WeakMap<HTMLTableRowElement, RowMenu>();
  private _filterSelect!: HTMLSelectElement;
  private _messageNode!: HTMLDivElement;
  private _trans: TranslationBundle;
  private _sessions: ISession[] = [];
  private _scorecards = new Map<string, IScorecardSummary>();
  private _total = 0;
  private _currentUser: string | null = null;
  private _currentUserKnown = false;
  private _error: string | null = null;
  private _pending: Promise<void> | null = null;
  private _intervalSeconds = 0;
  private _timer: number | null = null;
  private _summary!: HTMLSpanElement;
  private _refreshButton!: HTMLButtonElement;
  private _errorNode!: HTMLDivElement;
  private _body!: HTMLTableSectionElement;
}

/**
 * A namespace for `SessionsPanel` statics.
 */
export namespace SessionsPanel {
  /**
   * The options of a sessions panel.
   */
  export interface IOptions {
    /**
     * The REST client.
     */
    client: IDevInterviewClient;
    /**
     * The translator; none means English.
     */
    translator?: ITranslator;
    /**
     * Seconds between automatic refreshes while visible; 0 (default) = off.
     */
    refreshIntervalSeconds?: number;
    /**
     * What the UI around the panel does for it (dialogs, commands).
     */
    actions?: IActions;
    /**
     * Seconds an informational notice stays on screen (default 6); 0 keeps
     * it until the next one.
     */
    noticeSeconds?: number;
  }

  /**
   * Hooks into the application: all optional.
   */
  export interface IActions {
    /**
     * Open a session's interview.
     */
    open?: (session: ISession) => Promise<unknown> | void;
    /**
     * Open a session's replay (the row button shows only with it).
     */
    replay?: (session: ISession) => Promise<unknown> | void;
    /**
     * Download a session's report (the row button shows only with it).
     */
    downloadReport?: (session: ISession) => Promise<unknown> | void;
    /**
     * Save a session's report as a notebook and open it (the row button
     * shows only with it).
     */
    openReport?: (session: ISession) => Promise<unknown> | void;
    /**
     * Ask for a new session (the New session button shows only with it).
     */
    askNewSession?: () => Promise<ISessionCreate | null>;
    /**
     * Ask to confirm a destructive action (none: do it).
     */
    confirm?: (title: string, body: string, accept: string) => Promise<boolean>;
    /**
     * Show and edit the co-interviewers of a session, given the current
     * user's name (`null` when unknown). The row button shows only with it.
     */
    manageCoInterviewers?: (
      session: ISession,
      currentUser: string | null
    ) => Promise<void>;
    /**
     * Copy text to the clipboard.
     */
    copy?: (text: string) => Promise<void> | void;
  }
}

/**
 * Copy text with the asynchronous clipboard API, else a hidden text area.
 */
async function defaultCopy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Not allowed (no focus, insecure origin): fall back below.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}
