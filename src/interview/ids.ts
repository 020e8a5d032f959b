import { PLUGIN_ID } from '../constants';

/**
 * The command ids of the interview layout.
 */
export namespace CommandIDs {
  export const openInterview = 'devinterview:open-interview';
  export const runTests = 'devinterview:run-tests';
  export const runHiddenTests = 'devinterview:run-hidden-tests';
  export const revealNextPart = 'devinterview:reveal-next-part';
  export const changeQuestion = 'devinterview:change-question';
  export const openScorecard = 'devinterview:open-scorecard';
  export const openNotes = 'devinterview:open-notes';
  export const runCode = 'devinterview:run-code';
  export const stopRun = 'devinterview:stop-run';
  export const focusEditor = 'devinterview:focus-editor';
  export const focusWhiteboard = 'devinterview:focus-whiteboard';
  export const focusRunArea = 'devinterview:focus-run-area';
  export const toggleStdin = 'devinterview:toggle-stdin';
  export const showShortcuts = 'devinterview:show-shortcuts';
}

/**
 * The id of the interview plugin (and of its settings, `schema/interview.json`).
 */
export const INTERVIEW_PLUGIN_ID = PLUGIN_ID.interview;

/**
 * The id of an interview's widget in the main area.
 */
export function interviewWidgetId(sessionId: string): string {
  return `devinterview-interview-${sessionId}`;
}

/**
 * The id of a session's scorecard widget in the main area.
 */
export function scorecardWidgetId(sessionId: string): string {
  return `devinterview-scorecard-${sessionId}`;
}

/**
 * The id of a session's private notes widget in the main area.
 */
export function notesWidgetId(sessionId: string): string {
  return `devinterview-notes-${sessionId}`;
}
