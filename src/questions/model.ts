/**
 * Interview questions as the frontend sees them: the room's `question` map
 * (written by the server only), the room's `testRuns` array (written by
 * clients, checked by the server) and the REST `Question` an interviewer
 * fetches. docs/protocol.md describes the room's roots.
 *
 * The types are written here rather than aliased from `../api/openapi`: the
 * room's shapes are not REST shapes, and what comes over the wire is checked
 * by the parsers below before anything trusts it.
 */
import * as Y from 'yjs';

import type { Language } from '../api/types';
import type { IRunAuthor } from '../model/document';
import {
  MAX_RUN_ID_LENGTH,
  isFiniteNumber,
  isPlainObject,
  isValidAuthor
} from '../model/document';
import { isLanguage } from '../model/language';

/**
 * The room's question (Y.Map, server-owned; empty when there is none).
 */
export const QUESTION_KEY = 'question';

/**
 * The room's test runs (Y.Array of Y.Map).
 */
export const TEST_RUNS_KEY = 'testRuns';

/**
 * Test runs kept in the room; clients drop the oldest beyond this.
 */
export const MAX_TEST_RUNS = 20;

/**
 * Longest string of a test run the server accepts (name, input, expected,
 * actual, error); longer text is clipped before it is written.
 */
export const MAX_RESULT_TEXT = 4096;

/**
 * Most test cases in one question (and in one test run's `total`).
 */
export const MAX_TEST_CASES = 200;

/**
 * Time limit of a test case when the question gives none, in ms.
 */
export const DEFAULT_TEST_TIMEOUT_MS = 5000;

/**
 * Shortest and longest time limit a test case may ask for, in ms.
 */
export const MIN_TEST_TIMEOUT_MS = 100;
export const MAX_TEST_TIMEOUT_MS = 60000;

/**
 * Longest test name a question file may give.
 */
export const MAX_TEST_NAME = 200;

/**
 * Any JSON value (what a test expects).
 */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * How hard a question is.
 */
export type Difficulty = 'easy' | 'medium' | 'hard';

/**
 * Every `Difficulty`, easiest first.
 */
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

/**
 * One test case of a question.
 */
export interface IQuestionTest {
  name: string;
  /**
   * By language: the expression to evaluate after the candidate's code
   * (python, javascript), or the script that sets up the database (sql).
   */
  input: Record<string, string>;
  /**
   * The value the expression (or the query's rows) must equal, as JSON.
   */
  expected: JsonValue;
  /**
   * Time limit of the case in ms (default `DEFAULT_TEST_TIMEOUT_MS`).
   */
  timeout_ms?: number;
  /**
   * SQL only: whether the order of the rows matters (default false).
   */
  ordered?: boolean;
}

/**
 * A follow-up part of a question.
 */
export interface IQuestionPart {
  title: string;
  prompt: string;
}

/**
 * The room's `question` map, read.
 */
export interface IRoomQuestion {
  /**
   * The session question's id (test runs name it in `question`).
   */
  id: string;
  title: string;
  difficulty: Difficulty | null;
  /**
   * The language the question was chosen in (the code's language is
   * `meta.language`, which can change later).
   */
  language: Language | null;
  /**
   * Markdown.
   */
  prompt: string;
  /**
   * The follow-up parts revealed so far, in order.
   */
  parts: IQuestionPart[];
  /**
   * Starter code by language.
   */
  starter: Record<string, string>;
  /**
   * The visible tests (hidden ones never reach the room).
   */
  tests: IQuestionTest[];
}

/**
 * A rubric criterion of a question.
 */
export interface IRubricCriterion {
  name: string;
  description: string;
}

/**
 * Where a question was read.
 */
export interface IQuestionSource {
  folder: string;
  path: string;
}

/**
 * A whole question as the REST API gives it to interviewers.
 */
export interface IQuestion {
  id: string;
  title: string;
  difficulty: Difficulty;
  duration_minutes: number | null;
  languages: Language[];
  tags: string[];
  prompt: string;
  parts: IQuestionPart[];
  starter: Record<string, string>;
  tests: IQuestionTest[];
  hidden_tests: IQuestionTest[];
  rubric: IRubricCriterion[];
  source: IQuestionSource | null;
}

/**
 * A session's question as the REST API gives it.
 */
export interface ISessionQuestion {
  /**
   * The session question's id (the room's `question.id`).
   */
  id: string;
  question: IQuestion;
  language: Language;
  /**
   * How many follow-up parts are revealed.
   */
  revealed: number;
  chosen_at: string;
}

/**
 * How one test case ended.
 */
export type CaseStatus = 'pass' | 'fail' | 'error' | 'timeout';

/**
 * Every `CaseStatus`.
 */
export const CASE_STATUSES: readonly CaseStatus[] = [
  'pass',
  'fail',
  'error',
  'timeout'
];

/**
 * The result of one test case (what the room's `testRuns[].results` holds).
 */
export interface ICaseResult {
  name: string;
  status: CaseStatus;
  /**
   * The input text of the run's language (sql: the setup script).
   */
  input: string;
  /**
   * The expected value, as JSON text.
   */
  expected: string;
  /**
   * What the code gave (JSON text when it could be converted), null when
   * it gave nothing.
   */
  actual: string | null;
  /**
   * Why the case could not be judged (error, time-out), else null.
   */
  error: string | null;
  durationMs: number;
}

/**
 * Where a test run is.
 */
export type TestRunStatus = 'running' | 'done' | 'stopped' | 'failed';

/**
 * Every `TestRunStatus`.
 */
export const TEST_RUN_STATUSES: readonly TestRunStatus[] = [
  'running',
  'done',
  'stopped',
  'failed'
];

/**
 * One test run of the room, read.
 */
export interface ITestRunView {
  id: string;
  by: IRunAuthor;
  language: string;
  /**
   * The id of the room question the tests came from.
   */
  question: string;
  status: TestRunStatus;
  startedAt: number;
  /**
   * How many cases the run has.
   */
  total: number;
  /**
   * The results of the cases that finished, in order.
   */
  results: ICaseResult[];
}

/**
 * Cut `text` to at most `limit` characters, marking the cut with `…`; `keep`
 * says which end survives (the end of an error holds the message). A
 * surrogate pair is never split.
 */
export function clipText(
  text: string,
  limit: number = MAX_RESULT_TEXT,
  keep: 'start' | 'end' = 'start'
): string {
  if (text.length <= limit) {
    return text;
  }
  if (limit <= 0) {
    return '';
  }
  const room = limit - 1;
  if (keep === 'start') {
    let end = room;
    if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) {
      end--;
    }
    return `${text.slice(0, end)}…`;
  }
  let start = text.length - room;
  if (start < text.length && isLowSurrogate(text.charCodeAt(start))) {
    start++;
  }
  return `…${text.slice(start)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Whether a value is JSON: null, a boolean, a finite number, a string, or
 * arrays and plain objects of them.
 */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > 100) {
    return false;
  }
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'string' ||
    isFiniteNumber(value)
  ) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.every(item => isJsonValue(item, depth + 1));
  }
  if (isPlainObject(value)) {
    return Object.keys(value).every(key => isJsonValue(value[key], depth + 1));
  }
  return false;
}

/**
 * A value read from the room as plain data: Y types become their JSON.
 */
function plain(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}

/**
 * Read the room's `question` map: null when it is empty or has no id.
 * Fields of the wrong type get their empty value; parts, tests and starter
 * entries that are not valid are left out (never an exception: the map is
 * the server's, but a panel must survive a bad one).
 */
export function readQuestion(map: {
  get(key: string): unknown;
  readonly size: number;
}): IRoomQuestion | null {
  if (map.size === 0) {
    return null;
  }
  const id = map.get('id');
  if (typeof id !== 'string' || id.length === 0) {
    return null;
  }
  const title = map.get('title');
  const difficulty = map.get('difficulty');
  const language = map.get('language');
  const prompt = map.get('prompt');
  const parts = plain(map.get('parts'));
  const tests = plain(map.get('tests'));
  return {
    id,
    title: typeof title === 'string' ? title : '',
    difficulty: DIFFICULTIES.includes(difficulty as Difficulty)
      ? (difficulty as Difficulty)
      : null,
    language: isLanguage(language) ? language : null,
    prompt: typeof prompt === 'string' ? prompt : '',
    parts: Array.isArray(parts)
      ? parts.filter(isQuestionPart).map(part => ({
          title: part.title,
          prompt: part.prompt
        }))
      : [],
    starter: readStarter(plain(map.get('starter'))),
    tests: Array.isArray(tests)
      ? tests
          .map(test => readTest(test))
          .filter((test): test is IQuestionTest => test !== null)
          .slice(0, MAX_TEST_CASES)
      : []
  };
}

function isQuestionPart(value: unknown): value is IQuestionPart {
  return (
    isPlainObject(value) &&
    typeof value.title === 'string' &&
    typeof value.prompt === 'string'
  );
}

function readStarter(value: unknown): Record<string, string> {
  const starter: Record<string, string> = {};
  if (isPlainObject(value)) {
    for (const [language, code] of Object.entries(value)) {
      if (typeof code === 'string') {
        starter[language] = code;
      }
    }
  }
  return starter;
}

/**
 * One test of the room's question, or null when it cannot be run: it needs
 * a non-empty `name`, an `input` object (entries that are not strings are
 * left out) and an `expected` JSON value. A `timeout_ms` out of range is
 * brought into it; one that is not a number, and an `ordered` that is not a
 * boolean, are ignored.
 */
export function readTest(value: unknown): IQuestionTest | null {
  value = plain(value);
  if (!isPlainObject(value)) {
    return null;
  }
  const name = value.name;
  const input = plain(value.input);
  const expected = plain(value.expected);
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    !isPlainObject(input) ||
    !isJsonValue(expected)
  ) {
    return null;
  }
  const test: IQuestionTest = {
    name,
    input: readStarter(input),
    expected
  };
  const timeout = value.timeout_ms;
  if (isFiniteNumber(timeout)) {
    test.timeout_ms = Math.round(
      Math.min(Math.max(timeout, MIN_TEST_TIMEOUT_MS), MAX_TEST_TIMEOUT_MS)
    );
  }
  if (typeof value.ordered === 'boolean') {
    test.ordered = value.ordered;
  }
  return test;
}

/**
 * Check a `Question` from the REST API and return it typed; throws an Error
 * naming the first problem (`question.tests[2].input.python is not a
 * string`). Optional lists may be missing (they become empty).
 */
export function parseQuestionPayload(value: unknown): IQuestion {
  return parseQuestion(value, 'question');
}

/**
 * Check a `SessionQuestion` from the REST API and return it typed; throws
 * an Error naming the first problem.
 */
export function parseSessionQuestionPayload(value: unknown): ISessionQuestion {
  const at = 'session question';
  const object = expectObject(value, at);
  const revealed = object.revealed;
  if (!Number.isInteger(revealed) || (revealed as number) < 0) {
    throw new Error(`${at}.revealed is not a whole number of parts`);
  }
  return {
    id: expectString(object.id, `${at}.id`, { nonEmpty: true }),
    question: parseQuestion(object.question, `${at}.question`),
    language: expectLanguage(object.language, `${at}.language`),
    revealed: revealed as number,
    chosen_at: expectString(object.chosen_at, `${at}.chosen_at`)
  };
}

function parseQuestion(value: unknown, at: string): IQuestion {
  const object = expectObject(value, at);
  const difficulty = object.difficulty;
  if (!DIFFICULTIES.includes(difficulty as Difficulty)) {
    throw new Error(
      `${at}.difficulty is not one of ${DIFFICULTIES.join(', ')}`
    );
  }
  const duration = object.duration_minutes ?? null;
  if (
    duration !== null &&
    (!Number.isInteger(duration) || (duration as number) < 1)
  ) {
    throw new Error(`${at}.duration_minutes is not a positive whole number`);
  }
  const languages = expectList(object.languages, `${at}.languages`).map(
    (language, index) => expectLanguage(language, `${at}.languages[${index}]`)
  );
  if (languages.length === 0) {
    throw new Error(`${at}.languages is empty`);
  }
  const source = object.source ?? null;
  let parsedSource: IQuestionSource | null = null;
  if (source !== null) {
    const sourceObject = expectObject(source, `${at}.source`);
    parsedSource = {
      folder: expectString(sourceObject.folder, `${at}.source.folder`),
      path: expectString(sourceObject.path, `${at}.source.path`)
    };
  }
  return {
    id: expectString(object.id, `${at}.id`, { nonEmpty: true }),
    title: expectString(object.title, `${at}.title`),
    difficulty: difficulty as Difficulty,
    duration_minutes: duration as number | null,
    languages,
    tags: expectList(object.tags ?? [], `${at}.tags`).map((tag, index) =>
      expectString(tag, `${at}.tags[${index}]`)
    ),
    prompt: expectString(object.prompt, `${at}.prompt`),
    parts: expectList(object.parts ?? [], `${at}.parts`).map((part, index) => {
      const where = `${at}.parts[${index}]`;
      const partObject = expectObject(part, where);
      return {
        title: expectString(partObject.title, `${where}.title`),
        prompt: expectString(partObject.prompt, `${where}.prompt`)
      };
    }),
    starter: expectCodeByLanguage(object.starter ?? {}, `${at}.starter`),
    tests: parseTests(object.tests, `${at}.tests`),
    hidden_tests: parseTests(object.hidden_tests ?? [], `${at}.hidden_tests`),
    rubric: expectList(object.rubric ?? [], `${at}.rubric`).map(
      (item, index) => {
        const where = `${at}.rubric[${index}]`;
        const itemObject = expectObject(item, where);
        return {
          name: expectString(itemObject.name, `${where}.name`, {
            nonEmpty: true
          }),
          description: expectString(
            itemObject.description,
            `${where}.description`
          )
        };
      }
    ),
    source: parsedSource
  };
}

function parseTests(value: unknown, at: string): IQuestionTest[] {
  const tests = expectList(value, at);
  if (tests.length > MAX_TEST_CASES) {
    throw new Error(`${at} has more than ${MAX_TEST_CASES} tests`);
  }
  return tests.map((test, index) => parseTest(test, `${at}[${index}]`));
}

function parseTest(value: unknown, at: string): IQuestionTest {
  const object = expectObject(value, at);
  const name = expectString(object.name, `${at}.name`, { nonEmpty: true });
  if (name.length > MAX_TEST_NAME) {
    throw new Error(`${at}.name is longer than ${MAX_TEST_NAME} characters`);
  }
  if (!('expected' in object)) {
    throw new Error(`${at}.expected is missing`);
  }
  if (!isJsonValue(object.expected)) {
    throw new Error(`${at}.expected is not a JSON value`);
  }
  const test: IQuestionTest = {
    name,
    input: expectCodeByLanguage(object.input, `${at}.input`),
    expected: object.expected
  };
  const timeout = object.timeout_ms ?? null;
  if (timeout !== null) {
    if (
      !Number.isInteger(timeout) ||
      (timeout as number) < MIN_TEST_TIMEOUT_MS ||
      (timeout as number) > MAX_TEST_TIMEOUT_MS
    ) {
      throw new Error(
        `${at}.timeout_ms is not a whole number from ${MIN_TEST_TIMEOUT_MS} to ${MAX_TEST_TIMEOUT_MS}`
      );
    }
    test.timeout_ms = timeout as number;
  }
  const ordered = object.ordered ?? null;
  if (ordered !== null) {
    if (typeof ordered !== 'boolean') {
      throw new Error(`${at}.ordered is not a boolean`);
    }
    test.ordered = ordered;
  }
  return test;
}

function expectObject(value: unknown, at: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new Error(`${at} is not an object`);
  }
  return value;
}

function expectList(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new Error(`${at} is not a list`);
  }
  return value;
}

function expectString(
  value: unknown,
  at: string,
  options: { nonEmpty?: boolean } = {}
): string {
  if (typeof value !== 'string') {
    throw new Error(`${at} is not a string`);
  }
  if (options.nonEmpty && value.length === 0) {
    throw new Error(`${at} is empty`);
  }
  return value;
}

function expectLanguage(value: unknown, at: string): Language {
  if (!isLanguage(value)) {
    throw new Error(`${at} is not a known language (${String(value)})`);
  }
  return value;
}

function expectCodeByLanguage(
  value: unknown,
  at: string
): Record<string, string> {
  const object = expectObject(value, at);
  const code: Record<string, string> = {};
  for (const [language, text] of Object.entries(object)) {
    expectLanguage(language, `${at} key`);
    code[language] = expectString(text, `${at}.${language}`);
  }
  return code;
}

/**
 * Read one entry of the room's `testRuns`, or null when it is not a test
 * run. A test run is a Y.Map whose fields are:
 * - `id`: a string of 1 to 64 characters;
 * - `by`: a plain object whose `name`, `color` and `role` are strings;
 * - `language`, `question`: strings;
 * - `status`: one of running, done, stopped, failed;
 * - `startedAt`: a finite number; `total`: a whole number from 0 to 200;
 * - `results`: a Y.Array of case results (`readCaseResult`), appended to as
 *   cases finish (a plain list is read too); entries that are not valid are
 *   left out.
 * Other keys are ignored.
 */
export function readTestRun(value: unknown): ITestRunView | null {
  if (!(value instanceof Y.Map)) {
    return null;
  }
  const run = value as Y.Map<unknown>;
  const id = run.get('id');
  const by = run.get('by');
  const language = run.get('language');
  const question = run.get('question');
  const status = run.get('status');
  const startedAt = run.get('startedAt');
  const total = run.get('total');
  const results = readList(run.get('results'));
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_RUN_ID_LENGTH ||
    !isValidAuthor(by) ||
    typeof language !== 'string' ||
    typeof question !== 'string' ||
    !TEST_RUN_STATUSES.includes(status as TestRunStatus) ||
    !isFiniteNumber(startedAt) ||
    !Number.isInteger(total) ||
    (total as number) < 0 ||
    (total as number) > MAX_TEST_CASES ||
    results === null
  ) {
    return null;
  }
  return {
    id,
    by: { name: by.name, color: by.color, role: by.role },
    language,
    question,
    status: status as TestRunStatus,
    startedAt,
    total: total as number,
    results: results
      .map(readCaseResult)
      .filter((result): result is ICaseResult => result !== null)
  };
}

/**
 * The items of a Y.Array or a plain list, else null. A Y.Array's items are
 * taken as they are: plain case results stay plain, anything else is not a
 * case result.
 */
function readList(value: unknown): unknown[] | null {
  if (value instanceof Y.Array) {
    return value.toArray();
  }
  return Array.isArray(value) ? value : null;
}

/**
 * One case result, or null when it is not one: `name`, `input`, `expected`
 * strings, `status` a case status, `actual` and `error` strings or null,
 * `durationMs` a finite number.
 */
export function readCaseResult(value: unknown): ICaseResult | null {
  if (!isPlainObject(value)) {
    return null;
  }
  const { name, status, input, expected, actual, error, durationMs } = value;
  if (
    typeof name !== 'string' ||
    !CASE_STATUSES.includes(status as CaseStatus) ||
    typeof input !== 'string' ||
    typeof expected !== 'string' ||
    !(actual === null || typeof actual === 'string') ||
    !(error === null || typeof error === 'string') ||
    !isFiniteNumber(durationMs)
  ) {
    return null;
  }
  return {
    name,
    status: status as CaseStatus,
    input,
    expected,
    actual,
    error,
    durationMs
  };
}

/**
 * A case result as the room accepts it: every string clipped to
 * `MAX_RESULT_TEXT` (an error keeps its end, where the message is), the
 * duration a whole, non-negative number.
 */
export function toStoredResult(result: ICaseResult): ICaseResult {
  return {
    name: clipText(result.name),
    status: result.status,
    input: clipText(result.input),
    expected: clipText(result.expected),
    actual: result.actual === null ? null : clipText(result.actual),
    error:
      result.error === null
        ? null
        : clipText(result.error, MAX_RESULT_TEXT, 'end'),
    durationMs: isFiniteNumber(result.durationMs)
      ? Math.max(0, Math.round(result.durationMs))
      : 0
  };
}
