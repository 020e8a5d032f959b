/**
 * Integrity signals in the browser: the candidate page's detector (paste
 * threshold, hidden and unfocused intervals that pair up), the sender (order,
 * coalescing, retry, stop), nothing at all when the server records nothing,
 * the notice of what is recorded, and the interviewers' live markers.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { DevInterviewAPIError } from '../api/errors';
import type {
  IEventReport,
  ISessionEvent,
  ISessionEventList
} from '../api/types';
import { startIntegritySignals } from '../integrity/candidate';
import type { IntervalKind } from '../integrity/detector';
import { IntegrityDetector } from '../integrity/detector';
import {
  MAX_PASTE_CHARS,
  countChars,
  describeEvent,
  formatDuration,
  recordedItems
} from '../integrity/format';
import { IntegrityMarkers } from '../integrity/markers';
import {
  recordedList,
  rememberAcknowledged,
  wasAcknowledged
} from '../integrity/notice';
import { IntegritySender } from '../integrity/sender';

const trans = nullTranslator.load('devinterview_jupyter');

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) {
      return;
    }
    await sleep(5);
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

/**
 * A document whose visibility and focus the test decides.
 */
class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  focused = true;
  hasFocus(): boolean {
    return this.focused;
  }
}

type Observed = ['paste', number] | [IntervalKind, 'start' | 'end'];

class Recorder {
  seen: Observed[] = [];
  paste(size: number): void {
    this.seen.push(['paste', size]);
  }
  interval(kind: IntervalKind, state: 'start' | 'end'): void {
    this.seen.push([kind, state]);
  }
}

function pasteEvent(text: string, type = 'paste'): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  const data = {
    getData: (format: string) => (format === 'text/plain' ? text : '')
  };
  Object.defineProperty(
    event,
    type === 'paste' ? 'clipboardData' : 'dataTransfer',
    { value: data }
  );
  return event;
}

interface IPage {
  doc: FakeDocument;
  win: EventTarget;
  editor: HTMLElement;
  inner: HTMLElement;
}

function page(): IPage {
  const editor = document.createElement('div');
  const inner = document.createElement('div');
  editor.append(inner);
  document.body.append(editor);
  return { doc: new FakeDocument(), win: new EventTarget(), editor, inner };
}

function detect(
  p: IPage,
  sink: Recorder,
  extra: Partial<IntegrityDetector.IOptions> = {}
): IntegrityDetector {
  return new IntegrityDetector({
    sink,
    editorNode: p.editor,
    pasteChars: 200,
    document: p.doc as unknown as Document,
    window: p.win as unknown as Window,
    ...extra
  });
}

describe('IntegrityDetector', () => {
  it('reports pastes from the threshold on, as their size only', () => {
    const p = page();
    const sink = new Recorder();
    const detector = detect(p, sink);
    sink.seen = [];
    p.inner.dispatchEvent(pasteEvent('x'.repeat(199)));
    p.inner.dispatchEvent(pasteEvent('x'.repeat(200)));
    p.inner.dispatchEvent(pasteEvent('y'.repeat(340), 'drop'));
    // 150 emoji are 300 UTF-16 units but 150 characters: below the threshold.
    p.inner.dispatchEvent(pasteEvent('😀'.repeat(150)));
    p.inner.dispatchEvent(pasteEvent('😀'.repeat(250)));
    expect(sink.seen).toEqual([
      ['paste', 200],
      ['paste', 340],
      ['paste', 250]
    ]);
    // Outside the editor: not a paste into the code.
    sink.seen = [];
    document.body.dispatchEvent(pasteEvent('z'.repeat(500)));
    expect(sink.seen).toEqual([]);
    detector.dispose();
    p.inner.dispatchEvent(pasteEvent('x'.repeat(500)));
    expect(sink.seen).toEqual([]);
  });

  it('takes the threshold from the server and caps the size', () => {
    const p = page();
    const sink = new Recorder();
    detect(p, sink, { pasteChars: 1000 });
    sink.seen = [];
    p.inner.dispatchEvent(pasteEvent('x'.repeat(999)));
    p.inner.dispatchEvent(pasteEvent('x'.repeat(1000)));
    p.inner.dispatchEvent(pasteEvent('x'.repeat(MAX_PASTE_CHARS + 5)));
    expect(sink.seen).toEqual([
      ['paste', 1000],
      ['paste', MAX_PASTE_CHARS]
    ]);
  });

  it('ignores pastes into a read-only editor', () => {
    const p = page();
    const sink = new Recorder();
    let readOnly = true;
    detect(p, sink, { isReadOnly: () => readOnly });
    sink.seen = [];
    p.inner.dispatchEvent(pasteEvent('x'.repeat(300)));
    readOnly = false;
    p.inner.dispatchEvent(pasteEvent('x'.repeat(300)));
    expect(sink.seen).toEqual([['paste', 300]]);
  });

  it('says how the page is when it starts', () => {
    const p = page();
    const sink = new Recorder();
    detect(p, sink);
    expect(sink.seen).toEqual([
      ['hidden', 'end'],
      ['unfocused', 'end']
    ]);
    const q = page();
    q.doc.visibilityState = 'hidden';
    q.doc.focused = false;
    const other = new Recorder();
    detect(q, other);
    expect(other.seen).toEqual([
      ['hidden', 'start'],
      ['unfocused', 'start']
    ]);
  });

  it('pairs hidden starts and ends, once each', () => {
    const p = page();
    const sink = new Recorder();
    detect(p, sink);
    sink.seen = [];
    p.doc.visibilityState = 'hidden';
    p.doc.dispatchEvent(new Event('visibilitychange'));
    p.doc.dispatchEvent(new Event('visibilitychange'));
    p.doc.visibilityState = 'visible';
    p.doc.dispatchEvent(new Event('visibilitychange'));
    p.doc.dispatchEvent(new Event('visibilitychange'));
    expect(sink.seen).toEqual([
      ['hidden', 'start'],
      ['hidden', 'end']
    ]);
  });

  it('pairs unfocused starts and ends, and not for a frame of the page', async () => {
    const p = page();
    const sink = new Recorder();
    const detector = detect(p, sink);
    sink.seen = [];
    // Focus into a sandbox frame of this page: the document keeps the focus.
    p.win.dispatchEvent(new Event('blur'));
    await sleep(5);
    expect(sink.seen).toEqual([]);

    p.doc.focused = false;
    p.win.dispatchEvent(new Event('blur'));
    p.win.dispatchEvent(new Event('blur'));
    await sleep(5);
    p.doc.focused = true;
    p.win.dispatchEvent(new Event('focus'));
    p.win.dispatchEvent(new Event('focus'));
    expect(sink.seen).toEqual([
      ['unfocused', 'start'],
      ['unfocused', 'end']
    ]);

    // A blur then a focus before the check: nothing happened.
    sink.seen = [];
    p.doc.focused = false;
    p.win.dispatchEvent(new Event('blur'));
    p.doc.focused = true;
    p.win.dispatchEvent(new Event('focus'));
    await sleep(5);
    expect(sink.seen).toEqual([]);

    detector.dispose();
    p.doc.focused = false;
    p.win.dispatchEvent(new Event('blur'));
    p.doc.visibilityState = 'hidden';
    p.doc.dispatchEvent(new Event('visibilitychange'));
    await sleep(5);
    expect(sink.seen).toEqual([]);
  });
});

/**
 * A fake `reportEvent`: records each body and answers as the test says.
 */
class FakeReports {
  sent: IEventReport[] = [];
  answers: Array<() => Promise<unknown>> = [];
  report = (body: IEventReport): Promise<unknown> => {
    this.sent.push(body);
    const answer = this.answers.shift();
    return answer ? answer() : Promise.resolve(undefined);
  };
}

function refusal(status: number, reason?: string): () => Promise<unknown> {
  return () =>
    Promise.reject(new DevInterviewAPIError('refused', { status, reason }));
}

describe('IntegritySender', () => {
  it('sends in order, one at a time', async () => {
    const server = new FakeReports();
    const sender = new IntegritySender({ report: server.report });
    sender.interval('hidden', 'start');
    sender.paste(300);
    sender.interval('hidden', 'end');
    await until(() => server.sent.length === 3, 'three reports');
    expect(server.sent).toEqual([
      { kind: 'hidden', state: 'start' },
      { kind: 'paste', size: 300 },
      { kind: 'hidden', state: 'end' }
    ]);
    // The server knows the page is visible: saying it again sends nothing.
    sender.interval('hidden', 'end');
    await sleep(5);
    expect(server.sent.length).toBe(3);
  });

  it('retries later what the server refused for now, coalescing intervals', async () => {
    const server = new FakeReports();
    server.answers.push(refusal(429, 'rate_limited'));
    const sender = new IntegritySender({ report: server.report, retryMs: 30 });
    sender.paste(500);
    await until(() => server.sent.length === 1, 'the first try');
    await sleep(5); // the refusal has landed: the retry waits
    // While waiting: hidden then visible again cancel out; a paste waits.
    sender.interval('unfocused', 'start');
    sender.interval('unfocused', 'end');
    sender.interval('unfocused', 'start');
    sender.interval('unfocused', 'end');
    sender.paste(800);
    expect(sender.pending).toEqual([
      { kind: 'paste', size: 500 },
      { kind: 'unfocused', state: 'end' },
      { kind: 'paste', size: 800 }
    ]);
    await until(() => server.sent.length === 4, 'the retry');
    expect(server.sent.slice(1)).toEqual([
      { kind: 'paste', size: 500 },
      { kind: 'unfocused', state: 'end' },
      { kind: 'paste', size: 800 }
    ]);
    sender.dispose();
  });

  it.each([
    [409, 'terminated'],
    [409, 'disabled'],
    [401, 'revoked'],
    [403, 'forbidden']
  ])('stops for good on %d %s', async (status, reason) => {
    const server = new FakeReports();
    server.answers.push(refusal(status, reason));
    const sender = new IntegritySender({ report: server.report, retryMs: 5 });
    sender.paste(300);
    sender.paste(400);
    await until(() => sender.stopped, 'the stop');
    sender.paste(500);
    sender.interval('hidden', 'start');
    await sleep(20);
    expect(server.sent).toEqual([{ kind: 'paste', size: 300 }]);
  });

  it('drops a report refused as malformed and goes on', async () => {
    const server = new FakeReports();
    server.answers.push(refusal(422, 'below_threshold'));
    const sender = new IntegritySender({ report: server.report, retryMs: 5 });
    sender.paste(100);
    sender.paste(300);
    await until(() => server.sent.length === 2, 'both');
    await sleep(20);
    expect(server.sent).toEqual([
      { kind: 'paste', size: 100 },
      { kind: 'paste', size: 300 }
    ]);
    expect(sender.stopped).toBe(false);
  });
});

describe('startIntegritySignals', () => {
  it('watches nothing and sends nothing when the server records nothing', async () => {
    const p = page();
    const reportEvent = jest.fn(() => Promise.resolve(undefined));
    const started = startIntegritySignals({
      client: { reportEvent },
      sessionId: 's1',
      policy: { signals: false, paste_chars: 200 },
      editorNode: p.editor,
      document: p.doc as unknown as Document,
      window: p.win as unknown as Window
    });
    expect(started).toBeNull();
    p.inner.dispatchEvent(pasteEvent('x'.repeat(5000)));
    p.doc.visibilityState = 'hidden';
    p.doc.dispatchEvent(new Event('visibilitychange'));
    p.doc.focused = false;
    p.win.dispatchEvent(new Event('blur'));
    await sleep(10);
    expect(reportEvent).not.toHaveBeenCalled();
  });

  it('reports what the notice lists to its session', async () => {
    const p = page();
    const reportEvent = jest.fn((_sessionId: string, _body: IEventReport) =>
      Promise.resolve(undefined)
    );
    const started = startIntegritySignals({
      client: { reportEvent },
      sessionId: 's1',
      policy: { signals: true, paste_chars: 50 },
      editorNode: p.editor,
      document: p.doc as unknown as Document,
      window: p.win as unknown as Window
    });
    expect(started).not.toBeNull();
    p.inner.dispatchEvent(pasteEvent('x'.repeat(60)));
    p.doc.visibilityState = 'hidden';
    p.doc.dispatchEvent(new Event('visibilitychange'));
    await until(() => reportEvent.mock.calls.length === 4, 'four reports');
    expect(reportEvent.mock.calls).toEqual([
      ['s1', { kind: 'hidden', state: 'end' }],
      ['s1', { kind: 'unfocused', state: 'end' }],
      ['s1', { kind: 'paste', size: 60 }],
      ['s1', { kind: 'hidden', state: 'start' }]
    ]);
    started!.dispose();
    p.inner.dispatchEvent(pasteEvent('x'.repeat(60)));
    await sleep(10);
    expect(reportEvent.mock.calls.length).toBe(4);
  });
});

describe('what the candidate is told', () => {
  it('lists exactly what is recorded, or that signals are not', () => {
    const on = recordedItems({ signals: true, paste_chars: 250 }, trans);
    expect(on.join('\n')).toMatch(/code, the whiteboard and every run/);
    expect(on.join('\n')).toMatch(/Large pastes .*250 characters or more/);
    expect(on.join('\n')).toMatch(/hidden/);
    expect(on.join('\n')).toMatch(/loses the focus/);
    const off = recordedItems({ signals: false, paste_chars: 250 }, trans);
    expect(off.join('\n')).toMatch(/code, the whiteboard and every run/);
    expect(off.join('\n')).toMatch(/are not recorded/);
    expect(off.join('\n')).not.toMatch(/250/);
  });

  it('remembers a join from the lobby per session and policy', () => {
    const policy = { signals: true, paste_chars: 200 };
    // The list the lobby shows (and the toolbar's dialog).
    expect(recordedList(policy, trans).querySelectorAll('li').length).toBe(5);
    const store = new Map<string, string>();
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value)
    };
    expect(wasAcknowledged('s1', policy, storage)).toBe(false);
    rememberAcknowledged('s1', policy, storage);
    expect(wasAcknowledged('s1', policy, storage)).toBe(true);
    expect(wasAcknowledged('s2', policy, storage)).toBe(false);
    expect(
      wasAcknowledged('s1', { signals: true, paste_chars: 100 }, storage)
    ).toBe(false);
  });
});

function event(overrides: Partial<ISessionEvent>): ISessionEvent {
  return {
    id: 1,
    kind: 'paste',
    role: 'candidate',
    participant_name: 'Grace',
    started_at: '2026-01-01T12:03:10Z',
    ended_at: null,
    size: 340,
    ...overrides
  };
}

describe('formatting events', () => {
  it('describes pastes and intervals', () => {
    expect(describeEvent(event({}), trans)).toMatch(
      /^Grace: pasted 340 characters · \S+/
    );
    const hidden = event({
      kind: 'hidden',
      size: null,
      started_at: '2026-01-01T12:04:05Z',
      ended_at: '2026-01-01T12:04:40Z'
    });
    expect(describeEvent(hidden, trans)).toMatch(
      /^Grace: page hidden · \d.*–\d.* \(35 s\)$/
    );
    const ongoing = event({
      kind: 'unfocused',
      size: null,
      participant_name: null
    });
    expect(describeEvent(ongoing, trans)).toMatch(
      /^Candidate: window unfocused · since /
    );
    expect(countChars('a😀b')).toBe(3);
    expect(formatDuration(400, trans)).toBe('<1 s');
    expect(formatDuration(125_000, trans)).toBe('2 min 5 s');
    expect(formatDuration(3_780_000, trans)).toBe('1 h 3 min');
  });
});

describe('IntegrityMarkers', () => {
  function list(
    events: ISessionEvent[],
    extra: Partial<ISessionEventList> = {}
  ): ISessionEventList {
    return {
      events,
      signals: true,
      paste_chars: 200,
      limit_reached: false,
      ...extra
    };
  }

  it('shows the events, marks and announces new ones', async () => {
    const answers: ISessionEventList[] = [
      list([event({})]),
      list([
        event({}),
        event({
          id: 2,
          kind: 'hidden',
          size: null,
          started_at: '2026-01-01T12:04:05Z'
        })
      ])
    ];
    const listEvents = jest.fn(() => Promise.resolve(answers.shift()!));
    const markers = new IntegrityMarkers({
      client: { listEvents },
      sessionId: 's1',
      trans,
      pollMs: 60_000
    });
    const live = markers.node.querySelector('[aria-live="polite"]')!;
    const button = markers.node.querySelector('button')!;
    const badge = markers.node.querySelector(
      '.jp-DevInterview-integrityBadge'
    )!;

    await markers.refresh();
    expect(listEvents).toHaveBeenCalledWith('s1');
    expect(badge.textContent).toBe('1');
    // What was there when the panel opened is not news.
    expect(live.textContent).toBe('');
    expect(button.classList.contains('jp-mod-new')).toBe(false);

    await markers.refresh();
    expect(badge.textContent).toBe('2');
    expect(live.textContent).toMatch(/^Grace: page hidden · since /);
    expect(button.classList.contains('jp-mod-new')).toBe(true);
    expect(button.classList.contains('jp-mod-ongoing')).toBe(true);

    expect(markers.expanded).toBe(false);
    button.click();
    expect(markers.expanded).toBe(true);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.classList.contains('jp-mod-new')).toBe(false);
    // Open over the layout (attached to the body), until Escape or a click outside.
    expect(markers.panelNode.isConnected).toBe(true);
    const items = [...markers.panelNode.querySelectorAll('li')].map(
      li => li.textContent
    );
    expect(items.length).toBe(2);
    expect(items[0]).toMatch(/page hidden/);
    expect(items[1]).toMatch(/pasted 340 characters/);
    markers.panelNode.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })
    );
    expect(markers.expanded).toBe(false);
    expect(markers.panelNode.isConnected).toBe(false);
    markers.dispose();
  });

  it('says when nothing is recorded or the limit was reached', async () => {
    const listEvents = jest.fn(() =>
      Promise.resolve(list([], { signals: false, limit_reached: true }))
    );
    const markers = new IntegrityMarkers({
      client: { listEvents },
      sessionId: 's1',
      trans
    });
    await markers.refresh();
    expect(
      markers.node.querySelector('.jp-DevInterview-integrityBadge')!.textContent
    ).toBe('off');
    const status = markers.panelNode.querySelector(
      '.jp-DevInterview-integrityStatus'
    )!.textContent;
    expect(status).toMatch(/turned off/);
    expect(status).toMatch(/later ones were not recorded/);
  });

  it('polls while attached and stops for good on 404', async () => {
    const listEvents = jest
      .fn()
      .mockResolvedValueOnce(list([]))
      .mockRejectedValue(new DevInterviewAPIError('gone', { status: 404 }));
    const markers = new IntegrityMarkers({
      client: { listEvents },
      sessionId: 's1',
      trans,
      pollMs: 5,
      document: new FakeDocument() as unknown as Document
    });
    expect(listEvents).not.toHaveBeenCalled();
    Widget.attach(markers, document.body);
    await until(() => listEvents.mock.calls.length >= 2, 'two polls');
    await sleep(40);
    expect(listEvents.mock.calls.length).toBe(2);
    markers.dispose();
  });
});
