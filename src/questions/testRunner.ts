/**
 * Runs a question's test cases against the candidate's code in the browser,
 * one program per case on the language's code runner (so each case starts
 * from a fresh namespace and a fresh database).
 *
 * Python and JavaScript: the program is the candidate's code followed by a
 * harness that evaluates the test's input expression, converts the value to
 * JSON and prints one marker line: the record separator, a random nonce,
 * then `{"actual": json text}` (or `{"shown": text}` for a value that is not
 * JSON, `{"error": text}` when the input raised). The page compares the
 * value with the expected one (`judgeCase`). The nonce is new for every case,
 * so what the candidate's code prints cannot pass for the harness's line by
 * accident.
 *
 * What that protects, and what not. The code under test runs first, in the
 * same interpreter as the harness: it can read the whole program (the test's
 * input is in it, and must reach the code anyway), replace `print` or
 * `console.log`, and print a marker of its own with the right nonce. So:
 * - the expected value never enters the sandbox and the verdict is the
 *   page's: the code cannot learn an expected value, and a forged marker
 *   still has to carry the right value, which is solving the case;
 * - the sandbox frame's Content-Security-Policy (runner/sandbox.ts) lets the
 *   code send no request, except into the folders the runtime loads its own
 *   files from: a hidden test's input cannot be sent out of the
 *   interviewer's browser (a request into those folders could carry it in
 *   its address, but only to this Jupyter server or the configured Pyodide
 *   host, whose logs a candidate does not read);
 * - hidden tests run on a runner made for that run alone
 *   (`ICodeRunners.freshRunnerFor`): no hook planted in the shared Python
 *   interpreter by an earlier run (in `builtins`, `json`, the runner's own
 *   helpers) is there to see them. Within one run every case shares the
 *   interpreter, but all its cases run the same code.
 * Not protected: results are what the code under test made the interpreter
 * print, so they say what the code computed, not how (a solution may print
 * or look up the answers of the visible tests, whose inputs and expected
 * values are in the room for everyone). Results are indicative, for the
 * interview, not proof.
 *
 * SQL: the program is the test's setup script followed by the candidate's
 * query, run by the SQL runner on a fresh in-memory database; the last result
 * table is compared with the expected rows here.
 */
import type { ICodeRunner, IRunResult } from '../tokens';
import type { ITableChunk, OutputChunk } from '../runner/protocol';
import type { ICaseResult, IQuestionTest, JsonValue } from './model';
import {
  DEFAULT_TEST_TIMEOUT_MS,
  MAX_RESULT_TEXT,
  MAX_TEST_TIMEOUT_MS,
  MIN_TEST_TIMEOUT_MS,
  clipText
} from './model';
import { randomNonce } from '../runner/nonce';

/**
 * The languages whose tests run in the browser.
 */
export type TestLanguage = 'python' | 'javascript' | 'sql';

/**
 * Every `TestLanguage`.
 */
export const TEST_LANGUAGES: readonly TestLanguage[] = [
  'python',
  'javascript',
  'sql'
];

/**
 * Output kept per case: larger than a normal run's, so a chatty program does
 * not push the harness's line past the cut.
 */
export const TEST_OUTPUT_LIMIT = 1024 * 1024;

/**
 * Numbers closer than this (relative to the larger, or absolutely) are equal,
 * so `0.1 + 0.2` passes for `0.3`. Whole numbers compare exactly.
 */
export const NUMBER_TOLERANCE = 1e-9;

/**
 * Starts the harness's line (ASCII record separator: never in ordinary output).
 */
const MARK = '\x1e';

/**
 * Whether tests of a language can run in the browser.
 */
export function canRunTests(language: unknown): language is TestLanguage {
  return TEST_LANGUAGES.includes(language as TestLanguage);
}

/**
 * The time limit of a case, in ms.
 */
export function caseTimeLimit(test: IQuestionTest): number {
  const timeout = test.timeout_ms;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout)) {
    return DEFAULT_TEST_TIMEOUT_MS;
  }
  return Math.min(Math.max(timeout, MIN_TEST_TIMEOUT_MS), MAX_TEST_TIMEOUT_MS);
}

/**
 * A fresh random nonce (hex) for a case's marker line.
 */
export function newNonce(): string {
  return randomNonce();
}

/**
 * The text a test gives for a language (sql: the setup script), or null when
 * it has none.
 */
export function testInput(
  test: IQuestionTest,
  language: string
): string | null {
  const input = test.input[language];
  return typeof input === 'string' ? input : null;
}

/**
 * The program that runs one case: throws an Error saying why when the
 * language cannot run tests or the test has no input for it.
 */
export function buildCaseProgram(
  language: string,
  code: string,
  test: IQuestionTest,
  nonce: string
): string {
  if (!canRunTests(language)) {
    throw new Error(`Tests cannot run in ${language} in the browser.`);
  }
  const input = testInput(test, language);
  if (input === null || (language !== 'sql' && input.trim() === '')) {
    throw new Error(`This test has no input for ${language}.`);
  }
  if (language === 'sql') {
    const setup = input.replace(/\s+$/, '');
    if (setup === '') {
      return code;
    }
    // Without a final ";" the setup's last statement would swallow the query.
    return `${setup}${setup.endsWith(';') ? '' : '\n;'}\n${code}`;
  }
  const source = JSON.stringify(input.trim());
  const marker = JSON.stringify(MARK + nonce);
  // JSON string literals are valid Python and JavaScript string literals
  // with the same meaning, so the values go in without further escaping.
  // The expected value stays out: the page compares (see `judgeCase`).
  return language === 'python'
    ? `${code}\n\n${PYTHON_HARNESS}_devinterview_test(${source}, ${marker}, ${MAX_RESULT_TEXT})\ndel _devinterview_test\n`
    : `${code}\n;${jsHarness(source, `${marker}, ${MAX_RESULT_TEXT}, ${code.split('\n').length}`)}`;
}

/**
 * Runs after the candidate's code in the same globals: `globals()` inside the
 * function is the program's namespace. Only one name is added, and removed
 * again. It prints the value as JSON text (`actual`), unclipped since the
 * page compares it; what cannot be JSON (`shown`) and errors are clipped.
 */
const PYTHON_HARNESS = `def _devinterview_test(source, marker, limit):
    import json, math, traceback
    from collections.abc import Iterable, Mapping

    def key(k):
        if isinstance(k, str):
            return k
        if k is None or isinstance(k, (bool, int, float)):
            return json.dumps(k)
        raise TypeError("keys must be str, int, float, bool or None")

    def plain(value, depth=0):
        if depth > 100:
            raise ValueError("nested too deeply")
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            if math.isfinite(value):
                return value
            raise ValueError("not a finite number")
        if isinstance(value, Mapping):
            return {key(k): plain(v, depth + 1) for k, v in value.items()}
        if isinstance(value, (set, frozenset)):
            items = [plain(v, depth + 1) for v in value]
            try:
                return sorted(items)
            except TypeError:
                return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        if hasattr(value, "tolist"):
            return plain(value.tolist(), depth + 1)
        if isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError("bytes are not JSON")
        if isinstance(value, Iterable):
            return [plain(v, depth + 1) for v in value]
        raise TypeError(type(value).__name__ + " is not JSON")

    def clip(text):
        return text if len(text) <= limit else text[: limit - 1] + "\\u2026"

    def report(result):
        print(marker + json.dumps(result), flush=True)

    try:
        value = eval(compile(source, "<test>", "eval"), globals())
    except BaseException as error:
        # Leave out this harness's frame: the trace starts at the test's input.
        lines = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
        text = "".join(lines).strip()
        if len(text) > limit:
            text = "\\u2026" + text[len(text) - limit + 1 :]
        report({"error": text})
        return
    try:
        text = json.dumps(plain(value), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        try:
            text = repr(value)
        except BaseException:
            text = "<" + type(value).__name__ + ">"
        report({"shown": clip(text)})
        return
    report({"actual": text})

`;

/**
 * Runs after the candidate's code, inside the async function the sandbox
 * wraps a program in: the block keeps its names from clashing with the
 * program's, the direct `eval` sees the program's declarations, and a
 * promise the expression gives is awaited.
 */
function jsHarness(source: string, args: string): string {
  return `{
  let __devinterviewValue, __devinterviewError, __devinterviewFailed = false;
  try {
    __devinterviewValue = eval(${source});
    if (__devinterviewValue && typeof __devinterviewValue.then === 'function') {
      __devinterviewValue = await __devinterviewValue;
    }
  } catch (error) {
    __devinterviewFailed = true;
    __devinterviewError = error;
  }
  (${JS_REPORT})(__devinterviewValue, __devinterviewFailed, __devinterviewError, ${args});
}
`;
}

/**
 * Converts the value and prints the marker line (a function expression, so
 * it sees none of the program's names it does not need): the JSON text as
 * `actual` (unclipped: the page compares it), else `shown` or `error`.
 */
const JS_REPORT = `(value, failed, error, marker, limit, codeLines) => {
  const log = console.log;
  const clip = text => (text.length <= limit ? text : text.slice(0, limit - 1) + '\\u2026');
  const report = result => log(marker + JSON.stringify(result));
  if (failed) {
    let text;
    if (error instanceof Error) {
      // The message, then the frames in the candidate's code (lines after
      // it are this harness's; the test's input is evaluated in an eval).
      const frames = String(error.stack || '').split('\\n').filter(line => {
        const at = /main\\.js:(\\d+):/.exec(line);
        return at !== null && Number(at[1]) <= codeLines && !line.includes('eval at');
      });
      text = [String(error)].concat(frames).join('\\n');
    } else {
      text = 'Uncaught ' + String(error);
    }
    if (text.length > limit) {
      text = '\\u2026' + text.slice(text.length - limit + 1);
    }
    report({ error: text });
    return;
  }
  const replacer = (k, v) => {
    if (typeof v === 'bigint') {
      return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
    }
    if (v instanceof Set) {
      const items = Array.from(v);
      if (items.every(item => typeof item === 'number')) {
        items.sort((a, b) => a - b);
      } else if (items.every(item => typeof item === 'string')) {
        items.sort();
      }
      return items;
    }
    if (v instanceof Map) {
      const object = {};
      v.forEach((item, name) => {
        object[String(name)] = item;
      });
      return object;
    }
    return v;
  };
  let text;
  try {
    text = JSON.stringify(value, replacer);
  } catch (e) {
    text = undefined;
  }
  if (text === undefined) {
    let shown;
    try {
      shown = String(value);
    } catch (e) {
      shown = Object.prototype.toString.call(value);
    }
    report({ shown: clip(shown) });
    return;
  }
  report({ actual: text });
}`;

/**
 * Whether two JSON values are equal: numbers by value (whole numbers
 * exactly, others within `NUMBER_TOLERANCE`), arrays item by item, objects
 * key by key, everything else strictly.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return sameNumber(a, b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameJson(item, b[index]))
    );
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every(
        key =>
          Object.prototype.hasOwnProperty.call(right, key) &&
          sameJson(left[key], right[key])
      )
    );
  }
  return a === b;
}

function sameNumber(a: number, b: number): boolean {
  if (a === b) {
    return true;
  }
  if (Number.isInteger(a) && Number.isInteger(b)) {
    return false;
  }
  return (
    Math.abs(a - b) <=
    Math.max(
      NUMBER_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)),
      NUMBER_TOLERANCE
    )
  );
}

/**
 * Whether a result table's rows equal the expected rows: cells by value
 * (an expected boolean is SQLite's 1 or 0), rows in any order unless
 * `ordered`.
 */
export function sameRows(
  actual: ITableChunk['rows'],
  expected: JsonValue,
  ordered: boolean
): boolean {
  if (!Array.isArray(expected) || expected.length !== actual.length) {
    return false;
  }
  const rows = expected as JsonValue[];
  if (ordered) {
    return actual.every((row, index) => sameRow(row, rows[index]));
  }
  const used = new Array<boolean>(rows.length).fill(false);
  return actual.every(row => {
    const match = rows.findIndex(
      (candidate, index) => !used[index] && sameRow(row, candidate)
    );
    if (match < 0) {
      return false;
    }
    used[match] = true;
    return true;
  });
}

function sameRow(actual: unknown[], expected: JsonValue): boolean {
  return (
    Array.isArray(expected) &&
    expected.length === actual.length &&
    actual.every((cell, index) => sameCell(cell, expected[index]))
  );
}

function sameCell(actual: unknown, expected: JsonValue): boolean {
  if (typeof expected === 'boolean') {
    return actual === (expected ? 1 : 0);
  }
  if (typeof expected === 'number') {
    return typeof actual === 'number' && sameNumber(actual, expected);
  }
  return actual === expected;
}

/**
 * How a case's program ended, as the runner told it.
 */
export interface ICaseRun {
  status: IRunResult['status'];
  durationMs: number;
  chunks: OutputChunk[];
}

/**
 * Judge one case from its program's output: the marker line with `nonce`
 * (python, javascript) or the last result table (sql). Lines with any other
 * nonce are ignored.
 */
export function judgeCase(
  language: string,
  test: IQuestionTest,
  nonce: string,
  run: ICaseRun
): ICaseResult {
  const base = {
    name: test.name,
    input: testInput(test, language) ?? '',
    expected: JSON.stringify(test.expected) ?? 'null',
    durationMs: Math.max(0, Math.round(run.durationMs))
  };
  const problem = (fallback: string): string => {
    const text = streamText(run.chunks, ['stderr', 'system']).trim();
    return clipText(text || fallback, MAX_RESULT_TEXT, 'end');
  };
  switch (run.status) {
    case 'timeout':
      return {
        ...base,
        status: 'timeout',
        actual: null,
        error: problem(
          `Stopped: the case ran longer than its ${caseTimeLimit(test)} ms time limit.`
        )
      };
    case 'failed':
      return {
        ...base,
        status: 'error',
        actual: null,
        error: problem('The runtime could not start.')
      };
    case 'stopped':
      return { ...base, status: 'error', actual: null, error: 'Stopped.' };
  }
  if (language === 'sql') {
    if (run.status === 'error') {
      return {
        ...base,
        status: 'error',
        actual: null,
        error: problem('The query failed.')
      };
    }
    const table = lastTable(run.chunks);
    if (!table) {
      return {
        ...base,
        status: 'fail',
        actual: null,
        error: 'The query returned no result table.'
      };
    }
    const passed =
      !table.truncated &&
      sameRows(table.rows, test.expected, test.ordered === true);
    return {
      ...base,
      status: passed ? 'pass' : 'fail',
      actual: clipText(JSON.stringify(table.rows)),
      error: table.truncated
        ? 'The query returned more rows than are kept.'
        : null
    };
  }
  const marker = readMarker(streamText(run.chunks, ['stdout']), nonce);
  if (!marker) {
    return {
      ...base,
      status: 'error',
      actual: null,
      error: problem(
        run.status === 'ok'
          ? 'The program ended before the test ran (did it exit?).'
          : 'The program failed before the test ran.'
      )
    };
  }
  switch (marker.kind) {
    case 'unreadable':
      return {
        ...base,
        status: 'error',
        actual: null,
        error: `The test's result line could not be read (cut at the ${TEST_OUTPUT_LIMIT / (1024 * 1024)} MB of output a case keeps, or written over by the program).`
      };
    case 'error':
      return {
        ...base,
        status: 'error',
        actual: null,
        error: clipText(marker.text, MAX_RESULT_TEXT, 'end')
      };
    case 'shown':
      return {
        ...base,
        status: 'fail',
        actual: clipText(marker.text),
        error: null
      };
  }
  // The verdict is made here, on the page: the code under test never sees
  // the expected value, so it can neither learn it nor claim to match it.
  let value: unknown;
  try {
    value = JSON.parse(marker.text);
  } catch {
    return {
      ...base,
      status: 'error',
      actual: clipText(marker.text),
      error: 'The value the test gave is not JSON.'
    };
  }
  return {
    ...base,
    status: sameJson(value, test.expected) ? 'pass' : 'fail',
    actual: clipText(marker.text),
    error: null
  };
}

function streamText(chunks: OutputChunk[], streams: string[]): string {
  let text = '';
  for (const chunk of chunks) {
    if (chunk.kind === 'text' && streams.includes(chunk.stream)) {
      text += chunk.text;
    }
  }
  return text;
}

function lastTable(chunks: OutputChunk[]): ITableChunk | null {
  for (let i = chunks.length - 1; i >= 0; i--) {
    const chunk = chunks[i];
    if (chunk.kind === 'table') {
      return chunk;
    }
  }
  return null;
}

/**
 * The last line with this nonce in the program's stdout, read: the value as
 * JSON text (`actual`), the text of a value that is not JSON (`shown`) or
 * the error of the test's input (`error`). Null when there is none;
 * `unreadable` when it is not what the harness writes (the harness's line
 * cut at the output limit, most likely: it comes last).
 */
function readMarker(
  stdout: string,
  nonce: string
): {
  kind: 'actual' | 'shown' | 'error' | 'unreadable';
  text: string;
} | null {
  const unreadable = { kind: 'unreadable' as const, text: '' };
  const prefix = MARK + nonce;
  const at = stdout.lastIndexOf(prefix);
  if (at < 0) {
    return null;
  }
  const start = at + prefix.length;
  const end = stdout.indexOf('\n', start);
  let value: unknown;
  try {
    value = JSON.parse(stdout.slice(start, end < 0 ? undefined : end));
  } catch {
    return unreadable;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return unreadable;
  }
  const fields = Object.keys(value);
  if (fields.length !== 1) {
    return unreadable;
  }
  const kind = fields[0];
  const text = (value as Record<string, unknown>)[kind];
  if (
    (kind !== 'actual' && kind !== 'shown' && kind !== 'error') ||
    typeof text !== 'string'
  ) {
    return unreadable;
  }
  return { kind, text };
}

/**
 * What `runTests` needs.
 */
export interface IRunTestsOptions {
  /**
   * The language of the code (the room's `meta.language`).
   */
  language: string;
  /**
   * The candidate's code (sql: the query).
   */
  code: string;
  tests: readonly IQuestionTest[];
  /**
   * Hears of each case as it finishes.
   */
  onCase?: (index: number, result: ICaseResult) => void;
  /**
   * Stops the run: the running case is killed (and left out of the
   * results) and no further case starts.
   */
  signal?: AbortSignal;
}

/**
 * Run every test case, one after the other, on `runner` (the runner of the
 * language: for sql the SQL runner). Resolves with the results of the cases
 * that finished: fewer than the tests when the run was stopped, through
 * `signal` or by someone stopping the runner. Rejects when the runner
 * refuses a program (another is running, it is closed).
 */
export async function runTests(
  runner: ICodeRunner,
  options: IRunTestsOptions
): Promise<ICaseResult[]> {
  const { language, code, tests, onCase, signal } = options;
  const results: ICaseResult[] = [];
  for (let index = 0; index < tests.length; index++) {
    if (signal?.aborted) {
      break;
    }
    const test = tests[index];
    const nonce = newNonce();
    let program: string;
    try {
      program = buildCaseProgram(language, code, test, nonce);
    } catch (error) {
      const result: ICaseResult = {
        name: test.name,
        status: 'error',
        input: testInput(test, language) ?? '',
        expected: JSON.stringify(test.expected) ?? 'null',
        actual: null,
        error: error instanceof Error ? error.message : String(error),
        durationMs: 0
      };
      results.push(result);
      onCase?.(index, result);
      continue;
    }
    const chunks: OutputChunk[] = [];
    const stop = () => runner.stop();
    signal?.addEventListener('abort', stop);
    let run: IRunResult;
    try {
      run = await runner.run({
        code: program,
        stdin: '',
        timeLimitMs: caseTimeLimit(test),
        outputLimit: TEST_OUTPUT_LIMIT,
        onOutput: output => {
          chunks.push(...output);
        }
      });
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (run.status === 'stopped') {
      break;
    }
    const result = judgeCase(language, test, nonce, { ...run, chunks });
    results.push(result);
    onCase?.(index, result);
  }
  return results;
}
