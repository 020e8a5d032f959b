import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

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
  Language,
  TimerAction
} from './api/types';
import type { OutputChunk, RunStatus } from './runner/protocol';

/**
 * The client of the DevInterview REST API (`{base_url}devinterview/api`).
 *
 * Every method rejects with a `DevInterviewAPIError` on a network failure or a
 * non-2xx answer.
 */
export interface IDevInterviewClient {
  /**
   * The server settings the client sends its requests with.
   */
  readonly serverSettings: ServerConnection.ISettings;

  /**
   * Emitted with a session id after a request through this client changed
   * that session (or created it).
   */
  readonly sessionsChanged: ISignal<IDevInterviewClient, string | null>;

  /**
   * List sessions, newest first.
   */
  listSessions(query?: IListSessionsQuery): Promise<ISessionList>;

  /**
   * Get one session.
   */
  getSession(id: string): Promise<ISession>;

  /**
   * Create a session (status `scheduled`).
   */
  createSession(body: ISessionCreate): Promise<ISession>;

  /**
   * Change a session that is not terminated.
   */
  updateSession(id: string, body: ISessionUpdate): Promise<ISession>;

  /**
   * Start a session (status `active`).
   */
  startSession(id: string): Promise<ISession>;

  /**
   * Terminate a session: its duration is stored and its room becomes read-only.
   */
  terminateSession(id: string): Promise<ISession>;

  /**
   * Delete a session and everything that belongs to it.
   */
  deleteSession(id: string): Promise<void>;

  /**
   * Create a candidate invite; the answer holds the only copy of its token.
   */
  createInvite(
    sessionId: string,
    body?: IInviteCreate
  ): Promise<IInviteCreated>;

  /**
   * The session's current candidate link (Copy link): the same one on every
   * call while it stays valid, a new one when there is none.
   */
  liveInvite(sessionId: string): Promise<IInviteCreated>;

  /**
   * A new current candidate link (New link); every earlier link of the
   * session stops working.
   */
  rotateInvite(sessionId: string): Promise<IInviteCreated>;

  /**
   * List the invites of a session (without their tokens).
   */
  listInvites(sessionId: string): Promise<IInviteList>;

  /**
   * Revoke an invite.
   */
  revokeInvite(sessionId: string, inviteId: string): Promise<void>;

  /**
   * List the co-interviewers of a session (hub users the owner added), oldest first.
   */
  listCoInterviewers(sessionId: string): Promise<ICoInterviewerList>;

  /**
   * Add a co-interviewer by hub user name (idempotent). With
   * `session_access = "owner"` only the session's owner may (403 `owner_only`).
   */
  addCoInterviewer(
    sessionId: string,
    username: string
  ): Promise<ICoInterviewer>;

  /**
   * Remove a co-interviewer (404 when not one). With
   * `session_access = "owner"` only the session's owner may (403 `owner_only`).
   */
  removeCoInterviewer(sessionId: string, username: string): Promise<void>;

  /**
   * List the questions of the question folders, and the files that could not
   * be read (interviewers only).
   */
  listQuestions(): Promise<IQuestionList>;

  /**
   * Get one whole question, hidden tests included (interviewers only).
   */
  getQuestion(id: string): Promise<IQuestion>;

  /**
   * The session's copy of its question, hidden tests included (interviewers
   * only; 404 `no_question` when it has none).
   */
  getSessionQuestion(sessionId: string): Promise<ISessionQuestion>;

  /**
   * Give the session a question or switch to another one (409 when terminated).
   */
  setSessionQuestion(
    sessionId: string,
    body: ISessionQuestionSet
  ): Promise<ISessionQuestion>;

  /**
   * Reveal the next follow-up part to the room (409 `nothing_to_reveal` when
   * all are).
   */
  revealNextPart(sessionId: string): Promise<ISessionQuestion>;

  /**
   * The scorecards of a session the caller may see (interviewers only): their
   * own, and the others' submitted ones only once their own is submitted;
   * `hidden` counts the submitted ones they cannot see yet.
   */
  listScorecards(sessionId: string): Promise<IScorecardList>;

  /**
   * Create or update the caller's draft scorecard (409 `submitted` once it is
   * submitted, 400 for a rating of a criterion the scorecard does not have).
   */
  saveMyScorecard(
    sessionId: string,
    body: IScorecardUpdate
  ): Promise<IScorecard>;

  /**
   * Submit the caller's scorecard, which locks it (422 `incomplete` while a
   * rating or the recommendation is missing, 404 `no_scorecard` without one).
   */
  submitMyScorecard(sessionId: string): Promise<IScorecard>;

  /**
   * How many scorecards each session has, and their recommendations once the
   * caller submitted their own. Unknown or invisible sessions are left out.
   */
  scorecardSummary(
    sessionIds: readonly string[]
  ): Promise<IScorecardSummaryList>;

  /**
   * Report an integrity signal (the candidate's page; interviewers may too).
   * The server stamps the time and knows who reports; it answers the event,
   * or undefined for an end with no interval open. Rejects with 409 once the
   * interview has ended or when nothing is recorded, 429 past the rate limit.
   */
  reportEvent(
    sessionId: string,
    body: IEventReport
  ): Promise<ISessionEvent | undefined>;

  /**
   * The integrity signals of a session (interviewers only), oldest first.
   */
  listEvents(sessionId: string): Promise<ISessionEventList>;

  /**
   * Exchange an invite token for the candidate's access to its session:
   * `{ lobby: true }` only looks (the interview does not start), `{ name }`
   * enters under that name, no options enters as the session names them.
   */
  join(token: string, options?: IJoinOptions): Promise<IJoinResult>;

  /**
   * Who the current user is for DevInterview.
   */
  me(): Promise<IMe>;

  /**
   * How the calling interviewer is shown to others.
   */
  getProfile(): Promise<IProfile>;

  /**
   * Set the name the calling interviewer is shown under (cleaned by the
   * server, which answers 400 `invalid_name` for a name it refuses).
   */
  setDisplayName(displayName: string): Promise<IProfile>;

  /**
   * Forget the chosen name: others see the Jupyter identity's name again.
   */
  clearDisplayName(): Promise<IProfile>;

  /**
   * Drive the session's shared timer (interviewers only).
   */
  timer(sessionId: string, action: TimerAction): Promise<ITimerState>;

  /**
   * The server clock (`{now_ms}`), for clock-offset correction.
   */
  serverTime(): Promise<IServerTime>;
}

/**
 * The token of the DevInterview REST client.
 */
export const IDevInterviewClient = new Token<IDevInterviewClient>(
  'devinterview-jupyter:IDevInterviewClient',
  'The client of the DevInterview REST API.'
);

/**
 * What a whiteboard engine needs from an interview.
 */
export interface IWhiteboardOptions {
  /**
   * The room's document; the board keeps its records in `whiteboard`.
   */
  doc: Y.Doc;
  /**
   * The room's awareness (cursors of the other participants).
   */
  awareness: Awareness;
  /**
   * The local participant (name and colour of its cursor).
   */
  user: { name: string; color: string; role: string };
  /**
   * Whether the board starts read-only.
   */
  readOnly: boolean;
  /**
   * Resolves once the room has synced, so the board starts from the stored records.
   */
  synced: Promise<void>;
  /**
   * The translation bundle of the extension.
   */
  trans: TranslationBundle;
}

/**
 * An image format a whiteboard can export.
 */
export type WhiteboardExportFormat = 'svg' | 'png';

/**
 * A whiteboard in the interview layout. The layout knows only this interface,
 * so another engine (e.g. Excalidraw) can replace tldraw without touching it.
 */
export interface IWhiteboard extends IDisposable {
  /**
   * The widget to place in the layout.
   */
  readonly widget: Widget;
  /**
   * Whether the board accepts edits.
   */
  readOnly: boolean;
  /**
   * Render the board as an image; rejects when it cannot (nothing drawn yet).
   */
  exportImage(format: WhiteboardExportFormat): Promise<Blob>;
}

/**
 * Creates whiteboards for interview panels.
 */
export interface IWhiteboardFactory {
  /**
   * The engine's name, for messages.
   */
  readonly name: string;
  /**
   * Create a board bound to a room.
   */
  create(options: IWhiteboardOptions): IWhiteboard;
}

/**
 * The token of the whiteboard factory.
 */
export const IWhiteboardFactory = new Token<IWhiteboardFactory>(
  'devinterview-jupyter:IWhiteboardFactory',
  'Creates the collaborative whiteboard of an interview.'
);

/**
 * Where a code runner is: not started, loading its runtime, ready, running a
 * program, or unable to start.
 */
export type RunnerState = 'idle' | 'loading' | 'ready' | 'busy' | 'failed';

/**
 * One program to run.
 */
export interface IRunOptions {
  /**
   * The source code.
   */
  code: string;
  /**
   * The program's standard input, read line by line by `input()`.
   */
  stdin: string;
  /**
   * Longest run allowed, in ms; the runtime is killed after it.
   */
  timeLimitMs: number;
  /**
   * Output kept at most (bytes of text), see `OutputLimiter`.
   */
  outputLimit?: number;
  /**
   * Receives output as it is produced.
   */
  onOutput: (chunks: OutputChunk[]) => void;
}

/**
 * How a run ended.
 */
export interface IRunResult {
  status: Exclude<RunStatus, 'running'>;
  durationMs: number;
}

/**
 * Runs programs of one language in the browser, one at a time.
 */
export interface ICodeRunner extends IDisposable {
  readonly state: RunnerState;
  readonly stateChanged: ISignal<ICodeRunner, RunnerState>;
  /**
   * What the runtime last said while loading.
   */
  readonly progress: string;
  /**
   * Start the runtime now so the first run is fast.
   */
  warm(): void;
  /**
   * Run a program; resolves when it ends, however it ends.
   */
  run(options: IRunOptions): Promise<IRunResult>;
  /**
   * Stop the running program (the runtime is replaced by a fresh one).
   */
  stop(): void;
}

/**
 * The code runners of this browser tab, by language.
 */
export interface ICodeRunners {
  /**
   * The runner of a language, or null when the language cannot run in the browser.
   */
  runnerFor(language: Language): ICodeRunner | null;
  /**
   * A new runner of a language, with a runtime of its own that has run
   * nothing yet (Python: a new interpreter, not only a fresh namespace), or
   * null when the language cannot run in the browser. For code that must not
   * meet what earlier programs may have left in the shared runtime (hooks in
   * Python's `builtins`, say): hidden tests. The caller owns it and disposes
   * of it when done.
   */
  freshRunnerFor(language: Language): ICodeRunner | null;
}

/**
 * The token of the code runners.
 */
export const ICodeRunners = new Token<ICodeRunners>(
  'devinterview-jupyter:ICodeRunners',
  'Runs interview code in the browser (Python on Pyodide, JavaScript in a sandbox, SQL).'
);
