import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { editIcon, LabIcon, lockIcon } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { devInterviewIcon } from '../icons';
import { runTimeLimitMs } from '../runner/settings';
import {
  ICodeRunners,
  IDevInterviewClient,
  IWhiteboardFactory
} from '../tokens';
import {
  CommandIDs,
  INTERVIEW_PLUGIN_ID,
  interviewWidgetId,
  notesWidgetId,
  scorecardWidgetId
} from './ids';
import type { NotesPanel } from '../notes/notesPanel';
import type { ScorecardPanel } from '../scorecards/scorecardPanel';
import type { InterviewPanel } from './panel';
import type { ILayoutStore } from './layout';
import { LocalStorageLayoutStore, SettingsLayoutStore } from './layout';
import type { ShortcutAction } from './shortcuts';
import { SHORTCUTS, shortcutLabels } from './shortcuts';
import { TimerDisplay } from './timer';
import { interviewerUser } from './user';

/**
 * The interview settings and their defaults.
 */
interface IInterviewSettings {
  editorFontSize: number | null;
  timerWarningMinutes: number;
}

/**
 * The plugin adding the interview layout: collaborative editor, shared
 * timer (also in the status bar), participants, connection state, and the
 * interviewers' private notes and scorecard beside it (JupyterLab only: the candidate page has
 * a plugin of its own).
 */
export const interviewPlugin: JupyterFrontEndPlugin<void> = {
  id: INTERVIEW_PLUGIN_ID,
  description: 'Adds the DevInterview interview layout.',
  autoStart: true,
  requires: [IDevInterviewClient, IEditorServices],
  optional: [
    ITranslator,
    ISettingRegistry,
    ILayoutRestorer,
    IStatusBar,
    IWhiteboardFactory,
    ICodeRunners,
    IRenderMimeRegistry,
    ICommandPalette
  ],
  activate: (
    app: JupyterFrontEnd,
    client: IDevInterviewClient,
    editorServices: IEditorServices,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null,
    whiteboard: IWhiteboardFactory | null,
    runners: ICodeRunners | null,
    rendermime: IRenderMimeRegistry | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('devinterview_jupyter');
    const tracker = new WidgetTracker<MainAreaWidget<InterviewPanel>>({
      namespace: 'devinterview-interview'
    });
    const settings: IInterviewSettings = {
      editorFontSize: null,
      timerWarningMinutes: 5
    };
    const timers = new Set<TimerDisplay>();
    // One layout per user for all interviews: the pane sizes are a habit of
    // the person and their screen, not of a session.
    const loadedSettings: Promise<ISettingRegistry.ISettings | null> =
      settingRegistry
        ? settingRegistry.load(INTERVIEW_PLUGIN_ID).catch(reason => {
            console.error(
              `DevInterview: could not load the settings of ${INTERVIEW_PLUGIN_ID}.`,
              reason
            );
            return null;
          })
        : Promise.resolve(null);
    const layoutStore: ILayoutStore = settingRegistry
      ? new SettingsLayoutStore(loadedSettings)
      : new LocalStorageLayoutStore();
    const opening = new Map<string, Promise<MainAreaWidget<InterviewPanel>>>();

    const open = async (
      sessionId: string
    ): Promise<MainAreaWidget<InterviewPanel>> => {
      const existing = tracker.find(w => w.id === interviewWidgetId(sessionId));
      if (existing) {
        return existing;
      }
      const [
        { InterviewPanel },
        { populateInterviewToolbar },
        { IntegrityMarkers }
      ] = await Promise.all([
        import('./panel'),
        import('./toolbar'),
        import('../integrity/markers')
      ]);
      const session = await client.getSession(sessionId);
      await app.serviceManager.user.ready.catch(() => undefined);
      const content = new InterviewPanel({
        session,
        client,
        editorServices,
        user: interviewerUser(app.serviceManager.user.identity),
        trans,
        fontSize: settings.editorFontSize,
        whiteboard,
        runners,
        runTimeLimitMs: runTimeLimitMs(),
        rendermime,
        layoutStore
      });
      const widget = new MainAreaWidget({ content });
      widget.id = interviewWidgetId(sessionId);
      widget.addClass('jp-DevInterview-interviewWidget');
      widget.title.label = session.title;
      widget.title.caption = trans.__('Interview: %1', session.title);
      widget.title.icon = devInterviewIcon;
      widget.title.closable = true;
      const timer = populateInterviewToolbar(widget, trans, {
        warningMinutes: settings.timerWarningMinutes
      });
      content.addHeaderItem(notesButton(sessionId));
      content.addHeaderItem(scorecardButton(sessionId));
      // The candidate's integrity signals, live (polled while shown).
      content.addHeaderItem(new IntegrityMarkers({ client, sessionId, trans }));
      timers.add(timer);
      timer.disposed.connect(() => timers.delete(timer));
      void tracker.add(widget);
      app.shell.add(widget, 'main');
      return widget;
    };

    app.commands.addCommand(CommandIDs.openInterview, {
      label: args =>
        args.sessionId
          ? trans.__('Open Interview %1', String(args.sessionId))
          : trans.__('Open Interview'),
      caption: trans.__('Open the interview layout of a session'),
      icon: args => (args.isPalette ? undefined : devInterviewIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: { type: 'string', description: 'The session id' }
          },
          required: ['sessionId']
        }
      },
      execute: async args => {
        const sessionId = String(args.sessionId ?? '');
        if (!sessionId) {
          throw new Error('devinterview:open-interview needs a sessionId.');
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
     * A labelled button of the interview's header that runs a command for the
     * session. Never disabled: notes and scorecards are mostly written once
     * the interview has ended.
     */
    const headerButton = (
      sessionId: string,
      what: {
        command: string;
        label: string;
        title: string;
        icon: LabIcon;
        className: string;
      }
    ): Widget => {
      const node = document.createElement('button');
      node.type = 'button';
      node.className = `jp-DevInterview-toolbarButton ${what.className}`;
      what.icon.element({
        container: node,
        tag: 'span',
        elementSize: 'normal',
        className: 'jp-DevInterview-buttonIcon'
      });
      node.append(what.label);
      node.title = what.title;
      node.addEventListener('click', () => {
        void app.commands.execute(what.command, { sessionId });
      });
      return new Widget({ node });
    };
    // The interviewers' private notes: a room of their own beside the interview's.
    const notesButton = (sessionId: string): Widget =>
      headerButton(sessionId, {
        command: CommandIDs.openNotes,
        label: trans.__('Notes'),
        title: trans.__(
          'Private notes of the interviewers (never shown to the candidate)'
        ),
        icon: lockIcon,
        className: 'jp-DevInterview-notesButton'
      });
    const scorecardButton = (sessionId: string): Widget =>
      headerButton(sessionId, {
        command: CommandIDs.openScorecard,
        label: trans.__('Scorecard'),
        title: trans.__(
          'Your scorecard of this interview (never shown to the candidate)'
        ),
        icon: editIcon,
        className: 'jp-DevInterview-scorecardButton'
      });

    /**
     * Open a session's side panel (notes, scorecard) beside its interview, or
     * bring it to front; concurrent calls for one session share one opening.
     */
    const openBeside = async <T extends Widget>(
      sessionId: string,
      side: {
        tracker: WidgetTracker<MainAreaWidget<T>>;
        opening: Map<string, Promise<MainAreaWidget<T>>>;
        id: string;
        make: (title: string) => Promise<MainAreaWidget<T>>;
      }
    ): Promise<MainAreaWidget<T>> => {
      let pending = side.opening.get(sessionId);
      if (!pending) {
        pending = (async () => {
          const existing = side.tracker.find(w => w.id === side.id);
          if (existing) {
            return existing;
          }
          const interview = tracker.find(
            w => w.id === interviewWidgetId(sessionId)
          );
          const title = interview
            ? interview.content.session.title
            : (await client.getSession(sessionId)).title;
          const widget = await side.make(title);
          widget.id = side.id;
          widget.title.closable = true;
          void side.tracker.add(widget);
          // Beside the interview, so both stay in view while it runs.
          app.shell.add(
            widget,
            'main',
            interview && interview.isAttached
              ? { ref: interview.id, mode: 'split-right' }
              : undefined
          );
          return widget;
        })().finally(() => side.opening.delete(sessionId));
        side.opening.set(sessionId, pending);
      }
      const widget = await pending;
      app.shell.activateById(widget.id);
      return widget;
    };

    const notes = new WidgetTracker<MainAreaWidget<NotesPanel>>({
      namespace: 'devinterview-notes'
    });
    const openingNotes = new Map<string, Promise<MainAreaWidget<NotesPanel>>>();
    const openNotes = (sessionId: string) =>
      openBeside(sessionId, {
        tracker: notes,
        opening: openingNotes,
        id: notesWidgetId(sessionId),
        make: async title => {
          const { NotesPanel } = await import('../notes/notesPanel');
          await app.serviceManager.user.ready.catch(() => undefined);
          const content = new NotesPanel({
            sessionId,
            serverSettings: client.serverSettings,
            editorServices,
            user: interviewerUser(app.serviceManager.user.identity),
            trans,
            fontSize: settings.editorFontSize
          });
          const widget = new MainAreaWidget({ content });
          widget.addClass('jp-DevInterview-notesWidget');
          widget.title.label = trans.__('Notes: %1', title);
          widget.title.caption = trans.__('Private notes of "%1"', title);
          widget.title.icon = lockIcon;
          return widget;
        }
      });
    app.commands.addCommand(CommandIDs.openNotes, {
      label: trans.__('Open Private Notes'),
      caption: trans.__(
        "The interviewers' private notes of an interview, written together"
      ),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: { type: 'string', description: 'The session id' }
          }
        }
      },
      icon: args => (args.isPalette ? undefined : lockIcon),
      isEnabled: args => Boolean(args.sessionId) || current() !== null,
      execute: async args => {
        const sessionId = String(args.sessionId ?? current()?.session.id ?? '');
        if (!sessionId) {
          throw new Error('devinterview:open-notes needs a sessionId.');
        }
        return openNotes(sessionId);
      }
    });

    const scorecards = new WidgetTracker<MainAreaWidget<ScorecardPanel>>({
      namespace: 'devinterview-scorecard'
    });
    const openingScorecards = new Map<
      string,
      Promise<MainAreaWidget<ScorecardPanel>>
    >();
    const openScorecard = (sessionId: string) =>
      openBeside(sessionId, {
        tracker: scorecards,
        opening: openingScorecards,
        id: scorecardWidgetId(sessionId),
        make: async title => {
          const { ScorecardPanel } =
            await import('../scorecards/scorecardPanel');
          const content = new ScorecardPanel({
            sessionId,
            sessionTitle: title,
            client,
            trans
          });
          const widget = new MainAreaWidget({ content });
          widget.addClass('jp-DevInterview-scorecardWidget');
          widget.title.label = trans.__('Scorecard: %1', title);
          widget.title.caption = trans.__('Your scorecard of "%1"', title);
          widget.title.icon = editIcon;
          return widget;
        }
      });

    // The question commands act on the interview in front.
    const current = (): InterviewPanel | null =>
      tracker.currentWidget?.content ?? null;
    const hasQuestion = (panel: InterviewPanel | null): boolean =>
      panel !== null && panel.promptPane.question !== null;
    const refreshCommands = () => {
      for (const id of [
        CommandIDs.runTests,
        CommandIDs.runHiddenTests,
        CommandIDs.revealNextPart,
        CommandIDs.changeQuestion,
        CommandIDs.openScorecard
      ]) {
        app.commands.notifyCommandChanged(id);
      }
    };
    tracker.currentChanged.connect(refreshCommands);
    app.commands.addCommand(CommandIDs.runTests, {
      label: trans.__('Run Tests'),
      caption: trans.__(
        "Run the question's visible tests; everyone sees the results"
      ),
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => hasQuestion(current()) && !current()!.readOnly,
      execute: async () => {
        await current()?.testsPanel.runTests();
      }
    });
    app.commands.addCommand(CommandIDs.runHiddenTests, {
      label: trans.__('Run Hidden Tests'),
      caption: trans.__(
        'Run the hidden tests in this browser; only interviewers see the results'
      ),
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => hasQuestion(current()) && !current()!.readOnly,
      execute: async () => {
        await current()?.testsPanel.runHiddenTests();
      }
    });
    app.commands.addCommand(CommandIDs.revealNextPart, {
      label: trans.__('Reveal Next Part of the Question'),
      caption: trans.__('Show the next follow-up part to everyone'),
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => hasQuestion(current()) && !current()!.readOnly,
      execute: async () => {
        await current()?.promptPane.reveal();
      }
    });
    app.commands.addCommand(CommandIDs.changeQuestion, {
      label: args =>
        args.isPalette || hasQuestion(current())
          ? trans.__('Change Question…')
          : trans.__('Choose a Question…'),
      caption: trans.__('Choose the question of this interview'),
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => current() !== null && !current()!.readOnly,
      execute: async () => {
        await current()?.promptPane.chooseQuestion();
      }
    });
    app.commands.addCommand(CommandIDs.openScorecard, {
      label: trans.__('Open Scorecard'),
      caption: trans.__(
        'Rate the candidate: your scorecard of the interview in front (or of a session)'
      ),
      icon: args => (args.isPalette ? undefined : editIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: {
              type: 'string',
              description:
                'The session id (default: the interview most recently in front)'
            }
          }
        }
      },
      isEnabled: args => Boolean(args.sessionId) || current() !== null,
      execute: async args => {
        const sessionId = String(args.sessionId ?? current()?.session.id ?? '');
        if (!sessionId) {
          throw new Error(
            'devinterview:open-scorecard needs a sessionId or an open interview.'
          );
        }
        return openScorecard(sessionId);
      }
    });

    // The interview's keyboard shortcuts as commands (palette, menus). The
    // keys themselves are handled by the panel, so they work the same on the
    // candidate page, which has no JupyterLab commands of ours.
    const labels = shortcutLabels(trans);
    const keysOf = (action: ShortcutAction) =>
      SHORTCUTS.find(s => s.action === action)?.keys ?? '';
    const interviewCommand = (
      id: string,
      action: ShortcutAction,
      execute: (panel: InterviewPanel) => unknown
    ) =>
      app.commands.addCommand(id, {
        label: labels[action],
        caption: trans.__(
          '%1 (%2, in the interview)',
          labels[action],
          keysOf(action)
        ),
        describedBy: { args: { type: 'object', properties: {} } },
        isEnabled: () => current() !== null,
        execute: async () => {
          const panel = current();
          if (panel) {
            const widget = tracker.currentWidget;
            if (widget) {
              app.shell.activateById(widget.id);
            }
            await execute(panel);
          }
        }
      });
    interviewCommand(CommandIDs.runCode, 'run', panel => panel.runPanel.run());
    interviewCommand(CommandIDs.stopRun, 'stop', panel =>
      panel.runPanel.stop()
    );
    interviewCommand(CommandIDs.focusEditor, 'focus-editor', panel =>
      panel.focusEditor()
    );
    interviewCommand(CommandIDs.focusWhiteboard, 'focus-whiteboard', panel =>
      panel.focusWhiteboard()
    );
    interviewCommand(CommandIDs.focusRunArea, 'focus-runs', panel =>
      panel.focusRuns()
    );
    interviewCommand(CommandIDs.toggleStdin, 'toggle-stdin', panel =>
      panel.runPanel.toggleStdin()
    );
    interviewCommand(CommandIDs.showShortcuts, 'show-shortcuts', panel =>
      panel.showShortcuts()
    );
    tracker.currentChanged.connect(() => {
      for (const id of [
        CommandIDs.runCode,
        CommandIDs.stopRun,
        CommandIDs.focusEditor,
        CommandIDs.focusWhiteboard,
        CommandIDs.focusRunArea,
        CommandIDs.toggleStdin,
        CommandIDs.showShortcuts
      ]) {
        app.commands.notifyCommandChanged(id);
      }
    });

    if (palette) {
      const category = trans.__('DevInterview');
      for (const command of [
        CommandIDs.runCode,
        CommandIDs.stopRun,
        CommandIDs.focusEditor,
        CommandIDs.focusWhiteboard,
        CommandIDs.focusRunArea,
        CommandIDs.toggleStdin,
        CommandIDs.showShortcuts,
        CommandIDs.openNotes,
        CommandIDs.openScorecard,
        CommandIDs.runTests,
        CommandIDs.runHiddenTests,
        CommandIDs.revealNextPart,
        CommandIDs.changeQuestion
      ]) {
        palette.addItem({ command, category });
      }
    }

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openInterview,
        args: widget => ({ sessionId: widget.content.session.id }),
        name: widget => widget.content.session.id
      });
      void restorer.restore(notes, {
        command: CommandIDs.openNotes,
        args: widget => ({ sessionId: widget.content.sessionId }),
        name: widget => widget.content.sessionId
      });
      void restorer.restore(scorecards, {
        command: CommandIDs.openScorecard,
        args: widget => ({ sessionId: widget.content.sessionId }),
        name: widget => widget.content.sessionId
      });
    }

    if (statusBar) {
      const statusTimer = new TimerDisplay({ trans });
      statusTimer.addClass('jp-DevInterview-statusTimer');
      timers.add(statusTimer);
      const activeChanged = new Signal<unknown, void>(tracker);
      const follow = () => {
        const panel = tracker.currentWidget?.content ?? null;
        statusTimer.setSource(panel?.room.timer ?? null, panel?.clock ?? null);
        activeChanged.emit();
      };
      tracker.currentChanged.connect(follow);
      tracker.widgetUpdated.connect(follow);
      statusBar.registerStatusItem(`${INTERVIEW_PLUGIN_ID}:timer`, {
        item: statusTimer,
        align: 'left',
        rank: 100,
        isActive: () => tracker.currentWidget !== null,
        activeStateChanged: activeChanged
      });
    }

    if (settingRegistry) {
      const apply = (loaded: ISettingRegistry.ISettings) => {
        const fontSize = loaded.get('editorFontSize').composite;
        const warning = loaded.get('timerWarningMinutes').composite;
        settings.editorFontSize =
          typeof fontSize === 'number' ? fontSize : null;
        settings.timerWarningMinutes =
          typeof warning === 'number' ? warning : 5;
        for (const timer of timers) {
          timer.warningMinutes = settings.timerWarningMinutes;
          timer.render();
        }
        tracker.forEach(widget => {
          widget.content.editor.editor.setOption('customStyles', {
            fontSize: settings.editorFontSize
          });
        });
      };
      void loadedSettings.then(loaded => {
        if (loaded) {
          apply(loaded);
          loaded.changed.connect(apply);
        }
      });
    }
  }
};
