import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { clientPlugin } from './api/plugin';
import { candidatePlugin } from './candidate/plugin';
import { dashboardPlugin } from './dashboard/plugin';
import { interviewPlugin } from './interview/plugin';
import { profilePlugin } from './profile/plugin';
import { replayPlugin } from './replay/plugin';
import { runnersPlugin } from './runner/plugin';
import { whiteboardPlugin } from './whiteboard/plugin';

/**
 * The plugins of the DevInterview extension.
 */
const plugins: JupyterFrontEndPlugin<any>[] = [
  clientPlugin,
  whiteboardPlugin,
  runnersPlugin,
  dashboardPlugin,
  profilePlugin,
  interviewPlugin,
  replayPlugin,
  candidatePlugin
];

export default plugins;

// The public API: what another extension needs to use ours or to replace a part
// of it (say, a whiteboard engine providing `IWhiteboardFactory`, with
// `PLUGIN_ID.whiteboard` disabled) without importing from `lib/…` paths.
export * from './tokens';
export * from './constants';
export type * from './api/types';
export type {
  ITableChunk,
  ITextChunk,
  OutputChunk,
  OutputStream,
  RunStatus
} from './runner/protocol';
export { DevInterviewAPIError } from './api/errors';
export type {
  DevInterviewErrorKind,
  IDevInterviewAPIErrorOptions
} from './api/errors';
export { InterviewDocument } from './model/document';
