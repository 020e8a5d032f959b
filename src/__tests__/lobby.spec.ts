/**
 * The candidate's lobby without a server: the browser check's verdicts, the
 * name field's rules and prefill, the lobby page (keyboard, labels, errors)
 * and its flow (a refused name stays in the lobby, an ended interview does
 * not).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { DevInterviewAPIError } from '../api/errors';
import type { IJoinOptions, IJoinResult } from '../api/types';
import type { IBrowserFeatures } from '../candidate/browserCheck';
import {
  ROOM_CHECK_TIMEOUT_MS,
  canJoin,
  checkText,
  detectFeatures,
  evaluateBrowser,
  roomCheckStatus
} from '../candidate/browserCheck';
import { CandidateLobby } from '../candidate/lobby';
import { waitInLobby } from '../candidate/lobbyFlow';
import {
  MAX_NAME_LENGTH,
  checkName,
  prefillName
} from '../candidate/lobbyName';
import type { RoomConnection } from '../room/provider';
import type { IDevInterviewClient } from '../tokens';

const trans = nullTranslator.load('devinterview_jupyter');

const ALL: IBrowserFeatures = {
  webAssembly: true,
  workers: true,
  webSocket: true,
  storage: true
};

const POLICY = { signals: true, paste_chars: 200 };

function joinResult(overrides: Partial<IJoinResult> = {}): IJoinResult {
  return {
    session: {
      id: 's1',
      title: 'Backend round',
      language: 'python',
      status: 'scheduled',
      candidate_name: 'Grace',
      planned_minutes: 45,
      created_at: '2026-01-01T00:00:00Z',
      started_at: null,
      ended_at: null,
      duration_minutes: null
    },
    role: 'candidate',
    integrity: POLICY,
    interviewers: ['Ada Lovelace', 'bob'],
    name: 'Grace',
    ...overrides
  };
}

function lobbyOf(name = 'Grace'): CandidateLobby {
  return new CandidateLobby({
    sessionTitle: 'Backend round',
    language: 'python',
    plannedMinutes: 45,
    interviewers: ['Ada Lovelace', '<b>bob</b>'],
    policy: POLICY,
    name,
    trans
  });
}

function submit(lobby: CandidateLobby): void {
  lobby.node
    .querySelector('form')!
    .dispatchEvent(new Event('submit', { cancelable: true }));
}

describe('the browser check', () => {
  it('reads the features of a browser', () => {
    const store = new Map<string, string>();
    const storage = {
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k)
    };
    const full = detectFeatures({
      WebAssembly: { validate: () => true },
      Worker: function Worker() {},
      WebSocket: function WebSocket() {},
      sessionStorage: storage,
      indexedDB: {}
    });
    expect(full).toEqual(ALL);
    expect(store.size).toBe(0); // the probe leaves nothing behind

    expect(detectFeatures({})).toEqual({
      webAssembly: false,
      workers: false,
      webSocket: false,
      storage: false
    });
    // WebAssembly defined but refusing to compile (turned off by policy).
    const throwing = {
      validate: () => {
        throw new Error('disabled');
      }
    };
    expect(detectFeatures({ WebAssembly: throwing }).webAssembly).toBe(false);
    // Storage that throws (blocked cookies) is off.
    const blocked = {
      setItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => undefined
    };
    expect(
      detectFeatures({ sessionStorage: blocked, indexedDB: {} }).storage
    ).toBe(false);
  });

  it('waits for the room, then says whether it came', () => {
    expect(roomCheckStatus(null, 0)).toBe('pending');
    expect(roomCheckStatus('connecting', 1000)).toBe('pending');
    expect(roomCheckStatus('connected', 0)).toBe('pass');
    expect(roomCheckStatus('reconnecting', ROOM_CHECK_TIMEOUT_MS)).toBe('fail');
    expect(roomCheckStatus(null, ROOM_CHECK_TIMEOUT_MS)).toBe('fail');
    expect(roomCheckStatus('expired', 10)).toBe('fail');
    expect(roomCheckStatus('connected', ROOM_CHECK_TIMEOUT_MS * 2)).toBe(
      'pass'
    );
  });

  it('warns about what only degrades the interview, and lets the candidate join', () => {
    for (const missing of ['webAssembly', 'workers', 'storage'] as const) {
      const checks = evaluateBrowser({ ...ALL, [missing]: false }, 'pass');
      const failed = checks.filter(c => c.status === 'fail');
      expect(failed).toHaveLength(1);
      expect(failed[0].blocking).toBe(false);
      expect(canJoin(checks)).toBe(true);
    }
    // A room that does not answer yet: the connection keeps trying.
    expect(canJoin(evaluateBrowser(ALL, 'fail'))).toBe(true);
    expect(canJoin(evaluateBrowser(ALL, 'pending'))).toBe(true);
  });

  it('refuses Join only when the interview cannot work at all', () => {
    const checks = evaluateBrowser({ ...ALL, webSocket: false }, 'pending');
    const room = checks.find(c => c.id === 'room')!;
    expect(room).toEqual({ id: 'room', status: 'fail', blocking: true });
    expect(canJoin(checks)).toBe(false);
    expect(checkText(room, trans)).toMatch(/cannot work here/);
  });

  it('says each line clearly, pass or fail', () => {
    const lines = [
      ...evaluateBrowser(ALL, 'pass'),
      ...evaluateBrowser(
        { webAssembly: false, workers: false, webSocket: true, storage: false },
        'fail'
      )
    ].map(check => checkText(check, trans));
    expect(new Set(lines).size).toBe(8);
    expect(lines[0]).toMatch(/Python can run/);
    expect(lines[4]).toMatch(/Python cannot run/);
    expect(lines[6]).toMatch(/still trying/);
  });
});

describe('the name field', () => {
  it('starts with the name the server offers, or empty', () => {
    expect(prefillName({ name: 'Grace Hopper' })).toBe('Grace Hopper');
    expect(prefillName({ name: null })).toBe('');
    // Never a name the server would refuse back.
    expect(prefillName({ name: 'Bad\u202ename' })).toBe('');
  });

  it('collapses spaces and refuses what the server refuses', () => {
    expect(checkName('  Ada \t\n Lovelace ')).toEqual({ name: 'Ada Lovelace' });
    expect(checkName('   ')).toEqual({ problem: 'empty' });
    expect(checkName('x'.repeat(MAX_NAME_LENGTH))).toEqual({
      name: 'x'.repeat(MAX_NAME_LENGTH)
    });
    expect(checkName('x'.repeat(MAX_NAME_LENGTH + 1))).toEqual({
      problem: 'too_long'
    });
    // Counted in characters, as the server counts: 80 with emoji are fine.
    expect(checkName('x😀'.repeat(MAX_NAME_LENGTH / 2))).toHaveProperty('name');
    for (const bad of [
      'Ada\u202eLovelace',
      'Ada\u200b',
      'Ada\x07',
      '\x1b[2J'
    ]) {
      expect(checkName(bad)).toEqual({ problem: 'invisible' });
    }
    // Names that draw nothing or spill over their neighbours, as the server
    // refuses them (tests/test_display_names.py).
    expect(checkName('\u3164')).toEqual({ problem: 'invisible' });
    expect(checkName('Ada\ufe0f')).toEqual({ problem: 'invisible' });
    expect(checkName('Z' + '\u0301\u0302\u0303'.repeat(5))).toEqual({
      problem: 'stacked_marks'
    });
    expect(checkName('---')).toEqual({ problem: 'no_letters' });
    expect(checkName('Jose\u0301')).toEqual({ name: 'Jos\u00e9' });
  });
});

describe('the lobby page', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows the title, the interviewers, what is recorded and a labelled name field', () => {
    const lobby = lobbyOf();
    Widget.attach(lobby, document.body);
    const node = lobby.node;
    expect(node.classList).toContain('jp-DevInterview-lobby');
    expect(node.querySelector('h1')!.textContent).toBe('Backend round');
    const names = node.querySelectorAll(
      '.jp-DevInterview-lobbyInterviewers li'
    );
    expect([...names].map(li => li.textContent)).toEqual([
      'Ada Lovelace',
      '<b>bob</b>'
    ]);
    // A name is text, never markup.
    expect(node.querySelector('.jp-DevInterview-lobbyInterviewers b')).toBe(
      null
    );
    expect(
      node.querySelectorAll('.jp-DevInterview-lobbyRecorded li').length
    ).toBe(5);
    const input = node.querySelector<HTMLInputElement>(
      'input.jp-DevInterview-lobbyName'
    )!;
    expect(input.value).toBe('Grace');
    const label = node.querySelector(`label[for="${input.id}"]`);
    expect(label!.textContent).toBe('Your name');
    // Keyboard users land on the one question of the page.
    expect(document.activeElement).toBe(input);
    const join = node.querySelector<HTMLButtonElement>(
      'button.jp-DevInterview-lobbyJoin'
    )!;
    expect(join.textContent).toBe('Join');
    expect(join.type).toBe('submit'); // Enter in the field joins
    lobby.dispose();
  });

  it('asks for a usable name before joining', () => {
    const lobby = lobbyOf('');
    Widget.attach(lobby, document.body);
    const asked: string[] = [];
    lobby.joinRequested.connect((_, name) => asked.push(name));
    submit(lobby);
    expect(asked).toEqual([]);
    const input = lobby.nameInput;
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const error = lobby.node.querySelector('.jp-DevInterview-lobbyNameError')!;
    expect(error.textContent).toMatch(/enter your name/);
    expect(input.getAttribute('aria-describedby')).toContain(error.id);

    input.value = '  Ada   Lovelace ';
    input.dispatchEvent(new Event('input'));
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    submit(lobby);
    expect(asked).toEqual(['Ada Lovelace']);
    lobby.dispose();
  });

  it('cannot be sent twice while joining, nor at all when the browser cannot work', () => {
    const lobby = lobbyOf();
    Widget.attach(lobby, document.body);
    const asked: string[] = [];
    lobby.joinRequested.connect((_, name) => asked.push(name));
    lobby.setBusy(true);
    submit(lobby);
    expect(asked).toEqual([]);
    lobby.setBusy(false);

    lobby.setChecks(evaluateBrowser({ ...ALL, webSocket: false }, 'pending'));
    const join = lobby.node.querySelector<HTMLButtonElement>(
      '.jp-DevInterview-lobbyJoin'
    )!;
    expect(join.disabled).toBe(true);
    submit(lobby);
    expect(asked).toEqual([]);

    lobby.setChecks(evaluateBrowser({ ...ALL, storage: false }, 'pass'));
    expect(join.disabled).toBe(false);
    const storage = lobby.node.querySelector<HTMLElement>(
      '[data-check="storage"]'
    )!;
    expect(storage.dataset.status).toBe('fail');
    expect(storage.textContent).toMatch(/Storage is off/);
    submit(lobby);
    expect(asked).toEqual(['Grace']);
    lobby.dispose();
  });
});

describe('the lobby flow', () => {
  function fakeApp(): { app: JupyterFrontEnd; shown: Widget[] } {
    const shown: Widget[] = [];
    const app = {
      shell: {
        add: (widget: Widget) => {
          shown.push(widget);
          Widget.attach(widget, document.body);
        },
        activateById: () => undefined
      }
    } as unknown as JupyterFrontEnd;
    return { app, shown };
  }

  function fakeClient(
    answers: Array<IJoinResult | Error>
  ): IDevInterviewClient & { calls: IJoinOptions[] } {
    const calls: IJoinOptions[] = [];
    return {
      calls,
      join: async (_token: string, options: IJoinOptions = {}) => {
        calls.push(options);
        const answer = answers.shift()!;
        if (answer instanceof Error) {
          throw answer;
        }
        return answer;
      }
    } as unknown as IDevInterviewClient & { calls: IJoinOptions[] };
  }

  const room = Promise.resolve({
    isDisposed: false,
    state: 'connected',
    stateChanged: { connect: () => true, disconnect: () => true }
  } as unknown as RoomConnection);

  it('stays in the lobby after a refused name, then joins under the new one', async () => {
    const { app, shown } = fakeApp();
    const refused = new DevInterviewAPIError('the name is empty', {
      status: 400,
      reason: 'invalid_name'
    });
    const client = fakeClient([refused, joinResult({ name: 'Ada' })]);
    const done = waitInLobby({
      app,
      client,
      token: 't',
      info: joinResult(),
      room,
      trans
    });
    const lobby = shown[0] as CandidateLobby;
    submit(lobby);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(lobby.isDisposed).toBe(false);
    expect(lobby.nameInput.getAttribute('aria-invalid')).toBe('true');
    lobby.nameInput.value = 'Ada';
    submit(lobby);
    const joined = await done;
    expect(joined.name).toBe('Ada');
    expect(client.calls).toEqual([{ name: 'Grace' }, { name: 'Ada' }]);
    expect(lobby.isDisposed).toBe(true);
  });

  it('leaves the lobby when the interview has ended meanwhile', async () => {
    const { app, shown } = fakeApp();
    const ended = new DevInterviewAPIError('this interview has ended', {
      status: 410,
      reason: 'ended'
    });
    const done = waitInLobby({
      app,
      client: fakeClient([ended]),
      token: 't',
      info: joinResult(),
      room,
      trans
    });
    submit(shown[0] as CandidateLobby);
    await expect(done).rejects.toBe(ended);
    expect(shown[0].isDisposed).toBe(true);
  });
});
