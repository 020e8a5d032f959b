import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Toolbar, refreshIcon } from '@jupyterlab/ui-components';

import type { Language } from '../api/types';
import { PLUGIN_ID } from '../constants';
import { devInterviewIcon } from '../icons';
import {
  CommandIDs as InterviewCommandIDs,
  INTERVIEW_PLUGIN_ID
} from '../interview/ids';
import { isLanguage } from '../model/language';
import { CommandIDs as ReplayCommandIDs } from '../replay/ids';
import { IDevInterviewClient } from '../tokens';
import type { SessionsPanel } from './panel';
import { DevInterviewSidebar } from './sidebar';

/**
 * The command ids of the dashboard.
 */
export namespace CommandIDs {
  export const openDashboard = 'devinterview:open-dashboard';
  export const refreshDashboard = 'devinterview:refresh-dashboard';
}

/**
 * The id of the dashboard widget in the main area.
 */
export const DASHBOARD_ID = 'devinterview-dashboard';

/**
 * The id of the dashboard plugin (also the id of its settings, `schema/dashboard.json`).
 */
const DASHBOARD_PLUGIN_ID = PLUGIN_ID.dashboard;

/**
 * The default of the `refreshIntervalSeconds` setting.
 */
const DEFAULT_REFRESH_SECONDS = 30;

/**
 * The plugin adding the interview dashboard (the sessions table).
 */
export const dashboardPlugin: JupyterFrontEndPlugin<void> = {
  id: DASHBOARD_PLUGIN_ID,
  description: 'Adds the DevInterview dashboard listing interview sessions.',
  autoStart: true,
  requires: [IDevInterviewClient],
  optional: [
    ITranslator,
    ICommandPalette,
    ISettingRegistry,
    ILayoutRestorer,
    ILauncher
  ],
  activate: (
    app: JupyterFrontEnd,
    client: IDevInterviewClient,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    launcher: ILauncher | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('devinterview_jupyter');
    const category = trans.__('DevInterview');
    const tracker = new WidgetTracker<MainAreaWidget<SessionsPanel>>({
      namespace: 'devinterview-dashboard'
    });
    let refreshSeconds = DEFAULT_REFRESH_SECONDS;
    let defaultLanguage: Language = 'python';
    let opening: Promise<MainAreaWidget<SessionsPanel>> | null = null;

    const createWidget = async (): Promise<MainAreaWidget<SessionsPanel>> => {
      const { SessionsPanel } = await import('./panel');
      const content = new SessionsPanel({
        client,
        translator: translator ?? undefined,
        refreshIntervalSeconds: refreshSeconds,
        actions: {
          open: session =>
            app.commands.execute(InterviewCommandIDs.openInterview, {
              sessionId: session.id
            }),
          replay: session =>
            app.commands.execute(ReplayCommandIDs.replay, {
              sessionId: session.id
            }),
          downloadReport: session =>
            app.commands.execute(ReplayCommandIDs.downloadReport, {
              sessionId: session.id
            }),
          openReport: session =>
            app.commands.execute(ReplayCommandIDs.openReport, {
              sessionId: session.id
            }),
          askNewSession: async () => {
            const { askNewSession } = await import('./dialogs');
            return askNewSession(
              trans,
              defaultLanguage,
              client.listQuestions()
            );
          },
          confirm: async (title, body, accept) => {
            const { confirmAction } = await import('./dialogs');
            return confirmAction(title, body, accept, trans);
          },
          manageCoInterviewers: async (session, currentUser) => {
            const { manageCoInterviewers } = await import('./coInterviewers');
            return manageCoInterviewers(client, session, currentUser, trans);
          },
          copy: text => Clipboard.copyToSystem(text)
        }
      });
      // A plain toolbar: a reactive one folds items added before it is
      // attached into its "…" menu.
      const widget = new MainAreaWidget({ content, toolbar: new Toolbar() });
      // "You appear as <name>", with the button to change it (src/profile).
      const { ProfileBadge } = await import('../profile/badge');
      widget.toolbar.addItem(
        'display-name',
        new ProfileBadge({ client, commands: app.commands, trans })
      );
      widget.id = DASHBOARD_ID;
      widget.title.label = trans.__('Interview Dashboard');
      widget.title.caption = trans.__('DevInterview: interview sessions');
      widget.title.icon = devInterviewIcon;
      widget.title.closable = true;
      return widget;
    };

    app.commands.addCommand(CommandIDs.openDashboard, {
      label: trans.__('Open Interview Dashboard'),
      caption: trans.__('List the interview sessions'),
      icon: args => (args.isPalette ? undefined : devInterviewIcon),
      describedBy: { args: { type: 'object', properties: {} } },
      execute: async () => {
        // One dashboard at a time, even when the command runs twice quickly.
        if (!opening) {
          opening = (async () => {
            let widget = tracker.find(w => w.id === DASHBOARD_ID);
            if (!widget) {
              widget = await createWidget();
              void tracker.add(widget);
              app.shell.add(widget, 'main');
            }
            return widget;
          })().finally(() => {
            opening = null;
          });
        }
        const widget = await opening;
        app.shell.activateById(widget.id);
        return widget;
      }
    });

    app.commands.addCommand(CommandIDs.refreshDashboard, {
      label: trans.__('Refresh Interview Dashboard'),
      icon: args => (args.isPalette ? undefined : refreshIcon),
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => tracker.currentWidget !== null,
      execute: async () => {
        await tracker.currentWidget?.content.refresh();
      }
    });

    if (launcher) {
      launcher.add({ command: CommandIDs.openDashboard, category, rank: 1 });
    }

    const sidebar = new DevInterviewSidebar({
      commands: app.commands,
      trans,
      openCommand: CommandIDs.openDashboard
    });
    app.shell.add(sidebar, 'left', { rank: 900 });
    restorer?.add(sidebar, sidebar.id);

    if (palette) {
      palette.addItem({ command: CommandIDs.openDashboard, category });
      palette.addItem({ command: CommandIDs.refreshDashboard, category });
    }

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openDashboard,
        name: () => 'dashboard'
      });
    }

    if (settingRegistry) {
      const apply = (settings: ISettingRegistry.ISettings) => {
        const value = settings.get('refreshIntervalSeconds').composite;
        refreshSeconds =
          typeof value === 'number' ? value : DEFAULT_REFRESH_SECONDS;
        tracker.forEach(widget => {
          widget.content.refreshIntervalSeconds = refreshSeconds;
        });
      };
      settingRegistry
        .load(DASHBOARD_PLUGIN_ID)
        .then(settings => {
          apply(settings);
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error(
            `DevInterview: could not load the settings of ${DASHBOARD_PLUGIN_ID}.`,
            reason
          );
        });
      settingRegistry
        .load(INTERVIEW_PLUGIN_ID)
        .then(settings => {
          const read = () => {
            const value = settings.get('defaultLanguage').composite;
            defaultLanguage = isLanguage(value) ? value : 'python';
          };
          read();
          settings.changed.connect(read);
        })
        .catch(() => undefined);
    }
  }
};
