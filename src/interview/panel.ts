import { Dialog, MainAreaWidget, showDialog } from '@jupyterlab/apputils';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import type { CodeEditorWrapper } from '@jupyterlab/codeeditor';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { Panel, SplitPanel, Widget } from '@lumino/widgets';
import type * as Y from 'yjs';

import { DevInterviewAPIError } from '../api/errors';
import type {
  ISession,
  ISessionQuestion,
  Language,
  TimerAction
} from '../api/types';
import { isClosed } from '../model/connection';
import { readMeta } from '../model/document';
import { mimeTypeOf } from '../model/language';
import { promptRenderMime } from '../questions/markdown';
import type { IQuestionTest } from '../questions/model';
import {
  QUESTION_KEY,
  parseSessionQuestionPayload,
  readQuestion
} from '../questions/model';
import { PromptPane } from '../questions/promptPane';
import { TestsPanel } from '../questions/testsPanel';
import { ServerClock } from '../room/clock';
import type { IRoomUser } from '../room/provider';
import { RoomConnection } from '../room/provider';
import type {
  ICodeRunners,
  IDevInterviewClient,
  IWhiteboardFactory
} from '../tokens';
import { closureMessage } from './connection';
import { createInterviewEditor, setEditorReadOnly } from './editor';
import type { ILayoutState, ILayoutStore } from './layout';
import { LocalStorageLayoutStore, restoreLayout } from './layout';
import { ParticipantsList } from './participants';
import { RunGate } from './runGate';
import { RunPanel } from './runPanel';
import { DEFAULT_RUN_TIME_LIMIT_MS } from '../runner/settings';
import { makeToolbarTabbable, matchShortcut, shortcutTable } from './shortcuts';
import { WhiteboardArea, fileStemOf } from './whiteboardArea';

/**
 * How long a language change waits for the room to show it before Run is
 * enabled again anyway.
 */
const LANGUAGE_SWITCH_MS = 10_000;

/**
 * How long after the last drag of a split handle the layout is saved.
 */
const LAYOUT_SAVE_MS = 400;

/**
 * Below this width (px) the panes drop their minimum widths: the question
 * column (160), the editor (220) and the whiteboard (460) no longer fit.
 */
const NARROW_WIDTH = 870;

/**
 * The interview layout: the question column (prompt above tests) beside the
 * collaborative editor and the whiteboard slot, above the run-output slot,
 * with a read-only notice and an error line. It owns the room connection and
 * the server clock of the session.
 *
 * The same panel serves interviewers and candidates (`user.role`): only
 * interviewers get the question controls and the hidden tests, and only they
 * ask the question endpoints of the REST API.
 */
export class InterviewPanel extends Panel {
  constructor(options: InterviewPanel.IOptions) {
    super();
    this.addClass('jp-DevInterview-interview');
    this._client = options.client;
    this._trans = options.trans;
    this._session = options.session;
    this.isInterviewer = options.user.role !== 'candidate';
    this.clock = new ServerClock();
    void this.clock.sync(options.client);
    this.room = new RoomConnection({
      sessionId: options.session.id,
      serverSettings: options.client.serverSettings,
      user: options.user,
      params: options.roomParams
    });
    this.node.dataset.sessionId = options.session.id;

    this._notice = new Widget();
    this._notice.addClass('jp-DevInterview-notice');
    this._notice.node.setAttribute('role', 'status');
    // Focusable from script only: where the focus goes when the editor
    // turns read-only under it.
    this._notice.node.tabIndex = -1;
    this._errorLine = new Widget();
    this._errorLine.addClass('jp-DevInterview-error');
    this._errorLine.node.setAttribute('role', 'alert');
    this._errorLine.node.hidden = true;

    this.editor = createInterviewEditor({
      editorServices: options.editorServices,
      sharedModel: this.room.sharedModel,
      mimeType: mimeTypeOf(this.language),
      fontSize: options.fontSize ?? null,
      readOnly: this.readOnly,
      placeholder: this._trans.__('Write your code here — Shift+Enter runs it'),
      label: this._trans.__('Code editor'),
      trans: this._trans
    });
    this._layoutStore =
      options.layoutStore === undefined
        ? this.isInterviewer
          ? null
          : new LocalStorageLayoutStore()
        : options.layoutStore;

    const header = new Panel();
    header.addClass('jp-DevInterview-interviewHeader');
    const label = new Widget();
    label.addClass('jp-DevInterview-headerLabel');
    label.node.textContent = this._trans.__('Participants');
    this.participants = new ParticipantsList({
      awareness: this.room.awareness,
      trans: this._trans
    });
    header.addWidget(label);
    header.addWidget(this.participants);
    this._header = header;
    const shortcuts = document.createElement('button');
    shortcuts.type = 'button';
    shortcuts.className =
      'jp-DevInterview-toolbarButton jp-DevInterview-shortcutsButton';
    shortcuts.textContent = this._trans.__('Keyboard shortcuts');
    shortcuts.title = this._trans.__(
      'The keyboard shortcuts of the interview (Alt+Shift+K)'
    );
    shortcuts.addEventListener('click', () => void this.showShortcuts());
    this.addHeaderItem(new Widget({ node: shortcuts }));

    const gate = new RunGate();
    this.promptPane = new PromptPane({
      doc: this.room.doc,
      rendermime: promptRenderMime(options.rendermime ?? null, this._trans),
      trans: this._trans,
      controls: this.isInterviewer
        ? {
            partCount: async () => {
              const current = await this._fetchSessionQuestion();
              return current ? current.question.parts.length : null;
            },
            revealNextPart: () => this.revealNextPart(),
            chooseQuestion: () => this.chooseQuestion()
          }
        : null
    });
    this.testsPanel = new TestsPanel({
      doc: this.room.doc,
      runners: options.runners ?? null,
      author: { ...options.user },
      language: this.language,
      getCode: () => this.room.sharedModel.getSource(),
      gate,
      trans: this._trans,
      hiddenTests: this.isInterviewer ? () => this._hiddenTests() : null
    });
    const side = new SplitPanel({ orientation: 'vertical', spacing: 1 });
    side.addClass('jp-DevInterview-questionArea');
    side.addWidget(this.promptPane);
    side.addWidget(this.testsPanel);

    const top = new SplitPanel({ orientation: 'horizontal', spacing: 1 });
    top.addClass('jp-DevInterview-workArea');
    top.addWidget(side);
    top.addWidget(this.editor);
    this.whiteboard = new WhiteboardArea({
      board:
        options.whiteboard?.create({
          doc: this.room.doc,
          awareness: this.room.awareness,
          user: options.user,
          readOnly: this.readOnly,
          synced: this.room.whenSynced(),
          trans: this._trans
        }) ?? null,
      trans: this._trans,
      fileStem: fileStemOf(options.session.title)
    });
    top.addWidget(this.whiteboard);

    const main = new SplitPanel({ orientation: 'vertical', spacing: 1 });
    main.addClass('jp-DevInterview-mainArea');
    main.addWidget(top);
    this.runPanel = new RunPanel({
      doc: this.room.doc,
      runners: options.runners ?? null,
      author: { ...options.user },
      language: this.language,
      getCode: () => this.room.sharedModel.getSource(),
      timeLimitMs: options.runTimeLimitMs ?? DEFAULT_RUN_TIME_LIMIT_MS,
      trans: this._trans,
      warmAfter: this.room.whenSynced(),
      gate
    });
    main.addWidget(this.runPanel);
    // Shift+Enter runs, from the editor or the stdin box (before CodeMirror
    // turns it into a newline); the other shortcuts work anywhere in the panel.
    this.node.addEventListener('keydown', this._onKeyDown, true);
    for (const split of [top, main, side]) {
      split.handleMoved.connect(this._scheduleLayoutSave, this);
    }

    this.addWidget(header);
    this.addWidget(this._notice);
    this.addWidget(this._errorLine);
    this.addWidget(main);

    this._top = top;
    this._main = main;
    this._side = side;
    this._questionMap = this.room.doc.getMap<unknown>(QUESTION_KEY);
    this._questionMap.observe(this._onQuestion);
    this._onQuestion();
    this.room.meta.observe(this._onMeta);
    this.room.stateChanged.connect(this._onRoomState, this);
    this._onMeta();
  }

  /**
   * The live room connection.
   */
  readonly room: RoomConnection;

  /**
   * The server clock (offset-corrected).
   */
  readonly clock: ServerClock;

  /**
   * The collaborative editor.
   */
  readonly editor: CodeEditorWrapper;

  /**
   * The run area (Run / Stop, stdin, the shared run log).
   */
  readonly runPanel: RunPanel;

  /**
   * The whiteboard area (board and export buttons).
   */
  readonly whiteboard: WhiteboardArea;

  /**
   * The participants list (from the room's awareness).
   */
  readonly participants: ParticipantsList;

  /**
   * The prompt pane (the room's question).
   */
  readonly promptPane: PromptPane;

  /**
   * The tests area (visible tests for everyone, hidden ones for interviewers).
   */
  readonly testsPanel: TestsPanel;

  /**
   * Whether the local participant is an interviewer (not the candidate).
   */
  readonly isInterviewer: boolean;

  /**
   * The session as last known from the REST API.
   */
  get session(): ISession {
    return this._session;
  }

  /**
   * The room's language (the session's until the room has synced).
   */
  get language(): Language {
    return readMeta(this.room.meta).language ?? this._session.language;
  }

  /**
   * The room's status (the session's until the room has synced).
   */
  get status(): string {
    return readMeta(this.room.meta).status ?? this._session.status;
  }

  /**
   * Whether everything is read-only: the interview has ended, or the server
   * closed the room for good (deleted, invite expired, document full, an
   * update refused), so edits could not be saved any more.
   */
  get readOnly(): boolean {
    return this.status === 'terminated' || isClosed(this.room.state);
  }

  /**
   * Emitted when the room's `meta` (language, status) changed.
   */
  get metaChanged(): ISignal<this, void> {
    return this._metaChanged;
  }

  /**
   * Switch everyone's language: the server writes it into the room's meta.
   */
  async setLanguage(language: Language): Promise<void> {
    // The answer to the PATCH can come before the room's update that carries the
    // new language; a run in between would still use the old one.
    this.runPanel.switching = true;
    this.testsPanel.switching = true;
    try {
      await this._run(async () => {
        this._session = await this._client.updateSession(this._session.id, {
          language
        });
        await this._roomShows(language);
      });
    } finally {
      this.runPanel.switching = false;
      this.testsPanel.switching = false;
    }
  }

  /**
   * Start, pause or reset the shared timer.
   */
  async timerAction(action: TimerAction): Promise<void> {
    await this._run(async () => {
      await this._client.timer(this._session.id, action);
    });
  }

  /**
   * Terminate the interview (no confirmation here).
   */
  async terminate(): Promise<void> {
    await this._run(async () => {
      this._session = await this._client.terminateSession(this._session.id);
    });
  }

  /**
   * Choose or switch the session's question (interviewers): the searchable
   * picker in a dialog, then the server copies the question into the room.
   */
  async chooseQuestion(): Promise<void> {
    if (!this.isInterviewer || this.readOnly) {
      return;
    }
    const { askSessionQuestion } = await import('../questions/questionDialog');
    const current = readQuestion(this._questionMap)
      ? ((await this._fetchSessionQuestion().catch(() => null))?.question.id ??
        null)
      : null;
    const body = await askSessionQuestion(
      this._trans,
      this._client.listQuestions(),
      current
    );
    if (!body) {
      return;
    }
    await this._client.setSessionQuestion(this._session.id, body);
  }

  /**
   * Reveal the question's next follow-up part to everyone (interviewers).
   */
  async revealNextPart(): Promise<void> {
    if (!this.isInterviewer || this.readOnly) {
      return;
    }
    await this._client.revealNextPart(this._session.id);
  }

  /**
   * The session's question from the REST API (interviewers; null: none).
   */
  private async _fetchSessionQuestion(): Promise<ISessionQuestion | null> {
    try {
      return await this._client.getSessionQuestion(this._session.id);
    } catch (error) {
      if (error instanceof DevInterviewAPIError && error.status === 404) {
        return null;
      }
      throw error;
    }
  }

  /**
   * The hidden tests of the session's question, fetched now (interviewers):
   * they never come through the room.
   */
  private async _hiddenTests(): Promise<IQuestionTest[]> {
    const current = await this._fetchSessionQuestion();
    if (!current) {
      return [];
    }
    return parseSessionQuestionPayload(current).question.hidden_tests;
  }

  /**
   * Put the keyboard focus in the editor (or, once it is read-only, on the
   * notice that says why).
   */
  focusEditor(): void {
    if (this.readOnly) {
      this._notice.node.focus();
      return;
    }
    this.editor.editor.focus();
  }

  /**
   * Put the keyboard focus on the whiteboard, where its own shortcuts work.
   */
  focusWhiteboard(): void {
    const node = this.whiteboard.node;
    const target =
      node.querySelector<HTMLElement>('.tl-container') ??
      node.querySelector<HTMLElement>('button, [tabindex]');
    (target ?? node).focus();
  }

  /**
   * Put the keyboard focus in the run area (Run, else the run log).
   */
  focusRuns(): void {
    this.runPanel.focus();
  }

  /**
   * Show the keyboard shortcuts in a dialog.
   */
  async showShortcuts(): Promise<void> {
    const body = new Widget({ node: shortcutTable(this._trans) });
    await showDialog({
      title: this._trans.__('Keyboard shortcuts'),
      body,
      buttons: [Dialog.okButton({ label: this._trans.__('Close') })]
    });
  }

  /**
   * The pane sizes last applied or saved (stored, else the defaults).
   */
  get paneSizes(): ILayoutState {
    return restoreLayout(this._paneSizes);
  }

  /**
   * The sizes of the split panes as they are now.
   */
  currentLayout(): ILayoutState {
    const layout = restoreLayout(this._paneSizes);
    const top = this._top.relativeSizes();
    if (this._hadQuestion) {
      layout.withQuestion = top;
    } else {
      layout.withoutQuestion = top;
    }
    layout.main = this._main.relativeSizes();
    if (!this._side.isHidden) {
      layout.side = this._side.relativeSizes();
    }
    return restoreLayout(layout);
  }

  /**
   * Add a widget at the end of the header row (beside the participants).
   * The interviewer's JupyterLab adds its own controls here (the scorecard):
   * the toolbar is full at common widths, and what it cannot fit goes into
   * its overflow menu, out of sight.
   */
  addHeaderItem(widget: Widget): void {
    widget.addClass('jp-DevInterview-headerItem');
    this._header.addWidget(widget);
  }

  /**
   * Show an error in the panel's error line (null hides it).
   */
  showError(message: string | null): void {
    this._errorLine.node.textContent = message ?? '';
    this._errorLine.node.hidden = message === null;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.room.meta.unobserve(this._onMeta);
    this._questionMap.unobserve(this._onQuestion);
    this.node.removeEventListener('keydown', this._onKeyDown, true);
    if (this._saveTimer !== null) {
      clearTimeout(this._saveTimer);
      this._saveLayout();
    }
    super.dispose();
    this.room.dispose();
    Signal.clearData(this);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.parent instanceof MainAreaWidget) {
      makeToolbarTabbable(this.parent.toolbar);
    }
    if (!this._sized) {
      // Relative sizes only stick once the split panels have a size.
      this._sized = true;
      const stored = this._layoutStore?.load() ?? Promise.resolve(null);
      requestAnimationFrame(() => {
        if (this.isDisposed) {
          return; // closed before its first frame
        }
        this._applyLayout();
        void stored.then(value => {
          if (!this.isDisposed && value !== null && !this._layoutTouched) {
            this._paneSizes = restoreLayout(value);
            this._applyLayout();
          }
        });
      });
    }
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    // The panes' minimum widths (style/layout.css) only apply when they all
    // fit; a narrower panel lets them shrink rather than push the run bar and
    // the whiteboard's buttons out of view.
    const narrow = this.node.clientWidth < NARROW_WIDTH;
    if (narrow !== this.hasClass('jp-mod-narrow')) {
      this.toggleClass('jp-mod-narrow', narrow);
      // The toolbar is the parent's: it shortens its labels too.
      this.parent?.toggleClass('jp-DevInterview-narrow', narrow);
      this._side.fit();
      this._top.fit();
      this._main.fit();
    }
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    // On open (and when the tab comes to front with nothing focused inside),
    // the editor takes the keys: people start typing at once.
    const active = document.activeElement;
    if (!active || active === this.node || !this.node.contains(active)) {
      this.focusEditor();
    }
  }

  private _applyLayout(): void {
    this._fitQuestionArea(true);
    this._side.setRelativeSizes(this._paneSizes.side);
    this._main.setRelativeSizes(this._paneSizes.main);
  }

  private _scheduleLayoutSave(): void {
    this._layoutTouched = true;
    if (this._saveTimer !== null) {
      clearTimeout(this._saveTimer);
    }
    this._saveTimer = setTimeout(() => this._saveLayout(), LAYOUT_SAVE_MS);
  }

  private _saveLayout(): void {
    this._saveTimer = null;
    this._paneSizes = this.currentLayout();
    void this._layoutStore?.save(this._paneSizes).catch(reason => {
      console.warn('DevInterview: could not keep the layout.', reason);
    });
  }

  /**
   * Resolves once the room's meta has ``language``, or after LANGUAGE_SWITCH_MS
   * (a disconnected room must not keep Run disabled).
   */
  private _roomShows(language: Language): Promise<void> {
    return new Promise(resolve => {
      const done = () => {
        clearTimeout(timer);
        this._metaChanged.disconnect(check);
        resolve();
      };
      const check = () => {
        if (this.language === language || this.isDisposed) {
          done();
        }
      };
      const timer = setTimeout(done, LANGUAGE_SWITCH_MS);
      this._metaChanged.connect(check);
      check();
    });
  }

  private async _run(action: () => Promise<void>): Promise<void> {
    try {
      await action();
      this.showError(null);
    } catch (error) {
      this.showError(error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Give the question column room when there is a question, and little (an
   * interviewer's "Choose a question…") or none (a candidate) without one.
   * Only when that changes, so a column the user resized stays as it is.
   */
  private _fitQuestionArea(force = false): void {
    const hasQuestion = readQuestion(this._questionMap) !== null;
    if (!force && hasQuestion === this._hadQuestion) {
      return;
    }
    this._hadQuestion = hasQuestion;
    this._side.setHidden(!hasQuestion && !this.isInterviewer);
    this.toggleClass('jp-mod-hasQuestion', hasQuestion);
    if (this._sized) {
      this._top.setRelativeSizes(
        hasQuestion
          ? this._paneSizes.withQuestion
          : this._paneSizes.withoutQuestion
      );
    }
  }

  private _onQuestion = (): void => {
    if (!this.isDisposed) {
      this._fitQuestionArea();
    }
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    const action = matchShortcut(event);
    if (action === null || event.defaultPrevented) {
      return;
    }
    if (action === 'run' && this._isToolbarControl(event.target)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    switch (action) {
      case 'run':
        void this.runPanel.run();
        break;
      case 'stop':
        this.runPanel.stop();
        break;
      case 'focus-editor':
        this.focusEditor();
        break;
      case 'focus-whiteboard':
        this.focusWhiteboard();
        break;
      case 'focus-runs':
        this.focusRuns();
        break;
      case 'toggle-stdin':
        this.runPanel.toggleStdin();
        break;
      case 'show-shortcuts':
        void this.showShortcuts();
        break;
    }
  };

  /**
   * Whether a key press comes from a toolbar control (a button or the
   * language picker: Shift+Enter there is not meant as Run).
   */
  private _isToolbarControl(target: EventTarget | null): boolean {
    return (
      target instanceof HTMLElement &&
      (target.tagName === 'SELECT' ||
        (target.tagName === 'BUTTON' && !this.runPanel.node.contains(target)))
    );
  }

  private _onMeta = (): void => {
    if (this.isDisposed) {
      return;
    }
    const readOnly = this.readOnly;
    const editorHadFocus = this.editor.node.contains(document.activeElement);
    this.editor.model.mimeType = mimeTypeOf(this.language);
    setEditorReadOnly(this.editor, readOnly);
    if (this.whiteboard.board) {
      this.whiteboard.board.readOnly = readOnly;
    }
    this.runPanel.readOnly = readOnly;
    this.runPanel.setLanguage(this.language);
    this.testsPanel.readOnly = readOnly;
    this.testsPanel.setLanguage(this.language);
    this.promptPane.readOnly = readOnly;
    this.toggleClass('jp-mod-readOnly', readOnly);
    this.node.dataset.status = this.status;
    const state = this.room.state;
    this._notice.node.textContent = isClosed(state)
      ? closureMessage(state, this._trans)
      : readOnly
        ? this._trans.__('This interview has ended. Everything is read-only.')
        : '';
    this._notice.node.hidden = !readOnly;
    if (readOnly && editorHadFocus) {
      // The editor can no longer hold the focus: keep it in the panel, on
      // the sentence that says why.
      this._notice.node.focus();
    }
    this._metaChanged.emit();
  };

  private _onRoomState(): void {
    const state = this.room.state;
    if (isClosed(state)) {
      this._onMeta();
    }
    // Measure the clock offset again after every reconnection.
    if (state === 'connected' && this._lastState !== 'connected') {
      if (this._lastState !== 'connecting') {
        void this.clock.sync(this._client);
      }
    }
    this._lastState = state;
  }

  private _lastState: string = 'connecting';

  private _client: IDevInterviewClient;
  private _trans: TranslationBundle;
  private _session: ISession;
  private _notice: Widget;
  private _errorLine: Widget;
  private _metaChanged = new Signal<this, void>(this);
  private _header: Panel;
  private _top: SplitPanel;
  private _main: SplitPanel;
  private _side: SplitPanel;
  private _questionMap: Y.Map<unknown>;
  private _hadQuestion: boolean | null = null;
  private _sized = false;
  private _layoutStore: ILayoutStore | null;
  private _paneSizes: ILayoutState = restoreLayout(null);
  private _layoutTouched = false;
  private _saveTimer: ReturnType<typeof setTimeout> | null = null;
}

/**
 * A namespace for `InterviewPanel` statics.
 */
export namespace InterviewPanel {
  /**
   * The options of an interview panel.
   */
  export interface IOptions {
    /**
     * The session to open.
     */
    session: ISession;
    /**
     * The REST client.
     */
    client: IDevInterviewClient;
    /**
     * JupyterLab's editor services.
     */
    editorServices: IEditorServices;
    /**
     * The local participant.
     */
    user: IRoomUser;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
    /**
     * The editor font size in px (null: JupyterLab's).
     */
    fontSize?: number | null;
    /**
     * The code runners (none: the run area says code cannot run).
     */
    runners?: ICodeRunners | null;
    /**
     * Longest run allowed, in ms (default 10 s).
     */
    runTimeLimitMs?: number;
    /**
     * The whiteboard engine (none: the layout says so).
     */
    whiteboard?: IWhiteboardFactory | null;
    /**
     * Extra query parameters of the room websocket (candidate page).
     */
    roomParams?: Record<string, string>;
    /**
     * The application's rendermime registry, for the prompt's Markdown (none:
     * a standard registry is made).
     */
    rendermime?: IRenderMimeRegistry | null;
    /**
     * Where the pane sizes are remembered (null: nowhere; default: the
     * browser's localStorage for a candidate, nowhere for an interviewer).
     */
    layoutStore?: ILayoutStore | null;
  }
}
