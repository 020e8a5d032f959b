/**
 * Unit tests of the REST client against a FAKE server: a `fetch` injected
 * through `ServerConnection.makeSettings({ fetch })` records each request and
 * answers canned JSON. No Jupyter server is started.
 */
import { DevInterviewClient } from '../api/client';
import { ErrorMessages } from '../api/errors';
import { failure, FakeServer, makeSession } from './fakeServer';

const API = 'http://jupyter.test/user/alice/devinterview/api';

/**
 * The path and query of a URL, without the cache-busting timestamp that
 * `ServerConnection.makeRequest` appends (a bare `?1795951814810`).
 */
function parse(url: string): { path: string; query: Record<string, string> } {
  const parsed = new URL(url);
  const query: Record<string, string> = {};
  parsed.searchParams.forEach((value, key) => {
    if (/^\d+$/.test(key) && value === '') {
      return;
    }
    query[key] = value;
  });
  return { path: parsed.origin + parsed.pathname, query };
}

describe('DevInterviewClient with a fake server', () => {
  let server: FakeServer;
  let client: DevInterviewClient;

  beforeEach(() => {
    server = new FakeServer();
    client = new DevInterviewClient({ serverSettings: server.settings() });
  });

  describe('URL building (fake server)', () => {
    it('joins the base URL and the API path', () => {
      expect(client.url('sessions')).toBe(`${API}/sessions`);
      expect(client.url('sessions', 'abc', 'invites', 'x1')).toBe(
        `${API}/sessions/abc/invites/x1`
      );
    });

    it('encodes path segments', () => {
      expect(client.url('sessions', 'a/b c')).toBe(`${API}/sessions/a%2Fb%20c`);
    });

    it.each([
      ['getSession', () => client.getSession('s1'), 'GET', '/sessions/s1'],
      [
        'startSession',
        () => client.startSession('s1'),
        'POST',
        '/sessions/s1/start'
      ],
      [
        'terminateSession',
        () => client.terminateSession('s1'),
        'POST',
        '/sessions/s1/terminate'
      ],
      [
        'listInvites',
        () => client.listInvites('s1'),
        'GET',
        '/sessions/s1/invites'
      ],
      ['me', () => client.me(), 'GET', '/me'],
      ['listQuestions', () => client.listQuestions(), 'GET', '/questions'],
      [
        'getQuestion',
        () => client.getQuestion('shipped~python~two-sum'),
        'GET',
        '/questions/shipped~python~two-sum'
      ],
      [
        'getSessionQuestion',
        () => client.getSessionQuestion('s1'),
        'GET',
        '/sessions/s1/question'
      ],
      [
        'revealNextPart',
        () => client.revealNextPart('s1'),
        'POST',
        '/sessions/s1/question/reveal'
      ]
    ])('%s sends %s to the right path', async (_name, call, method, path) => {
      await call();
      expect(server.requests).toHaveLength(1);
      expect(server.last.method).toBe(method);
      expect(parse(server.last.url).path).toBe(`${API}${path}`);
    });

    it('sends DELETE for deleteSession and revokeInvite and accepts 204', async () => {
      server.respond = () => ({ status: 204 });
      await expect(client.deleteSession('s1')).resolves.toBeUndefined();
      expect(server.last.method).toBe('DELETE');
      expect(parse(server.last.url).path).toBe(`${API}/sessions/s1`);

      await expect(client.revokeInvite('s1', 'inv9')).resolves.toBeUndefined();
      expect(server.last.method).toBe('DELETE');
      expect(parse(server.last.url).path).toBe(
        `${API}/sessions/s1/invites/inv9`
      );
    });

    it('sends the Jupyter token of the server settings', async () => {
      client = new DevInterviewClient({
        serverSettings: server.settings({ token: 's3cret' })
      });
      await client.me();
      expect(server.last.headers.get('Authorization')).toBe('token s3cret');
    });
  });

  describe('query strings (fake server)', () => {
    it('sends no query for listSessions() without options', async () => {
      server.respond = () => ({ status: 200, json: { items: [], total: 0 } });
      await client.listSessions();
      const { path, query } = parse(server.last.url);
      expect(path).toBe(`${API}/sessions`);
      expect(query).toEqual({});
    });

    it('sends status, limit and offset, leaving out undefined ones', async () => {
      server.respond = () => ({ status: 200, json: { items: [], total: 0 } });
      await client.listSessions({
        status: 'terminated',
        limit: 20,
        offset: 40
      });
      expect(parse(server.last.url).query).toEqual({
        status: 'terminated',
        limit: '20',
        offset: '40'
      });

      await client.listSessions({ limit: 5 });
      expect(parse(server.last.url).query).toEqual({ limit: '5' });
    });

    it('returns the decoded list', async () => {
      const items = [makeSession({ id: 'b' }), makeSession({ id: 'a' })];
      server.respond = () => ({ status: 200, json: { items, total: 7 } });
      const page = await client.listSessions();
      expect(page.total).toBe(7);
      expect(page.items.map(s => s.id)).toEqual(['b', 'a']);
    });
  });

  describe('JSON bodies (fake server)', () => {
    it('createSession posts the body as JSON and returns the session', async () => {
      const created = makeSession({ title: 'Frontend', language: 'go' });
      server.respond = () => ({ status: 201, json: created });
      const session = await client.createSession({
        title: 'Frontend',
        language: 'go',
        candidate_name: null,
        planned_minutes: 45
      });
      expect(session).toEqual(created);
      expect(server.last.method).toBe('POST');
      expect(parse(server.last.url).path).toBe(`${API}/sessions`);
      expect(server.last.headers.get('Content-Type')).toBe('application/json');
      expect(JSON.parse(server.last.body)).toEqual({
        title: 'Frontend',
        language: 'go',
        candidate_name: null,
        planned_minutes: 45
      });
    });

    it('updateSession sends PATCH with only the given fields', async () => {
      server.respond = () => ({ status: 200, json: makeSession() });
      await client.updateSession('s1', { title: 'Renamed' });
      expect(server.last.method).toBe('PATCH');
      expect(parse(server.last.url).path).toBe(`${API}/sessions/s1`);
      expect(JSON.parse(server.last.body)).toEqual({ title: 'Renamed' });
    });

    it('createInvite posts expires_in_minutes (or an empty object)', async () => {
      const invite = {
        id: 'i1',
        token: 'tok',
        url: 'http://jupyter.test/join#tok',
        expires_at: '2026-11-30T10:00:00Z'
      };
      server.respond = () => ({ status: 201, json: invite });
      await expect(
        client.createInvite('s1', { expires_in_minutes: 90 })
      ).resolves.toEqual(invite);
      expect(parse(server.last.url).path).toBe(`${API}/sessions/s1/invites`);
      expect(JSON.parse(server.last.body)).toEqual({ expires_in_minutes: 90 });

      await client.createInvite('s1');
      expect(JSON.parse(server.last.body)).toEqual({});
    });

    it('join posts the token', async () => {
      server.respond = () => ({
        status: 200,
        json: { session: makeSession(), role: 'candidate' }
      });
      const result = await client.join('tok123');
      expect(result.role).toBe('candidate');
      expect(parse(server.last.url).path).toBe(`${API}/join`);
      expect(JSON.parse(server.last.body)).toEqual({ token: 'tok123' });

      // The lobby only looks; Join names the candidate.
      await client.join('tok123', { lobby: true });
      expect(JSON.parse(server.last.body)).toEqual({
        token: 'tok123',
        lobby: true
      });
      await client.join('tok123', { name: 'Ada' });
      expect(JSON.parse(server.last.body)).toEqual({
        token: 'tok123',
        name: 'Ada'
      });
    });

    it('setSessionQuestion puts the choice and reports the session changed', async () => {
      const changed: (string | null)[] = [];
      client.sessionsChanged.connect((_, id) => changed.push(id));
      await client.setSessionQuestion('s1', {
        question_id: 'folder1~graphs~bfs',
        starter: 'replace'
      });
      expect(server.last.method).toBe('PUT');
      expect(parse(server.last.url).path).toBe(`${API}/sessions/s1/question`);
      expect(JSON.parse(server.last.body)).toEqual({
        question_id: 'folder1~graphs~bfs',
        starter: 'replace'
      });
      expect(changed).toEqual(['s1']);
    });

    it('createSession sends the question_id of a chosen question', async () => {
      server.respond = () => ({ status: 201, json: makeSession() });
      await client.createSession({
        title: 'Frontend',
        question_id: 'shipped~sql~top-salaries'
      });
      expect(JSON.parse(server.last.body)).toEqual({
        title: 'Frontend',
        question_id: 'shipped~sql~top-salaries'
      });
    });

    it('getQuestion encodes the id as one path segment', async () => {
      await client.getQuestion('folder1~a b/c');
      expect(parse(server.last.url).path).toBe(
        `${API}/questions/folder1~a%20b%2Fc`
      );
    });

    it('GET requests carry no body', async () => {
      await client.getSession('s1');
      expect(server.last.body).toBe('');
    });
  });

  describe('scorecards (fake server)', () => {
    const SCORECARD = {
      id: 'c1',
      session_id: 's1',
      interviewer: 'alice',
      status: 'draft',
      criteria: [
        { name: 'Code', description: 'correct', rating: 3, comment: 'ok' }
      ],
      recommendation: null,
      summary: '',
      created_at: '2026-11-29T10:00:00Z',
      updated_at: '2026-11-29T10:00:00Z',
      submitted_at: null
    };

    it('listScorecards gets the session scorecards', async () => {
      const list = { items: [SCORECARD], hidden: 1, criteria: [] };
      server.respond = () => ({ status: 200, json: list });
      await expect(client.listScorecards('s1')).resolves.toEqual(list);
      expect(server.last.method).toBe('GET');
      expect(parse(server.last.url).path).toBe(`${API}/sessions/s1/scorecards`);
      expect(server.last.body).toBe('');
    });

    it('saveMyScorecard puts the draft as JSON (no sessionsChanged)', async () => {
      const changed: (string | null)[] = [];
      client.sessionsChanged.connect((_, id) => changed.push(id));
      server.respond = () => ({ status: 201, json: SCORECARD });
      const body = {
        ratings: [{ name: 'Code', rating: 3, comment: 'ok' }],
        recommendation: 'yes' as const,
        summary: 'Solid.'
      };
      await expect(client.saveMyScorecard('s1', body)).resolves.toEqual(
        SCORECARD
      );
      expect(server.last.method).toBe('PUT');
      expect(parse(server.last.url).path).toBe(
        `${API}/sessions/s1/scorecards/mine`
      );
      expect(server.last.headers.get('Content-Type')).toBe('application/json');
      expect(JSON.parse(server.last.body)).toEqual(body);
      expect(changed).toEqual([]);
    });

    it('submitMyScorecard posts to submit and reports the session changed', async () => {
      const changed: (string | null)[] = [];
      client.sessionsChanged.connect((_, id) => changed.push(id));
      server.respond = () => ({
        status: 200,
        json: { ...SCORECARD, status: 'submitted' }
      });
      const result = await client.submitMyScorecard('s1');
      expect(result.status).toBe('submitted');
      expect(server.last.method).toBe('POST');
      expect(parse(server.last.url).path).toBe(
        `${API}/sessions/s1/scorecards/mine/submit`
      );
      expect(changed).toEqual(['s1']);
    });

    it('submitMyScorecard rejects with the reason of a 422 and a 409', async () => {
      server.respond = () => ({
        status: 422,
        json: { message: 'Rate Code first.', reason: 'incomplete' }
      });
      let error = await failure(client.submitMyScorecard('s1'));
      expect(error.status).toBe(422);
      expect(error.reason).toBe('incomplete');
      expect(error.message).toBe('Rate Code first.');
      server.respond = () => ({
        status: 409,
        json: { message: 'Already submitted.', reason: 'submitted' }
      });
      error = await failure(client.saveMyScorecard('s1', { summary: 'x' }));
      expect(error.status).toBe(409);
      expect(error.reason).toBe('submitted');
    });

    it('scorecardSummary repeats session_id once per session', async () => {
      server.respond = () => ({
        status: 200,
        json: {
          items: [
            { session_id: 'a', submitted: 1, mine: null, recommendations: null }
          ]
        }
      });
      const summary = await client.scorecardSummary(['a', 'b c', 'a']);
      expect(summary.items).toHaveLength(1);
      expect(server.requests).toHaveLength(1);
      expect(server.last.method).toBe('GET');
      const url = new URL(server.last.url);
      expect(url.origin + url.pathname).toBe(`${API}/scorecards/summary`);
      expect(url.searchParams.getAll('session_id')).toEqual(['a', 'b c']);
    });

    it('scorecardSummary asks nothing for no session and splits long lists', async () => {
      await expect(client.scorecardSummary([])).resolves.toEqual({ items: [] });
      expect(server.requests).toHaveLength(0);

      server.respond = request => ({
        status: 200,
        json: {
          items: new URL(request.url).searchParams
            .getAll('session_id')
            .map(id => ({
              session_id: id,
              submitted: 0,
              mine: 'draft',
              recommendations: null
            }))
        }
      });
      const ids = Array.from({ length: 450 }, (_, i) => `s${i}`);
      const summary = await client.scorecardSummary(ids);
      expect(
        server.requests.map(
          r => new URL(r.url).searchParams.getAll('session_id').length
        )
      ).toEqual([200, 200, 50]);
      expect(summary.items.map(item => item.session_id)).toEqual(ids);
    });
  });

  describe('error mapping (fake server)', () => {
    it('maps a 404 with a JSON body to status, message and reason', async () => {
      server.respond = () => ({
        status: 404,
        json: { message: 'Session s1 not found', reason: 'not_found' }
      });
      const error = await failure(client.getSession('s1'));
      expect(error.status).toBe(404);
      expect(error.message).toBe('Session s1 not found');
      expect(error.reason).toBe('not_found');
      expect(error.kind).toBe('http');
    });

    it('maps a 404 without JSON (extension missing) to a clear message', async () => {
      server.respond = () => ({ status: 404, text: '<html>404</html>' });
      const error = await failure(client.listSessions());
      expect(error.status).toBe(404);
      expect(error.message).toBe(ErrorMessages.notFound);
      expect(error.reason).toBeUndefined();
    });

    it('maps a 400 validation error', async () => {
      server.respond = () => ({
        status: 400,
        json: { message: 'title must be 1-200 characters' }
      });
      const error = await failure(client.createSession({ title: '' }));
      expect(error.status).toBe(400);
      expect(error.message).toBe('title must be 1-200 characters');
      expect(error.reason).toBeUndefined();
    });

    it('maps a 401 without a body', async () => {
      server.respond = () => ({ status: 401 });
      const error = await failure(client.me());
      expect(error.status).toBe(401);
      expect(error.message).toMatch(/not authenticated/i);
    });

    it('maps a 409 conflict with its reason', async () => {
      server.respond = () => ({
        status: 409,
        json: { message: 'Session is terminated', reason: 'terminated' }
      });
      const error = await failure(client.updateSession('s1', { title: 'x' }));
      expect(error.status).toBe(409);
      expect(error.reason).toBe('terminated');
    });

    it('maps a 503 to an "unavailable" error with the server message', async () => {
      server.respond = () => ({
        status: 503,
        json: { message: 'database unavailable: connection refused' }
      });
      const error = await failure(client.listSessions());
      expect(error.status).toBe(503);
      expect(error.kind).toBe('unavailable');
      expect(error.message).toBe('database unavailable: connection refused');
    });

    it('maps a 503 without a body to the database-unavailable message', async () => {
      server.respond = () => ({ status: 503 });
      const error = await failure(client.listSessions());
      expect(error.kind).toBe('unavailable');
      expect(error.message).toBe(ErrorMessages.unavailable);
      expect(error.message).toMatch(/database is unavailable/);
    });

    it('maps a network failure (fetch rejects) to status 0', async () => {
      const cause = new TypeError('Failed to fetch');
      server.respond = () => cause;
      const error = await failure(client.listSessions());
      expect(error.status).toBe(0);
      expect(error.kind).toBe('network');
      expect(error.message).toBe(ErrorMessages.network);
      expect(error.cause).toBeDefined();
    });
  });
});
