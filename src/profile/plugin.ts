import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import type { IProfile } from '../api/types';
import { IDevInterviewClient } from '../tokens';
import { CommandIDs, PROFILE_PLUGIN_ID } from './ids';

/**
 * The interviewer's display name: the "Set your display name…" command (in
 * the palette; the dashboard shows it as a button). The name is kept by the
 * server (`/profile`), so every server of a team shows the same one; it is
 * not a JupyterLab setting, which would be this browser's or this server's.
 */
export const profilePlugin: JupyterFrontEndPlugin<void> = {
  id: PROFILE_PLUGIN_ID,
  description: 'Lets interviewers choose the name others see them under.',
  autoStart: true,
  requires: [IDevInterviewClient],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    client: IDevInterviewClient,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('devinterview_jupyter');
    app.commands.addCommand(CommandIDs.setDisplayName, {
      label: trans.__('Set your display name…'),
      caption: trans.__(
        'Choose the name the candidate and your colleagues see you under'
      ),
      describedBy: { args: { type: 'object', properties: {} } },
      execute: async (): Promise<IProfile | null> => {
        const { askDisplayName } = await import('./dialog');
        const current = await client.getProfile().catch(() => null);
        return askDisplayName(client, trans, current);
      }
    });
    palette?.addItem({
      command: CommandIDs.setDisplayName,
      category: trans.__('DevInterview')
    });
  }
};
