/**
 * Unit tests of the run area with FAKE runners (the real ones need a browser
 * worker): which language a run uses while the session's language changes.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import * as Y from 'yjs';

import type { Language } from '../api/types';
import { RunGate } from '../interview/runGate';
import { RunPanel } from '../interview/runPanel';
import type {
  ICodeRunner,
  ICodeRunners,
  IRunOptions,
  IRunResult,
  RunnerState
} from '../tokens';

const trans = nullTranslator.load('devinterview_jupyter');

/**
 * FAKE runner: ready at once, records what it ran and ends every run with "ok".
 */
class FakeRunner implements ICodeRunner {
  constructor(readonly language: Language) {}
  readonly state: RunnerState = 'ready';
  readonly stateChanged: Signal<ICodeRunner, RunnerState> = new Signal<
    ICodeRunner,
    RunnerState
  >(this);
  readonly progress = '';
  readonly ran: string[] = [];
  isDisposed = false;
  warm(): void {
    /* ready already */
  }
  async run(options: IRunOptions): Promise<IRunResult> {
    this.ran.push(options.code);
    return { status: 'ok', durationMs: 1 };
  }
  stop(): void {
    /* nothing runs for long */
  }
  dispose(): void {
    this.isDisposed = true;
  }
}

describe('RunPanel while the language changes', () => {
  const runners: Record<string, FakeRunner> = {
    python: new FakeRunner('python'),
    javascript: new FakeRunner('javascript')
  };
  const registry: ICodeRunners = {
    runnerFor: (language: Language) => runners[language] ?? null,
    freshRunnerFor: () => null
  };
  let panel: RunPanel;
  let gate: RunGate;

  beforeEach(() => {
    gate = new RunGate();
    runners.python.ran.length = 0;
    runners.javascript.ran.length = 0;
    panel = new RunPanel({
      doc: new Y.Doc(),
      runners: registry,
      author: { name: 'Ada', color: '#000', role: 'interviewer' },
      language: 'python',
      getCode: () => "console.log('js')",
      timeLimitMs: 1000,
      trans,
      gate
    });
  });

  afterEach(() => {
    panel.dispose();
  });

  function runButton(): HTMLButtonElement {
    return panel.node.querySelector('.jp-DevInterview-runButton')!;
  }

  it('does not run in the old language while a switch is on its way', async () => {
    expect(runButton().disabled).toBe(false);
    panel.switching = true;
    expect(runButton().disabled).toBe(true);
    await panel.run(); // Shift+Enter does not look at the button
    expect(runners.python.ran).toEqual([]);
    expect(panel.log.runs()).toHaveLength(0);

    panel.setLanguage('javascript');
    panel.switching = false;
    expect(runButton().disabled).toBe(false);
    await panel.run();
    expect(runners.javascript.ran).toEqual(["console.log('js')"]);
    expect(runners.python.ran).toEqual([]);
    expect(panel.log.runs().map(run => run.language)).toEqual(['javascript']);
  });

  it('does not run while the tests hold the runner', async () => {
    const release = gate.acquire('tests')!;
    expect(runButton().disabled).toBe(true);
    expect(
      panel.node.querySelector('.jp-DevInterview-runState')!.textContent
    ).toBe('Running the tests…');
    await panel.run();
    expect(runners.python.ran).toEqual([]);
    release();
    expect(runButton().disabled).toBe(false);
    const running = panel.run();
    expect(gate.holder).toBe('run');
    await running;
    expect(gate.holder).toBeNull();
    expect(runners.python.ran).toHaveLength(1);
  });
});
