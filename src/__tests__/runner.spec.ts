/**
 * The runner protocol: output limits, the runtime host (time limit, stop,
 * failures, one run at a time) and the shared run log.
 *
 * The runtimes themselves (Pyodide in a worker, the sandboxed frame) need a
 * real browser; they are exercised by ui-tests/tests/runner.spec.ts. Here a
 * FAKE transport stands in for them and answers like they do.
 */
import * as Y from 'yjs';

import type {
  IRunMessage,
  OutputChunk,
  RuntimeEvent
} from '../runner/protocol';
import { OutputLimiter, mergeChunks } from '../runner/protocol';
import { MAX_RUNS, RunLog } from '../runner/runLog';
import { sandboxDocument, sandboxPolicy } from '../runner/sandbox';
import type { IRuntimeTransport } from '../runner/runtime';
import { MessageRuntime, ModeView } from '../runner/runtime';

function text(value: string, stream: 'stdout' | 'stderr' = 'stdout') {
  return { kind: 'text' as const, stream, text: value };
}

/**
 * FAKE runtime: records what it is sent; the test plays the runtime's part.
 */
class FakeTransport implements IRuntimeTransport {
  constructor(readonly emit: (event: RuntimeEvent) => void) {}
  sent: IRunMessage[] = [];
  disposed = false;
  post(message: IRunMessage): void {
    this.sent.push(message);
  }
  dispose(): void {
    this.disposed = true;
  }
}

function fakeRuntime(mode: 'python' | 'javascript' = 'python') {
  const transports: FakeTransport[] = [];
  const runtime = new MessageRuntime({
    mode,
    factory: emit => {
      const transport = new FakeTransport(emit);
      transports.push(transport);
      return transport;
    }
  });
  return { runtime, transports };
}

/**
 * A program with no input and a long time limit.
 */
function program(
  code: string,
  onOutput: (chunks: OutputChunk[]) => void = () => undefined
) {
  return { code, stdin: '', timeLimitMs: 60000, onOutput };
}

function collect() {
  const chunks: OutputChunk[] = [];
  return { chunks, onOutput: (c: OutputChunk[]) => chunks.push(...c) };
}

describe('OutputLimiter', () => {
  it('lets output through until the budget, then cuts once with a marker', () => {
    const limiter = new OutputLimiter(10);
    expect(limiter.admit([text('12345')])).toEqual([text('12345')]);
    const cut = limiter.admit([text('67890abc'), text('more')]);
    expect(cut[0]).toEqual(text('67890'));
    expect(cut[1]).toMatchObject({ stream: 'system' });
    expect((cut[1] as any).text).toContain('truncated after 10 B');
    expect(cut).toHaveLength(2);
    expect(limiter.truncated).toBe(true);
    expect(limiter.admit([text('x')])).toEqual([]);
  });

  it('counts table cells against the budget', () => {
    const limiter = new OutputLimiter(20);
    const table = {
      kind: 'table' as const,
      columns: ['id', 'name'],
      rows: [
        [1, 'Ada'],
        [2, 'Grace Hopper the admiral']
      ],
      truncated: false
    };
    const out = limiter.admit([table]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'text', stream: 'system' });
  });

  it('merges consecutive text of one stream', () => {
    expect(
      mergeChunks([], [text('a'), text('b'), text('c', 'stderr'), text('d')])
    ).toEqual([text('ab'), text('c', 'stderr'), text('d')]);
  });
});

describe('MessageRuntime', () => {
  it('starts when warmed and sends a program once the runtime is ready', async () => {
    const { runtime, transports } = fakeRuntime();
    const states: string[] = [];
    runtime.stateChanged.connect((_, state) => states.push(state));
    runtime.warm();
    expect(runtime.state).toBe('loading');
    const out = collect();
    const result = runtime.run({
      code: 'print(1)',
      stdin: 'a\nb',
      timeLimitMs: 5000,
      onOutput: out.onOutput
    });
    const transport = transports[0];
    transport.emit({ type: 'loading', message: 'Downloading Python…' });
    expect(runtime.progress).toBe('Downloading Python…');
    expect(transport.sent).toHaveLength(0);
    transport.emit({ type: 'ready', loadMs: 1234 });
    expect(transport.sent).toHaveLength(1);
    const sent = transport.sent[0];
    expect(sent).toMatchObject({
      type: 'run',
      mode: 'python',
      code: 'print(1)',
      stdin: 'a\nb'
    });
    transport.emit({
      type: 'output',
      runId: sent.runId,
      chunks: [text('1\n')]
    });
    transport.emit({
      type: 'output',
      runId: 'someone-else',
      chunks: [text('x')]
    });
    transport.emit({
      type: 'done',
      runId: sent.runId,
      status: 'ok',
      durationMs: 7
    });
    await expect(result).resolves.toEqual({ status: 'ok', durationMs: 7 });
    expect(out.chunks).toEqual([text('1\n')]);
    expect(runtime.loadMs).toBe(1234);
    expect(states).toEqual(['loading', 'loading', 'ready', 'busy', 'ready']);
    expect(transports).toHaveLength(1);
  });

  it('kills a program at the time limit and starts a fresh runtime', async () => {
    jest.useFakeTimers();
    try {
      const { runtime, transports } = fakeRuntime();
      runtime.warm();
      transports[0].emit({ type: 'ready', loadMs: 1 });
      const out = collect();
      const result = runtime.run({
        code: 'while True: pass',
        stdin: '',
        timeLimitMs: 3000,
        onOutput: out.onOutput
      });
      jest.advanceTimersByTime(2999);
      expect(transports[0].disposed).toBe(false);
      jest.advanceTimersByTime(1);
      const ended = await result;
      expect(ended.status).toBe('timeout');
      expect(transports[0].disposed).toBe(true);
      expect(transports).toHaveLength(2);
      expect(runtime.state).toBe('loading');
      expect((out.chunks[0] as any).text).toContain('3 s time limit');
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops on request, ignores the old runtime, and runs again', async () => {
    const { runtime, transports } = fakeRuntime('javascript');
    runtime.warm();
    transports[0].emit({ type: 'ready', loadMs: 0 });
    const first = runtime.run(program('for(;;){}'));
    const old = transports[0].sent[0];
    runtime.stop();
    await expect(first).resolves.toMatchObject({ status: 'stopped' });
    // A late message from the killed runtime changes nothing.
    transports[0].emit({
      type: 'done',
      runId: old.runId,
      status: 'ok',
      durationMs: 1
    });
    expect(runtime.state).toBe('loading');

    transports[1].emit({ type: 'ready', loadMs: 0 });
    const second = runtime.run(program('console.log(1)'));
    const sent = transports[1].sent[0];
    expect(sent.mode).toBe('javascript');
    transports[1].emit({
      type: 'done',
      runId: sent.runId,
      status: 'error',
      durationMs: 2
    });
    await expect(second).resolves.toEqual({ status: 'error', durationMs: 2 });
  });

  it('refuses a second program while one runs', async () => {
    const { runtime, transports } = fakeRuntime();
    runtime.warm();
    transports[0].emit({ type: 'ready', loadMs: 0 });
    const options = program('1');
    const first = runtime.run(options);
    await expect(runtime.run(options)).rejects.toThrow('already running');
    runtime.stop();
    await first;
  });

  it('reports a runtime that cannot start', async () => {
    const { runtime, transports } = fakeRuntime();
    const out = collect();
    const result = runtime.run(program('1', out.onOutput));
    transports[0].emit({ type: 'failed', message: 'no WebAssembly' });
    await expect(result).resolves.toMatchObject({ status: 'failed' });
    expect(runtime.state).toBe('failed');
    expect((out.chunks[0] as any).text).toContain('no WebAssembly');
  });

  it('runs SQL on the Python runtime through a mode view', async () => {
    const { runtime, transports } = fakeRuntime();
    const sql = new ModeView(runtime, 'sql');
    sql.warm();
    transports[0].emit({ type: 'ready', loadMs: 0 });
    expect(sql.state).toBe('ready');
    const result = sql.run(program('select 1;'));
    const sent = transports[0].sent[0];
    expect(sent.mode).toBe('sql');
    transports[0].emit({
      type: 'done',
      runId: sent.runId,
      status: 'ok',
      durationMs: 1
    });
    await expect(result).resolves.toMatchObject({ status: 'ok' });
  });
});

describe('ModeView', () => {
  it('closes the runtime only when it owns it', () => {
    const shared = fakeRuntime();
    new ModeView(shared.runtime, 'sql').dispose();
    expect(shared.runtime.isDisposed).toBe(false);
    const own = fakeRuntime();
    own.runtime.warm();
    new ModeView(own.runtime, 'sql', { owns: true }).dispose();
    expect(own.runtime.isDisposed).toBe(true);
    expect(own.transports[0].disposed).toBe(true);
  });
});

describe('the sandbox frame', () => {
  const STATIC = 'http://localhost:8890/devinterview/static/';
  const PYODIDE = 'https://cdn.example.org/pyodide/v0.27.0/full/';

  /**
   * The frame's policy, as directive name → sources.
   */
  function policyOf(html: string): Map<string, string[]> {
    const meta =
      /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(
        html
      );
    expect(meta).not.toBeNull();
    const directives = new Map<string, string[]>();
    for (const directive of meta![1].split(';')) {
      const [name, ...sources] = directive.trim().split(/\s+/);
      expect(directives.has(name)).toBe(false);
      directives.set(name, sources);
    }
    return directives;
  }

  function python(sources: string[]) {
    return sandboxDocument({
      workerSource: 'import(url)',
      module: false,
      workerPerRun: false,
      sources
    });
  }

  it('lets the Python sandbox load and fetch from its two folders only', () => {
    const html = python([STATIC, PYODIDE]);
    // The policy comes before the script: a <meta> policy covers only what
    // follows it.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(
      html.indexOf('<script')
    );
    const policy = policyOf(html);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual([STATIC, PYODIDE]);
    expect(policy.get('worker-src')).toEqual(['blob:']);
    const scripts = policy.get('script-src')!;
    expect(scripts).toEqual(
      expect.arrayContaining([
        STATIC,
        PYODIDE,
        'blob:',
        "'unsafe-eval'",
        "'wasm-unsafe-eval'"
      ])
    );
    // Only the frame's own script runs inline, by its nonce.
    const nonce = /'nonce-([0-9a-f]{32})'/.exec(scripts.join(' '))![1];
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    // No wildcard, no whole scheme, no 'self' (an opaque origin's self is
    // no server), nothing but those folders over the network.
    for (const [, sources] of policy) {
      for (const source of sources) {
        expect(source).not.toContain('*');
        expect(['http:', 'https:', 'data:', "'self'"]).not.toContain(source);
        if (/^https?:/.test(source)) {
          expect([STATIC, PYODIDE]).toContain(source);
        }
      }
    }
    // A new nonce for every frame.
    expect(policyOf(python([STATIC])).get('script-src')).not.toEqual(
      policyOf(python([STATIC])).get('script-src')
    );
  });

  it('lets the JavaScript sandbox send no request at all', () => {
    const policy = policyOf(
      sandboxDocument({
        workerSource: 'run()',
        module: false,
        workerPerRun: true
      })
    );
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual(["'none'"]);
    expect(
      policy.get('script-src')!.filter(source => /^https?:/.test(source))
    ).toEqual([]);
  });

  it('makes sources of URLs safely: no query, nothing that ends a directive', () => {
    const connect = (sources: string[]) =>
      sandboxPolicy(sources, 'ab'.repeat(16))
        .split('; ')
        .find(directive => directive.startsWith('connect-src '));
    expect(
      connect([
        'https://cdn.example.org/py;odide, x/?token=1#frag',
        'javascript:alert(1)',
        'data:text/plain,x',
        'https://user:secret@cdn.example.org/',
        PYODIDE,
        PYODIDE
      ])
    ).toBe(`connect-src https://cdn.example.org/py%3Bodide%2C%20x/ ${PYODIDE}`);
    // A relative URL is the page's; a lone "*" is a path there, no wildcard.
    expect(connect(['*', 'static/'])).toBe(
      'connect-src http://localhost/%2A http://localhost/static/'
    );
    expect(connect([])).toBe("connect-src 'none'");
  });
});

describe('RunLog', () => {
  const author = { name: 'Grace', color: '#123456', role: 'candidate' };

  it('records a run that every peer sees while it prints', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));
    const logA = new RunLog(a);
    const logB = new RunLog(b);
    let changes = 0;
    logB.changed.connect(() => changes++);

    const run = logA.start({
      language: 'python',
      by: author,
      code: 'print(1)',
      stdin: ''
    });
    expect(logB.runs()).toHaveLength(1);
    expect(logB.runs()[0]).toMatchObject({
      status: 'running',
      by: author,
      code: 'print(1)'
    });
    run.append([text('1\n')]);
    run.append([text('2\n'), text('oops\n', 'stderr')]);
    expect(logB.runs()[0].output).toEqual([
      text('1\n2\n'),
      text('oops\n', 'stderr')
    ]);
    run.finish({ status: 'error', durationMs: 15 });
    expect(logB.runs()[0]).toMatchObject({ status: 'error', durationMs: 15 });
    expect(changes).toBeGreaterThanOrEqual(4);
  });

  it('caps each run’s output with a marker and keeps the newest runs', () => {
    const doc = new Y.Doc();
    const log = new RunLog(doc, { outputLimit: 8, maxRuns: 3 });
    const run = log.start({
      language: 'python',
      by: author,
      code: '',
      stdin: ''
    });
    run.append([text('0123456789')]);
    run.append([text('more')]);
    const output = log.runs()[0].output;
    expect(output[0]).toEqual(text('01234567'));
    expect(output[1]).toMatchObject({ stream: 'system' });
    expect(output).toHaveLength(2);

    for (let i = 0; i < 4; i++) {
      log.start({ language: 'sql', by: author, code: `-- ${i}`, stdin: '' });
    }
    expect(log.runs().map(r => r.code)).toEqual(['-- 1', '-- 2', '-- 3']);
    expect(MAX_RUNS).toBeGreaterThan(3);
  });
});
