/**
 * The question column of the interview panel for each role, against a FAKE
 * server (./fakeServer.ts) and a FAKE websocket that never connects: the
 * room's question is written into the panel's document as the server would.
 */
import { CodeMirrorEditorFactory } from '@jupyterlab/codemirror';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import * as Y from 'yjs';

import { DevInterviewClient } from '../api/client';
import { InterviewPanel } from '../interview/panel';
import { QUESTION_KEY, TEST_RUNS_KEY } from '../questions/model';
import type {
  ICodeRunner,
  IRunOptions,
  IRunResult,
  RunnerState
} from '../tokens';
import type { IRecordedRequest } from './fakeServer';
import { FakeServer, makeSession } from './fakeServer';
import { FakeWebSocket } from './fakeWebSocket';

const trans = nullTranslator.load('devinterview_jupyter');
const SESSION_ID = '6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01';

/**
 * FAKE runner: every case passes (it prints the harness's marker line).
 */
class PassingRunner implements ICodeRunner {
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
    options.onOutput([
      {
        kind: 'text',
        stream: 'stdout',
        text: `\x1e${nonce}${JSON.stringify({ actual: '10' })}\n`
      }
    ]);
    return { status: 'ok', durationMs: 1 };
  }
  stop(): void {
    /* cases end at once */
  }
  dispose(): void {
    this.isDisposed = true;
  }
}

const SESSION_QUESTION = {
  id: 'sq-1',
  language: 'python',
  revealed: 0,
  chosen_at: '2026-11-29T10:00:00Z',
  question: {
    id: 'shipped~python~add',
    title: 'Add',
    difficulty: 'easy',
    duration_minutes: 30,
    languages: ['python'],
    tags: [],
    source: { folder: 'shipped', path: 'python/add.md' },
    prompt: 'Add two numbers.',
    parts: [{ title: 'Part 2', prompt: 'Now three.' }],
    starter: { python: 'def add(a, b):\n    pass\n' },
    tests: [{ name: 'visible', input: { python: 'add(1, 2)' }, expected: 3 }],
    hidden_tests: [
      { name: 'HIDDEN-ONE', input: { python: 'add(5, 5)' }, expected: 10 }
    ],
    rubric: []
  }
};

function path(request: IRecordedRequest): string {
  return new URL(request.url).pathname.replace(/^.*\/devinterview\/api/, '');
}

describe('the question column of the interview panel', () => {
  let server: FakeServer;
  let panel: InterviewPanel;
  const editorServices = {
    factoryService: new CodeMirrorEditorFactory()
  } as unknown as IEditorServices;

  beforeEach(() => {
    server = new FakeServer(request => {
      const route = path(request);
      if (route === '/time') {
        return { status: 200, json: { now_ms: Date.now() } };
      }
      if (route === `/sessions/${SESSION_ID}/question`) {
        return { status: 200, json: SESSION_QUESTION };
      }
      return { status: 404, json: { message: 'not here' } };
    });
  });

  afterEach(() => panel.dispose());

  const runner = new PassingRunner();
  const fresh: PassingRunner[] = [];

  function open(role: 'interviewer' | 'candidate'): InterviewPanel {
    panel = new InterviewPanel({
      session: makeSession({ id: SESSION_ID }),
      client: new DevInterviewClient({
        serverSettings: server.settings({
          WebSocket: FakeWebSocket as unknown as typeof WebSocket
        })
      }),
      editorServices,
      user: { name: role, color: '#123456', role },
      trans,
      runners: {
        runnerFor: language => (language === 'python' ? runner : null),
        freshRunnerFor: language => {
          if (language !== 'python') {
            return null;
          }
          const made = new PassingRunner();
          fresh.push(made);
          return made;
        }
      }
    });
    Widget.attach(panel, document.body);
    return panel;
  }

  function giveQuestion(doc: Y.Doc): void {
    const map = doc.getMap<unknown>(QUESTION_KEY);
    doc.transact(() => {
      map.set('id', 'sq-1');
      map.set('title', 'Add');
      map.set('difficulty', 'easy');
      map.set('language', 'python');
      map.set('prompt', 'Add two numbers.');
      map.set('parts', []);
      map.set('starter', {});
      map.set('tests', SESSION_QUESTION.question.tests);
    });
  }

  const settle = () => new Promise(resolve => setTimeout(resolve, 10));

  it('gives a candidate the prompt and the tests, nothing of the interviewer', async () => {
    open('candidate');
    giveQuestion(panel.room.doc);
    await panel.promptPane.rendered;
    await settle();
    expect(panel.isInterviewer).toBe(false);
    expect(
      panel.node.querySelector('.jp-DevInterview-promptTitle')!.textContent
    ).toBe('Add');
    expect(
      panel.node.querySelector('.jp-DevInterview-runTests')
    ).not.toBeNull();
    for (const selector of [
      '.jp-DevInterview-runHiddenTests',
      '.jp-DevInterview-hiddenTests',
      '.jp-DevInterview-revealPart',
      '.jp-DevInterview-changeQuestion',
      '.jp-DevInterview-chooseQuestion'
    ]) {
      expect(panel.node.querySelector(selector)).toBeNull();
    }
    // A candidate never asks the question endpoints.
    expect(
      server.requests.map(path).filter(p => p.includes('question'))
    ).toEqual([]);
  });

  it("hides a candidate's question column until there is a question", async () => {
    open('candidate');
    const column = panel.node.querySelector<HTMLElement>(
      '.jp-DevInterview-questionArea'
    )!;
    expect(column.classList.contains('lm-mod-hidden')).toBe(true);
    giveQuestion(panel.room.doc);
    expect(column.classList.contains('lm-mod-hidden')).toBe(false);
  });

  it('gives an interviewer the part controls and the hidden tests, from REST only', async () => {
    open('interviewer');
    expect(
      panel.node.querySelector('.jp-DevInterview-chooseQuestion')
    ).not.toBeNull();
    giveQuestion(panel.room.doc);
    await panel.promptPane.rendered;
    await settle();
    const reveal = panel.node.querySelector<HTMLButtonElement>(
      '.jp-DevInterview-revealPart'
    )!;
    expect(reveal.textContent).toBe('Reveal part 2');
    expect(
      panel.node.querySelector('.jp-DevInterview-promptInfo')!.textContent
    ).toBe('Part 1 of 2 revealed');
    expect(
      panel.node.querySelector('.jp-DevInterview-runHiddenTests')
    ).not.toBeNull();
    expect(server.requests.map(path)).toContain(
      `/sessions/${SESSION_ID}/question`
    );
    // Nothing hidden reached the room.
    const wire = new TextDecoder().decode(
      Y.encodeStateAsUpdate(panel.room.doc)
    );
    expect(wire).not.toContain('HIDDEN-ONE');
    expect(panel.room.doc.getArray(TEST_RUNS_KEY).length).toBe(0);
  });

  it('runs the hidden tests fetched from REST, and keeps them out of the room', async () => {
    open('interviewer');
    giveQuestion(panel.room.doc);
    await settle();
    const before = server.requests.length;
    await panel.testsPanel.runHiddenTests();
    expect(server.requests.slice(before).map(path)).toEqual([
      `/sessions/${SESSION_ID}/question`
    ]);
    // On a runner of its own, not the shared one.
    expect(fresh[fresh.length - 1].programs).toHaveLength(1);
    expect(fresh[fresh.length - 1].programs[0]).toContain('add(5, 5)');
    expect(runner.programs.join('\n')).not.toContain('add(5, 5)');
    expect(
      panel.node.querySelector('.jp-DevInterview-hiddenTestSummary')!
        .textContent
    ).toBe('1/1 passed');
    const wire = new TextDecoder().decode(
      Y.encodeStateAsUpdate(panel.room.doc)
    );
    expect(wire).not.toContain('HIDDEN-ONE');
    expect(wire).not.toContain('add(5, 5)');
    expect(panel.room.doc.getArray(TEST_RUNS_KEY).length).toBe(0);
  });
});
