import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IProfile } from '../api/types';
import type { IDevInterviewClient } from '../tokens';

/**
 * The longest display name the server keeps (profiles.py).
 */
export const MAX_DISPLAY_NAME = 80;

/**
 * Ask for a display name and save it; asks again after a name the server
 * refuses (with its reason). Resolves with the saved profile, or null when
 * the interviewer cancels.
 */
export async function askDisplayName(
  client: IDevInterviewClient,
  trans: TranslationBundle,
  current: IProfile | null
): Promise<IProfile | null> {
  let text = current?.display_name ?? current?.name ?? '';
  let problem = '';
  for (;;) {
    const result = await InputDialog.getText({
      title: trans.__('Your display name'),
      label: problem
        ? trans.__('%1 Try another name:', problem)
        : trans.__(
            'The name the candidate and your colleagues see in participants, cursors and runs:'
          ),
      text,
      placeholder: trans.__('e.g. Ada Lovelace'),
      okLabel: trans.__('Save'),
      cancelLabel: trans.__('Cancel'),
      checkbox: null
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    text = result.value;
    try {
      return await client.setDisplayName(text);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 400) {
        await showDialog({
          title: trans.__('Your display name was not saved'),
          body: String((error as Error).message ?? error),
          buttons: [Dialog.okButton({ label: trans.__('Close') })]
        });
        return null;
      }
      problem = String((error as Error).message);
    }
  }
}
