/**
 * The co-interviewer client calls, the co-interviewers dialog's form and the
 * dashboard's owner marks against a FAKE server (see ./fakeServer.ts).
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { DevInterviewClient } from '../api/client';
import { CoInterviewersForm, isHubUserName } from '../dashboard/coInterviewers';
import { SessionsPanel } from '../dashboard/panel';
import type { IRecordedRequest } from './fakeServer';
import { failure, FakeServer, makeSession } from './fakeServer';

const trans = nullTranslator.load('devinterview_jupyter');

function route(request: IRecordedRequest): string {
  const url = new URL(request.url);
  return `${request.method} ${url.pathname.replace(/^.*\/devinterview\/api/, '')}`;
}

function entry(username: string, addedBy = 'alice') {
  return { username, added_by: addedBy, added_at: '2026-11-29T10:00:00Z' };
}

/**
 * A fake server that keeps the co-interviewers of session s1 and lets only
 * `owner` change them, as the server does with `session_access = "owner"`.
 */
function teamServer(me: string, owner = 'alice') {
  const team: string[] = [];
  const server = new FakeServer(request => {
    const r = route(request);
    const member = /^(PUT|DELETE) \/sessions\/s1\/co-interviewers\/(.+)$/.exec(
      r
    );
    if (r === 'GET /me') {
      return { status: 200, json: { kind: 'interviewer', name: me } };
    }
    if (r === 'GET /sessions') {
      return {
        status: 200,
        json: {
          items: [
            makeSession({ id: 's1', owner }),
            makeSession({ id: 's2', owner: me, title: 'Mine' })
          ],
          total: 2
        }
      };
    }
    if (r === 'GET /sessions/s1/co-interviewers') {
      return { status: 200, json: { items: team.map(u => entry(u, owner)) } };
    }
    if (member) {
      const username = decodeURIComponent(member[2]);
      if (me !== owner) {
        return {
          status: 403,
          json: {
            message: "only the session's owner may do this",
            reason: 'owner_only'
          }
        };
      }
      const index = team.indexOf(username);
      if (member[1] === 'PUT') {
        if (index < 0) {
          team.push(username);
        }
        return { status: index < 0 ? 201 : 200, json: entry(username, owner) };
      }
      if (index < 0) {
        return {
          status: 404,
          json: { message: `${username} is not a co-interviewer` }
        };
      }
      team.splice(index, 1);
      return { status: 204 };
    }
    return { status: 404, json: { message: 'unexpected request' } };
  });
  return { server, team };
}

describe('co-interviewer client calls', () => {
  it('lists, adds (PUT, name encoded) and removes', async () => {
    const { server, team } = teamServer('alice');
    const client = new DevInterviewClient({
      serverSettings: server.settings()
    });

    expect(await client.listCoInterviewers('s1')).toEqual({ items: [] });
    expect(server.last.method).toBe('GET');
    expect(new URL(server.last.url).pathname).toBe(
      '/user/alice/devinterview/api/sessions/s1/co-interviewers'
    );

    const added = await client.addCoInterviewer('s1', 'bob+x@hub.example');
    expect(added.username).toBe('bob+x@hub.example');
    expect(server.last.method).toBe('PUT');
    expect(new URL(server.last.url).pathname).toBe(
      '/user/alice/devinterview/api/sessions/s1/co-interviewers/bob%2Bx%40hub.example'
    );
    expect(server.last.body).toBe('');
    expect(team).toEqual(['bob+x@hub.example']);

    await client.removeCoInterviewer('s1', 'bob+x@hub.example');
    expect(server.last.method).toBe('DELETE');
    expect(team).toEqual([]);
  });

  it("rejects with the server's reason when not the owner", async () => {
    const { server } = teamServer('bob');
    const client = new DevInterviewClient({
      serverSettings: server.settings()
    });
    const error = await failure(client.addCoInterviewer('s1', 'carol'));
    expect(error.status).toBe(403);
    expect(error.reason).toBe('owner_only');
    expect(error.message).toBe("only the session's owner may do this");
  });
});

describe('isHubUserName', () => {
  it("accepts the server's user names and nothing else", () => {
    for (const name of ['bob', 'b.o_b-1', 'bob@example.org', 'a+b', 'x']) {
      expect(isHubUserName(name)).toBe(true);
    }
    for (const name of [
      '',
      'bob smith',
      'bob/..',
      'b%20',
      'é',
      'a'.repeat(256)
    ]) {
      expect(isHubUserName(name)).toBe(false);
    }
    expect(isHubUserName('a'.repeat(255))).toBe(true);
  });
});

describe('CoInterviewersForm', () => {
  let form: CoInterviewersForm | null = null;

  afterEach(() => {
    form?.dispose();
    form = null;
  });

  function make(server: FakeServer, me: string | null, owner = 'alice') {
    form = new CoInterviewersForm({
      client: new DevInterviewClient({ serverSettings: server.settings() }),
      session: makeSession({ id: 's1', owner }),
      currentUser: me,
      trans
    });
    Widget.attach(form, document.body);
    return form;
  }

  function names(f: CoInterviewersForm): string[] {
    return Array.from(
      f.node.querySelectorAll<HTMLElement>('.jp-DevInterview-coInterviewer')
    ).map(li => li.dataset.username ?? '');
  }

  function input(f: CoInterviewersForm): HTMLInputElement {
    return f.node.querySelector<HTMLInputElement>('input[name="username"]')!;
  }

  function errorLine(f: CoInterviewersForm): HTMLElement {
    return f.node.querySelector<HTMLElement>('.jp-DevInterview-error')!;
  }

  it('lets the owner add and remove co-interviewers', async () => {
    const { server, team } = teamServer('alice');
    const f = make(server, 'alice');
    await f.ready;
    expect(f.editable).toBe(true);
    expect(
      f.node.querySelector('.jp-DevInterview-coInterviewersNote')
    ).toHaveProperty('hidden', true);
    expect(
      f.node.querySelector('.jp-DevInterview-coInterviewerEmpty')?.textContent
    ).toBe('No co-interviewers yet.');

    expect(await f.add('  bob ')).toBe(true);
    expect(team).toEqual(['bob']);
    expect(names(f)).toEqual(['bob']);
    expect(input(f).value).toBe('');
    expect(
      f.node.querySelector('.jp-DevInterview-coInterviewerAdded')?.textContent
    ).toBe('added by alice');

    // Adding twice is harmless and lists once.
    expect(await f.add('bob')).toBe(true);
    expect(names(f)).toEqual(['bob']);

    const remove = f.node.querySelector<HTMLButtonElement>(
      'li[data-username="bob"] button[data-action="remove"]'
    )!;
    expect(remove.getAttribute('aria-label')).toBe('Remove bob');
    remove.click();
    await new Promise(resolve => setTimeout(resolve, 0));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(team).toEqual([]);
    expect(names(f)).toEqual([]);
    expect(f.error).toBeNull();
  });

  it('adds on Enter in the name field and on the Add button', async () => {
    const { server, team } = teamServer('alice');
    const f = make(server, 'alice');
    await f.ready;
    const field = input(f);
    field.value = 'bob';
    const enter = new KeyboardEvent('keydown', {
      key: 'Enter',
      bubbles: true,
      cancelable: true
    });
    field.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 0));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(team).toEqual(['bob']);

    field.value = 'carol';
    f.node
      .querySelector<HTMLFormElement>('form')!
      .dispatchEvent(new Event('submit', { cancelable: true }));
    await new Promise(resolve => setTimeout(resolve, 0));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(team).toEqual(['bob', 'carol']);
  });

  it('refuses a malformed name without asking the server', async () => {
    const { server } = teamServer('alice');
    const f = make(server, 'alice');
    await f.ready;
    const before = server.requests.length;
    expect(await f.add('bob smith')).toBe(false);
    expect(await f.add('   ')).toBe(false);
    expect(await f.add('alice')).toBe(false);
    expect(server.requests.length).toBe(before);
    expect(errorLine(f).hidden).toBe(false);
    expect(errorLine(f).getAttribute('role')).toBe('alert');
    expect(f.error).toBe('alice owns this session already: add someone else.');
    expect(input(f).getAttribute('aria-invalid')).toBe('true');

    await f.add('bob smith');
    expect(f.error).toBe(
      '"bob smith" is not a hub user name: use letters, digits and . _ @ + - only.'
    );
    // Typing clears the mark.
    input(f).value = 'bob';
    input(f).dispatchEvent(new Event('input'));
    expect(input(f).hasAttribute('aria-invalid')).toBe(false);
    expect(errorLine(f).hidden).toBe(true);
  });

  it('shows server errors in the error line', async () => {
    const { server } = teamServer('alice');
    const f = make(server, 'alice');
    await f.ready;
    server.respond = () => ({
      status: 400,
      json: {
        message: "'bob' is not a user name",
        reason: 'invalid_username'
      }
    });
    expect(await f.add('bob')).toBe(false);
    expect(errorLine(f).textContent).toBe("'bob' is not a user name");
    expect(f.editable).toBe(true);
  });

  it('reloads the list when a removal finds the name gone', async () => {
    const { server, team } = teamServer('alice');
    team.push('bob', 'carol');
    const f = make(server, 'alice');
    await f.ready;
    expect(names(f)).toEqual(['bob', 'carol']);
    team.splice(0, 1); // Removed in another browser.
    expect(await f.remove('bob')).toBe(false);
    expect(f.error).toBe('bob is not a co-interviewer');
    expect(names(f)).toEqual(['carol']);
  });

  it('is read-only for a co-interviewer, with a note', async () => {
    const { server, team } = teamServer('bob');
    team.push('bob');
    const f = make(server, 'bob');
    await f.ready;
    expect(f.editable).toBe(false);
    expect(names(f)).toEqual(['bob']);
    const note = f.node.querySelector<HTMLElement>(
      '.jp-DevInterview-coInterviewersNote'
    )!;
    expect(note.hidden).toBe(false);
    expect(note.textContent).toBe(
      'Only the owner of this session (alice) can add or remove co-interviewers.'
    );
    expect(f.node.querySelector<HTMLFormElement>('form')!.hidden).toBe(true);
    expect(f.node.querySelector('button[data-action="remove"]')).toBeNull();
  });

  it('turns read-only when the server says owner_only', async () => {
    const { server } = teamServer('bob');
    const f = make(server, null);
    await f.ready;
    expect(f.editable).toBe(true);
    expect(await f.add('carol')).toBe(false);
    expect(f.editable).toBe(false);
    expect(f.error).toBe("only the session's owner may do this");
    expect(
      f.node.querySelector<HTMLElement>('.jp-DevInterview-coInterviewersNote')!
        .hidden
    ).toBe(false);
  });
});

describe('SessionsPanel owners and the co-interviewers action', () => {
  let panel: SessionsPanel;

  afterEach(() => panel.dispose());

  function make(server: FakeServer, calls: [string, string | null][]) {
    panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() }),
      actions: {
        manageCoInterviewers: async (session, me) => {
          calls.push([session.id, me]);
        }
      }
    });
    return panel;
  }

  it('marks the sessions shared with me with their owner', async () => {
    const { server } = teamServer('bob');
    make(server, []);
    await panel.refresh();
    expect(panel.currentUser).toBe('bob');
    const shared = panel.node.querySelector<HTMLElement>(
      'tr[data-session-id="s1"]'
    )!;
    expect(shared.dataset.shared).toBe('true');
    expect(shared.dataset.owner).toBe('alice');
    expect(
      shared.querySelector(
        'td[data-column="title"] .jp-DevInterview-sharedBadge'
      )?.textContent
    ).toBe('shared by alice');
    const mine = panel.node.querySelector<HTMLElement>(
      'tr[data-session-id="s2"]'
    )!;
    expect(mine.dataset.shared).toBeUndefined();
    expect(mine.querySelector('td[data-column="title"]')?.textContent).toBe(
      'Mine'
    );
  });

  it('asks who I am once', async () => {
    const { server } = teamServer('bob');
    make(server, []);
    await panel.refresh();
    await panel.refresh();
    expect(
      server.requests.map(route).filter(r => r === 'GET /me')
    ).toHaveLength(1);
  });

  it('marks nothing while the current user is unknown, and asks again', async () => {
    const { server } = teamServer('bob');
    const respond = server.respond;
    server.respond = request =>
      route(request) === 'GET /me'
        ? { status: 503, json: { message: 'database unavailable' } }
        : respond(request);
    make(server, []);
    await panel.refresh();
    expect(panel.currentUser).toBeNull();
    expect(panel.error).toBeNull();
    expect(panel.node.querySelector('.jp-DevInterview-sharedBadge')).toBeNull();

    server.respond = respond;
    await panel.refresh();
    expect(panel.currentUser).toBe('bob');
    expect(
      panel.node.querySelectorAll('.jp-DevInterview-sharedBadge')
    ).toHaveLength(1);
  });

  it('has a labelled Co-interviewers… button that runs the hook', async () => {
    const { server } = teamServer('bob');
    const calls: [string, string | null][] = [];
    make(server, calls);
    await panel.refresh();
    const button = panel.node.querySelector<HTMLButtonElement>(
      'tr[data-session-id="s1"] button[data-action="co-interviewers"]'
    )!;
    expect(button.getAttribute('aria-label')).toBe('Co-interviewers…');
    button.click();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(calls).toEqual([['s1', 'bob']]);
  });

  it('has no Co-interviewers… button without the hook', async () => {
    const { server } = teamServer('bob');
    panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() })
    });
    await panel.refresh();
    expect(
      panel.node.querySelector('button[data-action="co-interviewers"]')
    ).toBeNull();
  });
});
