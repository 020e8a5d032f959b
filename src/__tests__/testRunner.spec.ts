/**
 * The test runner of questions: the programs it builds for each case, how
 * it judges their output, how it stops, and the room's log of test runs.
 *
 * Two kinds of runner drive it here:
 * - a FAKE runner that answers each program with scripted output, for the
 *   protocol (markers, nonces, statuses, stopping);
 * - the real `MessageRuntime` over child processes that run the generated
 *   programs for real: `node` with the JavaScript sandbox's own worker code
 *   (from src/runner/jsSandbox.ts), `python3` with the Python worker's own
 *   helpers (from src/runner/python.worker.ts: `_devinterview_run`, and
 *   `_devinterview_sql` on a real sqlite3). So the harnesses themselves are
 *   proven, not only their parsing. Pyodide and the browser sandbox are
 *   exercised by the UI tests.
 */
import { Signal } from '@lumino/signaling';
import * as ts from 'typescript';
import * as Y from 'yjs';

import type { ICaseResult, IQuestionTest } from '../questions/model';
import { MAX_RESULT_TEXT, MAX_TEST_RUNS } from '../questions/model';
import { TestRunLog } from '../questions/testLog';
import {
  TEST_OUTPUT_LIMIT,
  buildCaseProgram,
  judgeCase,
  runTests,
  sameJson,
  sameRows
} from '../questions/testRunner';
import type {
  IRunMessage,
  OutputChunk,
  RunMode,
  RuntimeEvent
} from '../runner/protocol';
import type { IRuntimeTransport } from '../runner/runtime';
import { MessageRuntime, ModeView } from '../runner/runtime';
import type {
  ICodeRunner,
  IRunOptions,
  IRunResult,
  RunnerState
} from '../tokens';

const MARK = '\x1e';

// Node's modules, typed as far as used here: the project compiles without
// Node's types (adding them would change browser globals for every file).
declare const require: (name: string) => any;
declare const __dirname: string;
declare const process: { execPath: string };

interface IChildProcess {
  stdin: { end(input: string): void };
  stdout: { on(event: 'data', listener: (data: unknown) => void): void };
  stderr: { on(event: 'data', listener: (data: unknown) => void): void };
  on(event: 'close', listener: () => void): void;
  kill(signal: string): void;
}

const fs: {
  readFileSync(file: string, encoding: 'utf8'): string;
} = require('fs');
const path: {
  resolve(...parts: string[]): string;
  join(...parts: string[]): string;
} = require('path');
const { spawn, spawnSync } = require('child_process') as {
  spawn(command: string, args: string[]): IChildProcess;
  spawnSync(command: string, args: string[]): { status: number | null };
};

function test(
  name: string,
  input: Record<string, string>,
  expected: any,
  extra: Partial<IQuestionTest> = {}
): IQuestionTest {
  return { name, input, expected, ...extra };
}

function text(
  value: string,
  stream: 'stdout' | 'stderr' | 'system' = 'stdout'
): OutputChunk {
  return { kind: 'text', stream, text: value };
}

function table(rows: (string | number | null)[][], truncated = false) {
  return { kind: 'table' as const, columns: ['a'], rows, truncated };
}

/**
 * The nonce a program's harness prints with (what only the harness knows).
 */
function nonceOf(program: string): string {
  const match = /\\u001e([0-9a-f]{32})/.exec(program);
  if (!match) {
    throw new Error(`no nonce in the program:\n${program}`);
  }
  return match[1];
}

function marker(nonce: string, result: object): OutputChunk {
  return text(`${MARK}${nonce}${JSON.stringify(result)}\n`);
}

interface IFakeAnswer {
  chunks?: OutputChunk[];
  status?: IRunResult['status'];
  /**
   * Never ends by itself: only `stop()` ends it.
   */
  hang?: boolean;
}

/**
 * FAKE runner: answers each program with what `answer` returns for it and
 * records what it was asked to run.
 */
class FakeRunner implements ICodeRunner {
  constructor(
    readonly answer: (program: string, index: number) => IFakeAnswer
  ) {}
  readonly state: RunnerState = 'ready';
  readonly stateChanged: Signal<ICodeRunner, RunnerState> = new Signal<
    ICodeRunner,
    RunnerState
  >(this);
  readonly progress = '';
  readonly runs: IRunOptions[] = [];
  stops = 0;
  isDisposed = false;

  warm(): void {
    /* ready already */
  }

  run(options: IRunOptions): Promise<IRunResult> {
    const index = this.runs.length;
    this.runs.push(options);
    const answer = this.answer(options.code, index);
    return new Promise(resolve => {
      const end = (status: IRunResult['status']) => {
        this._end = null;
        resolve({ status, durationMs: 7 });
      };
      if (answer.hang) {
        this._end = () => end('stopped');
        return;
      }
      // Output arrives after the run started, as a runtime's does.
      setTimeout(() => {
        options.onOutput(answer.chunks ?? []);
        end(answer.status ?? 'ok');
      });
    });
  }

  stop(): void {
    this.stops++;
    this._end?.();
  }

  dispose(): void {
    this.isDisposed = true;
  }

  private _end: (() => void) | null = null;
}

describe('buildCaseProgram', () => {
  const twoSum = test(
    'example',
    { python: ' two_sum([2, 7], 9)\n', javascript: 'twoSum([2, 7], 9)' },
    [0, 1]
  );

  it('appends the harness with the input and nonce, never the expected value', () => {
    const nonce = 'ab'.repeat(16);
    const secret = test(
      'secret',
      { python: 'two_sum([2, 7], 9)', javascript: 'twoSum([2, 7], 9)' },
      { answer: 'EXPECTED-b6f1c2', indices: [4817, 2963] }
    );
    for (const language of ['python', 'javascript']) {
      const program = buildCaseProgram(language, 'CODE', secret, nonce);
      expect(program.startsWith('CODE\n')).toBe(true);
      expect(nonceOf(program)).toBe(nonce);
      // Neither the value nor any piece of it, in any quoting.
      expect(program).not.toContain('EXPECTED-b6f1c2');
      expect(program).not.toContain('4817');
      expect(program).not.toContain('2963');
      expect(program).not.toContain(JSON.stringify(secret.expected));
    }
    const python = buildCaseProgram('python', 'CODE', twoSum, nonce);
    expect(python).toContain('"two_sum([2, 7], 9)"');
    const javascript = buildCaseProgram('javascript', 'CODE', twoSum, nonce);
    expect(javascript).toContain('"twoSum([2, 7], 9)"');
  });

  it('puts the SQL setup before the query, ending its last statement', () => {
    const sql = (setup: string) =>
      buildCaseProgram('sql', 'SELECT 1;', test('t', { sql: setup }, []), 'n');
    expect(sql('CREATE TABLE t (a);\n')).toBe('CREATE TABLE t (a);\nSELECT 1;');
    expect(sql('CREATE TABLE t (a)')).toBe('CREATE TABLE t (a)\n;\nSELECT 1;');
    expect(sql('')).toBe('SELECT 1;');
  });

  it('refuses languages without browser tests and tests without input', () => {
    expect(() => buildCaseProgram('go', 'x', twoSum, 'n')).toThrow(
      'Tests cannot run in go in the browser.'
    );
    expect(() => buildCaseProgram('sql', 'x', twoSum, 'n')).toThrow(
      'This test has no input for sql.'
    );
    expect(() =>
      buildCaseProgram('python', 'x', test('t', { python: '  ' }, 1), 'n')
    ).toThrow('This test has no input for python.');
  });
});

describe('judgeCase', () => {
  const t = test('t', { python: 'f()' }, [1, 2]);
  const nonce = '0'.repeat(32);

  it('compares the value the harness printed with the expected one, here', () => {
    const judge = (result: object) =>
      judgeCase('python', t, nonce, {
        status: 'ok',
        durationMs: 4.4,
        chunks: [text('noise\n'), marker(nonce, result)]
      });
    expect(judge({ actual: '[1, 2]' })).toEqual({
      name: 't',
      status: 'pass',
      input: 'f()',
      expected: '[1,2]',
      actual: '[1, 2]',
      error: null,
      durationMs: 4
    });
    // Numbers by value, as the comparison of the page has it.
    expect(judge({ actual: '[1.0, 2.0000000000001]' }).status).toBe('pass');
    expect(judge({ actual: '[2, 1]' })).toMatchObject({
      status: 'fail',
      actual: '[2, 1]',
      error: null
    });
    expect(judge({ actual: '[true, 2]' }).status).toBe('fail');
    expect(judge({ error: 'ZeroDivisionError' })).toMatchObject({
      status: 'error',
      actual: null,
      error: 'ZeroDivisionError'
    });
    expect(judge({ shown: '<object>' })).toMatchObject({
      status: 'fail',
      actual: '<object>',
      error: null
    });
    expect(judge({ actual: '[1, 2' })).toMatchObject({
      status: 'error',
      error: 'The value the test gave is not JSON.'
    });
  });

  it('clips what it shows of a large value, but compares all of it', () => {
    const big = Array.from({ length: 3000 }, (_, i) => i);
    const judge = (value: unknown) =>
      judgeCase('python', test('big', { python: 'f()' }, big), nonce, {
        status: 'ok',
        durationMs: 1,
        chunks: [marker(nonce, { actual: JSON.stringify(value) })]
      });
    const right = judge(big);
    expect(right.status).toBe('pass');
    expect(right.actual!.length).toBeLessThanOrEqual(MAX_RESULT_TEXT);
    expect(judge([...big.slice(0, -1), 0]).status).toBe('fail');
  });

  it('takes no verdict from the program: a forged marker with the nonce fails', () => {
    // What code under test could print after reading the program (nonce
    // included): only its own value counts, whatever else the line says.
    const forged = (result: object) =>
      judgeCase('python', t, nonce, {
        status: 'ok',
        durationMs: 1,
        chunks: [marker(nonce, result)]
      });
    expect(forged({ actual: '[9, 9]', pass: true })).toMatchObject({
      status: 'error'
    });
    expect(forged({ pass: true })).toMatchObject({ status: 'error' });
    expect(forged({ actual: '"pass"' })).toMatchObject({ status: 'fail' });
    expect(forged({ actual: '[9, 9]' })).toMatchObject({ status: 'fail' });
  });

  it('finds a marker split across chunks', () => {
    const line = `${MARK}${nonce}${JSON.stringify({ actual: '[1,2]' })}\n`;
    const result = judgeCase('python', t, nonce, {
      status: 'ok',
      durationMs: 1,
      chunks: [text('x' + line.slice(0, 10)), text(line.slice(10))]
    });
    expect(result.status).toBe('pass');
  });

  it('ignores markers with another nonce; a broken one is an error', () => {
    const judge = (chunks: OutputChunk[]) =>
      judgeCase('python', t, nonce, { status: 'ok', durationMs: 1, chunks });
    const other = judge([marker('f'.repeat(32), { actual: '[1, 2]' })]);
    expect(other.status).toBe('error');
    expect(other.error).toContain('ended before the test ran');
    for (const line of [
      '{not json',
      '{"actual": 12}',
      '{"verdict": "[1, 2]"}',
      '["[1, 2]"]',
      // Cut at the output limit.
      '{"actual": "[1, ',
      ''
    ]) {
      const result = judge([text(`${MARK}${nonce}${line}\n`)]);
      expect([line, result.status, result.actual]).toEqual([
        line,
        'error',
        null
      ]);
      expect(result.error).toContain('result line could not be read');
    }
  });

  it('gives the last stderr and system text as the error', () => {
    const result = judgeCase('python', t, nonce, {
      status: 'error',
      durationMs: 1,
      chunks: [
        text('SyntaxError: invalid syntax\n', 'stderr'),
        text('x'.repeat(MAX_RESULT_TEXT * 2) + 'LAST', 'stderr')
      ]
    });
    expect(result.status).toBe('error');
    expect(result.error!.length).toBeLessThanOrEqual(MAX_RESULT_TEXT);
    expect(result.error!.endsWith('LAST')).toBe(true);
  });

  it("reports a time-out with the runner's message", () => {
    const result = judgeCase('python', t, nonce, {
      status: 'timeout',
      durationMs: 5000,
      chunks: [text('Stopped: the program ran longer than …\n', 'system')]
    });
    expect(result).toMatchObject({
      status: 'timeout',
      actual: null,
      error: 'Stopped: the program ran longer than …'
    });
  });

  it('compares the last SQL table with the expected rows', () => {
    const sqlTest = (ordered: boolean) =>
      test('q', { sql: 'CREATE TABLE t (a);' }, [[1], [2]], { ordered });
    const judge = (ordered: boolean, chunks: OutputChunk[], status = 'ok') =>
      judgeCase('sql', sqlTest(ordered), nonce, {
        status: status as IRunResult['status'],
        durationMs: 1,
        chunks
      });
    expect(judge(false, [table([[9]]), table([[2], [1]])])).toMatchObject({
      status: 'pass',
      input: 'CREATE TABLE t (a);',
      actual: '[[2],[1]]'
    });
    expect(judge(true, [table([[2], [1]])]).status).toBe('fail');
    expect(judge(true, [table([[1], [2]])]).status).toBe('pass');
    expect(judge(false, [table([[1], [2]], true)])).toMatchObject({
      status: 'fail',
      error: 'The query returned more rows than are kept.'
    });
    expect(judge(false, [])).toMatchObject({
      status: 'fail',
      actual: null,
      error: 'The query returned no result table.'
    });
    expect(
      judge(
        false,
        [text('Error in statement 2: no such table\n', 'stderr')],
        'error'
      )
    ).toMatchObject({
      status: 'error',
      error: 'Error in statement 2: no such table'
    });
  });
});

describe('comparisons', () => {
  it('compares JSON values, numbers by value', () => {
    expect(sameJson(1, 1.0)).toBe(true);
    expect(sameJson(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameJson(1, 2)).toBe(false);
    expect(sameJson(1e16, 1e16 + 2)).toBe(false);
    expect(sameJson([1, { a: null }], [1, { a: null }])).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: undefined }, { a: 1, c: 1 })).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson(null, 0)).toBe(false);
  });

  it('compares rows in any order unless ordered; booleans as 1 and 0', () => {
    expect(
      sameRows(
        [
          [1, 'a'],
          [2, 'b']
        ],
        [
          [2, 'b'],
          [1, 'a']
        ],
        false
      )
    ).toBe(true);
    expect(
      sameRows(
        [
          [1, 'a'],
          [2, 'b']
        ],
        [
          [2, 'b'],
          [1, 'a']
        ],
        true
      )
    ).toBe(false);
    expect(sameRows([[1], [1]], [[1], [2]], false)).toBe(false);
    expect(sameRows([[1.5, null]], [[1.5000000000001, null]], true)).toBe(true);
    expect(sameRows([[1, 0]], [[true, false]], true)).toBe(true);
    expect(sameRows([[1]], [[1, 2]], true)).toBe(false);
    expect(sameRows([], [], false)).toBe(true);
    expect(sameRows([[1]], 'rows' as any, false)).toBe(false);
  });
});

describe('runTests with a FAKE runner', () => {
  const tests = [
    test('one', { python: 'f(1)' }, 1, { timeout_ms: 300 }),
    test('two', { python: 'f(2)' }, 2),
    test('three', { python: 'f(3)' }, 3)
  ];

  it('runs one program per case, with its own nonce and time limit', async () => {
    // Each case's right answer: the number in its input, f(n).
    const runner = new FakeRunner(program => ({
      chunks: [
        marker(nonceOf(program), { actual: /"f\((\d)\)"/.exec(program)![1] })
      ]
    }));
    const heard: [number, string][] = [];
    const results = await runTests(runner, {
      language: 'python',
      code: 'def f(x): return x',
      tests,
      onCase: (index, result) => heard.push([index, result.name])
    });
    expect(results.map(r => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(heard).toEqual([
      [0, 'one'],
      [1, 'two'],
      [2, 'three']
    ]);
    expect(runner.runs.map(run => run.timeLimitMs)).toEqual([300, 5000, 5000]);
    expect(
      runner.runs.every(run => run.outputLimit === TEST_OUTPUT_LIMIT)
    ).toBe(true);
    const nonces = new Set(runner.runs.map(run => nonceOf(run.code)));
    expect(nonces.size).toBe(3);
  });

  it('gives each case its own status', async () => {
    const runner = new FakeRunner((program, index) => {
      const nonce = nonceOf(program);
      return [
        { chunks: [marker(nonce, { actual: '0' })] },
        {
          status: 'timeout' as const,
          chunks: [text('Stopped: too long.\n', 'system')]
        },
        {
          status: 'error' as const,
          chunks: [
            // The candidate's code trying to pass with a guessed nonce.
            marker('1'.repeat(32), { actual: '3' }),
            text('NameError: f\n', 'stderr')
          ]
        }
      ][index];
    });
    const results = await runTests(runner, {
      language: 'python',
      code: '',
      tests
    });
    expect(results.map(r => [r.status, r.error])).toEqual([
      ['fail', null],
      ['timeout', 'Stopped: too long.'],
      ['error', 'NameError: f']
    ]);
  });

  it('stops between cases, killing the one that runs', async () => {
    const controller = new AbortController();
    const runner = new FakeRunner((program, index) =>
      index === 1
        ? { hang: true }
        : { chunks: [marker(nonceOf(program), { actual: '1' })] }
    );
    const results = await runTests(runner, {
      language: 'python',
      code: '',
      tests,
      onCase: () => setTimeout(() => controller.abort(), 10),
      signal: controller.signal
    });
    expect(results.map(r => r.name)).toEqual(['one']);
    expect(runner.stops).toBe(1);
    expect(runner.runs).toHaveLength(2);
  });

  it('starts nothing once stopped', async () => {
    const controller = new AbortController();
    controller.abort();
    const runner = new FakeRunner(() => ({}));
    const results = await runTests(runner, {
      language: 'python',
      code: '',
      tests,
      signal: controller.signal
    });
    expect(results).toEqual([]);
    expect(runner.runs).toHaveLength(0);
  });

  it('ends when someone else stops the runner', async () => {
    const runner = new FakeRunner(() => ({ status: 'stopped' }));
    const results = await runTests(runner, {
      language: 'python',
      code: '',
      tests
    });
    expect(results).toEqual([]);
    expect(runner.runs).toHaveLength(1);
  });

  it('makes cases without input, or in other languages, errors', async () => {
    const runner = new FakeRunner(program => ({
      chunks: [marker(nonceOf(program), { actual: '2' })]
    }));
    const mixed = [
      test('js only', { javascript: 'f()' }, 1),
      test('python', { python: 'f()' }, 2)
    ];
    const results = await runTests(runner, {
      language: 'python',
      code: '',
      tests: mixed
    });
    expect(results.map(r => [r.status, r.error])).toEqual([
      ['error', 'This test has no input for python.'],
      ['pass', null]
    ]);
    expect(runner.runs).toHaveLength(1);

    const other = await runTests(runner, {
      language: 'java',
      code: '',
      tests: mixed
    });
    expect(other.map(r => r.error)).toEqual([
      'Tests cannot run in java in the browser.',
      'Tests cannot run in java in the browser.'
    ]);
    expect(runner.runs).toHaveLength(1);
  });

  it('runs SQL cases and judges the last table', async () => {
    const runner = new FakeRunner((_, index) =>
      index === 0
        ? { chunks: [table([[2], [1]])] }
        : {
            status: 'error',
            chunks: [text('Error in statement 3: syntax error\n', 'stderr')]
          }
    );
    const results = await runTests(runner, {
      language: 'sql',
      code: 'SELECT a FROM t;',
      tests: [
        test('rows', { sql: 'CREATE TABLE t (a);' }, [[1], [2]]),
        test('broken', { sql: '' }, [])
      ]
    });
    expect(results.map(r => r.status)).toEqual(['pass', 'error']);
    expect(runner.runs[0].code).toBe('CREATE TABLE t (a);\nSELECT a FROM t;');
  });
});

describe('TestRunLog', () => {
  const by = { name: 'Ada', color: '#f00', role: 'interviewer' };

  function result(name: string, status: ICaseResult['status'] = 'pass') {
    return {
      name,
      status,
      input: 'f()',
      expected: '1',
      actual: '1',
      error: null,
      durationMs: 3
    };
  }

  it('records a run, its results and its end, seen by another client', () => {
    const doc = new Y.Doc();
    const other = new Y.Doc();
    doc.on('update', (update: Uint8Array) => Y.applyUpdate(other, update));
    const log = new TestRunLog(doc);
    const remote = new TestRunLog(other);
    let changes = 0;
    remote.changed.connect(() => changes++);

    const recorder = log.start({
      by,
      language: 'python',
      question: 'sq-1',
      total: 2
    });
    expect(remote.runs).toEqual([
      {
        id: recorder.id,
        by,
        language: 'python',
        question: 'sq-1',
        status: 'running',
        startedAt: expect.any(Number),
        total: 2,
        results: []
      }
    ]);
    recorder.addResult(result('a'));
    recorder.addResult({ ...result('b', 'error'), error: 'boom' });
    recorder.addResult(result('c')); // beyond total: the server would refuse it
    recorder.finish('done');
    recorder.finish('stopped');

    const [run] = remote.runs;
    expect(run.status).toBe('done');
    expect(run.results.map(r => [r.name, r.status, r.error])).toEqual([
      ['a', 'pass', null],
      ['b', 'error', 'boom']
    ]);
    // The start, two results and the end: one change each.
    expect(changes).toBe(4);
    const map = other.getArray('testRuns').get(0) as Y.Map<unknown>;
    const stored = map.get('results') as Y.Array<unknown>;
    expect(stored).toBeInstanceOf(Y.Array);
    expect(stored.toArray().map(r => (r as ICaseResult).name)).toEqual([
      'a',
      'b'
    ]);
    expect([...map.keys()].sort()).toEqual(
      [
        'by',
        'id',
        'language',
        'question',
        'results',
        'startedAt',
        'status',
        'total'
      ].sort()
    );
    log.dispose();
    remote.dispose();
  });

  it('clips every string of a result to what the room accepts', () => {
    const log = new TestRunLog(new Y.Doc());
    const recorder = log.start({
      by,
      language: 'python',
      question: 'q',
      total: 1
    });
    const long = 'x'.repeat(MAX_RESULT_TEXT + 10);
    recorder.addResult({
      name: long,
      status: 'fail',
      input: long,
      expected: long,
      actual: long,
      error: long,
      durationMs: 1
    });
    const [stored] = log.runs[0].results;
    for (const value of Object.values(stored)) {
      if (typeof value === 'string') {
        expect(value.length).toBeLessThanOrEqual(MAX_RESULT_TEXT);
      }
    }
  });

  it('keeps the newest MAX_TEST_RUNS runs, oldest first', () => {
    const log = new TestRunLog(new Y.Doc());
    for (let i = 0; i < MAX_TEST_RUNS + 3; i++) {
      log.start({ by, language: 'python', question: `q${i}`, total: 0 });
    }
    const runs = log.runs;
    expect(runs).toHaveLength(MAX_TEST_RUNS);
    expect(runs[0].question).toBe('q3');
    expect(runs[runs.length - 1].question).toBe(`q${MAX_TEST_RUNS + 2}`);
  });

  it('writes nothing more into a run that was trimmed away', () => {
    const doc = new Y.Doc();
    const log = new TestRunLog(doc, { maxRuns: 1 });
    const first = log.start({
      by,
      language: 'python',
      question: 'a',
      total: 1
    });
    log.start({ by, language: 'python', question: 'b', total: 1 });
    let updates = 0;
    doc.on('update', () => updates++);
    first.addResult(result('late'));
    first.finish('done');
    expect(updates).toBe(0);
    expect(log.runs.map(run => run.question)).toEqual(['b']);
  });

  it('skips entries that are not test runs, and bad results in one', () => {
    const doc = new Y.Doc();
    const log = new TestRunLog(doc);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const recorder = log.start({
      by,
      language: 'sql',
      question: 'q',
      total: 5
    });
    const runs = doc.getArray<unknown>('testRuns');
    doc.transact(() => {
      runs.insert(0, ['not a map', { id: 'plain object' }]);
      const broken = new Y.Map<unknown>();
      broken.set('id', 'x');
      runs.insert(0, [broken]);
      const map = runs.get(runs.length - 1) as Y.Map<unknown>;
      (map.get('results') as Y.Array<unknown>).push([
        result('ok'),
        { name: 'bad' },
        null,
        new Y.Map()
      ]);
    });
    expect(log.runs.map(run => run.id)).toEqual([recorder.id]);
    expect(log.runs[0].results.map(r => r.name)).toEqual(['ok']);
    log.runs; // read again: each bad entry is warned about once
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
  });

  it('reads results given as a plain list too, and no run without results', () => {
    const doc = new Y.Doc();
    const log = new TestRunLog(doc);
    log.start({ by, language: 'python', question: 'q', total: 2 });
    log.start({ by, language: 'python', question: 'r', total: 2 });
    const runs = doc.getArray<Y.Map<unknown>>('testRuns');
    runs.get(0).set('results', [result('plain')]);
    runs.get(1).set('results', 'not a list');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    expect(log.runs.map(run => run.results.map(r => r.name))).toEqual([
      ['plain']
    ]);
    warn.mockRestore();
  });

  it('appends each case once: updates cost the case, not the whole list', () => {
    const doc = new Y.Doc();
    const other = new Y.Doc();
    const log = new TestRunLog(doc);
    const total = 50;
    const recorder = log.start({
      by,
      language: 'python',
      question: 'q',
      total
    });
    const results = (doc.getArray('testRuns').get(0) as Y.Map<unknown>).get(
      'results'
    ) as Y.Array<unknown>;
    const changes: { insert: number; delete: number }[] = [];
    results.observe(event => {
      let insert = 0;
      let removed = 0;
      for (const change of event.changes.delta) {
        insert += Array.isArray(change.insert) ? change.insert.length : 0;
        removed += change.delete ?? 0;
      }
      changes.push({ insert, delete: removed });
    });
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const sizes: number[] = [];
    doc.on('update', (update: Uint8Array) => {
      sizes.push(update.byteLength);
      Y.applyUpdate(other, update);
    });
    for (let i = 0; i < total; i++) {
      recorder.addResult({
        ...result(`case ${i}`, i % 3 === 0 ? 'fail' : 'pass'),
        input: `f(${'x'.repeat(500)}, ${i})`,
        actual: 'y'.repeat(500)
      });
    }
    recorder.finish('done');
    // One append of one result per case; nothing rewritten or removed.
    expect(changes).toEqual(
      Array.from({ length: total }, () => ({ insert: 1, delete: 0 }))
    );
    expect(sizes).toHaveLength(total + 1);
    const final = Y.encodeStateAsUpdate(doc).byteLength;
    const sent = sizes.reduce((sum, size) => sum + size, 0);
    expect(final).toBeGreaterThan(total * 1000);
    expect(sent).toBeLessThan(3 * final);
    // Every update is about one case's size.
    expect(Math.max(...sizes)).toBeLessThan(2000);
    const [run] = new TestRunLog(other).runs;
    expect(run.results).toHaveLength(total);
    expect(run.results[49].name).toBe('case 49');
  });

  it('clamps the total and the question id to what a run may have', () => {
    const log = new TestRunLog(new Y.Doc());
    log.start({ by, language: 'python', question: 'q', total: 1000 });
    log.start({ by, language: 'python', question: 'q', total: -1 });
    expect(log.runs.map(run => run.total)).toEqual([200, 0]);
    // The server takes ids of at most 64 characters.
    log.start({ by, language: 'python', question: 'q'.repeat(100), total: 0 });
    expect(log.runs[2].question).toBe('q'.repeat(64));
  });
});

// -- real runtimes --------------------------------------------------------------

const ROOT = path.resolve(__dirname, '..', '..');
const HAS_PYTHON = spawnSync('python3', ['--version']).status === 0;

/**
 * The Python worker's helpers, as the worker runs them.
 */
function pythonHelpers(): string {
  const source = fs.readFileSync(
    path.join(ROOT, 'src/runner/python.worker.ts'),
    'utf8'
  );
  const match = /const HELPERS = `([\s\S]*?)`;/.exec(source);
  const rows = /const MAX_TABLE_ROWS = (\d+);/.exec(source);
  if (!match || !rows) {
    throw new Error('HELPERS or MAX_TABLE_ROWS not found in python.worker.ts');
  }
  return match[1].replace(/\$\{MAX_TABLE_ROWS\}/g, rows[1]);
}

/**
 * The JavaScript sandbox's worker code, compiled to JavaScript.
 */
function sandboxWorker(): string {
  const source = fs.readFileSync(
    path.join(ROOT, 'src/runner/jsSandbox.ts'),
    'utf8'
  );
  const at = source.indexOf('function sandboxWorkerMain(): void {');
  if (at < 0) {
    throw new Error('sandboxWorkerMain not found in jsSandbox.ts');
  }
  return ts.transpileModule(source.slice(at), {
    compilerOptions: { target: ts.ScriptTarget.ES2018 }
  }).outputText;
}

/**
 * Plays the Python worker: `devinterview.table` and stdout/stderr become
 * output chunks, printed as JSON at the end.
 */
const PYTHON_DRIVER = `
import io, json, sys, types
request = json.loads(sys.stdin.read())
chunks = []
class Stream(io.TextIOBase):
    def __init__(self, stream):
        self.stream = stream
    def writable(self):
        return True
    def write(self, text):
        if text:
            chunks.append({"kind": "text", "stream": self.stream, "text": text})
        return len(text)
def table(columns, rows, truncated):
    chunks.append({"kind": "table", "columns": list(columns), "rows": [list(r) for r in rows], "truncated": bool(truncated)})
module = types.ModuleType("devinterview")
module.table = table
sys.modules["devinterview"] = module
real = sys.stdout
sys.stdout, sys.stderr = Stream("stdout"), Stream("stderr")
exec(request["helpers"])
helper = _devinterview_sql if request["mode"] == "sql" else _devinterview_run
ok = helper(request["code"])
real.write(json.dumps({"ok": bool(ok), "chunks": chunks}))
`;

/**
 * Plays the sandbox's worker: its own code, with postMessage on stdout.
 */
function nodeDriver(): string {
  return `
const request = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const events = [];
globalThis.self = globalThis;
const write = process.stdout.write.bind(process.stdout);
self.postMessage = message => {
  events.push(message);
  if (message.type === 'done') {
    write(JSON.stringify(events), () => process.exit(0));
  }
};
${sandboxWorker()}
sandboxWorkerMain();
self.onmessage({ data: request });
`;
}

/**
 * A runtime in a child process, one process per run, killed on dispose
 * (as the browser's worker is on a time-out or Stop).
 */
class ProcessTransport implements IRuntimeTransport {
  constructor(
    readonly emit: (event: RuntimeEvent) => void,
    readonly launch: (message: IRunMessage) => {
      child: IChildProcess;
      input: string;
    },
    readonly read: (
      stdout: string,
      message: IRunMessage
    ) => { chunks: OutputChunk[]; ok: boolean }
  ) {}

  post(message: IRunMessage): void {
    const { child, input } = this.launch(message);
    this._child = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', data => (stdout += String(data)));
    child.stderr.on('data', data => (stderr += String(data)));
    const started = Date.now();
    child.on('close', () => {
      if (this._disposed) {
        return;
      }
      let answer: { chunks: OutputChunk[]; ok: boolean };
      try {
        answer = this.read(stdout, message);
      } catch {
        answer = {
          chunks: [text(`driver failed: ${stderr}`, 'stderr')],
          ok: false
        };
      }
      this.emit({
        type: 'output',
        runId: message.runId,
        chunks: answer.chunks
      });
      this.emit({
        type: 'done',
        runId: message.runId,
        status: answer.ok ? 'ok' : 'error',
        durationMs: Date.now() - started
      });
    });
    child.stdin.end(input);
  }

  dispose(): void {
    this._disposed = true;
    this._child?.kill('SIGKILL');
  }

  private _child: IChildProcess | null = null;
  private _disposed = false;
}

function processRuntime(
  mode: RunMode,
  launch: ProcessTransport['launch'],
  read: ProcessTransport['read']
): MessageRuntime {
  return new MessageRuntime({
    mode,
    factory: emit => {
      setTimeout(() => emit({ type: 'ready', loadMs: 0 }));
      return new ProcessTransport(emit, launch, read);
    }
  });
}

function pythonRuntime(): MessageRuntime {
  const helpers = pythonHelpers();
  return processRuntime(
    'python',
    message => ({
      child: spawn('python3', ['-c', PYTHON_DRIVER]),
      input: JSON.stringify({ helpers, mode: message.mode, code: message.code })
    }),
    stdout => JSON.parse(stdout)
  );
}

function javascriptRuntime(): MessageRuntime {
  const driver = nodeDriver();
  return processRuntime(
    'javascript',
    message => ({
      child: spawn(process.execPath, ['-e', driver]),
      input: JSON.stringify(message)
    }),
    stdout => {
      const events = JSON.parse(stdout) as RuntimeEvent[];
      const chunks: OutputChunk[] = [];
      let ok = false;
      for (const event of events) {
        if (event.type === 'output') {
          chunks.push(...event.chunks);
        } else if (event.type === 'done') {
          ok = event.status === 'ok';
        }
      }
      return { chunks, ok };
    }
  );
}

async function runOne(
  runner: ICodeRunner,
  language: string,
  code: string,
  input: string,
  expected: any,
  extra: Partial<IQuestionTest> = {}
): Promise<ICaseResult> {
  const [result] = await runTests(runner, {
    language,
    code,
    tests: [test('case', { [language]: input }, expected, extra)]
  });
  return result;
}

describe('the JavaScript harness, run in the sandbox worker code', () => {
  jest.setTimeout(60000);
  let runtime: MessageRuntime;
  beforeAll(() => {
    runtime = javascriptRuntime();
  });
  afterAll(() => runtime.dispose());

  const twoSum = `
function twoSum(nums, target) {
  const seen = new Map();
  for (let i = 0; i < nums.length; i++) {
    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
    seen.set(nums[i], i);
  }
  return null;
}`;

  it('passes a right answer and fails a wrong one', async () => {
    const results = await runTests(runtime, {
      language: 'javascript',
      code: twoSum,
      tests: [
        test('right', { javascript: 'twoSum([2, 7, 11, 15], 9)' }, [0, 1]),
        test('wrong', { javascript: 'twoSum([3, 2, 4], 6)' }, [0, 2])
      ]
    });
    expect(results.map(r => [r.status, r.actual, r.error])).toEqual([
      ['pass', '[0,1]', null],
      ['fail', '[1,2]', null]
    ]);
  });

  it('converts values the JSON way, sets and promises included', async () => {
    const code = `
const source = 'a program name the harness must not clash with';
let value = 3;
async function later() { return { b: [1, 2], a: 0.1 + 0.2 }; }
function unique(xs) { return new Set(xs); }`;
    expect(
      (
        await runOne(runtime, 'javascript', code, 'later()', {
          a: 0.3,
          b: [1, 2]
        })
      ).status
    ).toBe('pass');
    expect(
      await runOne(
        runtime,
        'javascript',
        code,
        'unique([3, 1, 3, 2])',
        [1, 2, 3]
      )
    ).toMatchObject({ status: 'pass', actual: '[1,2,3]' });
    expect(
      (await runOne(runtime, 'javascript', code, 'value + source.length', 49))
        .status
    ).toBe('pass');
    expect(
      await runOne(runtime, 'javascript', code, 'undefined', null)
    ).toMatchObject({ status: 'fail', actual: 'undefined' });
  });

  it('reports exceptions, missing functions and syntax errors as errors', async () => {
    const thrown = await runOne(
      runtime,
      'javascript',
      'function f() { throw new RangeError("too big"); }',
      'f()',
      1
    );
    expect(thrown.status).toBe('error');
    // The candidate's frames only: none of the harness's lines.
    expect(thrown.error).toMatch(
      /^RangeError: too big\n\s+at f \(main\.js:1:\d+\)$/
    );

    const missing = await runOne(runtime, 'javascript', '', 'nothing()', 1);
    expect(missing.status).toBe('error');
    expect(missing.error).toContain('ReferenceError');

    const syntax = await runOne(runtime, 'javascript', 'function (', 'f()', 1);
    expect(syntax.status).toBe('error');
    expect(syntax.error).toContain('SyntaxError');

    const badInput = await runOne(runtime, 'javascript', '', 'f(', 1);
    expect(badInput.status).toBe('error');
    expect(badInput.error).toContain('SyntaxError');
  });

  it('is not fooled by a printed marker with another nonce', async () => {
    const code = `
console.log('\\x1e' + 'f'.repeat(32) + JSON.stringify({ actual: '1' }));
function f() { return 2; }`;
    const result = await runOne(runtime, 'javascript', code, 'f()', 1);
    expect(result).toMatchObject({ status: 'fail', actual: '2' });
  });

  it('cannot be made to pass by rewriting the harness line', async () => {
    // The code under test replaces console.log, which the harness uses, and
    // so controls the marker line, nonce included.
    const forge = (line: string) => `
const log = console.log;
console.log = (...args) => {
  const text = String(args[0]);
  if (text.startsWith('\\x1e')) {
    log(text.slice(0, 33) + ${line});
  } else {
    log(...args);
  }
};
function f() { return 2; }`;
    const verdict = await runOne(
      runtime,
      'javascript',
      forge("JSON.stringify({ pass: true, actual: '7' })"),
      'f()',
      7
    );
    expect(verdict.status).toBe('error');
    const guess = await runOne(
      runtime,
      'javascript',
      forge("JSON.stringify({ actual: '8' })"),
      'f()',
      7
    );
    expect(guess).toMatchObject({ status: 'fail', actual: '8' });
  });

  it('stops a case that runs past its time limit, then runs the next', async () => {
    const results = await runTests(runtime, {
      language: 'javascript',
      code: 'function spin() { for (;;) {} }\nfunction one() { return 1; }',
      tests: [
        test('spins', { javascript: 'spin()' }, 1, { timeout_ms: 500 }),
        test('ends', { javascript: 'one()' }, 1)
      ]
    });
    expect(results.map(r => r.status)).toEqual(['timeout', 'pass']);
    expect(results[0].error).toContain('time limit');
  });
});

(HAS_PYTHON ? describe : describe.skip)(
  'the Python harness, run with the Python worker helpers',
  () => {
    jest.setTimeout(60000);
    let runtime: MessageRuntime;
    beforeAll(() => {
      runtime = pythonRuntime();
    });
    afterAll(() => runtime.dispose());

    const twoSum = `
def two_sum(nums, target):
    seen = {}
    for i, n in enumerate(nums):
        if target - n in seen:
            return (seen[target - n], i)
        seen[n] = i
`;

    it('passes a right answer (a tuple is a list) and fails a wrong one', async () => {
      const results = await runTests(runtime, {
        language: 'python',
        code: twoSum,
        tests: [
          test('right', { python: 'two_sum([2, 7, 11, 15], 9)' }, [0, 1]),
          test('wrong', { python: 'two_sum([3, 2, 4], 6)' }, [0, 2])
        ]
      });
      expect(results.map(r => [r.status, r.actual, r.error])).toEqual([
        ['pass', '[0, 1]', null],
        ['fail', '[1, 2]', null]
      ]);
    });

    it('converts values to JSON: sets sorted, keys as text, numbers by value', async () => {
      const code = `
import json
value = "a program name the harness must not clash with"
def counts(text):
    out = {}
    for ch in text:
        out[ch] = out.get(ch, 0) + 1
    return out
`;
      const cases: [string, any, string][] = [
        ['{3, 1, 2}', [1, 2, 3], 'pass'],
        ['{1: "a", 2: ("b",)}', { 1: 'a', 2: ['b'] }, 'pass'],
        ['counts("abca")', { a: 2, b: 1, c: 1 }, 'pass'],
        ['0.1 + 0.2', 0.3, 'pass'],
        ['2', 2.0, 'pass'],
        ['True', 1, 'fail'],
        ['1', true, 'fail'],
        ['None', null, 'pass'],
        ['range(3)', [0, 1, 2], 'pass'],
        ['len(value) + len(json.dumps([]))', 48, 'pass'],
        ['"é"', 'é', 'pass']
      ];
      for (const [input, expected, status] of cases) {
        const result = await runOne(runtime, 'python', code, input, expected);
        expect([input, result.status]).toEqual([input, status]);
      }
      expect(
        await runOne(runtime, 'python', code, 'object', 'x')
      ).toMatchObject({ status: 'fail', actual: "<class 'object'>" });
    });

    it('reports exceptions, syntax errors and early exits as errors', async () => {
      const thrown = await runOne(
        runtime,
        'python',
        'def f():\n    return 1 / 0\n',
        'f()',
        1
      );
      expect(thrown.status).toBe('error');
      expect(thrown.error).toContain('ZeroDivisionError: division by zero');
      expect(thrown.error).not.toContain('_devinterview_test');

      const syntax = await runOne(runtime, 'python', 'def f(:\n', 'f()', 1);
      expect(syntax.status).toBe('error');
      expect(syntax.error).toContain('SyntaxError');

      const exited = await runOne(
        runtime,
        'python',
        'import sys\nsys.exit(0)\n',
        '1',
        1
      );
      expect(exited.status).toBe('error');
      expect(exited.error).toContain('ended before the test ran');

      const badInput = await runOne(runtime, 'python', '', 'f(', 1);
      expect(badInput.status).toBe('error');
      expect(badInput.error).toContain('SyntaxError');
    });

    it('is not fooled by a printed marker with another nonce', async () => {
      const code = `
import json
print("\\x1e" + "f" * 32 + json.dumps({"actual": "1"}))
def f():
    return 2
`;
      expect(await runOne(runtime, 'python', code, 'f()', 1)).toMatchObject({
        status: 'fail',
        actual: '2'
      });
    });

    it('gives the code nothing of the expected value to read or claim', async () => {
      // The code under test reads the whole program from the runner's frame,
      // takes the nonce and makes print forge the harness's line.
      const code = `
import builtins, json, re, sys
program = sys._getframe(1).f_locals["code"]
# Spelled in two pieces: this code is in the program too.
secret = "EXPECTED-" + "7d1"
leaked = secret in program
nonce = re.search(r"\\\\u001e([0-9a-f]{32})", program).group(1)
real_print = builtins.print
def forged(*args, **kwargs):
    real_print("\\x1e" + nonce + json.dumps(FORGED), **kwargs)
builtins.print = forged
def f():
    return "wrong"
`;
      const claim = await runOne(
        runtime,
        'python',
        code.replace(
          'FORGED',
          '{"pass": True, "actual": json.dumps(secret if leaked else "no")}'
        ),
        'f()',
        'EXPECTED-7d1'
      );
      expect(claim.status).toBe('error');
      const guess = await runOne(
        runtime,
        'python',
        code.replace(
          'FORGED',
          '{"actual": json.dumps(secret if leaked else "no")}'
        ),
        'f()',
        'EXPECTED-7d1'
      );
      expect(guess).toMatchObject({ status: 'fail', actual: '"no"' });
    });

    it('stops a case that runs past its time limit, then runs the next', async () => {
      const results = await runTests(runtime, {
        language: 'python',
        code: 'def spin():\n    while True:\n        pass\n',
        tests: [
          test('spins', { python: 'spin()' }, 1, { timeout_ms: 500 }),
          test('ends', { python: '1' }, 1)
        ]
      });
      expect(results.map(r => r.status)).toEqual(['timeout', 'pass']);
    });

    it('stops when asked, leaving out the case that was running', async () => {
      const controller = new AbortController();
      const pending = runTests(runtime, {
        language: 'python',
        code: 'def spin():\n    while True:\n        pass\n',
        tests: [
          test('quick', { python: '1' }, 1),
          test('spins', { python: 'spin()' }, 1),
          test('never', { python: '1' }, 1)
        ],
        onCase: () => setTimeout(() => controller.abort(), 200),
        signal: controller.signal
      });
      const results = await pending;
      expect(results.map(r => r.name)).toEqual(['quick']);
    });

    describe('SQL on sqlite3', () => {
      const setup = `
CREATE TABLE people (name TEXT, age INTEGER, score REAL);
INSERT INTO people VALUES ('ann', 31, 1.5), ('bob', 25, 2.0), ('cy', 40, NULL)`;

      it('passes the right rows in any order, or in order when asked', async () => {
        const sql = new ModeView(runtime, 'sql');
        const results = await runTests(sql, {
          language: 'sql',
          code: 'SELECT name, score FROM people WHERE age > 30;',
          tests: [
            test('any order', { sql: setup }, [
              ['cy', null],
              ['ann', 1.5]
            ]),
            test(
              'in order',
              { sql: setup },
              [
                ['cy', null],
                ['ann', 1.5]
              ],
              { ordered: true }
            ),
            test('wrong', { sql: setup }, [['ann', 1.5]])
          ]
        });
        expect(results.map(r => [r.status, r.actual])).toEqual([
          ['pass', '[["ann",1.5],["cy",null]]'],
          ['fail', '[["ann",1.5],["cy",null]]'],
          ['fail', '[["ann",1.5],["cy",null]]']
        ]);
      });

      it('starts each case from an empty database', async () => {
        const sql = new ModeView(runtime, 'sql');
        const results = await runTests(sql, {
          language: 'sql',
          code: 'INSERT INTO t VALUES (1); SELECT count(*) FROM t;',
          tests: [
            test('first', { sql: 'CREATE TABLE t (a)' }, [[1]]),
            test('second', { sql: 'CREATE TABLE t (a)' }, [[1]])
          ]
        });
        expect(results.map(r => r.status)).toEqual(['pass', 'pass']);
      });

      it('reports a failing query as an error, no table as a failure', async () => {
        const sql = new ModeView(runtime, 'sql');
        const [broken] = await runTests(sql, {
          language: 'sql',
          code: 'SELECT nope FROM people;',
          tests: [test('broken', { sql: setup }, [])]
        });
        expect(broken.status).toBe('error');
        expect(broken.error).toContain('no such column: nope');
        const [none] = await runTests(sql, {
          language: 'sql',
          code: "UPDATE people SET age = 1 WHERE name = 'x';",
          tests: [test('none', { sql: 'CREATE TABLE people (name, age);' }, [])]
        });
        expect(none).toMatchObject({
          status: 'fail',
          error: 'The query returned no result table.'
        });
      });
    });

    it('writes the results of a real run to the room', async () => {
      const doc = new Y.Doc();
      const log = new TestRunLog(doc);
      const tests = [
        test('right', { python: 'two_sum([2, 7, 11, 15], 9)' }, [0, 1]),
        test('error', { python: 'two_sum(None, 1)' }, null)
      ];
      const recorder = log.start({
        by: { name: 'Ada', color: '#f00', role: 'candidate' },
        language: 'python',
        question: 'sq-1',
        total: tests.length
      });
      await runTests(runtime, {
        language: 'python',
        code: twoSum,
        tests,
        onCase: (_, result) => recorder.addResult(result)
      });
      recorder.finish('done');
      const [run] = log.runs;
      expect(run.status).toBe('done');
      expect(run.results.map(r => r.status)).toEqual(['pass', 'error']);
      expect(run.results[1].error).toContain('TypeError');
    });
  }
);
