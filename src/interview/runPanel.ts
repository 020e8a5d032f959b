import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import type * as Y from 'yjs';

import type { Language } from '../api/types';
import { formatLanguage } from '../dashboard/format';
import type { IRunView, IRunAuthor } from '../runner/runLog';
import { RunLog } from '../runner/runLog';
import type { OutputChunk } from '../runner/protocol';
import type { ICodeRunner, ICodeRunners, RunnerState } from '../tokens';
import { nextAnimationFrame } from '../model/schedule';
import { isHexColor } from '../profile/colors';
import { roleBadge } from '../profile/roles';
import { RunGate } from './runGate';

/**
 * Runs shown in the output area (all are kept in the room).
 */
const SHOWN_RUNS = 20;

/**
 * The run area of the interview: Run / Stop, the runner's state (with a
 * progress indicator while the runtime loads), a stdin box and the shared log
 * of runs, which every participant sees live.
 */
export class RunPanel extends Panel {
  constructor(options: RunPanel.IOptions) {
    super();
    this._trans = options.trans;
    this._runners = options.runners;
    this._author = options.author;
    this._getCode = options.getCode;
    this._timeLimitMs = options.timeLimitMs;
    this._warmAfter = options.warmAfter ?? Promise.resolve();
    this._gate = options.gate ?? new RunGate();
    this._gate.changed.connect(this._updateState, this);
    this.log = new RunLog(options.doc);
    this.addClass('jp-DevInterview-slot');
    this.addClass('jp-DevInterview-runArea');
    this.node.dataset.slot = 'runs';
    // A named region: a landmark screen readers can jump to.
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Run output'));

    const bar = new Widget();
    bar.addClass('jp-DevInterview-slotBar');
    const title = document.createElement('div');
    title.className = 'jp-DevInterview-slotTitle';
    title.textContent = this._trans.__('Run');
    this._runButton = button(
      'jp-DevInterview-runButton',
      this._trans.__('Run'),
      this._trans.__('Run the code (Shift+Enter)')
    );
    this._runButton.classList.add('jp-mod-accept');
    this._runButton.addEventListener('click', () => void this.run());
    this._stopButton = button(
      'jp-DevInterview-stopButton',
      this._trans.__('Stop'),
      this._trans.__('Stop the running program')
    );
    this._stopButton.addEventListener('click', () => this.stop());
    this._state = document.createElement('span');
    this._state.className = 'jp-DevInterview-runState';
    this._state.setAttribute('role', 'status');
    this._stdinToggle = button(
      'jp-DevInterview-stdinToggle',
      this._trans.__('Input'),
      this._trans.__('Show or hide the standard input box (Alt+Shift+I)')
    );
    this._stdinToggle.addEventListener('click', () => this.toggleStdin());
    bar.node.append(
      title,
      this._state,
      this._stdinToggle,
      this._runButton,
      this._stopButton
    );

    const body = new Widget();
    body.addClass('jp-DevInterview-runBody');
    this._stdin = document.createElement('textarea');
    this._stdin.className = 'jp-DevInterview-stdin';
    this._stdin.placeholder = this._trans.__(
      'Standard input: one line per input()'
    );
    this._stdin.setAttribute('aria-label', this._trans.__('Standard input'));
    this._stdin.spellcheck = false;
    this._stdin.id = `jp-DevInterview-stdin-${++stdinCount}`;
    this._stdin.addEventListener('input', () => this._updateStdinToggle());
    this._stdinToggle.setAttribute('aria-controls', this._stdin.id);
    this._output = document.createElement('div');
    this._output.className = 'jp-DevInterview-runOutput';
    this._output.setAttribute('role', 'log');
    this._output.setAttribute('aria-live', 'polite');
    this._output.setAttribute('aria-label', this._trans.__('Runs'));
    // A scrolling region must be reachable with the keyboard to be read.
    this._output.tabIndex = 0;
    body.node.append(this._stdin, this._output);
    // Most programs read no input: the box stays out of the way until asked for.
    this._setStdinOpen(false);

    this.addWidget(bar);
    this.addWidget(body);
    // A printing program changes the log every 50 ms: draw once per frame.
    this.log.changed.connect(this._scheduleRender, this);
    this.setLanguage(options.language);
    this._render();
  }

  /**
   * The shared run log.
   */
  readonly log: RunLog;

  /**
   * The runner of the current language (null: not runnable in the browser).
   */
  get runner(): ICodeRunner | null {
    return this._runner;
  }

  /**
   * Whether runs are refused (the interview has ended).
   */
  get readOnly(): boolean {
    return this._readOnly;
  }
  set readOnly(value: boolean) {
    this._readOnly = value;
    this._stdin.readOnly = value;
    this._updateState();
  }

  /**
   * Whether a language change asked by this browser is still on its way into the
   * room: until the room shows it, a run would use the old language.
   */
  get switching(): boolean {
    return this._switching;
  }
  set switching(value: boolean) {
    this._switching = value;
    this._updateState();
  }

  /**
   * Whether the standard input box is shown.
   */
  get stdinOpen(): boolean {
    return this._stdinOpen;
  }

  /**
   * Show or hide the standard input box (`open` unset: toggle). Showing it
   * puts the focus in it; hiding it while it has the focus moves the focus
   * to its toggle. Its text counts for runs either way.
   */
  toggleStdin(open?: boolean): void {
    const next = open ?? !this._stdinOpen;
    const hadFocus = document.activeElement === this._stdin;
    this._setStdinOpen(next);
    if (next) {
      this._stdin.focus();
    } else if (hadFocus) {
      this._stdinToggle.focus();
    }
  }

  /**
   * Put the keyboard focus in the run area: Run when it can run, else the log.
   */
  focus(): void {
    if (!this._runButton.disabled) {
      this._runButton.focus();
    } else {
      this._output.focus();
    }
  }

  /**
   * Follow the session's language, and start its runtime so the first run is fast.
   */
  setLanguage(language: Language): void {
    this._language = language;
    const runner = this._runners?.runnerFor(language) ?? null;
    if (runner !== this._runner) {
      this._runner?.stateChanged.disconnect(this._updateState, this);
      this._runner = runner;
      runner?.stateChanged.connect(this._updateState, this);
    }
    if (runner && !this._readOnly) {
      // After the room has synced: the interview comes first, then Python's
      // start-up (seconds of CPU) takes the spare time.
      void this._warmAfter.then(() => {
        if (!this.isDisposed && this._runner === runner && !this._readOnly) {
          runner.warm();
        }
      });
    }
    this._updateState();
  }

  /**
   * Run the editor's code in this browser; the run goes into the room's log.
   */
  async run(): Promise<void> {
    const runner = this._runner;
    if (!runner || this._readOnly || this._running || this._switching) {
      return;
    }
    const release = this._gate.acquire('run');
    if (!release) {
      return; // the tests are running on the same runner
    }
    this._running = true;
    this._updateState();
    const recorder = this.log.start({
      language: this._language,
      by: this._author,
      code: this._getCode(),
      stdin: this._stdin.value
    });
    try {
      const result = await runner.run({
        code: this._getCode(),
        stdin: this._stdin.value,
        timeLimitMs: this._timeLimitMs,
        onOutput: chunks => recorder.append(chunks)
      });
      recorder.finish(result);
    } catch (error) {
      recorder.append([
        {
          kind: 'text',
          stream: 'system',
          text: `${error instanceof Error ? error.message : String(error)}\n`
        }
      ]);
      recorder.finish({ status: 'failed', durationMs: 0 });
    } finally {
      this._running = false;
      release();
      this._updateState();
    }
  }

  /**
   * Stop the program this browser is running.
   */
  stop(): void {
    if (this._running) {
      this._runner?.stop();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.stop();
    this._cancelRender?.();
    this._runner?.stateChanged.disconnect(this._updateState, this);
    this._gate.changed.disconnect(this._updateState, this);
    this.log.dispose();
    super.dispose();
  }

  private _updateState(): void {
    const runner = this._runner;
    const testing = this._gate.holder === 'tests';
    const state: RunnerState | 'unsupported' = runner
      ? this._running || testing
        ? 'busy'
        : runner.state
      : 'unsupported';
    this.node.dataset.runner = state;
    this._runButton.disabled =
      !runner ||
      this._readOnly ||
      this._running ||
      this._switching ||
      testing ||
      state === 'failed';
    this._stopButton.disabled = !this._running;
    this._state.dataset.state = state;
    this._state.textContent = testing
      ? this._trans.__('Running the tests…')
      : this._stateText(state, runner);
    this._runButton.title = runner
      ? this._trans.__('Run the code (Shift+Enter)')
      : this._state.textContent;
  }

  private _stateText(
    state: RunnerState | 'unsupported',
    runner: ICodeRunner | null
  ): string {
    const name = formatLanguage(this._language);
    if (this._readOnly) {
      return this._trans.__('The interview has ended: running is off.');
    }
    switch (state) {
      case 'unsupported':
        return this._trans.__(
          '%1 cannot run in the browser yet. Python, JavaScript and SQL can.',
          name
        );
      case 'loading':
        return runner?.progress || this._trans.__('Loading %1…', name);
      case 'busy':
        return this._trans.__('Running %1…', name);
      case 'failed':
        return (
          runner?.progress ||
          this._trans.__('%1 could not start in this browser.', name)
        );
      case 'idle':
      case 'ready':
        return this._trans.__('%1 ready', name);
    }
  }

  private _setStdinOpen(open: boolean): void {
    this._stdinOpen = open;
    this._stdin.hidden = !open;
    this.node.dataset.stdin = open ? 'open' : 'closed';
    this._updateStdinToggle();
  }

  private _updateStdinToggle(): void {
    const lines = this._stdin.value
      ? this._stdin.value.replace(/\n$/, '').split('\n').length
      : 0;
    this._stdinToggle.setAttribute('aria-expanded', String(this._stdinOpen));
    // The caret is decoration: out of the accessible name, which starts
    // with the visible word ("Input").
    const caret = document.createElement('span');
    caret.className = 'jp-DevInterview-stdinCaret';
    caret.setAttribute('aria-hidden', 'true');
    this._stdinToggle.replaceChildren(
      caret,
      lines > 0 && !this._stdinOpen
        ? this._trans._n('Input (%1 line)', 'Input (%1 lines)', lines)
        : this._trans.__('Input')
    );
  }

  private _scheduleRender(): void {
    this._cancelRender ??= nextAnimationFrame(() => {
      this._cancelRender = null;
      if (!this.isDisposed) {
        this._render();
      }
    });
  }

  private _render(): void {
    const runs = this.log.runs(SHOWN_RUNS);
    const atBottom =
      this._output.scrollTop + this._output.clientHeight >=
      this._output.scrollHeight - 4;
    this._output.replaceChildren(...runs.map(run => this._renderRun(run)));
    if (runs.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'jp-DevInterview-runEmpty';
      empty.textContent = this._trans.__(
        'Runs appear here for everyone in the interview.'
      );
      this._output.append(empty);
    }
    if (atBottom) {
      this._output.scrollTop = this._output.scrollHeight;
    }
  }

  private _renderRun(run: IRunView): HTMLElement {
    const item = renderRunSection(run, this._statusText(run), this._trans);
    item.append(renderRunOutput(run, this._trans));
    return item;
  }

  private _statusText(run: IRunView): string {
    const seconds =
      run.durationMs === null
        ? ''
        : ` · ${(run.durationMs / 1000).toFixed(2)} s`;
    const labels: Record<string, string> = {
      running: this._trans.__('running…'),
      ok: this._trans.__('finished'),
      error: this._trans.__('error'),
      timeout: this._trans.__('time limit'),
      stopped: this._trans.__('stopped'),
      failed: this._trans.__('could not run')
    };
    return `${labels[run.status] ?? run.status}${seconds}`;
  }

  private _trans: TranslationBundle;
  private _runners: ICodeRunners | null;
  private _author: IRunAuthor;
  private _getCode: () => string;
  private _timeLimitMs: number;
  private _warmAfter: Promise<unknown>;
  private _gate: RunGate;
  private _language: Language = 'python';
  private _runner: ICodeRunner | null = null;
  private _running = false;
  private _switching = false;
  private _cancelRender: (() => void) | null = null;
  private _readOnly = false;
  private _runButton: HTMLButtonElement;
  private _stopButton: HTMLButtonElement;
  private _state: HTMLSpanElement;
  private _stdin: HTMLTextAreaElement;
  private _stdinToggle: HTMLButtonElement;
  private _stdinOpen = false;
  private _output: HTMLDivElement;
}

/**
 * Numbers the stdin boxes of a page (their ids tie them to their toggles).
 */
let stdinCount = 0;

/**
 * A namespace for `RunPanel` statics.
 */
export namespace RunPanel {
  /**
   * The options of the run area.
   */
  export interface IOptions {
    doc: Y.Doc;
    runners: ICodeRunners | null;
    author: IRunAuthor;
    language: Language;
    getCode: () => string;
    timeLimitMs: number;
    trans: TranslationBundle;
    /**
     * Start the runtime only once this resolves (the room has synced).
     */
    warmAfter?: Promise<unknown>;
    /**
     * Shared with the tests area, so only one program runs at a time.
     */
    gate?: RunGate;
  }
}

function button(
  className: string,
  label: string,
  title: string
): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = `${className} jp-mod-styled`;
  element.textContent = label;
  element.title = title;
  return element;
}

/**
 * One output chunk as the run log shows it (also the replay's run log).
 */
/**
 * A run's section with its head (author, language, status): the live run
 * log and the replay show runs alike.
 */
export function renderRunSection(
  run: IRunView,
  statusText: string,
  trans?: TranslationBundle
): HTMLElement {
  const item = document.createElement('section');
  item.className = 'jp-DevInterview-run';
  item.dataset.runId = run.id;
  item.dataset.status = run.status;
  item.dataset.language = run.language;
  const head = document.createElement('div');
  head.className = 'jp-DevInterview-runHead';
  const who = document.createElement('span');
  who.className = 'jp-DevInterview-runAuthor';
  if (isHexColor(run.by.color)) {
    who.style.setProperty('--jp-devinterview-author-color', run.by.color);
  }
  who.textContent = run.by.name;
  // The role as the server signed it (rooms/sync.py), as visible text.
  const badge = roleBadge(run.by.role, trans);
  const what = document.createElement('span');
  what.textContent = formatLanguage(run.language);
  const status = document.createElement('span');
  status.className = 'jp-DevInterview-runStatus';
  status.textContent = statusText;
  head.append(who, ...(badge ? [badge] : []), what, status);
  item.append(head);
  return item;
}

/**
 * The output of a run, chunk by chunk (as text, never markup).
 */
export function renderRunOutput(
  run: IRunView,
  trans: TranslationBundle
): HTMLElement {
  const body = document.createElement('div');
  body.className = 'jp-DevInterview-runText';
  for (const chunk of run.output) {
    body.append(renderChunk(chunk, trans));
  }
  return body;
}

export function renderChunk(
  chunk: OutputChunk,
  trans: TranslationBundle
): HTMLElement {
  if (chunk.kind === 'text') {
    const span = document.createElement('span');
    span.className = `jp-DevInterview-stream jp-mod-${chunk.stream}`;
    span.textContent = chunk.text;
    return span;
  }
  const table = document.createElement('table');
  table.className = 'jp-DevInterview-resultTable';
  const head = table.createTHead().insertRow();
  for (const column of chunk.columns) {
    const th = document.createElement('th');
    th.textContent = column;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of chunk.rows) {
    const tr = body.insertRow();
    for (const cell of row) {
      tr.insertCell().textContent =
        cell === null ? trans.__('NULL') : String(cell);
    }
  }
  if (chunk.truncated) {
    const caption = table.createCaption();
    caption.textContent = trans.__(
      'Only the first %1 rows are shown.',
      chunk.rows.length
    );
  }
  return table;
}
