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

  let liveToken: string;
  let rotations: number;

  function link(token: string) {
    return {
      id: `i-${token}`,
      token,
      url: `http://jupyter.test/devinterview/candidate/#token=${token}`,
      expires_at: '2026-11-30T10:00:00Z'
    };
  }

  beforeEach(() => {
    liveToken = 'abcdefSECRETrest';
    rotations = 0;
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
      if (r === 'POST /sessions/s1/invites/live') {
        return { status: 200, json: link(liveToken) };
      }
      if (r === 'POST /sessions/s1/invites/rotate') {
        liveToken = `rotated${++rotations}TokenXYZ`;
        return { status: 201, json: link(liveToken) };
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
      },
      noticeSeconds: 0.05
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

  it('copies the live link, showing its token masked, then fades', async () => {
    await panel.refresh();
    await panel.runAction('copy-link', panel.sessions[0]);
    await panel.runAction('copy-link', panel.sessions[0]);
    const url =
      'http://jupyter.test/devinterview/candidate/#token=abcdefSECRETrest';
    expect(copied).toEqual([url, url]);
    expect(
      server.requests.map(route).filter(r => r.includes('invites'))
    ).toEqual([
      'POST /sessions/s1/invites/live',
      'POST /sessions/s1/invites/live'
    ]);
    const notice = panel.node.querySelector<HTMLElement>(
      '.jp-DevInterview-message'
    )!;
    expect(notice.getAttribute('aria-live')).toBe('polite');
    expect(notice.hidden).toBe(false);
    expect(notice.textContent).toBe(
      'Candidate link copied: http://jupyter.test/devinterview/candidate/#token=abcd…'
    );
    expect(panel.node.textContent).not.toContain('SECRET');
    await new Promise(resolve => setTimeout(resolve, 120));
    expect(notice.hidden).toBe(true);
    expect(panel.message).toBeNull();
    expect(notice.textContent).toBe('');
  });

  it('makes a new link only after confirmation and copies it', async () => {
    await panel.refresh();
    confirmAnswer = false;
    await panel.runAction('new-link', panel.sessions[0]);
    expect(server.requests.map(route)).not.toContain(
      'POST /sessions/s1/invites/rotate'
    );
    expect(copied).toEqual([]);
    confirmAnswer = true;
    await panel.runAction('new-link', panel.sessions[0]);
    expect(confirmed).toEqual([
      'New candidate link for "Backend pairing"?',
      'New candidate link for "Backend pairing"?'
    ]);
    expect(copied).toEqual([
      'http://jupyter.test/devinterview/candidate/#token=rotated1TokenXYZ'
    ]);
    expect(panel.message).toBe(
      'New candidate link copied: http://jupyter.test/devinterview/candidate/#token=rota… The old link no longer works.'
    );
    // Copy link gives the new one from now on.
    await panel.runAction('copy-link', panel.sessions[0]);
    expect(copied[1]).toBe(copied[0]);
  });

  it('labels every action with visible text and a name starting with it', async () => {
    await panel.refresh();
    const row = panel.node.querySelector('tr[data-session-id="s1"]')!;
    const labels: Record<string, string> = {};
    for (const node of Array.from(
      row.querySelectorAll<HTMLButtonElement>('button')
    )) {
      const text = node.textContent!.replace('▾', '').trim();
      expect(text).not.toBe('');
      expect(node.getAttribute('aria-label')!.startsWith(text)).toBe(true);
      labels[node.dataset.action ?? node.dataset.menu!] = text;
    }
    expect(labels).toEqual({
      open: 'Open',
      'copy-link': 'Copy link',
      more: 'More',
      'new-link': 'New link',
      start: 'Start interview',
      terminate: 'End interview',
      delete: 'Delete'
    });
    // Open and Copy link on the row, the rest in the More menu.
    const menu = row.querySelector<HTMLElement>('[role="menu"]')!;
    expect(menu.hidden).toBe(true);
    expect(
      Array.from(menu.querySelectorAll('button')).map(b => b.dataset.action)
    ).toEqual(['new-link', 'start', 'terminate', 'delete']);
    expect(row.querySelector('td[data-column="status"]')!.textContent).toBe(
      'In progress'
    );
  });

  it('opens the More menu from the keyboard and moves through it', async () => {
    document.body.appendChild(panel.node);
    await panel.refresh();
    const row = panel.node.querySelector('tr[data-session-id="s1"]')!;
    const more = row.querySelector<HTMLButtonElement>(
      'button[data-menu="more"]'
    )!;
    const menu = row.querySelector<HTMLElement>('[role="menu"]')!;
    expect(more.getAttribute('aria-haspopup')).toBe('menu');
    expect(more.getAttribute('aria-controls')).toBe(menu.id);
    const key = (target: HTMLElement, name: string) =>
      target.dispatchEvent(
        new KeyboardEvent('keydown', { key: name, bubbles: true })
      );
    key(more, 'ArrowDown');
    expect(menu.hidden).toBe(false);
    expect(more.getAttribute('aria-expanded')).toBe('true');
    // Start is disabled (in progress): skipped.
    expect((document.activeElement as HTMLElement).dataset.action).toBe(
      'new-link'
    );
    key(document.activeElement as HTMLElement, 'ArrowDown');
    expect((document.activeElement as HTMLElement).dataset.action).toBe(
      'terminate'
    );
    key(document.activeElement as HTMLElement, 'End');
    expect((document.activeElement as HTMLElement).dataset.action).toBe(
      'delete'
    );
    key(document.activeElement as HTMLElement, 'ArrowDown');
    expect((document.activeElement as HTMLElement).dataset.action).toBe(
      'new-link'
    );
    // A refresh rebuilds the rows but keeps the menu and the focus.
    await panel.refresh();
    const again = panel.node.querySelector('tr[data-session-id="s1"]')!;
    expect(again.querySelector<HTMLElement>('[role="menu"]')!.hidden).toBe(
      false
    );
    expect((document.activeElement as HTMLElement).dataset.action).toBe(
      'new-link'
    );
    key(document.activeElement as HTMLElement, 'Escape');
    expect(again.querySelector<HTMLElement>('[role="menu"]')!.hidden).toBe(
      true
    );
    expect(document.activeElement).toBe(
      again.querySelector('button[data-menu="more"]')
    );
    panel.node.remove();
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
    // Start interview needs no confirmation; it is labelled apart from the
    // interview toolbar's timer.
    expect(button('start').textContent).toBe('Start interview');
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
