/**
 * The question parsers: the room's `question` map (server-written, read
 * defensively) and the REST `Question` (checked strictly).
 */
import * as Y from 'yjs';

import {
  MAX_RESULT_TEXT,
  MAX_TEST_CASES,
  QUESTION_KEY,
  clipText,
  isJsonValue,
  parseQuestionPayload,
  parseSessionQuestionPayload,
  readCaseResult,
  readQuestion,
  readTest,
  toStoredResult
} from '../questions/model';

function questionMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const doc = new Y.Doc();
  const map = doc.getMap<unknown>(QUESTION_KEY);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) {
      map.set(key, value);
    }
  });
  return map;
}

const TEST = {
  name: 'example 1',
  input: {
    python: 'two_sum([2, 7, 11, 15], 9)',
    javascript: 'twoSum([2, 7, 11, 15], 9)'
  },
  expected: [0, 1],
  timeout_ms: 5000,
  ordered: false
};

const ROOM_QUESTION = {
  id: 'sq-1',
  title: 'Two sum',
  difficulty: 'easy',
  language: 'python',
  prompt: 'Find *two* numbers.',
  parts: [{ title: 'Part 2: sorted', prompt: 'Now sorted.' }],
  starter: { python: 'def two_sum(nums, target):\n    pass\n' },
  tests: [TEST]
};

function restQuestion(): Record<string, any> {
  return {
    id: 'shipped~python~two-sum',
    title: 'Two sum',
    difficulty: 'easy',
    duration_minutes: 30,
    languages: ['python', 'javascript'],
    tags: ['arrays'],
    prompt: 'Find two numbers.',
    parts: [{ title: 'Part 2', prompt: 'Sorted.' }],
    starter: { python: 'def two_sum(nums, target):\n    pass\n' },
    tests: [JSON.parse(JSON.stringify(TEST))],
    hidden_tests: [
      {
        name: 'negatives',
        input: { python: 'two_sum([-3, 4, 3, 90], 0)' },
        expected: [0, 2],
        timeout_ms: 1000,
        ordered: false
      }
    ],
    rubric: [{ name: 'Correctness', description: 'valid indices' }],
    source: { folder: 'shipped', path: 'python/two-sum.md' }
  };
}

describe('readQuestion', () => {
  it('reads a whole question', () => {
    expect(readQuestion(questionMap(ROOM_QUESTION))).toEqual({
      ...ROOM_QUESTION,
      tests: [{ ...TEST }]
    });
  });

  it('is null for an empty map (no question) or one without an id', () => {
    expect(readQuestion(questionMap({}))).toBeNull();
    expect(readQuestion(questionMap({ title: 'No id' }))).toBeNull();
    expect(readQuestion(questionMap({ ...ROOM_QUESTION, id: '' }))).toBeNull();
    expect(readQuestion(questionMap({ ...ROOM_QUESTION, id: 7 }))).toBeNull();
  });

  it('gives fields of the wrong type their empty value', () => {
    const question = readQuestion(
      questionMap({
        id: 'q',
        title: 42,
        difficulty: 'impossible',
        language: 'cobol',
        prompt: { text: 'x' },
        parts: 'not a list',
        starter: ['python'],
        tests: { name: 'x' }
      })
    );
    expect(question).toEqual({
      id: 'q',
      title: '',
      difficulty: null,
      language: null,
      prompt: '',
      parts: [],
      starter: {},
      tests: []
    });
  });

  it('drops malformed parts, starter entries and tests instead of throwing', () => {
    const question = readQuestion(
      questionMap({
        ...ROOM_QUESTION,
        parts: [
          { title: 'ok', prompt: 'fine' },
          { title: 'no prompt' },
          null,
          'text',
          { title: 1, prompt: 'x' }
        ],
        starter: { python: 'x = 1', javascript: 5, sql: null },
        tests: [
          TEST,
          { ...TEST, name: '' },
          { ...TEST, name: 3 },
          { name: 'no input', expected: 1 },
          { name: 'input not an object', input: 'f()', expected: 1 },
          { name: 'no expected', input: { python: 'f()' } },
          null,
          [TEST]
        ]
      })
    )!;
    expect(question.parts).toEqual([{ title: 'ok', prompt: 'fine' }]);
    expect(question.starter).toEqual({ python: 'x = 1' });
    expect(question.tests.map(test => test.name)).toEqual(['example 1']);
  });

  it('reads Y types the server may have used for lists and objects', () => {
    const doc = new Y.Doc();
    const map = doc.getMap<unknown>(QUESTION_KEY);
    doc.transact(() => {
      map.set('id', 'q');
      const tests = new Y.Array<unknown>();
      tests.push([TEST]);
      map.set('tests', tests);
      const starter = new Y.Map<unknown>();
      starter.set('python', 'pass');
      map.set('starter', starter);
    });
    const question = readQuestion(map)!;
    expect(question.tests).toHaveLength(1);
    expect(question.starter).toEqual({ python: 'pass' });
  });

  it('keeps at most MAX_TEST_CASES tests', () => {
    const tests = Array.from({ length: MAX_TEST_CASES + 5 }, (_, i) => ({
      ...TEST,
      name: `t${i}`
    }));
    expect(
      readQuestion(questionMap({ ...ROOM_QUESTION, tests }))!.tests
    ).toHaveLength(MAX_TEST_CASES);
  });
});

describe('readTest', () => {
  it('keeps only string inputs', () => {
    expect(
      readTest({ ...TEST, input: { python: 'f()', javascript: 1, sql: null } })!
        .input
    ).toEqual({ python: 'f()' });
  });

  it('accepts any JSON value as expected, nothing else', () => {
    for (const expected of [null, false, 0, 'x', [], { a: [1, { b: null }] }]) {
      expect(readTest({ ...TEST, expected })?.expected).toEqual(expected);
    }
    expect(readTest({ ...TEST, expected: undefined })).toBeNull();
    expect(readTest({ ...TEST, expected: NaN })).toBeNull();
    expect(readTest({ ...TEST, expected: [1, Infinity] })).toBeNull();
    expect(readTest({ ...TEST, expected: new Date() })).toBeNull();
  });

  it('brings a time limit into range and ignores bad optional fields', () => {
    expect(readTest({ ...TEST, timeout_ms: 10 })!.timeout_ms).toBe(100);
    expect(readTest({ ...TEST, timeout_ms: 1e9 })!.timeout_ms).toBe(60000);
    expect(readTest({ ...TEST, timeout_ms: 'slow' })!.timeout_ms).toBe(
      undefined
    );
    expect(readTest({ ...TEST, ordered: 'yes' })!.ordered).toBe(undefined);
    expect(readTest({ ...TEST, ordered: true })!.ordered).toBe(true);
  });
});

describe('parseQuestionPayload', () => {
  it('returns a good question typed and unchanged', () => {
    const payload = restQuestion();
    expect(parseQuestionPayload(payload)).toEqual(payload);
  });

  it('fills optional lists that are missing', () => {
    const payload = restQuestion();
    delete payload.hidden_tests;
    delete payload.rubric;
    delete payload.parts;
    delete payload.tags;
    delete payload.source;
    delete payload.duration_minutes;
    delete payload.tests[0].timeout_ms;
    delete payload.tests[0].ordered;
    const question = parseQuestionPayload(payload);
    expect(question.hidden_tests).toEqual([]);
    expect(question.rubric).toEqual([]);
    expect(question.parts).toEqual([]);
    expect(question.tags).toEqual([]);
    expect(question.source).toBeNull();
    expect(question.duration_minutes).toBeNull();
    expect(question.tests[0]).toEqual({
      name: 'example 1',
      input: TEST.input,
      expected: [0, 1]
    });
  });

  const broken: [string, (q: Record<string, any>) => void, RegExp][] = [
    ['no id', q => delete q.id, /question\.id is not a string/],
    ['empty id', q => void (q.id = ''), /question\.id is empty/],
    [
      'title a number',
      q => void (q.title = 3),
      /question\.title is not a string/
    ],
    [
      'unknown difficulty',
      q => void (q.difficulty = 'extreme'),
      /question\.difficulty is not one of easy, medium, hard/
    ],
    [
      'duration not whole',
      q => void (q.duration_minutes = 1.5),
      /question\.duration_minutes/
    ],
    [
      'languages not a list',
      q => void (q.languages = 'python'),
      /question\.languages is not a list/
    ],
    [
      'no languages',
      q => void (q.languages = []),
      /question\.languages is empty/
    ],
    [
      'unknown language',
      q => void (q.languages = ['python', 'cobol']),
      /question\.languages\[1\] is not a known language \(cobol\)/
    ],
    [
      'tag a number',
      q => void (q.tags = [1]),
      /question\.tags\[0\] is not a string/
    ],
    [
      'prompt missing',
      q => delete q.prompt,
      /question\.prompt is not a string/
    ],
    [
      'part without prompt',
      q => void (q.parts = [{ title: 'x' }]),
      /question\.parts\[0\]\.prompt is not a string/
    ],
    [
      'starter in an unknown language',
      q => void (q.starter = { cobol: 'x' }),
      /question\.starter key is not a known language/
    ],
    [
      'starter not text',
      q => void (q.starter = { python: 1 }),
      /question\.starter\.python is not a string/
    ],
    ['tests missing', q => delete q.tests, /question\.tests is not a list/],
    [
      'test not an object',
      q => void (q.tests = [1]),
      /question\.tests\[0\] is not an object/
    ],
    [
      'test without a name',
      q => void (q.tests[0].name = ''),
      /question\.tests\[0\]\.name is empty/
    ],
    [
      'test name too long',
      q => void (q.tests[0].name = 'x'.repeat(201)),
      /question\.tests\[0\]\.name is longer than 200/
    ],
    [
      'test input not text',
      q => void (q.tests[0].input = { python: ['x'] }),
      /question\.tests\[0\]\.input\.python is not a string/
    ],
    [
      'test without expected',
      q => delete q.tests[0].expected,
      /question\.tests\[0\]\.expected is missing/
    ],
    [
      'test expected not JSON',
      q => void (q.tests[0].expected = NaN),
      /question\.tests\[0\]\.expected is not a JSON value/
    ],
    [
      'test time limit out of range',
      q => void (q.tests[0].timeout_ms = 60001),
      /question\.tests\[0\]\.timeout_ms is not a whole number from 100 to 60000/
    ],
    [
      'test ordered not a boolean',
      q => void (q.tests[0].ordered = 'yes'),
      /question\.tests\[0\]\.ordered is not a boolean/
    ],
    [
      'hidden test broken',
      q => void (q.hidden_tests[0].input = 'x'),
      /question\.hidden_tests\[0\]\.input is not an object/
    ],
    [
      'too many tests',
      q =>
        void (q.tests = Array.from({ length: MAX_TEST_CASES + 1 }, () => TEST)),
      /question\.tests has more than 200 tests/
    ],
    [
      'rubric item without a name',
      q => void (q.rubric = [{ name: '', description: 'x' }]),
      /question\.rubric\[0\]\.name is empty/
    ],
    [
      'source without a path',
      q => void (q.source = { folder: 'shipped' }),
      /question\.source\.path is not a string/
    ]
  ];

  it.each(broken)('throws naming the problem: %s', (_, breakIt, message) => {
    const payload = restQuestion();
    breakIt(payload);
    expect(() => parseQuestionPayload(payload)).toThrow(message);
  });

  it('throws for a value that is not an object', () => {
    for (const value of ['question', [], null, undefined]) {
      expect(() => parseQuestionPayload(value)).toThrow(
        /^question is not an object$/
      );
    }
  });
});

describe('parseSessionQuestionPayload', () => {
  const good = () => ({
    id: '4b1c0d52-1111-4d7e-9a53-9d1f0c2e7a10',
    question: restQuestion(),
    language: 'python',
    revealed: 0,
    chosen_at: '2024-01-01T00:00:00Z'
  });

  it('returns a good session question', () => {
    expect(parseSessionQuestionPayload(good())).toEqual(good());
  });

  it('names the problem of a bad one, inside the question too', () => {
    expect(() =>
      parseSessionQuestionPayload({ ...good(), revealed: -1 })
    ).toThrow(/session question\.revealed/);
    expect(() =>
      parseSessionQuestionPayload({ ...good(), language: 'cobol' })
    ).toThrow(/session question\.language is not a known language/);
    const payload = good();
    payload.question.tests[0].expected = undefined;
    expect(() => parseSessionQuestionPayload(payload)).toThrow(
      /session question\.question\.tests\[0\]\.expected is not a JSON value/
    );
  });
});

describe('case results', () => {
  const result = {
    name: 'n',
    status: 'pass',
    input: 'f()',
    expected: '1',
    actual: '1',
    error: null,
    durationMs: 3
  };

  it('reads a valid result and refuses broken ones', () => {
    expect(readCaseResult(result)).toEqual(result);
    expect(readCaseResult({ ...result, status: 'ok' })).toBeNull();
    expect(readCaseResult({ ...result, actual: 1 })).toBeNull();
    expect(readCaseResult({ ...result, error: undefined })).toBeNull();
    expect(readCaseResult({ ...result, durationMs: NaN })).toBeNull();
    expect(readCaseResult([result])).toBeNull();
  });

  it('clips every string for the room, an error keeping its end', () => {
    const long = 'a'.repeat(MAX_RESULT_TEXT) + 'END';
    const stored = toStoredResult({
      ...result,
      status: 'error',
      name: long,
      input: long,
      expected: long,
      actual: long,
      error: long,
      durationMs: 2.6
    });
    for (const text of [
      stored.name,
      stored.input,
      stored.expected,
      stored.actual!,
      stored.error!
    ]) {
      expect(text.length).toBeLessThanOrEqual(MAX_RESULT_TEXT);
    }
    expect(stored.actual!.endsWith('…')).toBe(true);
    expect(stored.error!.endsWith('END')).toBe(true);
    expect(stored.durationMs).toBe(3);
  });

  it('never splits a surrogate pair when clipping', () => {
    expect(clipText('ab😀cd', 4)).toBe('ab…');
    expect(clipText('ab😀cd', 4, 'end')).toBe('…cd');
    expect(clipText('short', 10)).toBe('short');
  });

  it('knows JSON values', () => {
    expect(isJsonValue({ a: [1, 'x', null, true] })).toBe(true);
    expect(isJsonValue(undefined)).toBe(false);
    expect(isJsonValue({ a: () => 1 })).toBe(false);
    expect(isJsonValue(new Uint8Array(2))).toBe(false);
  });
});
