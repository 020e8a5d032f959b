import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';

import { PAGE_CONFIG, PLUGIN_ID } from '../constants';
import type { IWhiteboardOptions } from '../tokens';
import { IWhiteboardFactory } from '../tokens';
import { TldrawWhiteboard } from './widget';

/**
 * The id of the whiteboard plugin.
 */
export const WHITEBOARD_PLUGIN_ID = PLUGIN_ID.whiteboard;

/**
 * The page-config option carrying the tldraw licence key; the server sets it
 * from `DevInterviewApp.whiteboard_license_key` in JupyterLab and on the
 * candidate page.
 */
export const LICENSE_KEY_OPTION = PAGE_CONFIG.whiteboardLicenseKey;

/**
 * The whiteboard engine of the interview layout: tldraw, synced through the
 * room. Another engine can provide `IWhiteboardFactory` instead.
 */
export const whiteboardPlugin: JupyterFrontEndPlugin<IWhiteboardFactory> = {
  id: WHITEBOARD_PLUGIN_ID,
  description: 'The collaborative tldraw whiteboard of DevInterview.',
  autoStart: true,
  provides: IWhiteboardFactory,
  activate: (_app: JupyterFrontEnd): IWhiteboardFactory => ({
    name: 'tldraw',
    create: (options: IWhiteboardOptions) =>
      new TldrawWhiteboard({
        ...options,
        licenseKey: PageConfig.getOption(LICENSE_KEY_OPTION)
      })
  })
};
