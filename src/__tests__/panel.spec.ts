/**
 * Unit tests of the dashboard panel against a FAKE server (an injected
 * `fetch`, see ./fakeServer.ts): no Jupyter server is started.
 */
import { Widget } from '@lumino/widgets';

import { DevInterviewClient } from '../api/client';
import { SessionsPanel } from '../dashboard/panel';
import { FakeServer, makeSession } from './fakeServer';

describe('SessionsPanel with a fake server', () => {
  let server: FakeServer;
  let panel: SessionsPanel;

  beforeEach(() => {
    server = new FakeServer();
    panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() })
    });
  });

  afterEach(() => {
    panel.dispose();
  });

  function rows(): HTMLTableRowElement[] {
    return Array.from(
      panel.node.querySelectorAll<HTMLTableRowElement>(
        'tr.jp-DevInterview-sessionRow'
      )
    );
  }

  function cell(row: HTMLTableRowElement, column: string): string {
    return row.querySelector(`td[data-column="${column}"]`)?.textContent ?? '';
  }

  it('shows the sessions in server order with their data', async () => {
    server.respond = () => ({
      status: 200,
      json: {
        total: 2,
        items: [
          makeSession({
            id: 'new',
            title: 'Second',
            status: 'terminated',
            language: 'cpp',
            duration_minutes: 42.5
          }),
          makeSession({ id: 'old', title: 'First', candidate_name: null })
        ]
      }
    });
    await panel.refresh();

    const [first, second] = rows();
    expect(rows()).toHaveLength(2);
    expect(first.dataset.sessionId).toBe('new');
    expect(cell(first, 'title')).toBe('Second');
    expect(cell(first, 'candidate')).toBe('Bob');
    expect(cell(first, 'language')).toBe('C++');
    expect(cell(first, 'status')).toBe('Ended');
    expect(cell(first, 'duration')).toBe('42.5');
    expect(second.dataset.sessionId).toBe('old');
    expect(cell(second, 'candidate')).toBe('');
    expect(cell(second, 'duration')).toBe('—');
    expect(panel.node.querySelector('.jp-DevInterview-error')).toHaveProperty(
      'hidden',
      true
    );
    expect(
      panel.node.querySelector('.jp-DevInterview-summary')?.textContent
    ).toBe('2 sessions');
  });

  it('shows an empty state when there are no sessions', async () => {
    server.respond = () => ({ status: 200, json: { items: [], total: 0 } });
    await panel.refresh();
    expect(rows()).toHaveLength(0);
    expect(
      panel.node.querySelector('.jp-DevInterview-emptyRow')?.textContent
    ).toBe('No interview sessions yet.');
  });

  it('shows the error line when the API answers 503, and clears it after', async () => {
    server.respond = () => ({
      status: 503,
      json: { message: 'database unavailable: connection refused' }
    });
    await panel.refresh();
    const errorLine = panel.node.querySelector<HTMLElement>(
      '.jp-DevInterview-error'
    )!;
    expect(errorLine.hidden).toBe(false);
    expect(errorLine.textContent).toBe(
      'database unavailable: connection refused'
    );
    expect(panel.error).toBe('database unavailable: connection refused');

    server.respond = () => ({
      status: 200,
      json: { items: [makeSession()], total: 1 }
    });
    await panel.refresh();
    expect(errorLine.hidden).toBe(true);
    expect(rows()).toHaveLength(1);
  });

  it('reloads when the Refresh button is clicked', async () => {
    server.respond = () => ({ status: 200, json: { items: [], total: 0 } });
    Widget.attach(panel, document.body);
    await panel.refresh();
    const before = server.requests.length;

    server.respond = () => ({
      status: 200,
      json: { items: [makeSession({ id: 'x' })], total: 1 }
    });
    panel.node
      .querySelector<HTMLButtonElement>('.jp-DevInterview-refreshButton')!
      .click();
    await panel.refresh();
    // One list request (then the scorecards of the row it found).
    const after = server.requests
      .slice(before)
      .map(r => new URL(r.url).pathname);
    expect(after.filter(path => path.endsWith('/api/sessions'))).toHaveLength(
      1
    );
    expect(rows().map(r => r.dataset.sessionId)).toEqual(['x']);
  });

  it('refreshes on a timer while visible, and stops at 0', async () => {
    jest.useFakeTimers();
    try {
      server.respond = () => ({ status: 200, json: { items: [], total: 0 } });
      Widget.attach(panel, document.body);
      await panel.refresh();
      const before = server.requests.length;

      panel.refreshIntervalSeconds = 5;
      jest.advanceTimersByTime(5000);
      await panel.refresh();
      expect(server.requests.length).toBe(before + 1);

      panel.refreshIntervalSeconds = 0;
      jest.advanceTimersByTime(60000);
      expect(server.requests.length).toBe(before + 1);
    } finally {
      jest.useRealTimers();
    }
  });
});
