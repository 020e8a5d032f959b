/**
 * The dashboard's filter, create button and row actions against a FAKE
 * server (see ./fakeServer.ts).
 */
import { DevInterviewClient } from '../api/client';
import { SessionsPanel } from '../dashboard/panel';
import type { IRecordedRequest } from './fakeServer';
import { FakeServer, makeSession } from './fakeServer';

function route(request: IRecordedRequest): string {
  const url = new URL(request.url);
  return `${request.method} ${url.pathname.replace(/^.*\/devinterview\/api/, '')}`;
}

describe('SessionsPanel actions (fake server)', () => {
  let server: FakeServer;
  let panel: SessionsPanel;
  let confirmAnswer: boolean;
  let confirmed: string[];
  let copied: string[];
  let opened: string[];

  beforeEach(() => {
    confirmAnswer = true;
    confirmed = [];
    copied = [];
    opened = [];
    server = new FakeServer(request => {
      const r = route(request);
      if (r === 'GET /sessions') {
        return {
          status: 200,
          json: {
            items: [
              makeSession({
                id: 's1',
                started_at: '2026-11-29T10:05:00Z',
                status: 'active'
              })
            ],
            total: 1
          }
        };
      }
      if (r === 'POST /sessions/s1/invites') {
        return {
          status: 201,
          json: {
            id: 'i1',
            token: 't',
            url: 'http://jupyter.test/devinterview/candidate/#token=t',
            expires_at: '2026-11-30T10:00:00Z'
          }
        };
      }
      if (r === 'DELETE /sessions/s1') {
        return { status: 204 };
      }
      if (r === 'POST /sessions') {
        return { status: 201, json: makeSession({ id: 's2' }) };
      }
      return { status: 200, json: makeSession({ id: 's1' }) };
    });
    panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() }),
      actions: {
        open: session => {
          opened.push(session.id);
        },
        confirm: async title => {
          confirmed.push(title);
          return confirmAnswer;
        },
        copy: text => {
          copied.push(text);
        },
        askNewSession: async () => ({ title: 'New one', language: 'go' })
      }
    });
  });

  afterEach(() => panel.dispose());

  function button(action: string): HTMLButtonElement {
    return panel.node.querySelector<HTMLButtonElement>(
      `tr[data-session-id="s1"] button[data-action="${action}"]`
    )!;
  }

  /**
   * Wait until the panel has no refresh in flight (after chained refreshes).
   */
  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
      await panel.refresh();
    }
  }

  it('shows the started time and the row buttons by status', async () => {
    await panel.refresh();
    const started = panel.node.querySelector<HTMLElement>(
      'tr[data-session-id="s1"] td[data-column="started"]'
    )!;
    expect(started.textContent).not.toBe('');
    expect(started.title).toBe('2026-11-29T10:05:00Z');
    expect(button('open').disabled).toBe(false);
    expect(button('start').disabled).toBe(true);
    expect(button('terminate').disabled).toBe(false);
  });

  it('filters by status in the list request', async () => {
    // The last list request (the scorecard summary of the rows follows it).
    const listed = () =>
      new URL(
        server.requests.filter(r => route(r) === 'GET /sessions').pop()!.url
      );
    await panel.refresh();
    panel.statusFilter = 'terminated';
    await panel.refresh();
    expect(listed().searchParams.get('status')).toBe('terminated');
    panel.statusFilter = '';
    await panel.refresh();
    expect(listed().searchParams.has('status')).toBe(false);
  });

  it('opens a session through the open hook', async () => {
    await panel.refresh();
    button('open').click();
    expect(opened).toEqual(['s1']);
  });

  it('creates an invite and copies its URL', async () => {
    await panel.refresh();
    await panel.runAction('copy-link', panel.sessions[0]);
    expect(copied).toEqual([
      'http://jupyter.test/devinterview/candidate/#token=t'
    ]);
    expect(panel.message).toContain('#token=t');
  });

  it('terminates only after confirmation, then refreshes itself', async () => {
    await panel.refresh();
    confirmAnswer = false;
    await panel.runAction('terminate', panel.sessions[0]);
    expect(server.requests.map(route)).not.toContain(
      'POST /sessions/s1/terminate'
    );
    confirmAnswer = true;
    const before = server.requests.length;
    await panel.runAction('terminate', panel.sessions[0]);
    await settle();
    const after = server.requests.slice(before).map(route);
    expect(after[0]).toBe('POST /sessions/s1/terminate');
    expect(after).toContain('GET /sessions');
    expect(confirmed).toHaveLength(2);
  });

  it('deletes after confirmation and starts without one', async () => {
    await panel.refresh();
    await panel.runAction('delete', panel.sessions[0]);
    await panel.runAction('start', panel.sessions[0]);
    const routes = server.requests.map(route);
    expect(routes).toContain('DELETE /sessions/s1');
    expect(routes).toContain('POST /sessions/s1/start');
    expect(confirmed).toEqual(['Delete "Backend pairing"?']);
  });

  it('creates a session from the dialog hook and lists it', async () => {
    await panel.refresh();
    const created = await panel.createSession();
    expect(created?.id).toBe('s2');
    const post = server.requests.find(r => route(r) === 'POST /sessions')!;
    expect(JSON.parse(post.body)).toEqual({ title: 'New one', language: 'go' });
  });

  it('shows a failed action in the error line', async () => {
    await panel.refresh();
    server.respond = () => ({
      status: 409,
      json: { message: 'session is terminated', reason: 'terminated' }
    });
    await panel.runAction('start', panel.sessions[0]);
    expect(panel.error).toBe('session is terminated');
  });
});
