import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { LabIcon } from '@jupyterlab/ui-components';
import {
  downloadIcon,
  historyIcon,
  notebookIcon
} from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { IDevInterviewClient, IWhiteboardFactory } from '../tokens';
import { CommandIDs, REPLAY_PLUGIN_ID, replayWidgetId } from './ids';
import type { ReplayClient } from './api';
import type { ReplayPanel } from './panel';

/**
 * The plugin adding the replay of an interview (`devinterview:replay`) and
 * the report commands (`devinterview:download-report`,
 * `devinterview:open-report`), which the dashboard's rows and the replay's
 * toolbar offer.
 */
export const replayPlugin: JupyterFrontEndPlugin<void> = {
  id: REPLAY_PLUGIN_ID,
  description: 'Adds the replay of interviews and their reports.',
  autoStart: true,
  requires: [IDevInterviewClient, IEditorServices],
  optional: [
    ITranslator,
    ICommandPalette,
    ILayoutRestorer,
    IWhiteboardFactory,
    IDefaultFileBrowser,
    IDocumentManager
  ],
  activate: (
    app: JupyterFrontEnd,
    client: IDevInterviewClient,
    editorServices: IEditorServices,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    whiteboard: IWhiteboardFactory | null,
    fileBrowser: IDefaultFileBrowser | null,
    docManager: IDocumentManager | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('devinterview_jupyter');
    let replayClient: ReplayClient | null = null;
    const source = async (): Promise<ReplayClient> => {
      if (!replayClient) {
        const { ReplayClient } = await import('./api');
        replayClient = new ReplayClient(client);
      }
      return replayClient;
    };
    const tracker = new WidgetTracker<MainAreaWidget<ReplayPanel>>({
      namespace: 'devinterview-replay'
    });
    const opening = new Map<string, Promise<MainAreaWidget<ReplayPanel>>>();

    /**
     * The title of a session: from its open replay, else from the server.
     */
    const titleOf = async (sessionId: string): Promise<string> => {
      const open = tracker.find(w => w.id === replayWidgetId(sessionId));
      if (open) {
        return open.content.sessionTitle;
      }
      return (await client.getSession(sessionId)).title;
    };

    /**
     * The session a command acts on: its argument, else the replay in front.
     */
    const sessionOf = (args: { sessionId?: unknown }): string =>
      String(args.sessionId ?? tracker.currentWidget?.content.sessionId ?? '');

    const toolbarButton = (
      name: string,
      icon: LabIcon,
      label: string,
      title: string,
      onClick: () => void
    ): Widget => {
      const node = document.createElement('button');
      node.type = 'button';
      node.className = `jp-DevInterview-toolbarButton jp-DevInterview-${name}Button`;
      node.dataset.command = name;
      icon.element({
        container: node,
        tag: 'span',
        elementSize: 'normal',
        className: 'jp-DevInterview-buttonIcon'
      });
      node.append(label);
      node.title = title;
      node.addEventListener('click', onClick);
      return new Widget({ node });
    };

    const open = async (
      sessionId: string
    ): Promise<MainAreaWidget<ReplayPanel>> => {
      const existing = tracker.find(w => w.id === replayWidgetId(sessionId));
      if (existing) {
        return existing;
      }
      const [{ ReplayPanel }, session, replaySource] = await Promise.all([
        import('./panel'),
        client.getSession(sessionId),
        source()
      ]);
      const content = new ReplayPanel({
        sessionId,
        sessionTitle: session.title,
        source: replaySource,
        editorServices,
        whiteboard,
        trans
      });
      const widget = new MainAreaWidget({ content });
      widget.id = replayWidgetId(sessionId);
      widget.addClass('jp-DevInterview-replayWidget');
      widget.title.label = trans.__('Replay — %1', session.title);
      widget.title.caption = trans.__(
        'Replay of the interview "%1"',
        session.title
      );
      widget.title.icon = historyIcon;
      widget.title.closable = true;
      widget.toolbar.addItem(
        'download-report',
        toolbarButton(
          'downloadReport',
          downloadIcon,
          trans.__('Download report'),
          trans.__('Download the report of this interview as a notebook'),
          () =>
            void app.commands.execute(CommandIDs.downloadReport, { sessionId })
        )
      );
      widget.toolbar.addItem(
        'open-report',
        toolbarButton(
          'openReport',
          notebookIcon,
          trans.__('Open report in JupyterLab'),
          trans.__(
            'Save the report as a notebook in the current folder and open it'
          ),
          () => void app.commands.execute(CommandIDs.openReport, { sessionId })
        )
      );
      void tracker.add(widget);
      app.shell.add(widget, 'main');
      return widget;
    };

    app.commands.addCommand(CommandIDs.replay, {
      label: args =>
        args.isPalette
          ? trans.__('Replay an Interview…')
          : trans.__('Replay the Interview'),
      caption: trans.__(
        'Replay an interview: code, whiteboard, runs and notes over time'
      ),
      icon: args => (args.isPalette ? undefined : historyIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: {
              type: 'string',
              description: 'The session id (none: choose one)'
            }
          }
        }
      },
      execute: async args => {
        let sessionId = String(args.sessionId ?? '');
        if (!sessionId) {
          sessionId = (await chooseSession()) ?? '';
          if (!sessionId) {
            return null;
          }
        }
        let pending = opening.get(sessionId);
        if (!pending) {
          pending = open(sessionId).finally(() => opening.delete(sessionId));
          opening.set(sessionId, pending);
        }
        const widget = await pending;
        app.shell.activateById(widget.id);
        return widget;
      }
    });

    /**
     * Ask which session to replay (from the palette).
     */
    const chooseSession = async (): Promise<string | null> => {
      const page = await client.listSessions({ limit: 200 });
      if (page.items.length === 0) {
        Notification.info(trans.__('There is no interview to replay yet.'));
        return null;
      }
      const labels = page.items.map(
        session =>
          `${session.title}${session.candidate_name ? ` — ${session.candidate_name}` : ''} (${session.id.slice(0, 8)})`
      );
      const result = await InputDialog.getItem({
        title: trans.__('Replay an interview'),
        label: trans.__('Interview'),
        items: labels,
        okLabel: trans.__('Replay'),
        cancelLabel: trans.__('Cancel')
      });
      if (!result.button.accept || result.value === null) {
        return null;
      }
      const index = labels.indexOf(result.value);
      return index >= 0 ? page.items[index].id : null;
    };

    const sessionArgs = {
      args: {
        type: 'object',
        properties: {
          sessionId: {
            type: 'string',
            description: 'The session id (default: the replay in front)'
          }
        }
      }
    };

    app.commands.addCommand(CommandIDs.downloadReport, {
      label: trans.__('Download Interview Report'),
      caption: trans.__(
        'Download the report of an interview as a Jupyter notebook'
      ),
      icon: args => (args.isPalette ? undefined : downloadIcon),
      describedBy: sessionArgs,
      isEnabled: args => sessionOf(args) !== '',
      execute: async args => {
        const sessionId = sessionOf(args);
        if (!sessionId) {
          throw new Error(
            'devinterview:download-report needs a sessionId or an open replay.'
          );
        }
        const { downloadFileName, downloadReport } = await import('./report');
        try {
          const report = await (await source()).reportNotebook(sessionId);
          // The server names the file; the title is only a fallback.
          const title = report.filename ? '' : await titleOf(sessionId);
          const filename = downloadFileName(report, title);
          downloadReport(report, filename);
          return filename;
        } catch (error) {
          Notification.error(
            trans.__('The report could not be downloaded: %1', message(error)),
            { autoClose: 8000 }
          );
          return null;
        }
      }
    });

    app.commands.addCommand(CommandIDs.openReport, {
      label: trans.__('Open Interview Report in JupyterLab'),
      caption: trans.__(
        'Save the report of an interview as a notebook in the current folder and open it'
      ),
      icon: args => (args.isPalette ? undefined : notebookIcon),
      describedBy: sessionArgs,
      isEnabled: args => sessionOf(args) !== '',
      execute: async args => {
        const sessionId = sessionOf(args);
        if (!sessionId) {
          throw new Error(
            'devinterview:open-report needs a sessionId or an open replay.'
          );
        }
        const { saveReport } = await import('./report');
        try {
          const [report, title] = await Promise.all([
            source().then(api => api.reportNotebook(sessionId)),
            titleOf(sessionId)
          ]);
          const folder = fileBrowser?.model.path ?? '';
          const path = await saveReport(
            app.serviceManager.contents,
            folder,
            title,
            report
          );
          if (docManager) {
            // The code cells are the candidate's: with a kernel started on
            // opening, one Shift+Enter would run their code on this server.
            docManager.openOrReveal(
              path,
              'Notebook',
              undefined,
              undefined,
              REPORT_KERNEL_PREFERENCE
            );
          } else {
            // The report names no kernel: JupyterLab asks which one to start.
            await app.commands.execute('docmanager:open', {
              path,
              factory: 'Notebook'
            });
          }
          return path;
        } catch (error) {
          Notification.error(
            trans.__('The report could not be opened: %1', message(error)),
            { autoClose: 8000 }
          );
          return null;
        }
      }
    });

    tracker.currentChanged.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.downloadReport);
      app.commands.notifyCommandChanged(CommandIDs.openReport);
    });

    if (palette) {
      const category = trans.__('DevInterview');
      for (const command of [
        CommandIDs.replay,
        CommandIDs.downloadReport,
        CommandIDs.openReport
      ]) {
        palette.addItem({ command, category });
      }
    }

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.replay,
        args: widget => ({ sessionId: widget.content.sessionId }),
        name: widget => widget.content.sessionId
      });
    }
  }
};

/**
 * How a report is opened: without a kernel, none started by default, one
 * only if the reader chooses it.
 */
export const REPORT_KERNEL_PREFERENCE = {
  shouldStart: false,
  canStart: true,
  autoStartDefault: false
} as const;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
