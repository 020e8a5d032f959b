import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { IDevInterviewClient } from '../tokens';
import { DevInterviewClient } from './client';

/**
 * The plugin providing the DevInterview REST client.
 */
export const clientPlugin: JupyterFrontEndPlugin<IDevInterviewClient> = {
  id: 'devinterview-jupyter:client',
  description: 'Provides the client of the DevInterview REST API.',
  autoStart: true,
  provides: IDevInterviewClient,
  activate: (app: JupyterFrontEnd): IDevInterviewClient =>
    new DevInterviewClient({
      serverSettings: app.serviceManager.serverSettings
    })
};
