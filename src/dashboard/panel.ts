import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { DevInterviewAPIError } from '../api/errors';
import type { ISession } from '../api/types';
import type { IDevInterviewClient } from '../tokens';
import {
  formatDuration,
  formatLanguage,
  formatStatus,
  formatTimestamp
} from './format';

/**
 * The columns of the sessions table, in order.
 */
const COLUMNS = [
  'title',
  'candidate',
  'language',
  'status',
  'created',
  'duration'
] as const;

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
    this.addClass('jp-DevInterview-dashboard');
    this._buildDOM();
    this.refreshIntervalSeconds = options.refreshIntervalSeconds ?? 0;
  }

  /**
   * The sessions shown, newest first.
   */
  get sessions(): readonly ISession[] {
    return this._sessions;
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

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.refreshIntervalSeconds = 0;
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    void this.refresh();
  }

  private async _load(): Promise<void> {
    this.node.setAttribute('aria-busy', 'true');
    this._refreshButton.disabled = true;
    try {
      const page = await this._client.listSessions({ limit: 200 });
      this._sessions = page.items;
      this._total = page.total;
      this._error = null;
    } catch (error) {
      this._error =
        error instanceof DevInterviewAPIError || error instanceof Error
          ? error.message
          : String(error);
    } finally {
      if (!this.isDisposed) {
        this.node.removeAttribute('aria-busy');
        this._refreshButton.disabled = false;
        this._render();
      }
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

    header.append(title, this._summary, this._refreshButton);

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
      duration: trans.__('Duration (min)')
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

    this.node.append(header, this._errorNode, table);
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

    add('title', session.title);
    add('candidate', session.candidate_name ?? '');
    add('language', formatLanguage(session.language));

    const status = add('status', '');
    const badge = document.createElement('span');
    badge.className = `jp-DevInterview-status jp-DevInterview-status-${session.status}`;
    badge.textContent = formatStatus(session.status, trans);
    status.appendChild(badge);

    const created = add('created', formatTimestamp(session.created_at));
    created.title = session.created_at;
    add('duration', formatDuration(session.duration_minutes));
    return row;
  }

  private _client: IDevInterviewClient;
  private _trans: TranslationBundle;
  private _sessions: ISession[] = [];
  private _total = 0;
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
  }
}
