import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

import type { IDevInterviewClient } from '../tokens';
import { DevInterviewAPIError, ErrorMessages } from './errors';
import type {
  IEventReport,
  ICoInterviewer,
  ICoInterviewerList,
  IInviteCreate,
  IInviteCreated,
  IInviteList,
  IJoinOptions,
  IJoinResult,
  IListSessionsQuery,
  IMe,
  IProfile,
  IQuestion,
  IQuestionList,
  IScorecard,
  IScorecardList,
  IScorecardUpdate,
  IScorecardSummaryList,
  IServerTime,
  ISession,
  ISessionCreate,
  ISessionList,
  ISessionQuestion,
  ISessionQuestionSet,
  ISessionEvent,
  ISessionEventList,
  ISessionUpdate,
  ITimerState,
  TimerAction
} from './types';

/**
 * The path of the REST API below the server's base URL.
 */
export const API_PATH = 'devinterview/api';

/**
 * Most session ids one `GET /scorecards/summary` may carry.
 */
export const MAX_SUMMARY_IDS = 200;

/**
 * The HTTP methods the API uses.
 */
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The options of one request.
 */
interface IRequestOptions {
  /**
   * Query parameters; `undefined` values are left out, an array repeats its
   * key once per value.
   */
  query?: Record<
    string,
    string | number | boolean | readonly string[] | undefined
  >;
  /**
   * A body, sent as JSON.
   */
  body?: unknown;
}

/**
 * The REST client of the DevInterview server extension.
 *
 * Every request goes through `ServerConnection.makeRequest`, so it carries the
 * Jupyter token and XSRF cookie like JupyterLab's own requests.
 */
export class DevInterviewClient implements IDevInterviewClient {
  constructor(options: DevInterviewClient.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  readonly serverSettings: ServerConnection.ISettings;

  /**
   * Emitted after a request that changed a session succeeded (create,
   * update, start, terminate, delete, timer).
   */
  get sessionsChanged(): ISignal<this, string | null> {
    return this._sessionsChanged;
  }

  /**
   * The URL of an API path, e.g. `url('sessions', id)`.
   */
  url(...segments: string[]): string {
    return URLExt.join(
      this.serverSettings.baseUrl,
      API_PATH,
      ...segments.map(encodeURIComponent)
    );
  }

  listSessions(query: IListSessionsQuery = {}): Promise<ISessionList> {
    return this._request<ISessionList>('GET', ['sessions'], {
      query: { status: query.status, limit: query.limit, offset: query.offset }
    });
  }

  getSession(id: string): Promise<ISession> {
    return this._request<ISession>('GET', ['sessions', id]);
  }

  async createSession(body: ISessionCreate): Promise<ISession> {
    const session = await this._request<ISession>('POST', ['sessions'], {
      body
    });
    this._sessionsChanged.emit(session.id);
    return session;
  }

  updateSession(id: string, body: ISessionUpdate): Promise<ISession> {
    return this._change(id, 'PATCH', ['sessions', id], { body });
  }

  startSession(id: string): Promise<ISession> {
    return this._change(id, 'POST', ['sessions', id, 'start']);
  }

  terminateSession(id: string): Promise<ISession> {
    return this._change(id, 'POST', ['sessions', id, 'terminate']);
  }

  async deleteSession(id: string): Promise<void> {
    await this._change<void>(id, 'DELETE', ['sessions', id]);
  }

  timer(id: string, action: TimerAction): Promise<ITimerState> {
    return this._change(id, 'POST', ['sessions', id, 'timer'], {
      body: { action }
    });
  }

  serverTime(): Promise<IServerTime> {
    return this._request<IServerTime>('GET', ['time']);
  }

  createInvite(
    sessionId: string,
    body: IInviteCreate = {}
  ): Promise<IInviteCreated> {
    return this._request<IInviteCreated>(
      'POST',
      ['sessions', sessionId, 'invites'],
      { body }
    );
  }

  liveInvite(sessionId: string): Promise<IInviteCreated> {
    return this._request<IInviteCreated>('POST', [
      'sessions',
      sessionId,
      'invites',
      'live'
    ]);
  }

  rotateInvite(sessionId: string): Promise<IInviteCreated> {
    return this._request<IInviteCreated>('POST', [
      'sessions',
      sessionId,
      'invites',
      'rotate'
    ]);
  }

  listInvites(sessionId: string): Promise<IInviteList> {
    return this._request<IInviteList>('GET', [
      'sessions',
      sessionId,
      'invites'
    ]);
  }

  async revokeInvite(sessionId: string, inviteId: string): Promise<void> {
    await this._request<void>('DELETE', [
      'sessions',
      sessionId,
      'invites',
      inviteId
    ]);
  }

  listCoInterviewers(sessionId: string): Promise<ICoInterviewerList> {
    return this._request<ICoInterviewerList>('GET', [
      'sessions',
      sessionId,
      'co-interviewers'
    ]);
  }

  addCoInterviewer(
    sessionId: string,
    username: string
  ): Promise<ICoInterviewer> {
    return this._request<ICoInterviewer>('PUT', [
      'sessions',
      sessionId,
      'co-interviewers',
      username
    ]);
  }

  async removeCoInterviewer(
    sessionId: string,
    username: string
  ): Promise<void> {
    await this._request<void>('DELETE', [
      'sessions',
      sessionId,
      'co-interviewers',
      username
    ]);
  }

  listQuestions(): Promise<IQuestionList> {
    return this._request<IQuestionList>('GET', ['questions']);
  }

  getQuestion(id: string): Promise<IQuestion> {
    return this._request<IQuestion>('GET', ['questions', id]);
  }

  getSessionQuestion(sessionId: string): Promise<ISessionQuestion> {
    return this._request<ISessionQuestion>('GET', [
      'sessions',
      sessionId,
      'question'
    ]);
  }

  setSessionQuestion(
    sessionId: string,
    body: ISessionQuestionSet
  ): Promise<ISessionQuestion> {
    // The session's language may change with the question.
    return this._change(sessionId, 'PUT', ['sessions', sessionId, 'question'], {
      body
    });
  }

  revealNextPart(sessionId: string): Promise<ISessionQuestion> {
    return this._request<ISessionQuestion>('POST', [
      'sessions',
      sessionId,
      'question',
      'reveal'
    ]);
  }

  listScorecards(sessionId: string): Promise<IScorecardList> {
    return this._request<IScorecardList>('GET', [
      'sessions',
      sessionId,
      'scorecards'
    ]);
  }

  saveMyScorecard(
    sessionId: string,
    body: IScorecardUpdate
  ): Promise<IScorecard> {
    // Not `_change`: a draft is saved every few keystrokes and changes nothing
    // the dashboard shows but "yours: draft", which its periodic refresh picks up.
    return this._request<IScorecard>(
      'PUT',
      ['sessions', sessionId, 'scorecards', 'mine'],
      { body }
    );
  }

  submitMyScorecard(sessionId: string): Promise<IScorecard> {
    // The dashboard's scorecard column changes (count, recommendations).
    return this._change(sessionId, 'POST', [
      'sessions',
      sessionId,
      'scorecards',
      'mine',
      'submit'
    ]);
  }

  async scorecardSummary(
    sessionIds: readonly string[]
  ): Promise<IScorecardSummaryList> {
    const ids = Array.from(new Set(sessionIds));
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += MAX_SUMMARY_IDS) {
      chunks.push(ids.slice(start, start + MAX_SUMMARY_IDS));
    }
    const pages = await Promise.all(
      chunks.map(chunk =>
        this._request<IScorecardSummaryList>('GET', ['scorecards', 'summary'], {
          query: { session_id: chunk }
        })
      )
    );
    const items: IScorecardSummaryList['items'] = [];
    for (const page of pages) {
      items.push(...(page?.items ?? []));
    }
    return { items };
  }

  reportEvent(
    sessionId: string,
    body: IEventReport
  ): Promise<ISessionEvent | undefined> {
    return this._request<ISessionEvent | undefined>(
      'POST',
      ['sessions', sessionId, 'events'],
      { body }
    );
  }

  listEvents(sessionId: string): Promise<ISessionEventList> {
    return this._request<ISessionEventList>('GET', [
      'sessions',
      sessionId,
      'events'
    ]);
  }

  join(token: string, options: IJoinOptions = {}): Promise<IJoinResult> {
    return this._request<IJoinResult>('POST', ['join'], {
      body: { ...options, token }
    });
  }

  me(): Promise<IMe> {
    return this._request<IMe>('GET', ['me']);
  }

  getProfile(): Promise<IProfile> {
    return this._request<IProfile>('GET', ['profile']);
  }

  setDisplayName(displayName: string): Promise<IProfile> {
    return this._request<IProfile>('PUT', ['profile'], {
      body: { display_name: displayName }
    });
  }

  clearDisplayName(): Promise<IProfile> {
    return this._request<IProfile>('DELETE', ['profile']);
  }

  /**
   * Send a request that changes session `id`, then emit `sessionsChanged`.
   */
  private async _change<T>(
    id: string,
    method: Method,
    segments: string[],
    options: IRequestOptions = {}
  ): Promise<T> {
    const result = await this._request<T>(method, segments, options);
    this._sessionsChanged.emit(id);
    return result;
  }

  /**
   * Send one request and decode its JSON answer.
   *
   * @throws {DevInterviewAPIError} for a network failure or a non-2xx answer.
   */
  private async _request<T>(
    method: Method,
    segments: string[],
    options: IRequestOptions = {}
  ): Promise<T> {
    let url = this.url(...segments);
    if (options.query) {
      // Not `URLExt.objectToQueryString`: it cannot repeat a key.
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(options.query)) {
        if (Array.isArray(value)) {
          for (const item of value) {
            query.append(key, item);
          }
        } else if (value !== undefined) {
          query.append(key, String(value));
        }
      }
      const text = query.toString();
      if (text) {
        url += `?${text}`;
      }
    }
    const init: RequestInit = { method };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers = { 'Content-Type': 'application/json' };
    }

    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        init,
        this.serverSettings
      );
    } catch (error) {
      throw new DevInterviewAPIError(ErrorMessages.network, {
        status: 0,
        cause: error
      });
    }

    const text = await response.text();
    let data: any = undefined;
    if (text.length > 0) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }

    if (!response.ok) {
      const message =
        data && typeof data.message === 'string' && data.message
          ? data.message
          : ErrorMessages.forStatus(response.status, response.statusText);
      const reason =
        data && typeof data.reason === 'string' ? data.reason : undefined;
      throw new DevInterviewAPIError(message, {
        status: response.status,
        reason
      });
    }
    return data as T;
  }

  private _sessionsChanged = new Signal<this, string | null>(this);
}

/**
 * A namespace for `DevInterviewClient` statics.
 */
export namespace DevInterviewClient {
  /**
   * The options of a client.
   */
  export interface IOptions {
    /**
     * The server settings; JupyterLab's defaults when not given.
     */
    serverSettings?: ServerConnection.ISettings;
  }
}
