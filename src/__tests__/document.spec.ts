/**
 * The interview document's rules and defensive rendering of the run log:
 * a room holding entries that break the rules (stored before the server
 * checked them, or written by a hostile peer) still shows every good run.
 */
import { nullTranslator } from '@jupyterlab/translation';
import * as Y from 'yjs';

import { RunPanel } from '../interview/runPanel';
import {
  InterviewDocument,
  RUNS_KEY,
  WHITEBOARD_KEY,
  isValidMeta,
  isValidOutputChunk,
  isValidRun,
  isValidTimer,
  isValidWhiteboardEntry,
  whiteboardEntryProblem
} from '../model/document';
import { RunLog } from '../runner/runLog';

const trans = nullTranslator.load('devinterview_jupyter');

const author = { name: 'Ada', color: '#123456', role: 'interviewer' };

/**
 * The fields of a valid run; `output` is a fresh Y.Array holding `chunks`.
 */
function runFields(
  overrides: Record<string, unknown> = {},
  chunks: unknown[] = [{ kind: 'text', stream: 'stdout', text: 'hi\n' }]
): Record<string, unknown> {
  const output = new Y.Array<unknown>();
  output.push(chunks);
  return {
    id: 'r-1',
    language: 'python',
    by: { ...author },
    code: 'print("hi")',
    stdin: '',
    status: 'ok',
    startedAt: 1700000000000,
    durationMs: 12,
    output,
    ...overrides
  };
}

function runMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) {
    map.set(key, value);
  }
  return map;
}

/**
 * A run inserted into a document (Y types are only readable once integrated).
 */
function stored(fields: Record<string, unknown>): Y.Map<unknown> {
  const doc = new Y.Doc();
  const runs = doc.getArray<unknown>(RUNS_KEY);
  runs.push([runMap(fields)]);
  return runs.get(0) as Y.Map<unknown>;
}

/**
 * Push entries that are not valid runs, as a hostile peer could.
 */
function pushJunk(doc: Y.Doc): number {
  const junk: unknown[] = [
    'oops',
    42,
    null,
    { ...runFields(), output: [] }, // a plain object, not a Y.Map
    runMap({ id: 'missing' }), // most keys missing
    runMap(runFields({ id: 7 })),
    runMap(runFields({ by: 'Mallory' })),
    runMap(runFields({ status: 'pwned' })),
    runMap(runFields({ startedAt: 'yesterday' })),
    runMap(runFields({ durationMs: 'long' })),
    runMap(runFields({ id: 'x'.repeat(65) })),
    runMap(runFields({ output: ['not', 'a', 'Y.Array'] })),
    new Y.Array<unknown>()
  ];
  doc.getArray<unknown>(RUNS_KEY).push(junk);
  return junk.length;
}

function goodRun(log: RunLog, code: string, text: string): void {
  const run = log.start({ language: 'python', by: author, code, stdin: '' });
  run.append([{ kind: 'text', stream: 'stdout', text }]);
  run.finish({ status: 'ok', durationMs: 3 });
}

function relay(a: Y.Doc, b: Y.Doc): void {
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') {
      Y.applyUpdate(b, update, 'relay');
    }
  });
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') {
      Y.applyUpdate(a, update, 'relay');
    }
  });
}

function nextFrame(): Promise<void> {
  return new Promise(resolve => requestAnimationFrame(() => resolve()));
}

describe('RunLog with malformed entries', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    warn.mockRestore();
  });

  it('skips entries that are not valid runs and logs each once', () => {
    const doc = new Y.Doc();
    const log = new RunLog(doc);
    goodRun(log, 'first', '1\n');
    const bad = pushJunk(doc);
    goodRun(log, 'second', '2\n');

    expect(log.runs().map(run => run.code)).toEqual(['first', 'second']);
    // `last` counts good runs only.
    expect(log.runs(2).map(run => run.code)).toEqual(['first', 'second']);
    expect(log.runs(1).map(run => run.code)).toEqual(['second']);
    expect(log.runs()[1].output).toEqual([
      { kind: 'text', stream: 'stdout', text: '2\n' }
    ]);
    // Read many times (every render), logged once per bad entry.
    log.runs();
    expect(warn).toHaveBeenCalledTimes(bad);
    expect(log.badEntries.count).toBe(bad);
    log.dispose();
  });

  it('shows a run whose output holds junk without the junk', () => {
    const doc = new Y.Doc();
    const log = new RunLog(doc);
    const table = {
      kind: 'table',
      columns: ['n'],
      rows: [[1], ['two'], [null]],
      truncated: false
    };
    const chunks = [
      { kind: 'text', stream: 'stdout', text: 'a' },
      'junk',
      7,
      null,
      { kind: 'text', stream: 'evil', text: 'x' },
      { kind: 'text', stream: 'stdout', text: 5 },
      { kind: 'table', columns: ['n'], rows: [[{}]], truncated: false },
      { kind: 'table', columns: 'n', rows: [], truncated: false },
      { kind: 'html', html: '<img src=x onerror=alert(1)>' },
      { kind: 'text', stream: 'stdout', text: 'b' },
      table
    ];
    doc.getArray<unknown>(RUNS_KEY).push([runMap(runFields({}, chunks))]);

    const [run] = log.runs();
    expect(run.code).toBe('print("hi")');
    expect(run.output).toEqual([
      { kind: 'text', stream: 'stdout', text: 'ab' },
      table
    ]);
    log.runs();
    expect(warn).toHaveBeenCalledTimes(8);
    // The document rule (what the server refuses) is strict.
    expect(isValidRun(doc.getArray(RUNS_KEY).get(0))).toBe(false);
    log.dispose();
  });

  it('renders the good runs of a stored document and of remote changes', async () => {
    const stored = new Y.Doc();
    goodRun(new RunLog(stored), 'kept', 'old\n');
    pushJunk(stored);

    // A participant opens the room: the stored document arrives first.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(stored));
    const panel = new RunPanel({
      doc: peer,
      runners: null,
      author,
      language: 'python',
      getCode: () => '',
      timeLimitMs: 1000,
      trans
    });
    const shown = () =>
      Array.from(
        panel.node.querySelectorAll<HTMLElement>('.jp-DevInterview-run')
      ).map(
        node => node.querySelector('.jp-DevInterview-runText')!.textContent
      );
    try {
      expect(shown()).toEqual(['old\n']);

      // Then a hostile peer pushes junk around a good run.
      const hostile = new Y.Doc();
      Y.applyUpdate(hostile, Y.encodeStateAsUpdate(peer));
      relay(hostile, peer);
      pushJunk(hostile);
      goodRun(new RunLog(hostile), 'new', 'new\n');
      pushJunk(hostile);
      await nextFrame();
      expect(shown()).toEqual(['old\n', 'new\n']);
    } finally {
      panel.dispose();
    }
  });

  it('keeps what a recorder writes valid (odd SQL cells become text)', () => {
    const doc = new Y.Doc();
    const log = new RunLog(doc);
    const recorder = log.start({
      language: 'sql',
      by: author,
      code: 'select',
      stdin: ''
    });
    recorder.append([
      {
        kind: 'table',
        columns: ['a', 'b', 'c'],
        rows: [[Infinity, new Uint8Array([1, 2]) as any, 3]],
        truncated: false
      }
    ]);
    recorder.finish({ status: 'ok', durationMs: 1 });
    const run = doc.getArray(RUNS_KEY).get(0);
    expect(isValidRun(run)).toBe(true);
    expect(log.runs()[0].output[0]).toMatchObject({
      rows: [['Infinity', '1,2', 3]]
    });
    // Someone replaced the output: appending more does not throw.
    (run as Y.Map<unknown>).set('output', 'gone');
    expect(() =>
      recorder.append([{ kind: 'text', stream: 'stdout', text: 'x' }])
    ).not.toThrow();
    log.dispose();
  });
});

describe('the interview document rules', () => {
  it('names the roots of the room document', () => {
    const doc = new InterviewDocument();
    expect(doc.ysource).toBe(doc.ydoc.getText('source'));
    expect(doc.meta).toBe(doc.ydoc.getMap('meta'));
    expect(doc.timer).toBe(doc.ydoc.getMap('timer'));
    expect(doc.whiteboard).toBe(doc.ydoc.getArray(WHITEBOARD_KEY));
    expect(doc.runs).toBe(doc.ydoc.getArray(RUNS_KEY));
    expect(doc.getMeta()).toEqual({ language: null, status: null });
    doc.meta.set('language', 'go');
    doc.meta.set('status', 'active');
    expect(doc.getMeta()).toEqual({ language: 'go', status: 'active' });
    doc.meta.set('language', 'cobol');
    expect(doc.getMeta().language).toBeNull();
    doc.dispose();
  });

  it('accepts a run only with every field of the right type', () => {
    expect(isValidRun(stored(runFields()))).toBe(true);
    expect(isValidRun(stored(runFields({ durationMs: null })))).toBe(true);
    expect(isValidRun(stored(runFields({}, [])))).toBe(true);
    expect(isValidRun(stored(runFields({ extra: 'ignored' })))).toBe(true);
    for (const bad of [
      { id: '' },
      { id: 'x'.repeat(65) },
      { id: 1 },
      { language: null },
      { by: { name: 'a', color: 'b' } },
      { by: { name: 'a', color: 'b', role: 1 } },
      { code: undefined },
      { stdin: 3 },
      { status: 'done' },
      { startedAt: NaN },
      { startedAt: '1' },
      { durationMs: Infinity },
      { output: null }
    ]) {
      expect([bad, isValidRun(stored(runFields(bad)))]).toEqual([bad, false]);
    }
    expect(isValidRun(stored({ ...runFields(), id: undefined }))).toBe(false);
    expect(isValidRun('run')).toBe(false);
    expect(isValidRun({ ...runFields() })).toBe(false);
    expect(
      isValidRun(stored(runFields({}, [{ kind: 'text', stream: 'x' }])))
    ).toBe(false);
  });

  it('accepts text and table output chunks', () => {
    expect(
      isValidOutputChunk({ kind: 'text', stream: 'system', text: '' })
    ).toBe(true);
    expect(
      isValidOutputChunk({
        kind: 'table',
        columns: [],
        rows: [['a', 1.5, null]],
        truncated: true
      })
    ).toBe(true);
    for (const bad of [
      null,
      'text',
      [],
      { kind: 'text', stream: 'stdin', text: '' },
      { kind: 'text', stream: 'stdout' },
      { kind: 'table', columns: [1], rows: [], truncated: false },
      { kind: 'table', columns: [], rows: [1], truncated: false },
      { kind: 'table', columns: [], rows: [[NaN]], truncated: false },
      { kind: 'table', columns: [], rows: [[true]], truncated: false },
      { kind: 'table', columns: [], rows: [] },
      new Uint8Array([1])
    ]) {
      expect([bad, isValidOutputChunk(bad)]).toEqual([bad, false]);
    }
  });

  it('accepts whiteboard entries whose record matches its key', () => {
    const shape = {
      id: 'shape:a',
      typeName: 'shape',
      type: 'geo',
      x: 1,
      y: 2,
      rotation: 0,
      index: 'a1',
      parentId: 'page:page',
      isLocked: false,
      opacity: 1,
      meta: {},
      props: { w: 10 }
    };
    expect(isValidWhiteboardEntry({ key: 'shape:a', val: shape })).toBe(true);
    expect(
      isValidWhiteboardEntry({
        key: 'page:p',
        val: { id: 'page:p', typeName: 'page' }
      })
    ).toBe(true);
    const problems = [
      [null, 'not an object'],
      ['shape:a', 'not an object'],
      [{ key: 1, val: shape }, 'key is not a non-empty string'],
      [{ key: 'shape:a', val: 'shape' }, 'val is not an object'],
      [{ key: 'shape:a', val: [shape] }, 'val is not an object'],
      [{ key: 'shape:b', val: shape }, 'val.id differs from key'],
      [
        { key: 'shape:a', val: { ...shape, typeName: 7 } },
        'val.typeName is not a non-empty string'
      ],
      [
        { key: 'shape:a', val: { ...shape, typeName: 'page' } },
        'key does not start with val.typeName'
      ],
      [
        { key: 'shape:a', val: { ...shape, x: 'oops' } },
        'x is not a finite number'
      ],
      [
        { key: 'shape:a', val: { ...shape, y: NaN } },
        'y is not a finite number'
      ],
      [
        { key: 'shape:a', val: { ...shape, rotation: Infinity } },
        'rotation is not a finite number'
      ],
      [
        { key: 'shape:a', val: { ...shape, opacity: 2 } },
        'opacity is not between 0 and 1'
      ],
      [
        { key: 'shape:a', val: { ...shape, type: '' } },
        'type is not a non-empty string'
      ],
      [
        { key: 'shape:a', val: { ...shape, index: 3 } },
        'index is not a non-empty string'
      ],
      [
        { key: 'shape:a', val: { ...shape, parentId: 'x' } },
        'parentId is not a page or shape id'
      ],
      [
        { key: 'shape:a', val: { ...shape, isLocked: 'no' } },
        'isLocked is not a boolean'
      ],
      [
        { key: 'shape:a', val: { ...shape, props: null } },
        'props is not an object'
      ],
      [{ key: 'shape:a', val: { ...shape, meta: [] } }, 'meta is not an object']
    ];
    for (const [entry, problem] of problems) {
      expect([entry, whiteboardEntryProblem(entry)]).toEqual([entry, problem]);
    }
  });

  it('checks the server-owned maps', () => {
    const doc = new Y.Doc();
    const meta = doc.getMap<unknown>('meta');
    const timer = doc.getMap<unknown>('timer');
    expect(isValidMeta(meta)).toBe(false);
    meta.set('language', 'python');
    meta.set('status', 'scheduled');
    expect(isValidMeta(meta)).toBe(true);
    meta.set('status', 'over');
    expect(isValidMeta(meta)).toBe(false);

    timer.set('running', false);
    timer.set('started_at_ms', null);
    timer.set('accumulated_ms', 0);
    timer.set('planned_minutes', null);
    expect(isValidTimer(timer)).toBe(true);
    timer.set('planned_minutes', 45);
    timer.set('started_at_ms', 1700000000000);
    expect(isValidTimer(timer)).toBe(true);
    timer.set('planned_minutes', 1.5);
    expect(isValidTimer(timer)).toBe(false);
    timer.set('planned_minutes', 45);
    timer.set('running', 'yes');
    expect(isValidTimer(timer)).toBe(false);
  });
});
