import { PLUGIN_ID } from '../constants';

/**
 * The command ids of the replay and the report (kept apart from the panel
 * so the dashboard can name them without loading it).
 */
export namespace CommandIDs {
  export const replay = 'devinterview:replay';
  export const downloadReport = 'devinterview:download-report';
  export const openReport = 'devinterview:open-report';
}

/**
 * The id of the replay plugin.
 */
export const REPLAY_PLUGIN_ID = PLUGIN_ID.replay;

/**
 * The id of a session's replay widget in the main area.
 */
export function replayWidgetId(sessionId: string): string {
  return `devinterview-replay-${sessionId}`;
}
