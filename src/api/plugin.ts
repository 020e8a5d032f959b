import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { PLUGIN_ID } from '../constants';
import { IDevInterviewClient } from '../tokens';
import { DevInterviewClient } from './client';

/**
 * The plugin providing the DevInterview REST client.
 */
export const clientPlugin: JupyterFrontEndPlugin<IDevInterviewClient> = {
  id: PLUGIN_ID.client,
  description: 'Provides the client of the DevInterview REST API.',
  autoStart: true,
  provides: IDevInterviewClient,
  activate: (app: JupyterFrontEnd): IDevInterviewClient =>
    new DevInterviewClient({
      serverSettings: app.serviceManager.serverSettings
    })
};
