/**
 * The replay: the player's timing at each speed and its markers, the state
 * loader (debounce, latest wins, cache), the REST client of the replay and
 * report endpoints against a FAKE server (./fakeServer.ts), the report file
 * names, and the panel put together with a fake source and a fake clock.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { CodeMirrorEditorFactory } from '@jupyterlab/codemirror';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import { ServerConnection } from '@jupyterlab/services';
import type { Contents } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { DevInterviewClient } from '../api/client';
import { DevInterviewAPIError, ErrorMessages } from '../api/errors';
import { SessionsPanel } from '../dashboard/panel';
import { ReplayClient, filenameOf } from '../replay/api';
import { CommandIDs } from '../replay/ids';
import { StateLoader } from '../replay/loader';
import type { IReplayState, IReplayTimeline } from '../replay/model';
import {
  ReplayFormatError,
  formatClock,
  readState,
  readTimeline
} from '../replay/model';
import type { IReplaySource } from '../replay/panel';
import { ReplayPanel } from '../replay/panel';
import type { IPlayerClock } from '../replay/player';
import {
  MAX_TICK_MS,
  ReplayPlayer,
  SPEEDS,
  nextMarkerAfter,
  previousMarkerBefore,
  stepAtTime,
  wallDelayToNextStep
} from '../replay/player';
import {
  downloadFileName,
  reportFileName,
  safeTitle,
  saveReport
} from '../replay/report';
import { REPORT_KERNEL_PREFERENCE, replayPlugin } from '../replay/plugin';
import { markerDescription } from '../replay/timeline';
import { ReplayView, textChange } from '../replay/view';
import type {
  IDevInterviewClient,
  IWhiteboardFactory,
  IWhiteboardOptions
} from '../tokens';
import type { IRecordedRequest } from './fakeServer';
import { FakeServer, failure, makeSession } from './fakeServer';

const trans = nullTranslator.load('devinterview_jupyter');

/**
 * A FAKE clock: time moves only when the test says so, and timers fire in
 * time order as it moves.
 */
class FakeClock implements IPlayerClock {
  now(): number {
    return this._now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this._next++;
    this._timers.set(id, { at: this._now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this._timers.delete(handle as number);
  }

  /**
   * Move the clock forward by `ms`, firing every timer due on the way.
   */
  advance(ms: number): void {
    const end = this._now + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | null = null;
      for (const entry of this._timers) {
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) {
          due = entry;
        }
      }
      if (!due) {
        break;
      }
      this._timers.delete(due[0]);
      this._now = due[1].at;
      due[1].callback();
    }
    this._now = end;
  }

  get pending(): number {
    return this._timers.size;
  }

  private _now = 1000;
  private _next = 1;
  private _timers = new Map<number, { at: number; callback: () => void }>();
}

/**
 * A promise resolved or rejected by the test.
 */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

const TIMES = [0, 1000, 2000, 2000, 5000, 10000, 20000];

describe('the player', () => {
  it('finds the step shown at a time: the last one at or before it', () => {
    expect(stepAtTime(TIMES, -5)).toBe(0);
    expect(stepAtTime(TIMES, 0)).toBe(0);
    expect(stepAtTime(TIMES, 999)).toBe(0);
    expect(stepAtTime(TIMES, 1000)).toBe(1);
    // Two steps at the same time: the later one.
    expect(stepAtTime(TIMES, 2000)).toBe(3);
    expect(stepAtTime(TIMES, 4999)).toBe(3);
    expect(stepAtTime(TIMES, 25000)).toBe(6);
    expect(stepAtTime([], 10)).toBe(-1);
  });

  it('waits (next time - position) / speed wall ms for the next step', () => {
    for (const speed of SPEEDS) {
      expect(wallDelayToNextStep(TIMES, 3, 2000, speed)).toBe(3000 / speed);
      expect(wallDelayToNextStep(TIMES, 3, 4000, speed)).toBe(1000 / speed);
    }
    expect(wallDelayToNextStep(TIMES, 6, 20000, 1)).toBeNull();
  });

  it.each(SPEEDS.map(speed => [speed]))(
    'at %i×, maps wall time to the step times',
    speed => {
      const clock = new FakeClock();
      const player = new ReplayPlayer({ times: TIMES, clock });
      const seen: number[] = [];
      player.stepChanged.connect((_, step) => seen.push(step));
      player.speed = speed;
      player.play();
      expect(player.playing).toBe(true);

      // Just before step 1 is due: still step 0.
      clock.advance(1000 / speed - 1);
      expect(player.step).toBe(0);
      clock.advance(1);
      expect(player.step).toBe(1);
      expect(player.positionMs).toBeCloseTo(1000);

      // 4 s of replay later (from 1 s): 5 s, step 4.
      clock.advance(4000 / speed);
      expect(player.step).toBe(4);
      expect(player.positionMs).toBeCloseTo(5000);
      // The position moves between steps too (the clock follows it).
      clock.advance(2500 / speed);
      expect(player.step).toBe(4);
      expect(player.positionMs).toBeCloseTo(7500);

      // To the end, where it stops by itself.
      clock.advance(20000 / speed);
      expect(player.step).toBe(6);
      expect(player.playing).toBe(false);
      expect(player.positionMs).toBe(20000);
      // Each step once, in order; step 2 shares its time with step 3, so 3 wins.
      expect(seen).toEqual([1, 3, 4, 5, 6]);
      expect(clock.pending).toBe(0);
      player.dispose();
    }
  );

  it('ticks at least every MAX_TICK_MS during a quiet stretch', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer({ times: [0, 60000], clock });
    let changes = 0;
    player.changed.connect(() => changes++);
    player.play();
    changes = 0;
    clock.advance(10 * MAX_TICK_MS);
    expect(player.step).toBe(0);
    expect(changes).toBeGreaterThanOrEqual(10);
    player.dispose();
  });

  it('keeps the playhead when the speed changes while playing', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer({ times: TIMES, clock });
    player.play();
    clock.advance(1500); // 1.5 s at 1×
    player.speed = 4;
    expect(player.positionMs).toBeCloseTo(1500);
    clock.advance(875); // 3.5 s of replay at 4×: 5 s
    expect(player.step).toBe(4);
    expect(player.positionMs).toBeCloseTo(5000);
    player.dispose();
  });

  it('pauses where it is, resumes from there, restarts at the end', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer({ times: TIMES, clock });
    player.speed = 2;
    player.play();
    clock.advance(1200); // 2.4 s
    player.pause();
    expect(player.playing).toBe(false);
    expect(player.positionMs).toBeCloseTo(2400);
    expect(clock.pending).toBe(0);
    clock.advance(60000);
    expect(player.step).toBe(3);
    player.play();
    clock.advance(1300); // +2.6 s: 5 s
    expect(player.step).toBe(4);
    player.seek(6);
    clock.advance(100);
    expect(player.playing).toBe(false);
    player.play();
    expect(player.step).toBe(0);
    expect(player.playing).toBe(true);
    player.dispose();
  });

  it('seeks to a step (clamped) and plays on from it', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer({ times: TIMES, clock });
    player.seek(99);
    expect(player.step).toBe(6);
    player.seek(-3);
    expect(player.step).toBe(0);
    player.play();
    player.seek(4);
    expect(player.positionMs).toBe(5000);
    clock.advance(5000);
    expect(player.step).toBe(5);
    player.dispose();
  });

  it('jumps to the next and previous markers', () => {
    const markers = [{ step: 4 }, { step: 1 }, { step: 4 }, { step: 5 }];
    expect(nextMarkerAfter(markers, 0)).toEqual({ step: 1 });
    expect(nextMarkerAfter(markers, 1)).toEqual({ step: 4 });
    expect(nextMarkerAfter(markers, 5)).toBeNull();
    expect(previousMarkerBefore(markers, 5)).toEqual({ step: 4 });
    expect(previousMarkerBefore(markers, 1)).toBeNull();

    const clock = new FakeClock();
    const player = new ReplayPlayer({ times: TIMES, markers, clock });
    expect(player.nextMarker()).toBe(true);
    expect(player.step).toBe(1);
    expect(player.nextMarker()).toBe(true);
    expect(player.step).toBe(4);
    expect(player.nextMarker()).toBe(true);
    expect(player.step).toBe(5);
    expect(player.nextMarker()).toBe(false);
    expect(player.step).toBe(5);
    expect(player.previousMarker()).toBe(true);
    expect(player.step).toBe(4);
    player.dispose();
  });

  it('takes a longer timeline of a live interview and keeps its step', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer({ times: [0, 10], clock });
    player.seek(1);
    player.setTimeline([0, 10, 20, 30], [{ step: 3 }]);
    expect(player.step).toBe(1);
    expect(player.steps).toBe(4);
    expect(player.nextMarker()).toBe(true);
    expect(player.step).toBe(3);
    player.dispose();
  });
});

describe('the state loader', () => {
  function setUp(options: { debounceMs?: number; maxWaitMs?: number } = {}) {
    const clock = new FakeClock();
    const calls: {
      step: number;
      signal: AbortSignal;
      answer: ReturnType<typeof deferred<string>>;
    }[] = [];
    const loader = new StateLoader<string>({
      clock,
      debounceMs: options.debounceMs ?? 60,
      maxWaitMs: options.maxWaitMs ?? 200,
      fetch: (step, signal) => {
        const answer = deferred<string>();
        calls.push({ step, signal, answer });
        return answer.promise;
      }
    });
    const shown: string[] = [];
    loader.loaded.connect((_, state) => shown.push(state));
    return { clock, calls, loader, shown };
  }

  it('asks once for the last step wanted within the debounce', async () => {
    const { clock, calls, loader, shown } = setUp();
    for (const step of [1, 2, 3, 4]) {
      loader.request(step);
      clock.advance(20);
    }
    expect(calls).toHaveLength(0);
    expect(loader.busy).toBe(true);
    clock.advance(60);
    expect(calls.map(c => c.step)).toEqual([4]);
    calls[0].answer.resolve('state 4');
    await flush();
    expect(shown).toEqual(['state 4']);
    expect(loader.busy).toBe(false);
    expect(loader.shownStep).toBe(4);
  });

  it('still asks every maxWaitMs while the wanted step keeps changing', () => {
    const { clock, calls, loader } = setUp();
    for (let step = 0; step < 30; step++) {
      loader.request(step);
      clock.advance(20); // faster than the debounce: it never settles
    }
    // 600 ms of dragging: one request per 200 ms, not none and not 30.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(4);
    clock.advance(60);
    expect(calls[calls.length - 1].step).toBe(29);
  });

  it('drops a stale answer that arrives after a newer one (latest wins)', async () => {
    const { clock, calls, loader, shown } = setUp();
    loader.request(5);
    clock.advance(60);
    loader.request(9);
    clock.advance(60);
    expect(calls.map(c => c.step)).toEqual([5, 9]);
    calls[1].answer.resolve('state 9');
    await flush();
    expect(shown).toEqual(['state 9']);
    // The older request is cancelled, and its late answer is never shown.
    expect(calls[0].signal.aborted).toBe(true);
    calls[0].answer.resolve('state 5');
    await flush();
    expect(shown).toEqual(['state 9']);
    expect(loader.shownStep).toBe(9);
  });

  it('shows answers that come in order, the last one last', async () => {
    const { clock, calls, loader, shown } = setUp();
    loader.request(5);
    clock.advance(60);
    loader.request(9);
    clock.advance(60);
    calls[0].answer.resolve('state 5');
    await flush();
    expect(loader.busy).toBe(true); // 9 is still on its way
    calls[1].answer.resolve('state 9');
    await flush();
    expect(shown).toEqual(['state 5', 'state 9']);
    expect(loader.busy).toBe(false);
  });

  it('serves a step seen before from its cache, at once', async () => {
    const { clock, calls, loader, shown } = setUp();
    loader.request(3);
    clock.advance(60);
    calls[0].answer.resolve('state 3');
    await flush();
    loader.request(7);
    clock.advance(60);
    // Back to 3 while 7 is on its way: 3 comes from the cache and wins.
    loader.request(3);
    expect(shown).toEqual(['state 3', 'state 3']);
    calls[1].answer.resolve('state 7');
    await flush();
    expect(shown).toEqual(['state 3', 'state 3']);
    expect(calls).toHaveLength(2);
    expect(loader.requestCount).toBe(2);
  });

  it('reports a failure of the latest request only', async () => {
    const { clock, calls, loader } = setUp();
    const failures: number[] = [];
    loader.failed.connect((_, failure) => failures.push(failure.step));
    loader.request(1);
    clock.advance(60);
    loader.request(2);
    clock.advance(60);
    calls[0].answer.reject(new Error('old'));
    await flush();
    expect(failures).toEqual([]);
    calls[1].answer.reject(new Error('new'));
    await flush();
    expect(failures).toEqual([2]);
    expect(loader.busy).toBe(false);
  });

  it('cancels what is on its way when disposed', () => {
    const { clock, calls, loader } = setUp();
    loader.request(1);
    clock.advance(60);
    loader.request(2);
    loader.dispose();
    expect(calls[0].signal.aborted).toBe(true);
    clock.advance(1000);
    expect(calls).toHaveLength(1);
  });
});

describe('reading the replay answers', () => {
  it('reads a timeline, keeping times monotonic and good markers only', () => {
    const timeline = readTimeline({
      session_id: 's1',
      started_at: '2026-12-06T10:00:00Z',
      ended_at: '2026-12-06T10:00:05Z',
      duration_ms: 5000,
      steps: 4,
      times: [0, 30, 20, 40],
      markers: [
        {
          kind: 'run',
          step: 2,
          at_ms: 20,
          label: 'Run by Grace',
          detail: 'ok'
        },
        { kind: 'start', step: 0, at_ms: 0, label: 'Started', detail: null },
        { kind: 'run', step: 4, at_ms: 50, label: 'past the end' },
        { kind: 'paste', step: 1, at_ms: 'soon', label: 'bad time' },
        'junk'
      ]
    });
    expect(timeline.times).toEqual([0, 30, 30, 40]);
    expect(timeline.duration_ms).toBe(5000);
    expect(timeline.markers.map(m => [m.kind, m.step])).toEqual([
      ['start', 0],
      ['run', 2]
    ]);
  });

  it('refuses an answer that is not a timeline', () => {
    expect(() => readTimeline([])).toThrow(ReplayFormatError);
    expect(() =>
      readTimeline({ session_id: 's', steps: 2, times: [0], markers: [] })
    ).toThrow(/times/);
    expect(() =>
      readTimeline({ session_id: 's', steps: -1, times: [], markers: [] })
    ).toThrow(/steps/);
  });

  it('reads a state: runs with valid output, test runs summed up', () => {
    const state = readState({
      step: 3,
      at_ms: 1500,
      code: 'print(1)\n',
      language: 'python',
      status: 'active',
      whiteboard: [{ key: 'shape:a', val: { id: 'shape:a' } }, { val: 1 }],
      runs: [
        {
          id: 'r1',
          language: 'python',
          by: { name: 'Grace', color: '#123456', role: 'candidate' },
          code: 'print(1)\n',
          stdin: '',
          status: 'ok',
          startedAt: 1.5e12,
          durationMs: 12.0,
          output: [
            { kind: 'text', stream: 'stdout', text: '1' },
            { kind: 'text', stream: 'stdout', text: '\n' },
            { kind: 'nonsense' }
          ]
        },
        { id: 'r2', status: 'ok' }
      ],
      test_runs: [
        {
          id: 't1',
          by: { name: 'Grace', color: '#123456', role: 'candidate' },
          status: 'done',
          total: 3.0,
          results: [{ status: 'pass' }, { status: 'fail' }, { status: 'pass' }]
        }
      ],
      question: { title: 'Two sum' },
      notes: 'good naming'
    });
    expect(state.whiteboard).toEqual([
      { key: 'shape:a', val: { id: 'shape:a' } }
    ]);
    expect(state.runs).toHaveLength(1);
    expect(state.runs[0].output).toEqual([
      { kind: 'text', stream: 'stdout', text: '1\n' }
    ]);
    expect(state.testRuns[0]).toMatchObject({ passed: 2, total: 3 });
    expect(state.questionTitle).toBe('Two sum');
    expect(state.notes).toBe('good naming');
    expect(() => readState({ step: 1, at_ms: 0 })).toThrow(/code/);
  });

  it('formats the clock', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(61_999)).toBe('1:01');
    expect(formatClock(3_725_000)).toBe('1:02:05');
  });

  it('describes a marker with its kind, label, detail and time', () => {
    expect(
      markerDescription(
        {
          kind: 'run',
          step: 1,
          at_ms: 95000,
          label: 'Run by Grace',
          detail: 'ok'
        },
        trans
      )
    ).toBe('Run by Grace (ok) at 1:35');
    expect(
      markerDescription(
        { kind: 'paste', step: 1, at_ms: 1000, label: 'by the candidate' },
        trans
      )
    ).toBe('Large paste: by the candidate at 0:01');
  });
});

describe('the replay client (fake server)', () => {
  const SESSION = '6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01';

  /**
   * The API path of a request (JupyterLab adds a cache-busting query).
   */
  function route(request: IRecordedRequest): string {
    return new URL(request.url).pathname.replace(/^.*\/devinterview\/api/, '');
  }

  it('asks the documented URLs with the client credentials', async () => {
    const server = new FakeServer(request => {
      if (route(request).endsWith('/replay')) {
        return {
          status: 200,
          json: { session_id: SESSION, steps: 1, times: [0], markers: [] }
        };
      }
      return {
        status: 200,
        json: { step: 0, at_ms: 0, code: 'x = 1', notes: '' }
      };
    });
    const client = new ReplayClient({
      serverSettings: server.settings({ token: 'secret-token' })
    });
    const timeline = await client.timeline(SESSION);
    expect(timeline.steps).toBe(1);
    expect(route(server.last)).toBe(`/sessions/${SESSION}/replay`);
    expect(server.last.method).toBe('GET');
    expect(server.last.headers.get('Authorization')).toBe('token secret-token');
    const state = await client.state(SESSION, 0);
    expect(state.code).toBe('x = 1');
    expect(route(server.last)).toBe(`/sessions/${SESSION}/replay/state`);
    expect(new URL(server.last.url).searchParams.get('step')).toBe('0');
    // An id is one path segment, whatever it holds.
    await client.timeline('a/b?c').catch(() => undefined);
    expect(new URL(server.last.url).pathname).toMatch(
      /\/sessions\/a%2Fb%3Fc\/replay$/
    );
  });

  it('turns server errors into DevInterviewAPIError', async () => {
    const server = new FakeServer(() => ({
      status: 404,
      json: { message: 'No such session.', reason: 'not_found' }
    }));
    const client = new ReplayClient({ serverSettings: server.settings() });
    let error = await failure(client.timeline(SESSION));
    expect(error.status).toBe(404);
    expect(error.reason).toBe('not_found');
    expect(error.message).toBe('No such session.');

    server.respond = () => ({
      status: 400,
      json: { reason: 'step_out_of_range' }
    });
    error = await failure(client.state(SESSION, 99));
    expect(error.status).toBe(400);
    expect(error.reason).toBe('step_out_of_range');

    server.respond = () => ({ status: 503, text: '<html>down</html>' });
    error = await failure(client.timeline(SESSION));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe(ErrorMessages.unavailable);

    server.respond = () => new TypeError('Failed to fetch');
    error = await failure(client.timeline(SESSION));
    expect(error.status).toBe(0);
    expect(error.kind).toBe('network');
  });

  it('refuses a 200 that is not JSON or not a timeline', async () => {
    const server = new FakeServer(() => ({ status: 200, text: 'hello' }));
    const client = new ReplayClient({ serverSettings: server.settings() });
    await expect(client.timeline(SESSION)).rejects.toBeInstanceOf(
      ReplayFormatError
    );
    server.respond = () => ({ status: 200, json: { steps: 'many' } });
    await expect(client.timeline(SESSION)).rejects.toBeInstanceOf(
      ReplayFormatError
    );
  });

  it('passes an abort on to the request', async () => {
    const server = new FakeServer();
    const client = new ReplayClient({ serverSettings: server.settings() });
    const controller = new AbortController();
    controller.abort();
    const error = await client
      .state(SESSION, 1, controller.signal)
      .catch(e => e);
    expect(error).not.toBeInstanceOf(DevInterviewAPIError);
  });

  it('fetches the report notebook with its file name', async () => {
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { devinterview: { filename: 'from-metadata.ipynb' } },
      cells: []
    };
    const requests: Request[] = [];
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://jupyter.test/',
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request =
          input instanceof Request ? input : new Request(String(input), init);
        requests.push(request);
        return new Response(JSON.stringify(notebook), {
          status: 200,
          headers: {
            'Content-Type': 'application/x-ipynb+json',
            'Content-Disposition':
              'attachment; filename="interview-backend-2026-12-06.ipynb"'
          }
        });
      }
    });
    const client = new ReplayClient({ serverSettings: settings });
    const report = await client.reportNotebook(SESSION);
    expect(new URL(requests[0].url).pathname).toBe(
      `/devinterview/api/sessions/${SESSION}/report.ipynb`
    );
    expect(report.filename).toBe('interview-backend-2026-12-06.ipynb');
    expect(report.notebook).toEqual(notebook);
    expect(downloadFileName(report, 'Backend')).toBe(
      'interview-backend-2026-12-06.ipynb'
    );
    expect(downloadFileName({ ...report, filename: null }, 'Backend')).toBe(
      'from-metadata.ipynb'
    );
    expect(
      downloadFileName(
        { notebook: { cells: [] }, filename: null, text: '' },
        'Back/end'
      )
    ).toBe('Back end report.ipynb');
  });

  it('refuses a report that is not a notebook', async () => {
    const server = new FakeServer(() => ({ status: 200, json: { cells: 3 } }));
    const client = new ReplayClient({ serverSettings: server.settings() });
    await expect(client.reportNotebook(SESSION)).rejects.toBeInstanceOf(
      ReplayFormatError
    );
  });

  it('reads file names from Content-Disposition, never a path', () => {
    expect(filenameOf('attachment; filename="a b.ipynb"')).toBe('a b.ipynb');
    expect(filenameOf("attachment; filename*=UTF-8''caf%C3%A9.ipynb")).toBe(
      'café.ipynb'
    );
    expect(filenameOf('attachment; filename="../../etc/passwd"')).toBe(
      'passwd'
    );
    expect(filenameOf('attachment; filename=".."')).toBeNull();
    expect(filenameOf('attachment')).toBeNull();
    expect(filenameOf(null)).toBeNull();
  });
});

describe('report files', () => {
  it('makes a safe file name of any title', () => {
    expect(safeTitle('Backend / pairing: round 2?')).toBe(
      'Backend pairing round 2'
    );
    expect(safeTitle('..hidden')).toBe('hidden');
    expect(safeTitle('a\u0000b\nc')).toBe('a b c');
    expect(safeTitle('   ')).toBe('Interview');
    expect(safeTitle('x'.repeat(300))).toHaveLength(80);
    expect(reportFileName('Backend')).toBe('Backend report.ipynb');
    expect(reportFileName('Backend', 3)).toBe('Backend report (3).ipynb');
  });

  it('saves the report under a free name, never over a file', async () => {
    const files = new Set(['work/Backend report.ipynb']);
    const saved: { path: string; options: Partial<Contents.IModel> }[] = [];
    const contents = {
      get: async (path: string) => {
        if (files.has(path)) {
          return { path };
        }
        throw Object.assign(new Error('not found'), {
          response: { status: 404 }
        });
      },
      save: async (path: string, options: Partial<Contents.IModel>) => {
        saved.push({ path, options });
        files.add(path);
        return { path };
      }
    } as unknown as Contents.IManager;
    const report = {
      notebook: { cells: [], nbformat: 4 },
      filename: null,
      text: ''
    };
    expect(await saveReport(contents, 'work', 'Backend', report)).toBe(
      'work/Backend report (2).ipynb'
    );
    expect(saved[0].options).toEqual({
      type: 'notebook',
      format: 'json',
      content: report.notebook
    });
    expect(await saveReport(contents, 'work', 'Backend', report)).toBe(
      'work/Backend report (3).ipynb'
    );
    expect(await saveReport(contents, '', 'Other', report)).toBe(
      'Other report.ipynb'
    );
  });

  it('does not save when the contents manager fails otherwise', async () => {
    const contents = {
      get: async () => {
        throw Object.assign(new Error('forbidden'), {
          response: { status: 403 }
        });
      },
      save: jest.fn()
    } as unknown as Contents.IManager;
    await expect(
      saveReport(contents, '', 'X', {
        notebook: { cells: [] },
        filename: null,
        text: ''
      })
    ).rejects.toThrow('forbidden');
    expect(contents.save).not.toHaveBeenCalled();
  });
});

describe('opening the report in JupyterLab', () => {
  const SESSION = '6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01';

  /**
   * The replay plugin activated in a FAKE application: commands only, a
   * contents manager with no files, a fake server answering the report.
   */
  function activate(docManager: Pick<IDocumentManager, 'openOrReveal'> | null) {
    const server = new FakeServer(() => ({
      status: 200,
      json: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }
    }));
    const commands = new CommandRegistry();
    const saved: string[] = [];
    const contents = {
      get: async () => {
        throw Object.assign(new Error('not found'), {
          response: { status: 404 }
        });
      },
      save: async (path: string) => {
        saved.push(path);
        return { path };
      }
    };
    const app = {
      commands,
      serviceManager: { contents }
    } as unknown as JupyterFrontEnd;
    const client = {
      serverSettings: server.settings(),
      getSession: async () => ({ title: 'Backend' })
    } as unknown as IDevInterviewClient;
    replayPlugin.activate(
      app,
      client,
      {} as IEditorServices,
      null,
      null,
      null,
      null,
      null,
      docManager
    );
    const docmanagerOpen = jest.fn();
    commands.addCommand('docmanager:open', { execute: docmanagerOpen });
    return { commands, saved, docmanagerOpen };
  }

  it("opens it with no kernel: its code cells are the candidate's", async () => {
    const docManager = { openOrReveal: jest.fn() };
    const { commands, saved, docmanagerOpen } = activate(docManager);
    const path = await commands.execute(CommandIDs.openReport, {
      sessionId: SESSION
    });
    expect(path).toBe('Backend report.ipynb');
    expect(saved).toEqual(['Backend report.ipynb']);
    expect(docManager.openOrReveal).toHaveBeenCalledTimes(1);
    expect(docManager.openOrReveal).toHaveBeenCalledWith(
      'Backend report.ipynb',
      'Notebook',
      undefined,
      undefined,
      REPORT_KERNEL_PREFERENCE
    );
    expect(REPORT_KERNEL_PREFERENCE).toEqual({
      shouldStart: false,
      canStart: true,
      autoStartDefault: false
    });
    expect(docmanagerOpen).not.toHaveBeenCalled();
  });

  it('falls back to the open command without a document manager', async () => {
    const { commands, docmanagerOpen } = activate(null);
    await commands.execute(CommandIDs.openReport, { sessionId: SESSION });
    expect(docmanagerOpen).toHaveBeenCalledTimes(1);
    expect(docmanagerOpen.mock.calls[0][0]).toEqual({
      path: 'Backend report.ipynb',
      factory: 'Notebook'
    });
  });
});

describe('the smallest text change', () => {
  it.each([
    ['abc', 'abc'],
    ['', 'abc'],
    ['abc', ''],
    ['def f():\n    pass\n', 'def f():\n    return 1\n'],
    ['aaa', 'aaaa'],
    ['abcabc', 'abc']
  ])('turns %j into %j', (from, to) => {
    const change = textChange(from, to);
    if (from === to) {
      expect(change).toBeNull();
      return;
    }
    const result =
      from.slice(0, change!.start) + change!.insert + from.slice(change!.end);
    expect(result).toBe(to);
  });
});

describe('the replay panel (fake source, fake clock)', () => {
  const editorServices = {
    factoryService: new CodeMirrorEditorFactory()
  } as unknown as IEditorServices;

  const CODES = [
    '',
    'def f():',
    'def f():\n    return 1',
    'def f():\n    return 1',
    'def f():\n    return 2  # later',
    'def f():\n    return 2  # later\nprint(f())'
  ];
  const timeline: IReplayTimeline = {
    session_id: 's1',
    started_at: '2026-12-06T10:00:00Z',
    ended_at: '2026-12-06T10:01:00Z',
    duration_ms: 60000,
    steps: CODES.length,
    times: [0, 1000, 2000, 3000, 4000, 5000],
    markers: [
      { kind: 'start', step: 0, at_ms: 0, label: 'Interview started' },
      { kind: 'run', step: 3, at_ms: 3000, label: 'Run by Ada', detail: 'ok' },
      { kind: 'paste', step: 4, at_ms: 4000, label: 'Paste', detail: '900' }
    ]
  };

  function stateOf(step: number): IReplayState {
    return {
      step,
      at_ms: timeline.times[step],
      code: CODES[step],
      language: 'python',
      status: 'active',
      whiteboard: [],
      runs: [],
      testRuns: [],
      questionTitle: null,
      notes: step >= 2 ? `notes at ${step}` : ''
    };
  }

  let clock: FakeClock;
  let asked: number[];
  let pending: Map<number, ReturnType<typeof deferred<IReplayState>>>;
  let panel: ReplayPanel;

  beforeEach(async () => {
    clock = new FakeClock();
    asked = [];
    pending = new Map();
    const source: IReplaySource = {
      timeline: async () => timeline,
      state: (_, step) => {
        asked.push(step);
        const answer = deferred<IReplayState>();
        pending.set(step, answer);
        return answer.promise;
      }
    };
    panel = new ReplayPanel({
      sessionId: 's1',
      sessionTitle: 'Backend',
      source,
      editorServices,
      whiteboard: null,
      trans,
      clock
    });
    await panel.ready;
  });

  afterEach(() => {
    panel.dispose();
  });

  async function answer(step: number): Promise<void> {
    pending.get(step)!.resolve(stateOf(step));
    await flush();
  }

  it('draws the timeline: slider over the steps, labelled markers', () => {
    const slider = panel.timeline.slider;
    expect(slider.max).toBe('5');
    expect(slider.getAttribute('aria-label')).toBe('Replay position');
    expect(slider.getAttribute('aria-valuetext')).toBe(
      '0:00 of 1:00, step 1 of 6'
    );
    const buttons = panel.timeline.markerButtons;
    expect(buttons.map(b => b.dataset.kind)).toEqual(['start', 'run', 'paste']);
    expect(buttons[1].getAttribute('aria-label')).toBe(
      'Run by Ada (ok) at 0:03'
    );
    expect(buttons[1].title).toBe(buttons[1].getAttribute('aria-label'));
    expect(buttons.every(b => b.tagName === 'BUTTON')).toBe(true);
  });

  it('shows the code as it was when the run started, not the later code', async () => {
    clock.advance(100);
    await answer(0);
    panel.timeline.markerButtons[1].click();
    expect(panel.timeline.slider.value).toBe('3');
    expect(panel.timeline.slider.getAttribute('aria-valuetext')).toBe(
      '0:03 of 1:00, step 4 of 6'
    );
    clock.advance(100);
    expect(asked).toEqual([0, 3]);
    await answer(3);
    expect(panel.view.code).toBe('def f():\n    return 1');
    expect(panel.view.node.textContent).toContain('notes at 3');
  });

  it('scrubs: the last position wins over a slow earlier answer', async () => {
    clock.advance(100);
    await answer(0);
    const slider = panel.timeline.slider;
    slider.value = '2';
    slider.dispatchEvent(new Event('input'));
    clock.advance(100);
    slider.value = '5';
    slider.dispatchEvent(new Event('input'));
    clock.advance(100);
    expect(asked).toEqual([0, 2, 5]);
    await answer(5);
    await answer(2); // late, stale
    expect(panel.view.code).toBe(CODES[5]);
    expect(panel.view.state?.step).toBe(5);
  });

  it('plays, pauses and jumps between markers with its buttons', async () => {
    const button = (action: string) =>
      panel.node.querySelector<HTMLButtonElement>(
        `.jp-DevInterview-replayButton[data-action="${action}"]`
      )!;
    expect(button('previous-marker').disabled).toBe(true);
    button('next-marker').click();
    expect(panel.player!.step).toBe(3);
    button('next-marker').click();
    expect(panel.player!.step).toBe(4);
    expect(button('next-marker').disabled).toBe(true);
    button('previous-marker').click();
    expect(panel.player!.step).toBe(3);

    panel.speed = 2;
    button('play').click();
    expect(button('pause').textContent).toBe('Pause');
    clock.advance(1000); // 2 s of replay at 2×
    expect(panel.player!.step).toBe(5);
    expect(panel.player!.playing).toBe(false); // the end
    expect(button('play').textContent).toBe('Play');
  });

  it('shows an error when a state cannot be loaded, and goes on', async () => {
    clock.advance(100);
    pending.get(0)!.reject(new Error('boom'));
    await flush();
    expect(panel.error).toBe('The moment at step 1 could not be loaded: boom');
    panel.seek(2);
    clock.advance(100);
    await answer(2);
    expect(panel.error).toBeNull();
    expect(panel.view.code).toBe(CODES[2]);
  });

  it('says when the timeline cannot be loaded', async () => {
    const broken = new ReplayPanel({
      sessionId: 's2',
      sessionTitle: 'Gone',
      source: {
        timeline: () =>
          Promise.reject(
            new DevInterviewAPIError('No such session.', { status: 404 })
          ),
        state: () => Promise.reject(new Error('unused'))
      },
      editorServices,
      whiteboard: null,
      trans,
      clock
    });
    await broken.ready;
    expect(broken.error).toBe(
      'The replay could not be loaded: No such session.'
    );
    expect(broken.player).toBeNull();
    broken.dispose();
  });
});

describe('the replay view', () => {
  const editorServices = {
    factoryService: new CodeMirrorEditorFactory()
  } as unknown as IEditorServices;

  function state(
    step: number,
    whiteboard: { key: string; val: unknown }[]
  ): IReplayState {
    return {
      step,
      at_ms: step * 1000,
      code: '',
      language: 'sql',
      status: 'terminated',
      whiteboard,
      runs: [],
      testRuns: [],
      questionTitle: 'Joins',
      notes: ''
    };
  }

  it('feeds a read-only board the records of each step, changed ones only', () => {
    let options: IWhiteboardOptions | null = null;
    const factory: IWhiteboardFactory = {
      name: 'fake',
      create: created => {
        options = created;
        const widget = new Widget();
        return {
          widget,
          readOnly: created.readOnly,
          exportImage: () => Promise.reject(new Error('no')),
          isDisposed: false,
          dispose: () => widget.dispose()
        };
      }
    };
    const view = new ReplayView({ editorServices, whiteboard: factory, trans });
    expect(options!.readOnly).toBe(true);
    const entries = options!.doc.getArray<{ key: string; val: unknown }>(
      'whiteboard'
    );
    let transactions = 0;
    let written: string[] = [];
    entries.observe(event => {
      transactions++;
      event.changes.added.forEach(item => {
        for (const entry of item.content.getContent()) {
          written.push(entry.key);
        }
      });
    });

    const a = { id: 'shape:a', typeName: 'shape', x: 1 };
    const b = { id: 'shape:b', typeName: 'shape', x: 2 };
    view.setState(
      state(1, [
        { key: 'shape:a', val: a },
        { key: 'shape:b', val: b }
      ])
    );
    expect(entries.toArray().map(e => e.key)).toEqual(['shape:a', 'shape:b']);
    expect(transactions).toBe(1);

    written = [];
    view.setState(
      state(2, [
        { key: 'shape:a', val: { ...a } }, // the same record, a new object
        { key: 'shape:c', val: { id: 'shape:c', typeName: 'shape', x: 3 } }
      ])
    );
    expect([...view.records.keys()].sort()).toEqual(['shape:a', 'shape:c']);
    expect(entries.length).toBe(2);
    expect(written).toEqual(['shape:c']); // a, unchanged, was not rewritten
    expect(view.node.textContent).toContain('2 shapes');
    expect(view.node.textContent).toContain('Question: Joins');

    view.setState(state(3, []));
    expect(entries.length).toBe(0);
    view.dispose();
  });

  it('shows a run of the step with its author, status, code and output', () => {
    const view = new ReplayView({ editorServices, whiteboard: null, trans });
    view.setState({
      ...state(4, []),
      code: 'print(1)',
      runs: [
        {
          id: 'r1',
          language: 'python',
          by: { name: 'Grace', color: '#123456', role: 'candidate' },
          code: 'print(1)',
          stdin: '',
          status: 'running',
          startedAt: 0,
          durationMs: null,
          output: [{ kind: 'text', stream: 'stdout', text: '<b>1</b>' }]
        }
      ]
    });
    const run = view.node.querySelector('.jp-DevInterview-run')!;
    expect(run.getAttribute('data-status')).toBe('running');
    expect(run.textContent).toContain('Grace');
    expect(run.textContent).toContain('running…');
    // Output is text, never markup.
    expect(run.querySelector('b')).toBeNull();
    expect(run.querySelector('.jp-mod-stdout')!.textContent).toBe('<b>1</b>');
    expect(run.querySelector('details pre')!.textContent).toBe('print(1)');
    expect(view.code).toBe('print(1)');
    view.dispose();
  });
});

describe('the dashboard row actions of the replay and the report', () => {
  it('offers Replay, Download report and Open report with labels', async () => {
    const server = new FakeServer(request => {
      const path = new URL(request.url).pathname;
      if (path.endsWith('/sessions')) {
        return {
          status: 200,
          json: { items: [makeSession({ id: 's1' })], total: 1 }
        };
      }
      return { status: 200, json: { items: [] } };
    });
    const called: string[] = [];
    const panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() }),
      actions: {
        replay: session => {
          called.push(`replay ${session.id}`);
        },
        downloadReport: session => {
          called.push(`download ${session.id}`);
        },
        openReport: session => {
          called.push(`open ${session.id}`);
        }
      }
    });
    await panel.refresh();
    const row = panel.node.querySelector('tr[data-session-id="s1"]')!;
    const button = (action: string) =>
      row.querySelector<HTMLButtonElement>(`button[data-action="${action}"]`)!;
    expect(button('replay').getAttribute('aria-label')).toBe(
      'Replay the interview'
    );
    expect(button('open-report').getAttribute('aria-label')).toBe(
      'Open report in JupyterLab'
    );
    button('replay').click();
    button('download-report').click();
    button('open-report').click();
    await flush();
    expect(called).toEqual(['replay s1', 'download s1', 'open s1']);
    panel.dispose();
  });

  it('shows none of them without the hooks', async () => {
    const server = new FakeServer(() => ({
      status: 200,
      json: { items: [makeSession({ id: 's1' })], total: 1 }
    }));
    const panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() })
    });
    await panel.refresh();
    expect(panel.node.querySelector('button[data-action="replay"]')).toBeNull();
    panel.dispose();
  });
});
