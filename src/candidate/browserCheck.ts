/**
 * The lobby's browser check: what this browser needs for the interview, and
 * whether a missing piece only degrades it (a warning, Join stays possible)
 * or makes it impossible.
 *
 * Pure functions over plain facts, so they are unit-tested on their own; the
 * lobby gathers the facts (`detectFeatures`) and the room's state.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ConnectionState } from '../model/connection';
import { isClosed } from '../model/connection';

/**
 * What is checked, in the order shown.
 */
export type BrowserCheckId = 'webassembly' | 'workers' | 'room' | 'storage';

/**
 * The order of the lines.
 */
export const BROWSER_CHECKS: readonly BrowserCheckId[] = [
  'webassembly',
  'workers',
  'room',
  'storage'
];

/**
 * `pending` only for the room while it is still connecting.
 */
export type BrowserCheckStatus = 'pending' | 'pass' | 'fail';

/**
 * One line of the check.
 */
export interface IBrowserCheck {
  id: BrowserCheckId;
  status: BrowserCheckStatus;
  /**
   * A failure that makes the interview impossible (Join is refused), not
   * only worse.
   */
  blocking: boolean;
}

/**
 * What the browser offers.
 */
export interface IBrowserFeatures {
  /**
   * WebAssembly compiles a module (Python runs on it).
   */
  webAssembly: boolean;
  /**
   * Web Workers (code runs off the page's thread).
   */
  workers: boolean;
  /**
   * The WebSocket API (the room: editing together, presence, runs).
   */
  webSocket: boolean;
  /**
   * This tab's storage works (a reload keeps the invite; Python's cache).
   */
  storage: boolean;
}

/**
 * How long the room may take to connect before its line says it cannot be
 * reached (the connection keeps trying).
 */
export const ROOM_CHECK_TIMEOUT_MS = 15_000;

/**
 * The smallest valid WebAssembly module: the magic number and version 1.
 */
const EMPTY_WASM_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00
]);

/**
 * What `detectFeatures` reads, so tests can hand in any browser.
 */
export interface IFeatureScope {
  WebAssembly?: { validate?: (bytes: BufferSource) => boolean };
  Worker?: unknown;
  WebSocket?: unknown;
  sessionStorage?: Pick<Storage, 'setItem' | 'removeItem'>;
  indexedDB?: unknown;
}

/**
 * The features of a browser (by default, this one).
 */
export function detectFeatures(
  scope: IFeatureScope = globalThis as unknown as IFeatureScope
): IBrowserFeatures {
  let webAssembly = false;
  try {
    // `validate` runs the real decoder: a browser with WebAssembly turned
    // off by policy may still define the object.
    webAssembly =
      typeof scope.WebAssembly?.validate === 'function' &&
      scope.WebAssembly.validate(EMPTY_WASM_MODULE);
  } catch {
    webAssembly = false;
  }
  let storage = false;
  try {
    // Reading `sessionStorage` itself throws when storage is blocked.
    const store = scope.sessionStorage;
    if (store) {
      store.setItem('devinterview-storage-check', '1');
      store.removeItem('devinterview-storage-check');
      storage = scope.indexedDB !== undefined && scope.indexedDB !== null;
    }
  } catch {
    storage = false;
  }
  return {
    webAssembly,
    workers: typeof scope.Worker === 'function',
    webSocket: typeof scope.WebSocket === 'function',
    storage
  };
}

/**
 * The room's line: passed once connected; failed when the server closed it
 * for good or it has not connected within `timeoutMs`; pending before that.
 *
 * @param state - the room connection's state (null: no room yet).
 * @param waitedMs - how long the lobby has been waiting for it.
 */
export function roomCheckStatus(
  state: ConnectionState | null,
  waitedMs: number,
  timeoutMs: number = ROOM_CHECK_TIMEOUT_MS
): BrowserCheckStatus {
  if (state === 'connected') {
    return 'pass';
  }
  if (state !== null && isClosed(state)) {
    return 'fail';
  }
  return waitedMs >= timeoutMs ? 'fail' : 'pending';
}

/**
 * Every line of the check.
 *
 * Only a browser without WebSockets cannot take part at all: without
 * WebAssembly or workers the code cannot run but the editor and whiteboard
 * work (the interviewer decides), a room that does not answer yet may still
 * come (the connection keeps trying and the interview says so), and without
 * storage a reload needs the link again.
 */
export function evaluateBrowser(
  features: IBrowserFeatures,
  room: BrowserCheckStatus
): IBrowserCheck[] {
  return [
    {
      id: 'webassembly',
      status: features.webAssembly ? 'pass' : 'fail',
      blocking: false
    },
    {
      id: 'workers',
      status: features.workers ? 'pass' : 'fail',
      blocking: false
    },
    {
      id: 'room',
      status: features.webSocket ? room : 'fail',
      blocking: !features.webSocket
    },
    {
      id: 'storage',
      status: features.storage ? 'pass' : 'fail',
      blocking: false
    }
  ];
}

/**
 * Whether Join is possible: no blocking line failed.
 */
export function canJoin(checks: readonly IBrowserCheck[]): boolean {
  return !checks.some(check => check.blocking && check.status === 'fail');
}

/**
 * What a line says (translated). A failure says what it means for the
 * interview, not only what is missing.
 */
export function checkText(
  check: IBrowserCheck,
  trans: TranslationBundle
): string {
  switch (check.id) {
    case 'webassembly':
      return check.status === 'pass'
        ? trans.__('WebAssembly works: Python can run in this browser.')
        : trans.__(
            'WebAssembly is not available: Python cannot run here. Try a current Chrome, Edge, Firefox or Safari.'
          );
    case 'workers':
      return check.status === 'pass'
        ? trans.__('Web Workers work: code runs without freezing the page.')
        : trans.__(
            'Web Workers are not available: code cannot run in this browser.'
          );
    case 'room':
      if (check.blocking) {
        return trans.__(
          'This browser cannot open WebSockets: the interview cannot work here. Try a current Chrome, Edge, Firefox or Safari.'
        );
      }
      switch (check.status) {
        case 'pass':
          return trans.__('Connected to the interview room.');
        case 'pending':
          return trans.__('Connecting to the interview room…');
        default:
          return trans.__(
            'Cannot reach the interview room yet (still trying): check your connection, VPN or firewall.'
          );
      }
    case 'storage':
      return check.status === 'pass'
        ? trans.__('Storage works: a reload keeps you in the interview.')
        : trans.__(
            'Storage is off (private window or blocked cookies?): after a reload you will need the link again, and Python starts more slowly.'
          );
  }
}
