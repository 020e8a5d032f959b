import type { CommandRegistry } from '@lumino/commands';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { devInterviewIcon } from '../icons';

/**
 * The left-sidebar entry of DevInterview: what it is and a button to the
 * dashboard.
 */
export class DevInterviewSidebar extends Widget {
  constructor(options: {
    commands: CommandRegistry;
    trans: TranslationBundle;
    openCommand: string;
  }) {
    super();
    const { trans, commands } = options;
    this.id = 'devinterview-sidebar';
    this.addClass('jp-DevInterview-sidebar');
    this.title.icon = devInterviewIcon;
    this.title.caption = trans.__('DevInterview');

    const heading = document.createElement('h3');
    heading.textContent = trans.__('DevInterview');
    const text = document.createElement('p');
    text.textContent = trans.__(
      'Create interview sessions, send candidate links and run interviews.'
    );
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'jp-mod-styled jp-mod-accept jp-DevInterview-sidebarOpen';
    open.textContent = trans.__('Open Interview Dashboard');
    open.addEventListener('click', () => {
      void commands.execute(options.openCommand);
    });
    this.node.append(heading, text, open);
  }
}
