/**
 * Friendly names for the shapes of the DevInterview REST API.
 *
 * Every shape comes from `./openapi`, which `jlpm build:types` generates from
 * the server's OpenAPI document (`devinterview_jupyter/api/openapi.json`).
 * Never write a REST shape by hand here: alias the generated one.
 */
import type { components } from './openapi';

type Schemas = components['schemas'];

/**
 * An interview session.
 */
export type ISession = Schemas['Session'];

/**
 * A session as a candidate sees it (no owner).
 */
export type ICandidateSession = Schemas['CandidateSession'];

/**
 * The programming language of a session.
 */
export type Language = ISession['language'];

/**
 * The life-cycle status of a session.
 */
export type SessionStatus = ISession['status'];

/**
 * One page of sessions, newest first, with the total count.
 */
export type ISessionList = Schemas['SessionList'];

/**
 * The body of `POST /sessions`.
 */
export type ISessionCreate = Schemas['SessionCreate'];

/**
 * The body of `PATCH /sessions/{id}`.
 */
export type ISessionUpdate = Schemas['SessionUpdate'];

/**
 * The body of `POST /sessions/{id}/invites`.
 */
export type IInviteCreate = Schemas['InviteCreate'];

/**
 * A freshly created invite: the only time its token is shown.
 */
export type IInviteCreated = Schemas['InviteCreated'];

/**
 * An invite as listed (never with its token).
 */
export type IInvite = Schemas['Invite'];

/**
 * The answer of `GET /sessions/{id}/invites`.
 */
export type IInviteList = Schemas['InviteList'];

/**
 * The answer of `POST /join`.
 */
export type IJoinResult = Schemas['JoinResult'];

/**
 * How `POST /join` is called besides the token: only looking (the lobby), or
 * entering under a name.
 */
export type IJoinOptions = Omit<Schemas['JoinRequest'], 'token'>;

/**
 * The answer of `GET /me`.
 */
export type IMe = Schemas['Me'];

/**
 * How the calling interviewer is shown to others (`GET`/`PUT /profile`).
 */
export type IProfile = Schemas['Profile'];

/**
 * The answer of `GET /time`: the server clock.
 */
export type IServerTime = Schemas['ServerTime'];

/**
 * An action on the shared timer (`POST /sessions/{id}/timer`).
 */
export type TimerAction = Schemas['TimerAction']['action'];

/**
 * The shared timer's state, as `POST /sessions/{id}/timer` answers it.
 */
export type ITimerState = Schemas['TimerState'];

/**
 * A co-interviewer of a session: a hub user the owner added.
 */
export type ICoInterviewer = Schemas['CoInterviewer'];

/**
 * The answer of `GET /sessions/{id}/co-interviewers`, oldest first.
 */
export type ICoInterviewerList = Schemas['CoInterviewerList'];

/**
 * How hard a question is.
 */
export type Difficulty = Schemas['Difficulty'];

/**
 * A question as `GET /questions` lists it (parts and tests as counts).
 */
export type IQuestionSummary = Schemas['QuestionSummary'];

/**
 * A question file that could not be read, and why.
 */
export type IQuestionProblem = Schemas['QuestionProblem'];

/**
 * The answer of `GET /questions`: the questions and the broken files.
 */
export type IQuestionList = Schemas['QuestionList'];

/**
 * A whole question (hidden tests and rubric included): interviewers only.
 */
export type IQuestion = Schemas['Question'];

/**
 * One test case of a question.
 */
export type IQuestionTest = Schemas['QuestionTest'];

/**
 * A follow-up part of a question.
 */
export type IQuestionPart = Schemas['QuestionPart'];

/**
 * The question of a session: its copy and how many parts are revealed.
 */
export type ISessionQuestion = Schemas['SessionQuestion'];

/**
 * The body of `PUT /sessions/{id}/question`.
 */
export type ISessionQuestionSet = Schemas['SessionQuestionSet'];

/**
 * A criterion of a question's rubric, and of a new scorecard (name and description).
 */
export type IRubricCriterion = Schemas['RubricCriterion'];

/**
 * One criterion of a scorecard with its rating (1–4, null while a draft) and comment.
 */
export type IScorecardCriterion = Schemas['ScorecardCriterion'];

/**
 * The overall recommendation of a scorecard.
 */
export type ScorecardRecommendation = Schemas['Recommendation'];

/**
 * Where a scorecard is: a draft, or submitted (and locked).
 */
export type ScorecardStatus = Schemas['ScorecardStatus'];

/**
 * An interviewer's scorecard of a session.
 */
export type IScorecard = Schemas['Scorecard'];

/**
 * The answer of `GET /sessions/{id}/scorecards`: one's own scorecard, the
 * others' submitted ones once one's own is submitted, how many are hidden,
 * and the criteria a new scorecard gets.
 */
export type IScorecardList = Schemas['ScorecardList'];

/**
 * The body of `PUT /sessions/{id}/scorecards/mine`.
 */
export type IScorecardUpdate = Schemas['ScorecardUpdate'];

/**
 * The scorecards of one session at a glance (an item of `GET /scorecards/summary`).
 */
export type IScorecardSummary = Schemas['ScorecardSummary'];

/**
 * The answer of `GET /scorecards/summary`.
 */
export type IScorecardSummaryList = Schemas['ScorecardSummaryList'];

/**
 * The kind of an integrity signal: a large paste, the page hidden or unfocused.
 */
export type IntegrityEventKind = Schemas['EventKind'];

/**
 * An integrity signal as interviewers see it, timed by the server.
 */
export type ISessionEvent = Schemas['SessionEvent'];

/**
 * The answer of `GET /sessions/{id}/events`.
 */
export type ISessionEventList = Schemas['SessionEventList'];

/**
 * The body of `POST /sessions/{id}/events`: what a page reports.
 */
export type IEventReport = Schemas['EventReport'];

/**
 * What the server records of an interview (told to the candidate on joining).
 */
export type IIntegrityPolicy = Schemas['IntegrityPolicy'];

/**
 * The JSON body of every error answer.
 */
export type IErrorBody = Schemas['Error'];

/**
 * The query of `GET /sessions`.
 */
export interface IListSessionsQuery {
  /**
   * Only sessions with this status.
   */
  status?: SessionStatus;
  /**
   * At most this many sessions (1–200, server default 50).
   */
  limit?: number;
  /**
   * Skip this many sessions.
   */
  offset?: number;
}
