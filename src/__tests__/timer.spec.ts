/**
 * The shared timer's arithmetic, with the server-clock offset.
 */
import * as Y from 'yjs';

import { clockOffset, ServerClock } from '../room/clock';
import {
  elapsedMs,
  EMPTY_TIMER,
  formatElapsed,
  readTimer,
  timerPhase
} from '../model/timer';
import type { IDevInterviewClient } from '../tokens';

describe('clockOffset', () => {
  it('assumes the server read its clock half-way through the round trip', () => {
    expect(clockOffset(1000, 6050, 1100)).toBe(5000);
    expect(clockOffset(1000, 1050, 1100)).toBe(0);
    expect(clockOffset(2000, 1000, 2000)).toBe(-1000);
  });
});

describe('ServerClock', () => {
  function fakeClient(
    serverNow: () => number,
    advance: (ms: number) => void,
    latency = 40
  ): IDevInterviewClient {
    return {
      serverTime: async () => {
        advance(latency / 2);
        const now_ms = serverNow();
        advance(latency / 2);
        return { now_ms };
      }
    } as unknown as IDevInterviewClient;
  }

  it('measures the offset of a server clock 90 s ahead', async () => {
    let local = 1_000_000;
    const clock = new ServerClock({ localNow: () => local });
    expect(clock.measured).toBe(false);
    expect(clock.now()).toBe(local);
    const client = fakeClient(
      () => local + 90_000,
      ms => (local += ms)
    );
    await clock.sync(client);
    expect(clock.measured).toBe(true);
    expect(clock.offset).toBe(90_000);
    expect(clock.now()).toBe(local + 90_000);
  });

  it('keeps the sample with the shortest round trip', async () => {
    let local = 0;
    const latencies = [400, 20, 300];
    let call = 0;
    const clock = new ServerClock({ localNow: () => local });
    const client = {
      serverTime: async () => {
        const latency = latencies[call++];
        // The server answers at the very end of a slow round trip: the
        // midpoint estimate is off by half the latency.
        local += latency;
        const now_ms = local - 5_000;
        return { now_ms };
      }
    } as unknown as IDevInterviewClient;
    await clock.sync(client, 3);
    expect(clock.offset).toBe(-5_000 + 10);
  });

  it('keeps the old offset when the server cannot be reached', async () => {
    let local = 0;
    const clock = new ServerClock({ localNow: () => local });
    await clock.sync(
      fakeClient(
        () => local + 500,
        ms => (local += ms)
      )
    );
    const failing = {
      serverTime: () => Promise.reject(new Error('offline'))
    } as unknown as IDevInterviewClient;
    await clock.sync(failing);
    expect(clock.offset).toBe(500);
  });
});

describe('timer arithmetic', () => {
  it('shows accumulated time while paused', () => {
    const timer = { ...EMPTY_TIMER, accumulated_ms: 65_000 };
    expect(elapsedMs(timer, 10_000_000)).toBe(65_000);
  });

  it('adds the running time measured on the server clock', () => {
    const timer = {
      running: true,
      started_at_ms: 1_000_000,
      accumulated_ms: 30_000,
      planned_minutes: 45
    };
    expect(elapsedMs(timer, 1_060_000)).toBe(90_000);
  });

  it('gives two clients with different local clocks the same time', async () => {
    const serverStart = 5_000_000;
    const timer = {
      running: true,
      started_at_ms: serverStart,
      accumulated_ms: 0,
      planned_minutes: 60
    };
    // Client A's clock is 3 min behind the server, B's 2 s ahead.
    const server = () => serverStart + 42_000;
    let localA = server() - 180_000;
    let localB = server() + 2_000;
    const a = new ServerClock({ localNow: () => localA });
    const b = new ServerClock({ localNow: () => localB });
    const client = (advance: (ms: number) => void) =>
      ({
        serverTime: async () => {
          advance(10);
          const now_ms = server();
          advance(10);
          return { now_ms };
        }
      }) as unknown as IDevInterviewClient;
    await a.sync(client(ms => (localA += ms)));
    await b.sync(client(ms => (localB += ms)));
    const shownA = elapsedMs(timer, a.now());
    const shownB = elapsedMs(timer, b.now());
    expect(Math.abs(shownA - shownB)).toBeLessThanOrEqual(1000);
    expect(formatElapsed(shownA)).toBe(formatElapsed(shownB));
    // Uncorrected, the local clocks would disagree by far more than 1 s.
    expect(
      Math.abs(elapsedMs(timer, localA) - elapsedMs(timer, localB))
    ).toBeGreaterThan(1000);
  });

  it('never shows a negative time (server clock behind the start)', () => {
    const timer = { ...EMPTY_TIMER, running: true, started_at_ms: 2_000 };
    expect(elapsedMs(timer, 1_000)).toBe(0);
  });

  it('ignores started_at_ms while paused', () => {
    const timer = { ...EMPTY_TIMER, started_at_ms: 0, accumulated_ms: 1 };
    expect(elapsedMs(timer, 99_999)).toBe(1);
  });

  it('formats minutes and seconds, and hours from one hour', () => {
    expect(formatElapsed(0)).toBe('00:00');
    expect(formatElapsed(999)).toBe('00:00');
    expect(formatElapsed(61_500)).toBe('01:01');
    expect(formatElapsed(59 * 60_000 + 59_999)).toBe('59:59');
    expect(formatElapsed(3_600_000)).toBe('1:00:00');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
    expect(formatElapsed(-5)).toBe('00:00');
  });

  it('warns near the planned end and flags the overrun', () => {
    expect(timerPhase(10 * 60_000, 60, 5)).toBe('normal');
    expect(timerPhase(55 * 60_000, 60, 5)).toBe('warning');
    expect(timerPhase(60 * 60_000, 60, 5)).toBe('warning');
    expect(timerPhase(60 * 60_000 + 1, 60, 5)).toBe('over');
    expect(timerPhase(59 * 60_000, 60, 0)).toBe('normal');
    expect(timerPhase(500 * 60_000, null, 5)).toBe('normal');
  });

  it('reads the room timer map, tolerating missing and bad values', () => {
    const doc = new Y.Doc();
    const map = doc.getMap('timer');
    expect(readTimer(map)).toEqual(EMPTY_TIMER);
    map.set('running', true);
    map.set('started_at_ms', 123);
    map.set('accumulated_ms', 'lots');
    map.set('planned_minutes', 30);
    expect(readTimer(map)).toEqual({
      running: true,
      started_at_ms: 123,
      accumulated_ms: 0,
      planned_minutes: 30
    });
  });
});

describe('TimerDisplay', () => {
  it('renders the room timer on the server clock, with its phase', async () => {
    const { TimerDisplay } = await import('../interview/timer');
    const { nullTranslator } = await import('@jupyterlab/translation');
    const doc = new Y.Doc();
    const map = doc.getMap('timer');
    let local = 1_000_000;
    const clock = new ServerClock({ localNow: () => local });
    await clock.sync({
      serverTime: async () => ({ now_ms: local + 60_000 })
    } as unknown as IDevInterviewClient);
    const display = new TimerDisplay({
      trans: nullTranslator.load('devinterview_jupyter'),
      warningMinutes: 5
    });
    try {
      display.setSource(map, clock);
      expect(display.node.textContent).toBe('00:00');
      // The server started the timer 50 min ago on its own clock.
      doc.transact(() => {
        map.set('running', true);
        map.set('started_at_ms', local + 60_000 - 50 * 60_000);
        map.set('accumulated_ms', 0);
        map.set('planned_minutes', 45);
      });
      expect(display.node.textContent).toBe('50:00 / 45:00');
      expect(display.node.dataset.phase).toBe('over');
      expect(display.node.dataset.running).toBe('true');
      map.set('planned_minutes', 52);
      expect(display.node.dataset.phase).toBe('warning');
      local += 61_000;
      display.render();
      expect(display.node.textContent).toBe('51:01 / 52:00');
      display.setSource(null, null);
      expect(display.node.textContent).toBe('');
    } finally {
      display.dispose();
    }
  });
});
