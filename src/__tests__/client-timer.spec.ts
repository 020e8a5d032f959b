/**
 * The REST client's timer, time and change-notification methods, and their
 * error handling, against a FAKE server (see ./fakeServer.ts).
 */
import { DevInterviewClient } from '../api/client';
import { failure, FakeServer, makeSession } from './fakeServer';

const API = 'http://jupyter.test/user/alice/devinterview/api';

function path(url: string): string {
  const parsed = new URL(url);
  return parsed.origin + parsed.pathname;
}

describe('DevInterviewClient timer and time (fake server)', () => {
  let server: FakeServer;
  let client: DevInterviewClient;
  let changes: (string | null)[];

  beforeEach(() => {
    server = new FakeServer();
    client = new DevInterviewClient({ serverSettings: server.settings() });
    changes = [];
    client.sessionsChanged.connect((_, id) => changes.push(id));
  });

  it('reads the server clock with GET /time', async () => {
    server.respond = () => ({ status: 200, json: { now_ms: 1234567 } });
    await expect(client.serverTime()).resolves.toEqual({ now_ms: 1234567 });
    expect(server.last.method).toBe('GET');
    expect(path(server.last.url)).toBe(`${API}/time`);
    expect(changes).toEqual([]);
  });

  it.each(['start', 'pause', 'reset'] as const)(
    'posts {"action": "%s"} to /sessions/{id}/timer',
    async action => {
      const state = {
        running: action === 'start',
        started_at_ms: action === 'start' ? 1000 : null,
        accumulated_ms: 0,
        planned_minutes: 60,
        server_now_ms: 1000
      };
      server.respond = () => ({ status: 200, json: state });
      await expect(client.timer('s1', action)).resolves.toEqual(state);
      expect(server.last.method).toBe('POST');
      expect(path(server.last.url)).toBe(`${API}/sessions/s1/timer`);
      expect(JSON.parse(server.last.body)).toEqual({ action });
      expect(server.last.headers.get('Content-Type')).toBe('application/json');
      expect(changes).toEqual(['s1']);
    }
  );

  it('rejects a timer action on a terminated session with 409', async () => {
    server.respond = () => ({
      status: 409,
      json: { message: 'the session is terminated', reason: 'terminated' }
    });
    const error = await failure(client.timer('s1', 'start'));
    expect(error.status).toBe(409);
    expect(error.kind).toBe('http');
    expect(error.reason).toBe('terminated');
    expect(error.message).toBe('the session is terminated');
    expect(changes).toEqual([]);
  });

  it('rejects a candidate with 403 and a network failure with status 0', async () => {
    server.respond = () => ({
      status: 403,
      json: { message: 'forbidden', reason: 'forbidden' }
    });
    expect((await failure(client.timer('s1', 'pause'))).status).toBe(403);
    server.respond = () => new TypeError('Failed to fetch');
    const error = await failure(client.serverTime());
    expect(error.status).toBe(0);
    expect(error.kind).toBe('network');
  });

  it('rejects an answer without a JSON body with a clear message', async () => {
    server.respond = () => ({ status: 500, text: '<html>oops</html>' });
    const error = await failure(client.serverTime());
    expect(error.status).toBe(500);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toContain('<html>');
  });

  it('announces every successful change of a session', async () => {
    server.respond = request =>
      request.method === 'DELETE'
        ? { status: 204 }
        : {
            status:
              request.method === 'POST' && request.url.includes('/sessions?')
                ? 201
                : 200,
            json: makeSession({ id: 'new' })
          };
    await client.createSession({ title: 'x' });
    await client.updateSession('a', { language: 'go' });
    await client.startSession('b');
    await client.terminateSession('c');
    await client.deleteSession('d');
    await client.getSession('e');
    await client.listSessions();
    expect(changes).toEqual(['new', 'a', 'b', 'c', 'd']);
  });
});
