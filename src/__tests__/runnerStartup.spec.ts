/**
 * How Python starts: the worker's start message (this browser's snapshot, the
 * package's), the build-time snapshot made like the worker's own, the
 * interviewer's warm-up trigger, and what the sandbox frame records of a start.
 *
 * Restoring a snapshot needs Pyodide in a real browser:
 * ui-tests/tests/runner.spec.ts checks that a first visit restores the
 * package's snapshot and runs correctly.
 */
import type { RuntimeEvent } from '../runner/protocol';
import { sandboxTransport } from '../runner/sandbox';
import {
  PACKAGE_SNAPSHOT,
  isDevInterviewView,
  pythonInit
} from '../runner/startup';

declare const require: (name: string) => any;
declare const __dirname: string;
const {
  readFileSync
}: { readFileSync(path: string, encoding: string): string } = require('fs');
const { join }: { join(...parts: string[]): string } = require('path');

const OWN = 'http://localhost:8890/devinterview/static/pyodide/';

describe('pythonInit', () => {
  it('offers the package snapshot with our own Pyodide on a first visit', () => {
    const init = pythonInit(
      { indexURL: OWN, loadPackages: false, ownPyodide: true },
      null
    );
    expect(init).toEqual({
      type: 'init',
      indexURL: OWN,
      loadPackages: false,
      snapshot: null,
      snapshotVersion: null,
      packageSnapshotUrl: `${OWN}${PACKAGE_SNAPSHOT}`
    });
  });

  it('passes this browser’s snapshot along', () => {
    const data = new Uint8Array([1, 2, 3]);
    const init = pythonInit(
      { indexURL: OWN, loadPackages: false, ownPyodide: true },
      { version: '314.0.7', data }
    );
    expect(init.snapshot).toBe(data);
    expect(init.snapshotVersion).toBe('314.0.7');
  });

  it('never offers it with another Pyodide (`pyodide_url`): it was made for ours', () => {
    const init = pythonInit(
      {
        indexURL: 'https://cdn.example.org/pyodide/v314.0.7/full/',
        loadPackages: true,
        ownPyodide: false
      },
      null
    );
    expect(init.packageSnapshotUrl).toBeNull();
  });
});

describe('the build-time snapshot', () => {
  const runner = join(__dirname, '..', 'runner');
  const preload = (file: string) =>
    /const PRELOAD = '([^']*)';/.exec(
      readFileSync(join(runner, file), 'utf-8')
    )?.[1];

  it('imports what the worker imports before its own snapshots', () => {
    expect(preload('python.worker.ts')).toBeTruthy();
    expect(preload('snapshot.build.mjs')).toBe(preload('python.worker.ts'));
  });

  it('is emitted beside Pyodide’s files, where the worker looks for it', () => {
    const config = readFileSync(
      join(__dirname, '..', '..', 'webpack.config.js'),
      'utf-8'
    );
    expect(config).toContain(`'pyodide/${PACKAGE_SNAPSHOT}'`);
    expect(config).toContain('new PyodideSnapshotPlugin()');
  });
});

describe('isDevInterviewView', () => {
  it('is true for the sidebar, the dashboard and interviews', () => {
    expect(isDevInterviewView('devinterview-sidebar')).toBe(true);
    expect(isDevInterviewView('devinterview-dashboard')).toBe(true);
    expect(isDevInterviewView('devinterview-interview-1234')).toBe(true);
  });

  it('is false for other widgets, replays and look-alikes', () => {
    expect(isDevInterviewView('devinterview-replay-1234')).toBe(false);
    expect(isDevInterviewView('launcher-0')).toBe(false);
    expect(isDevInterviewView('my-devinterview-dashboard')).toBe(false);
  });
});

describe('the sandbox frame records how Python started', () => {
  function start() {
    const events: RuntimeEvent[] = [];
    const transport = sandboxTransport({
      workerSource: '',
      module: false,
      workerPerRun: false,
      init: async () => ({ type: 'init' })
    })(event => events.push(event));
    const frame = document.querySelector(
      'iframe.jp-DevInterview-sandbox'
    ) as HTMLIFrameElement;
    const send = (data: unknown) =>
      window.dispatchEvent(
        new MessageEvent('message', { data, source: frame.contentWindow })
      );
    return { events, transport, frame, send };
  }

  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('from its first "ready", with a known value only', () => {
    const { events, transport, frame, send } = start();
    send({ type: 'ready', loadMs: 5, startedFrom: 'package' });
    expect(frame.dataset.startedFrom).toBe('package');
    // A program runs after "ready": what it sends changes nothing.
    send({ type: 'ready', loadMs: 5, startedFrom: 'fresh' });
    expect(frame.dataset.startedFrom).toBe('package');
    expect(events.filter(e => e.type === 'ready')).toHaveLength(2);
    transport.dispose();
  });

  it('ignores an unknown value', () => {
    const { transport, frame, send } = start();
    send({ type: 'ready', loadMs: 5, startedFrom: '<b>x</b>' });
    expect(frame.dataset.startedFrom).toBeUndefined();
    transport.dispose();
  });

  it('hands the page a snapshot before "ready" only', () => {
    const setup: unknown[] = [];
    const transport = sandboxTransport({
      workerSource: '',
      module: false,
      workerPerRun: false,
      init: async () => ({ type: 'init' }),
      onSetup: event => setup.push(event)
    })(() => undefined);
    const frame = document.querySelector(
      'iframe.jp-DevInterview-sandbox'
    ) as HTMLIFrameElement;
    const send = (data: unknown) =>
      window.dispatchEvent(
        new MessageEvent('message', { data, source: frame.contentWindow })
      );
    const snapshot = {
      type: 'snapshot',
      version: '314.0.7',
      data: new Uint8Array([1])
    };
    send(snapshot);
    send({ type: 'ready', loadMs: 5, startedFrom: 'package' });
    send({ ...snapshot, data: new Uint8Array([2]) });
    expect(setup).toEqual([snapshot]);
    transport.dispose();
  });
});
