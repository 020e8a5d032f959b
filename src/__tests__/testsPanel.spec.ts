/**
 * The tests area on real Y.Docs with a FAKE runner (it answers each case's
 * program with the harness's marker line): results shared through the room,
 * hidden tests kept out of it, and what a candidate's panel lacks.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import * as Y from 'yjs';

import type { Language } from '../api/types';
import { RunGate } from '../interview/runGate';
import type { IQuestionTest } from '../questions/model';
import { QUESTION_KEY, TEST_RUNS_KEY } from '../questions/model';
import { TestRunLog } from '../questions/testLog';
import { TestsPanel } from '../questions/testsPanel';
import type {
  ICodeRunner,
  ICodeRunners,
  IRunOptions,
  IRunResult,
  RunnerState
} from '../tokens';

const trans = nullTranslator.load('devinterview_jupyter');
const MARK = '\x1e';
const flush = () => new Promise(resolve => setTimeout(resolve, 0));

/**
 * FAKE runner: prints, as the harness would (it knows the nonce), the value
 * 3 when the case's program contains "good", else 4; the page compares it
 * with the expected value.
 */
class FakeRunner implements ICodeRunner {
  readonly state: RunnerState = 'ready';
  readonly stateChanged: Signal<ICodeRunner, RunnerState> = new Signal<
    ICodeRunner,
    RunnerState
  >(this);
  readonly progress = '';
  readonly programs: string[] = [];
  isDisposed = false;
  warm(): void {
    /* ready already */
  }
  async run(options: IRunOptions): Promise<IRunResult> {
    this.programs.push(options.code);
    const nonce = /\\u001e([0-9a-f]{32})/.exec(options.code)![1];
    const pass = options.code.includes('good');
    await flush();
    options.onOutput([
      {
        kind: 'text',
        stream: 'stdout',
        text: `${MARK}${nonce}${JSON.stringify({ actual: pass ? '3' : '4' })}\n`
      }
    ]);
    return { status: 'ok', durationMs: 5 };
  }
  stop(): void {
    /* cases end at once */
  }
  dispose(): void {
    this.isDisposed = true;
  }
}

const VISIBLE: IQuestionTest[] = [
  { name: 'adds', input: { python: 'add_good(1, 2)' }, expected: 3 },
  { name: 'adds again', input: { python: 'add(2, 2)' }, expected: 3 }
];

const HIDDEN: IQuestionTest[] = [
  {
    name: 'SECRET-CASE-1',
    input: { python: 'good_secret_input(7)' },
    expected: 3
  },
  { name: 'SECRET-CASE-2', input: { python: 'secret_other(8)' }, expected: 3 },
  {
    name: 'SECRET-CASE-3',
    input: { python: 'good_secret_third(9)' },
    expected: 3
  }
];

function giveQuestion(doc: Y.Doc, tests: IQuestionTest[] = VISIBLE): void {
  const map = doc.getMap<unknown>(QUESTION_KEY);
  doc.transact(() => {
    map.set('id', 'sq-1');
    map.set('title', 'Add');
    map.set('difficulty', 'easy');
    map.set('language', 'python');
    map.set('prompt', 'Add two numbers.');
    map.set('parts', []);
    map.set('starter', {});
    map.set('tests', tests);
  });
}

/**
 * Two participants' documents, each update passed to the other at once (as
 * through the server).
 */
function linkedDocs(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') {
      Y.applyUpdate(b, update, 'remote');
    }
  });
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') {
      Y.applyUpdate(a, update, 'remote');
    }
  });
  return [a, b];
}

describe('TestsPanel', () => {
  const runner = new FakeRunner();
  // Runners made for one run (hidden tests), newest last.
  const fresh: FakeRunner[] = [];
  const runners: ICodeRunners = {
    runnerFor: (language: Language) =>
      language === 'python' || language === 'javascript' ? runner : null,
    freshRunnerFor: (language: Language) => {
      if (language !== 'python' && language !== 'javascript') {
        return null;
      }
      const made = new FakeRunner();
      fresh.push(made);
      return made;
    }
  };
  const panels: TestsPanel[] = [];

  function panel(
    doc: Y.Doc,
    options: Partial<TestsPanel.IOptions> = {}
  ): TestsPanel {
    const created = new TestsPanel({
      doc,
      runners,
      author: { name: 'Ada', color: '#123456', role: 'interviewer' },
      language: 'python',
      getCode: () => 'def add(a, b):\n    return a + b\n',
      gate: new RunGate(),
      trans,
      ...options
    });
    Widget.attach(created, document.body);
    panels.push(created);
    return created;
  }

  function q<T extends HTMLElement = HTMLElement>(
    from: TestsPanel,
    selector: string
  ): T | null {
    return from.node.querySelector<T>(selector);
  }

  afterEach(() => {
    while (panels.length) {
      panels.pop()!.dispose();
    }
    runner.programs.length = 0;
    fresh.length = 0;
  });

  it("shows k/n passed from the room's test runs", () => {
    const doc = new Y.Doc();
    giveQuestion(doc);
    const view = panel(doc);
    const recorder = new TestRunLog(doc).start({
      by: { name: 'Bob', color: '#654321', role: 'candidate' },
      language: 'python',
      question: 'sq-1',
      total: 2
    });
    recorder.addResult({
      name: 'adds',
      status: 'pass',
      input: 'add(1, 2)',
      expected: '3',
      actual: '3',
      error: null,
      durationMs: 4
    });
    view.render();
    expect(q(view, '.jp-DevInterview-testSummary')!.textContent).toBe(
      'Running tests: 1 of 2 done'
    );
    recorder.addResult({
      name: 'adds again',
      status: 'error',
      input: 'add(2, 2)',
      expected: '3',
      actual: null,
      error: 'NameError: add',
      durationMs: 4
    });
    recorder.finish('done');
    view.render();
    const summary = q(view, '.jp-DevInterview-testSummary')!;
    expect(summary.textContent).toBe('1/2 passed');
    expect(summary.getAttribute('role')).toBe('status');
    const cases = view.node.querySelectorAll<HTMLElement>(
      '.jp-DevInterview-testCase'
    );
    expect(Array.from(cases, c => c.dataset.status)).toEqual(['pass', 'error']);
    expect(cases[1].textContent).toContain('adds again');
    expect(cases[1].textContent).toContain('error');
    expect(cases[1].textContent).toContain('add(2, 2)');
    expect(cases[1].textContent).toContain('NameError: add');
    expect(q(view, '.jp-DevInterview-testMeta')!.textContent).toContain('Bob');
  });

  it('runs the visible tests and every participant sees the results live', async () => {
    const [mine, theirs] = linkedDocs();
    giveQuestion(mine);
    const me = panel(mine);
    const them = panel(theirs, {
      author: { name: 'Bob', color: '#654321', role: 'candidate' }
    });
    const button = q<HTMLButtonElement>(me, '.jp-DevInterview-runTests')!;
    expect(button.disabled).toBe(false);
    button.click();
    await flush();
    expect(button.disabled).toBe(true); // while the tests run
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(runner.programs).toHaveLength(2);
    expect(runner.programs[0]).toContain('def add(a, b)');

    me.render();
    them.render();
    for (const view of [me, them]) {
      expect(q(view, '.jp-DevInterview-testSummary')!.textContent).toBe(
        '1/2 passed'
      );
      expect(
        Array.from(
          view.node.querySelectorAll<HTMLElement>('.jp-DevInterview-testCase'),
          c => c.dataset.status
        )
      ).toEqual(['pass', 'fail']);
    }
    expect(them.log.runs[0].by.name).toBe('Ada');
    expect(button.disabled).toBe(false);
  });

  it('has no hidden-tests control without a hidden-tests source (candidates)', () => {
    const doc = new Y.Doc();
    giveQuestion(doc);
    const view = panel(doc, {
      author: { name: 'Bob', color: '#654321', role: 'candidate' }
    });
    expect(q(view, '.jp-DevInterview-runHiddenTests')).toBeNull();
    expect(q(view, '.jp-DevInterview-hiddenTests')).toBeNull();
    expect(view.node.textContent).not.toContain('Hidden');
  });

  it('runs hidden tests locally and never writes them into the room', async () => {
    const [mine, theirs] = linkedDocs();
    giveQuestion(mine);
    let fetched = 0;
    const me = panel(mine, {
      hiddenTests: async () => {
        fetched++;
        return HIDDEN;
      }
    });
    const them = panel(theirs);
    const before = mine.getArray(TEST_RUNS_KEY).length;

    await me.runHiddenTests();
    expect(fetched).toBe(1);
    // On a runner made for this run, closed after it; none on the shared one
    // (where earlier programs may have left hooks).
    expect(runner.programs).toHaveLength(0);
    expect(fresh).toHaveLength(1);
    expect(fresh[0].programs).toHaveLength(3);
    expect(fresh[0].isDisposed).toBe(true);
    expect(runner.isDisposed).toBe(false);
    const section = q(me, '.jp-DevInterview-hiddenTests')!;
    expect(section.hidden).toBe(false);
    expect(section.textContent).toContain(
      'Hidden tests (only interviewers see this)'
    );
    expect(q(me, '.jp-DevInterview-hiddenTestSummary')!.textContent).toBe(
      '2/3 passed'
    );
    expect(section.querySelectorAll('.jp-DevInterview-testCase')).toHaveLength(
      3
    );

    // Nothing of them in either document, nor in what goes on the wire.
    expect(mine.getArray(TEST_RUNS_KEY).length).toBe(before);
    for (const doc of [mine, theirs]) {
      const wire = new TextDecoder().decode(Y.encodeStateAsUpdate(doc));
      expect(wire).not.toContain('SECRET');
      expect(wire).not.toContain('secret');
    }
    them.render();
    expect(them.node.textContent).not.toContain('SECRET');
    // The shared area still shows no run.
    me.render();
    expect(q(me, '.jp-DevInterview-testSummary')).toBeNull();
  });

  it('gets a fresh runner for every hidden run, and for no visible one', async () => {
    const doc = new Y.Doc();
    giveQuestion(doc);
    const me = panel(doc, { hiddenTests: async () => HIDDEN });
    await me.runTests();
    expect(fresh).toHaveLength(0);
    expect(runner.programs).toHaveLength(2);
    await me.runHiddenTests();
    await me.runHiddenTests();
    expect(fresh).toHaveLength(2);
    expect(fresh.map(made => [made.programs.length, made.isDisposed])).toEqual([
      [3, true],
      [3, true]
    ]);
    // The hidden inputs reached only those runners.
    expect(runner.programs.join('\n')).not.toContain('secret');
  });

  it('closes the fresh runner when the hidden tests cannot be fetched', async () => {
    const doc = new Y.Doc();
    giveQuestion(doc);
    const me = panel(doc, {
      hiddenTests: async () => {
        throw new Error('no hidden tests for you');
      }
    });
    await me.runHiddenTests();
    expect(fresh).toHaveLength(1);
    expect(fresh[0].programs).toHaveLength(0);
    expect(fresh[0].isDisposed).toBe(true);
    expect(q(me, '.jp-DevInterview-testsError')!.textContent).toBe(
      'no hidden tests for you'
    );
  });

  it('drops hidden results when the question changes', async () => {
    const doc = new Y.Doc();
    giveQuestion(doc);
    const me = panel(doc, { hiddenTests: async () => HIDDEN });
    await me.runHiddenTests();
    expect(q(me, '.jp-DevInterview-hiddenTests')!.hidden).toBe(false);
    doc.getMap(QUESTION_KEY).set('id', 'sq-2');
    expect(q(me, '.jp-DevInterview-hiddenTests')!.hidden).toBe(true);
  });

  it('does not run when read-only, while a program runs, or without a runner', async () => {
    const doc = new Y.Doc();
    giveQuestion(doc);
    const gate = new RunGate();
    const view = panel(doc, { gate, hiddenTests: async () => HIDDEN });
    const run = q<HTMLButtonElement>(view, '.jp-DevInterview-runTests')!;
    const hidden = q<HTMLButtonElement>(
      view,
      '.jp-DevInterview-runHiddenTests'
    )!;

    view.readOnly = true;
    expect(run.disabled).toBe(true);
    await view.runTests();
    expect(runner.programs).toHaveLength(0);
    // Hidden tests still run after the interview, for grading: nothing is written.
    expect(hidden.disabled).toBe(false);
    view.readOnly = false;
    expect(run.disabled).toBe(false);

    const release = gate.acquire('run')!;
    expect(run.disabled).toBe(true);
    expect(run.title).toBe('A program is running.');
    await view.runTests();
    await view.runHiddenTests();
    expect(runner.programs).toHaveLength(0);
    release();
    expect(run.disabled).toBe(false);

    view.setLanguage('go');
    expect(run.disabled).toBe(true);
    expect(run.title).toBe(
      'Tests run in Python, JavaScript and SQL, not in Go.'
    );
    view.setLanguage('javascript');
    expect(run.disabled).toBe(true);
    expect(run.title).toBe('The tests have no input for JavaScript.');
  });

  it('holds the shared gate while testing, so Run waits', async () => {
    const doc = new Y.Doc();
    giveQuestion(doc);
    const gate = new RunGate();
    const view = panel(doc, { gate });
    const holders: (string | null)[] = [];
    gate.changed.connect((_, holder) => holders.push(holder));
    const done = view.runTests();
    expect(gate.holder).toBe('tests');
    expect(gate.acquire('run')).toBeNull();
    await done;
    expect(gate.holder).toBeNull();
    expect(holders).toEqual(['tests', null]);
  });
});
