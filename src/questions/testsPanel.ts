import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import type * as Y from 'yjs';

import type { Language } from '../api/types';
import { formatLanguage } from '../dashboard/format';
import type { RunGate } from '../interview/runGate';
import type { IRunAuthor } from '../model/document';
import { nextAnimationFrame } from '../model/schedule';
import { roleBadge } from '../profile/roles';
import type { ICodeRunner, ICodeRunners } from '../tokens';
import type {
  ICaseResult,
  IQuestionTest,
  IRoomQuestion,
  ITestRunView,
  TestRunStatus
} from './model';
import { QUESTION_KEY, readQuestion } from './model';
import { TestRunLog } from './testLog';
import { canRunTests, runTests, testInput } from './testRunner';

/**
 * A test run as the panel shows it: the room's latest, or the interviewer's
 * hidden one (which only this browser has).
 */
interface IShownRun {
  status: TestRunStatus;
  total: number;
  results: readonly ICaseResult[];
  language: string;
  by?: IRunAuthor;
}

/**
 * The tests area of the interview: "Run tests" runs the question's visible
 * tests against the current code in this browser and writes each case's
 * result into the room, so everyone sees "k/n passed" and every case live.
 *
 * Interviewers also get "Run hidden tests": the hidden tests come from the
 * REST API (never from the room), run here, and their results stay in this
 * panel, never in the room. A candidate's panel has no such control at all.
 */
export class TestsPanel extends Panel {
  constructor(options: TestsPanel.IOptions) {
    super();
    this._trans = options.trans;
    this._runners = options.runners;
    this._author = options.author;
    this._getCode = options.getCode;
    this._gate = options.gate;
    this._hiddenTests = options.hiddenTests ?? null;
    this._question = options.doc.getMap<unknown>(QUESTION_KEY);
    this.log = new TestRunLog(options.doc);
    this.addClass('jp-DevInterview-slot');
    this.addClass('jp-DevInterview-testsArea');
    this.node.dataset.slot = 'tests';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Tests'));

    const bar = new Widget();
    bar.addClass('jp-DevInterview-slotBar');
    const title = document.createElement('div');
    title.className = 'jp-DevInterview-slotTitle';
    title.textContent = this._trans.__('Tests');
    this._state = document.createElement('span');
    this._state.className = 'jp-DevInterview-testState';
    this._runButton = button(
      'jp-DevInterview-runTests',
      this._trans.__('Run tests'),
      this._trans.__(
        'Run the visible tests against the code; everyone sees the results'
      )
    );
    this._runButton.classList.add('jp-mod-accept');
    this._runButton.addEventListener('click', () => void this.runTests());
    this._stopButton = button(
      'jp-DevInterview-stopTests',
      this._trans.__('Stop'),
      this._trans.__('Stop the tests')
    );
    this._stopButton.addEventListener('click', () => this.stop());
    bar.node.append(title, this._state, this._runButton, this._stopButton);
    if (this._hiddenTests) {
      this._hiddenButton = button(
        'jp-DevInterview-runHiddenTests',
        this._trans.__('Run hidden tests'),
        this._trans.__(
          'Run the hidden tests here; only interviewers see the results'
        )
      );
      this._hiddenButton.addEventListener(
        'click',
        () => void this.runHiddenTests()
      );
      bar.node.append(this._hiddenButton);
    }

    const body = new Widget();
    body.addClass('jp-DevInterview-testsBody');
    this._error = document.createElement('div');
    this._error.className = 'jp-DevInterview-testsError';
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;
    this._shared = document.createElement('section');
    this._shared.className = 'jp-DevInterview-testResults';
    this._shared.setAttribute('aria-label', this._trans.__('Test results'));
    body.node.append(this._error, this._shared);
    if (this._hiddenTests) {
      this._hidden = document.createElement('section');
      this._hidden.className = 'jp-DevInterview-hiddenTests';
      this._hidden.hidden = true;
      body.node.append(this._hidden);
    }

    this.addWidget(bar);
    this.addWidget(body);
    this.log.changed.connect(this._scheduleRender, this);
    this._question.observeDeep(this._onQuestion);
    this._gate.changed.connect(this._updateState, this);
    this._language = options.language;
    this.setLanguage(options.language);
    this._onQuestion();
  }

  /**
   * The room's test runs.
   */
  readonly log: TestRunLog;

  /**
   * Whether the interview has ended (no runs).
   */
  get readOnly(): boolean {
    return this._readOnly;
  }
  set readOnly(value: boolean) {
    this._readOnly = value;
    this._updateState();
  }

  /**
   * Whether a language change is on its way into the room (see RunPanel).
   */
  get switching(): boolean {
    return this._switching;
  }
  set switching(value: boolean) {
    this._switching = value;
    this._updateState();
  }

  /**
   * Follow the room's language.
   */
  setLanguage(language: Language): void {
    this._language = language;
    const runner = this._runners?.runnerFor(language) ?? null;
    if (runner !== this._runner) {
      this._runner?.stateChanged.disconnect(this._updateState, this);
      this._runner = runner;
      runner?.stateChanged.connect(this._updateState, this);
    }
    this._updateState();
  }

  /**
   * Run the visible tests of the room's question; the results go into the room.
   */
  async runTests(): Promise<void> {
    const question = readQuestion(this._question);
    const runner = this._runner;
    if (!question || !runner || this._refusal(question.tests) !== null) {
      return;
    }
    const release = this._gate.acquire('tests');
    if (!release) {
      return;
    }
    const language = this._language;
    const tests = question.tests;
    const recorder = this.log.start({
      by: this._author,
      language,
      question: question.id,
      total: tests.length
    });
    const abort = new AbortController();
    this._abort = abort;
    this._showError(null);
    this._updateState();
    try {
      const results = await runTests(runner, {
        language,
        code: this._getCode(),
        tests,
        onCase: (_index, result) => recorder.addResult(result),
        signal: abort.signal
      });
      recorder.finish(results.length < tests.length ? 'stopped' : 'done');
    } catch (error) {
      recorder.finish('failed');
      this._showError(error);
    } finally {
      this._abort = null;
      release();
      this._updateState();
    }
  }

  /**
   * Run the hidden tests (interviewers): fetched from the server, run here,
   * shown here only. Nothing of them is written to the room. They run on a
   * runner made for this run and closed after it, never on the shared one:
   * code run earlier in this browser (the candidate's, through the room) may
   * have left hooks in the shared interpreter that would see their input.
   */
  async runHiddenTests(): Promise<void> {
    const source = this._hiddenTests;
    const question = readQuestion(this._question);
    if (
      !source ||
      !question ||
      !this._runner ||
      this._refusal(null) !== null ||
      this._loadingHidden
    ) {
      return;
    }
    const language = this._language;
    const runner = this._runners?.freshRunnerFor(language) ?? null;
    if (!runner) {
      return;
    }
    const release = this._gate.acquire('tests');
    if (!release) {
      runner.dispose();
      return;
    }
    const abort = new AbortController();
    this._abort = abort;
    this._loadingHidden = true;
    this._hiddenRunner = runner;
    runner.stateChanged.connect(this._updateState, this);
    // The runtime starts while the tests download.
    runner.warm();
    this._showError(null);
    this._updateState();
    try {
      const tests = await source();
      this._loadingHidden = false;
      if (abort.signal.aborted || this.isDisposed) {
        return;
      }
      const run = {
        questionId: question.id,
        status: 'running' as TestRunStatus,
        total: tests.length,
        results: [] as ICaseResult[],
        language
      };
      this._hiddenRun = run;
      this._renderHidden();
      try {
        const results = await runTests(runner, {
          language,
          code: this._getCode(),
          tests,
          onCase: (_index, result) => {
            run.results = [...run.results, result];
            this._renderHidden();
          },
          signal: abort.signal
        });
        run.status = results.length < tests.length ? 'stopped' : 'done';
      } catch (error) {
        run.status = 'failed';
        throw error;
      } finally {
        this._renderHidden();
      }
    } catch (error) {
      this._showError(error);
    } finally {
      this._loadingHidden = false;
      this._abort = null;
      this._hiddenRunner = null;
      runner.stateChanged.disconnect(this._updateState, this);
      runner.dispose();
      release();
      this._updateState();
    }
  }

  /**
   * Stop the tests this browser is running.
   */
  stop(): void {
    this._abort?.abort();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.stop();
    this._cancelRender?.();
    this._question.unobserveDeep(this._onQuestion);
    this._runner?.stateChanged.disconnect(this._updateState, this);
    this._gate.changed.disconnect(this._updateState, this);
    this.log.dispose();
    super.dispose();
  }

  /**
   * Why tests cannot run now (null: they can). `tests` are the visible tests
   * (checked for an input in the language); null asks for the hidden ones,
   * which may still run after the interview ended, for grading: their
   * results are not written to the (then read-only) room.
   */
  private _refusal(tests: readonly IQuestionTest[] | null): string | null {
    const name = formatLanguage(this._language);
    if (this._readOnly && tests !== null) {
      return this._trans.__('The interview has ended: running is off.');
    }
    if (!readQuestion(this._question)) {
      return this._trans.__('No question for this interview');
    }
    if (!canRunTests(this._language) || !this._runner) {
      return this._trans.__(
        'Tests run in Python, JavaScript and SQL, not in %1.',
        name
      );
    }
    if (tests !== null) {
      if (tests.length === 0) {
        return this._trans.__('This question has no visible tests.');
      }
      if (!tests.some(test => testInput(test, this._language) !== null)) {
        return this._trans.__('The tests have no input for %1.', name);
      }
    }
    if (this._switching) {
      return this._trans.__('Switching the language…');
    }
    if (this._gate.holder === 'run') {
      return this._trans.__('A program is running.');
    }
    if (this._runner.state === 'failed') {
      return (
        this._runner.progress ||
        this._trans.__('%1 could not start in this browser.', name)
      );
    }
    return null;
  }

  private _updateState(): void {
    if (this.isDisposed) {
      return;
    }
    const question = readQuestion(this._question);
    const testing = this._gate.holder === 'tests';
    const refusal = this._refusal(question?.tests ?? []);
    this._runButton.disabled = testing || refusal !== null;
    this._runButton.title =
      refusal ??
      this._trans.__(
        'Run the visible tests against the code; everyone sees the results'
      );
    this._stopButton.hidden = !testing || this._abort === null;
    if (this._hiddenButton) {
      const hiddenRefusal = this._refusal(null);
      this._hiddenButton.disabled = testing || hiddenRefusal !== null;
      this._hiddenButton.title =
        hiddenRefusal ??
        this._trans.__(
          'Run the hidden tests here; only interviewers see the results'
        );
    }
    const hiddenRunner = this._hiddenRunner;
    this._state.textContent = testing
      ? this._loadingHidden
        ? this._trans.__('Loading the hidden tests…')
        : hiddenRunner?.state === 'loading' || hiddenRunner?.state === 'idle'
          ? this._trans.__('Starting a fresh runtime for the hidden tests…')
          : this._trans.__('Running the tests…')
      : question && refusal && question.tests.length > 0
        ? refusal
        : '';
    this.node.dataset.testing = testing ? 'true' : 'false';
  }

  private _showError(error: unknown): void {
    this._error.textContent =
      error === null
        ? ''
        : error instanceof Error
          ? error.message
          : String(error);
    this._error.hidden = error === null;
  }

  private _onQuestion = (): void => {
    const question = readQuestion(this._question);
    if (this._hiddenRun && this._hiddenRun.questionId !== question?.id) {
      // Results of another question's hidden tests would mislead.
      this._hiddenRun = null;
      this._renderHidden();
    }
    this._updateState();
    this._scheduleRender();
  };

  private _scheduleRender(): void {
    this._cancelRender ??= nextAnimationFrame(() => {
      this._cancelRender = null;
      if (!this.isDisposed) {
        this._render();
      }
    });
  }

  /**
   * Draw the room's latest test run of the current question now (tests call
   * it instead of waiting for a frame).
   */
  render(): void {
    this._cancelRender?.();
    this._cancelRender = null;
    this._render();
  }

  private _render(): void {
    const question = readQuestion(this._question);
    const latest = latestRun(this.log.runs, question);
    const nodes: HTMLElement[] = [];
    if (!question) {
      nodes.push(
        empty(
          this._trans.__('Tests appear here when the interview has a question.')
        )
      );
    } else if (question.tests.length === 0) {
      nodes.push(empty(this._trans.__('This question has no visible tests.')));
    } else if (!latest) {
      nodes.push(
        empty(
          this._trans._n(
            '%1 test. Run them to see the results here, for everyone.',
            '%1 tests. Run them to see the results here, for everyone.',
            question.tests.length
          )
        )
      );
    } else {
      nodes.push(
        ...this._renderRun(latest, 'jp-DevInterview-testSummary', 'h3')
      );
    }
    this._shared.replaceChildren(...nodes);
    this._updateState();
  }

  private _renderHidden(): void {
    const section = this._hidden;
    if (!section) {
      return;
    }
    const run = this._hiddenRun;
    section.hidden = run === null;
    if (!run) {
      section.replaceChildren();
      return;
    }
    const heading = document.createElement('h3');
    heading.className = 'jp-DevInterview-hiddenTestsTitle';
    heading.textContent = this._trans.__(
      'Hidden tests (only interviewers see this)'
    );
    const nodes: HTMLElement[] = [heading];
    if (run.total === 0) {
      nodes.push(empty(this._trans.__('This question has no hidden tests.')));
    } else {
      nodes.push(
        ...this._renderRun(run, 'jp-DevInterview-hiddenTestSummary', 'h4')
      );
    }
    section.replaceChildren(...nodes);
  }

  /**
   * The summary line ("3/5 passed", a live status) and the cases of a run.
   */
  private _renderRun(
    run: IShownRun,
    summaryClass: string,
    level: 'h3' | 'h4'
  ): HTMLElement[] {
    const passed = run.results.filter(r => r.status === 'pass').length;
    const summary = document.createElement(level);
    summary.className = summaryClass;
    summary.setAttribute('role', 'status');
    summary.dataset.status = run.status;
    summary.dataset.passed = String(passed);
    summary.dataset.total = String(run.total);
    summary.textContent = this._summaryText(run, passed);
    const finished = run.status !== 'running';
    summary.classList.toggle(
      'jp-mod-allPassed',
      finished && run.total > 0 && passed === run.total
    );
    summary.classList.toggle(
      'jp-mod-someFailed',
      finished && passed < run.total
    );
    const meta = document.createElement('div');
    meta.className = 'jp-DevInterview-testMeta';
    if (run.by) {
      const who = document.createElement('span');
      who.className = 'jp-DevInterview-runAuthor';
      who.style.setProperty('--jp-devinterview-author-color', run.by.color);
      who.textContent = run.by.name;
      const badge = roleBadge(run.by.role, this._trans);
      meta.append(who, ...(badge ? [' ', badge] : []), ' · ');
    }
    meta.append(document.createTextNode(formatLanguage(run.language)));
    const list = document.createElement('ol');
    list.className = 'jp-DevInterview-testCases';
    for (const result of run.results) {
      list.append(this._renderCase(result));
    }
    return [summary, meta, list];
  }

  private _summaryText(run: IShownRun, passed: number): string {
    switch (run.status) {
      case 'running':
        return this._trans.__(
          'Running tests: %1 of %2 done',
          run.results.length,
          run.total
        );
      case 'stopped':
        return this._trans.__('%1/%2 passed (stopped)', passed, run.total);
      case 'failed':
        return this._trans.__(
          '%1/%2 passed (the run failed)',
          passed,
          run.total
        );
      case 'done':
      default:
        return this._trans.__('%1/%2 passed', passed, run.total);
    }
  }

  private _renderCase(result: ICaseResult): HTMLElement {
    const item = document.createElement('li');
    item.className = 'jp-DevInterview-testCase';
    item.dataset.status = result.status;
    const head = document.createElement('div');
    head.className = 'jp-DevInterview-testCaseHead';
    const icon = document.createElement('span');
    icon.className = 'jp-DevInterview-testIcon';
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = STATUS_ICONS[result.status] ?? '?';
    const name = document.createElement('span');
    name.className = 'jp-DevInterview-testName';
    name.textContent = result.name;
    const status = document.createElement('span');
    status.className = 'jp-DevInterview-testStatus';
    status.textContent = this._statusText(result);
    head.append(icon, name, status);
    const fields = document.createElement('dl');
    fields.className = 'jp-DevInterview-testFields';
    const field = (label: string, value: string | null) => {
      if (value === null || value === '') {
        return;
      }
      const term = document.createElement('dt');
      term.textContent = label;
      const text = document.createElement('dd');
      const code = document.createElement('pre');
      code.textContent = value;
      text.append(code);
      fields.append(term, text);
    };
    field(this._trans.__('Input'), result.input);
    field(this._trans.__('Expected'), result.expected);
    field(this._trans.__('Actual'), result.actual);
    field(this._trans.__('Error'), result.error);
    item.append(head, fields);
    return item;
  }

  private _statusText(result: ICaseResult): string {
    const seconds = ` · ${(result.durationMs / 1000).toFixed(2)} s`;
    switch (result.status) {
      case 'pass':
        return this._trans.__('passed') + seconds;
      case 'fail':
        return this._trans.__('failed') + seconds;
      case 'error':
        return this._trans.__('error') + seconds;
      case 'timeout':
        return this._trans.__('time limit') + seconds;
      default:
        return String(result.status);
    }
  }

  private _trans: TranslationBundle;
  private _runners: ICodeRunners | null;
  private _runner: ICodeRunner | null = null;
  private _author: IRunAuthor;
  private _getCode: () => string;
  private _gate: RunGate;
  private _hiddenTests: (() => Promise<IQuestionTest[]>) | null;
  private _question: Y.Map<unknown>;
  private _language: Language;
  private _readOnly = false;
  private _switching = false;
  private _abort: AbortController | null = null;
  private _loadingHidden = false;
  private _hiddenRunner: ICodeRunner | null = null;
  private _hiddenRun: (IShownRun & { questionId: string }) | null = null;
  private _cancelRender: (() => void) | null = null;
  private _state: HTMLSpanElement;
  private _runButton: HTMLButtonElement;
  private _stopButton: HTMLButtonElement;
  private _hiddenButton: HTMLButtonElement | null = null;
  private _error: HTMLDivElement;
  private _shared: HTMLElement;
  private _hidden: HTMLElement | null = null;
}

/**
 * A namespace for `TestsPanel` statics.
 */
export namespace TestsPanel {
  /**
   * The options of the tests area.
   */
  export interface IOptions {
    /**
     * The room's document (`question`, `testRuns`).
     */
    doc: Y.Doc;
    runners: ICodeRunners | null;
    /**
     * Who runs the tests (written with each test run).
     */
    author: IRunAuthor;
    /**
     * The room's language now.
     */
    language: Language;
    /**
     * The code to test (the editor's, now).
     */
    getCode: () => string;
    /**
     * Shared with the run area: one program at a time.
     */
    gate: RunGate;
    trans: TranslationBundle;
    /**
     * Interviewers only: fetches the hidden tests (from the REST API). Without
     * it the panel has no hidden-tests control.
     */
    hiddenTests?: (() => Promise<IQuestionTest[]>) | null;
  }
}

/**
 * The icons of the case statuses (the status is also written out).
 */
const STATUS_ICONS: Record<string, string> = {
  pass: '✓',
  fail: '✗',
  error: '⚠',
  timeout: '⏱'
};

/**
 * The newest test run of the current question (older questions' runs stay in
 * the room for review but are not what the panel shows).
 */
export function latestRun(
  runs: readonly ITestRunView[],
  question: IRoomQuestion | null
): ITestRunView | null {
  if (!question) {
    return null;
  }
  for (let i = runs.length - 1; i >= 0; i--) {
    if (runs[i].question === question.id) {
      return runs[i];
    }
  }
  return null;
}

function empty(text: string): HTMLElement {
  const node = document.createElement('div');
  node.className = 'jp-DevInterview-testsEmpty';
  node.textContent = text;
  return node;
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
