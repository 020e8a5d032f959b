import type { IEditorServices } from '@jupyterlab/codeeditor';
import { CodeEditor, CodeEditorWrapper } from '@jupyterlab/codeeditor';
import type { CodeMirrorEditor } from '@jupyterlab/codemirror';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, SplitPanel, Widget } from '@lumino/widgets';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

import { formatLanguage, formatStatus } from '../dashboard/format';
import { renderRunOutput, renderRunSection } from '../interview/runPanel';
import type { IRunView } from '../model/document';
import { WHITEBOARD_KEY } from '../model/document';
import { SafeKeyValue } from '../model/keyValue';
import { mimeTypeOf } from '../model/language';
import type { IWhiteboard, IWhiteboardFactory } from '../tokens';
import type { IReplayRecord, IReplayState, IReplayTestRun } from './model';
import { formatClock } from './model';

/**
 * The smallest edit turning `from` into `to`: the common prefix and suffix
 * are kept, so the editor keeps its scroll position and shows what changed.
 */
export function textChange(
  from: string,
  to: string
): { start: number; end: number; insert: string } | null {
  if (from === to) {
    return null;
  }
  let start = 0;
  const shortest = Math.min(from.length, to.length);
  while (start < shortest && from[start] === to[start]) {
    start++;
  }
  let end = 0;
  while (
    end < shortest - start &&
    from[from.length - 1 - end] === to[to.length - 1 - end]
  ) {
    end++;
  }
  return {
    start,
    end: from.length - end,
    insert: to.slice(start, to.length - end)
  };
}

/**
 * What the replay shows of one step: the code in a read-only editor, the
 * whiteboard (the real board, read-only, fed the step's records), the run
 * log and the interviewers' notes of that moment.
 */
export class ReplayView extends Panel {
  constructor(options: ReplayView.IOptions) {
    super();
    this._trans = options.trans;
    const trans = this._trans;
    this.addClass('jp-DevInterview-replayView');

    this._info = new Widget();
    this._info.addClass('jp-DevInterview-replayInfo');
    this._info.node.setAttribute('role', 'status');

    // The code.
    const model = new CodeEditor.Model({ mimeType: mimeTypeOf(null) });
    this._model = model;
    this.editor = new CodeEditorWrapper({
      factory: options.editorServices.factoryService.newDocumentEditor,
      model,
      editorOptions: {
        config: { lineNumbers: true, readOnly: true }
      }
    });
    this.editor.addClass('jp-DevInterview-replayEditor');
    this.editor.disposed.connect(() => model.dispose());
    const code = slot('code', trans.__('Code'), this.editor);

    // The whiteboard, on a document of its own that only this view writes.
    this._boardDoc = new Y.Doc();
    this._records = new SafeKeyValue<unknown>(
      this._boardDoc.getArray<unknown>(WHITEBOARD_KEY)
    );
    let boardWidget: Widget;
    if (options.whiteboard) {
      this._awareness = new Awareness(this._boardDoc);
      this.board = options.whiteboard.create({
        doc: this._boardDoc,
        awareness: this._awareness,
        user: { name: trans.__('Replay'), color: '#888888', role: 'viewer' },
        readOnly: true,
        synced: Promise.resolve(),
        trans
      });
      boardWidget = this.board.widget;
    } else {
      boardWidget = new Widget();
      boardWidget.addClass('jp-DevInterview-slotEmpty');
      boardWidget.node.textContent = trans.__('No whiteboard is installed.');
    }
    this._shapeCount = document.createElement('span');
    this._shapeCount.className = 'jp-DevInterview-replayShapeCount';
    const board = slot('whiteboard', trans.__('Whiteboard'), boardWidget);
    board.widgets[0].node.append(this._shapeCount);

    // The runs.
    this._runsNode = document.createElement('div');
    this._runsNode.className =
      'jp-DevInterview-runOutput jp-DevInterview-replayRuns';
    this._runsNode.setAttribute('aria-label', trans.__('Runs at this moment'));
    const runsBody = new Widget({ node: this._runsNode });
    const runs = slot('runs', trans.__('Runs'), runsBody);

    // The notes.
    this._notesNode = document.createElement('pre');
    this._notesNode.className = 'jp-DevInterview-replayNotes';
    this._notesNode.tabIndex = 0;
    this._notesNode.setAttribute(
      'aria-label',
      trans.__('Private notes at this moment')
    );
    const notes = slot(
      'notes',
      trans.__('Notes (interviewers only)'),
      new Widget({ node: this._notesNode })
    );

    const top = new SplitPanel({ orientation: 'horizontal', spacing: 1 });
    top.addClass('jp-DevInterview-replayTop');
    top.addWidget(code);
    top.addWidget(board);
    const bottom = new SplitPanel({ orientation: 'horizontal', spacing: 1 });
    bottom.addClass('jp-DevInterview-replayBottom');
    bottom.addWidget(runs);
    bottom.addWidget(notes);
    const main = new SplitPanel({ orientation: 'vertical', spacing: 1 });
    main.addClass('jp-DevInterview-replayMain');
    main.addWidget(top);
    main.addWidget(bottom);
    main.setRelativeSizes([3, 2]);
    top.setRelativeSizes([3, 2]);
    bottom.setRelativeSizes([3, 2]);

    this.addWidget(this._info);
    this.addWidget(main);
    this.setState(null);
  }

  /**
   * The read-only code editor.
   */
  readonly editor: CodeEditorWrapper;

  /**
   * The whiteboard (null without a whiteboard engine).
   */
  readonly board: IWhiteboard | null = null;

  /**
   * The state shown, or null.
   */
  get state(): IReplayState | null {
    return this._state;
  }

  /**
   * The code shown.
   */
  get code(): string {
    return this._model.sharedModel.getSource();
  }

  /**
   * The whiteboard records shown, by id.
   */
  get records(): ReadonlyMap<string, unknown> {
    return new Map([...this._records.map].map(([key, e]) => [key, e.val]));
  }

  /**
   * Show the room as it was after one step (null: nothing yet).
   */
  setState(state: IReplayState | null): void {
    this._state = state;
    this.node.dataset.step = state ? String(state.step) : '';
    this._renderInfo(state);
    this._setCode(state?.code ?? '', state?.language ?? null);
    this._setRecords(state?.whiteboard ?? []);
    this._renderRuns(state?.runs ?? [], state?.testRuns ?? []);
    const notes = state?.notes ?? '';
    this._notesNode.textContent =
      notes || this._trans.__('No notes at this moment.');
    this._notesNode.classList.toggle('jp-mod-empty', !notes);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.board?.dispose();
    this._records.destroy();
    this._awareness?.destroy();
    this._boardDoc.destroy();
    super.dispose();
  }

  private _renderInfo(state: IReplayState | null): void {
    const trans = this._trans;
    if (!state) {
      this._info.node.textContent = trans.__('Loading the replay…');
      return;
    }
    const parts = [
      trans.__('At %1', formatClock(state.at_ms)),
      state.language ? formatLanguage(state.language) : null,
      state.status === 'scheduled' ||
      state.status === 'active' ||
      state.status === 'terminated'
        ? formatStatus(state.status, trans)
        : null,
      state.questionTitle ? trans.__('Question: %1', state.questionTitle) : null
    ];
    this._info.node.textContent = parts.filter(Boolean).join(' · ');
  }

  private _setCode(code: string, language: string | null): void {
    const shared = this._model.sharedModel;
    const change = textChange(shared.getSource(), code);
    if (change) {
      shared.updateSource(change.start, change.end, change.insert);
    }
    // Without JupyterLab's Yjs binding (a bare editor factory) the editor
    // does not follow its model: give it the same edit.
    const view = (this.editor.editor as Partial<CodeMirrorEditor>).editor;
    if (view) {
      const shown = view.state.doc.toString();
      const edit = textChange(shown, code);
      if (edit) {
        view.dispatch({
          changes: { from: edit.start, to: edit.end, insert: edit.insert }
        });
      }
    }
    const mimeType = mimeTypeOf(language);
    if (this._model.mimeType !== mimeType) {
      this._model.mimeType = mimeType;
    }
  }

  /**
   * Make the board's records those of the step: only the records that
   * changed are written, so the board redraws only them.
   */
  private _setRecords(records: readonly IReplayRecord[]): void {
    const wanted = new Map<string, { val: unknown; text: string }>();
    for (const record of records) {
      wanted.set(record.key, {
        val: record.val,
        text: JSON.stringify(record.val)
      });
    }
    this._boardDoc.transact(() => {
      for (const key of [...this._records.map.keys()]) {
        if (!wanted.has(key)) {
          this._records.delete(key);
        }
      }
      for (const [key, { val, text }] of wanted) {
        if (this._recordText.get(key) !== text || !this._records.has(key)) {
          this._records.set(key, val);
        }
      }
    });
    this._recordText.clear();
    for (const [key, { text }] of wanted) {
      this._recordText.set(key, text);
    }
    const shapes = records.filter(r => r.key.startsWith('shape:')).length;
    this._shapeCount.textContent = this._trans._n(
      '%1 shape',
      '%1 shapes',
      shapes
    );
  }

  private _renderRuns(
    runs: readonly IRunView[],
    testRuns: readonly IReplayTestRun[]
  ): void {
    const trans = this._trans;
    const items: HTMLElement[] = runs.map(run => this._renderRun(run));
    for (const testRun of testRuns) {
      const item = document.createElement('div');
      item.className = 'jp-DevInterview-replayTestRun';
      item.dataset.status = testRun.status;
      item.textContent = trans.__(
        'Tests by %1: %2/%3 passed (%4)',
        testRun.by.name,
        testRun.passed,
        testRun.total,
        testRun.status
      );
      items.push(item);
    }
    if (items.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'jp-DevInterview-runEmpty';
      empty.textContent = trans.__('No runs yet at this moment.');
      items.push(empty);
    }
    this._runsNode.replaceChildren(...items);
    this._runsNode.scrollTop = this._runsNode.scrollHeight;
  }

  private _renderRun(run: IRunView): HTMLElement {
    const trans = this._trans;
    const seconds =
      run.durationMs === null
        ? ''
        : ` · ${(run.durationMs / 1000).toFixed(2)} s`;
    const item = renderRunSection(
      run,
      `${runStatusLabel(run.status, trans)}${seconds}`,
      trans
    );
    const code = document.createElement('details');
    code.className = 'jp-DevInterview-replayRunCode';
    const summary = document.createElement('summary');
    summary.textContent = trans.__('Code of this run');
    const pre = document.createElement('pre');
    pre.textContent = run.code;
    code.append(summary, pre);
    item.append(code, renderRunOutput(run, trans));
    return item;
  }

  private _trans: TranslationBundle;
  private _model: CodeEditor.Model;
  private _info: Widget;
  private _boardDoc: Y.Doc;
  private _awareness: Awareness | null = null;
  private _records: SafeKeyValue<unknown>;
  private _recordText = new Map<string, string>();
  private _shapeCount: HTMLSpanElement;
  private _runsNode: HTMLDivElement;
  private _notesNode: HTMLPreElement;
  private _state: IReplayState | null = null;
}

/**
 * A namespace for `ReplayView` statics.
 */
export namespace ReplayView {
  export interface IOptions {
    editorServices: IEditorServices;
    /**
     * The whiteboard engine (none: the board's slot says so).
     */
    whiteboard: IWhiteboardFactory | null;
    trans: TranslationBundle;
  }
}

/**
 * The label of a run status, as the run log shows it.
 */
function runStatusLabel(status: string, trans: TranslationBundle): string {
  const labels: Record<string, string> = {
    running: trans.__('running…'),
    ok: trans.__('finished'),
    error: trans.__('error'),
    timeout: trans.__('time limit'),
    stopped: trans.__('stopped'),
    failed: trans.__('could not run')
  };
  return labels[status] ?? status;
}

/**
 * A titled slot of the layout around `body`.
 */
function slot(name: string, title: string, body: Widget): Panel {
  const panel = new Panel();
  panel.addClass('jp-DevInterview-slot');
  panel.addClass('jp-DevInterview-replaySlot');
  panel.node.dataset.slot = name;
  panel.node.setAttribute('role', 'region');
  panel.node.setAttribute('aria-label', title);
  const bar = new Widget();
  bar.addClass('jp-DevInterview-slotBar');
  const heading = document.createElement('div');
  heading.className = 'jp-DevInterview-slotTitle';
  heading.textContent = title;
  bar.node.append(heading);
  panel.addWidget(bar);
  panel.addWidget(body);
  return panel;
}
