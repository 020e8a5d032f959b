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

export * from './tokens';
export { InterviewDocument } from './model/document';
