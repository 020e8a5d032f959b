/**
 * The candidate page (JupyterLite site) against a server that wants a login:
 * an interviewer in JupyterLab and a candidate on the invite link type and
 * see each other live, share the timer and the end of the interview; the
 * candidate reaches nothing else on the server; bad links get a friendly
 * page; no request leaves the server under test.
 *
 * Plain Playwright (no Galata fixtures): the candidate context must start
 * without any of Galata's cookies, on the token-protected server of
 * `jupyter_server_candidate_config.py` (port 8890).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';

import {
  API,
  AUTH,
  SERVER,
  candidateConnected,
  candidatePage,
  createInvite,
  createSession,
  interviewerLab,
  interviewerWithSession,
  openInterview
} from './helpers';

async function timerSeconds(panel: ReturnType<Page['locator']>) {
  const text =
    (await panel.locator('.jp-DevInterview-timer').first().textContent()) ?? '';
  const parts = text.split(' / ')[0].split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

test('interviewer and candidate share an interview; the candidate gets nothing else', async ({
  browser
}, testInfo) => {
  test.setTimeout(240000);
  const foreign: string[] = [];
  const { lab, session, invite, panelA } = await interviewerWithSession(
    browser,
    foreign,
    'Candidate'
  );
  expect(invite.url).toBe(
    `${SERVER}/devinterview/candidate/#token=${invite.url.split('#token=')[1]}`
  );
  await expect(panelA.locator('.jp-DevInterview-connection')).toHaveAttribute(
    'data-state',
    'connected'
  );

  const candidate = await candidatePage(browser, foreign, invite.url);
  try {
    const panelC = await candidateConnected(candidate);
    // The token left the address bar.
    expect(candidate.url()).not.toContain('token');

    // Only the interview: no file browser, launcher, menus, other panels.
    await expect(panelC.locator('.cm-editor')).toBeVisible();
    await expect(
      panelC.locator('.jp-DevInterview-slot[data-slot="whiteboard"]')
    ).toBeVisible();
    await expect(
      panelC.locator('.jp-DevInterview-slot[data-slot="runs"]')
    ).toBeVisible();
    for (const selector of [
      '.jp-DirListing',
      '.jp-Launcher',
      '.lm-MenuBar',
      '.jp-CodeConsole',
      '.jp-DevInterview-dashboard',
      '.jp-DevInterview-terminateButton',
      '.jp-DevInterview-timerControls',
      'select.jp-DevInterview-language'
    ]) {
      await expect(candidate.locator(selector)).toHaveCount(0);
    }

    // Both see each other.
    await expect(
      panelA.locator('.jp-DevInterview-participant[data-online="true"]')
    ).toHaveCount(2);
    await expect(
      panelC.locator('.jp-DevInterview-participant[data-online="true"]')
    ).toHaveCount(2);

    // Typing on either side shows on the other.
    const editorA = panelA.locator('.cm-content');
    const editorC = panelC.locator('.cm-content');
    await editorC.click();
    await candidate.keyboard.type('def solve(): return 42');
    await expect(editorA).toContainText('def solve(): return 42');
    await editorA.click();
    await lab.keyboard.press('Control+End');
    await lab.keyboard.press('Enter');
    await lab.keyboard.type('# looks good');
    await expect(editorC).toContainText('# looks good');

    // The timer: the interviewer starts it; both show the same time.
    await panelA.locator('button[data-action="start"]').click();
    await expect(panelC.locator('.jp-DevInterview-timer')).toHaveAttribute(
      'data-running',
      'true'
    );
    await expect
      .poll(() => timerSeconds(panelC), { timeout: 10000 })
      .toBeGreaterThanOrEqual(2);
    const [a, c] = await Promise.all([
      timerSeconds(panelA),
      timerSeconds(panelC)
    ]);
    expect(Math.abs(a - c)).toBeLessThanOrEqual(1);
    await panelA.locator('button[data-action="pause"]').click();
    await expect(panelC.locator('.jp-DevInterview-timer')).toHaveAttribute(
      'data-running',
      'false'
    );
    const frozen = await panelA.locator('.jp-DevInterview-timer').textContent();
    await expect(panelC.locator('.jp-DevInterview-timer')).toHaveText(frozen!);

    // The candidate's credentials (the /join cookie in this context, and the
    // token as a bearer) open nothing of Jupyter.
    const bearer = invite.url.split('#token=')[1];
    for (const path of [
      '/lab',
      '/api/kernels',
      '/api/contents',
      '/api/terminals'
    ]) {
      for (const headers of [{}, { Authorization: `Bearer ${bearer}` }]) {
        const response = await candidate.request.get(`${SERVER}${path}`, {
          headers,
          maxRedirects: 0
        });
        expect([401, 403, 302], `${path} ${JSON.stringify(headers)}`).toContain(
          response.status()
        );
        if (response.status() === 302) {
          expect(response.headers()['location']).toContain('/login');
        }
      }
    }
    const other = await createSession(lab.request, 'Someone else');
    const peek = await candidate.request.get(`${API}/sessions/${other.id}`, {
      headers: { Authorization: `Bearer ${bearer}` }
    });
    expect(peek.status()).toBe(403);

    // Terminate: the candidate sees the end and can no longer edit.
    await panelA.locator('.jp-DevInterview-terminateButton').click();
    await lab.locator('.jp-Dialog .jp-Dialog-button.jp-mod-warn').click();
    await expect(panelC.locator('.jp-DevInterview-interview')).toHaveClass(
      /jp-mod-readOnly/
    );
    await expect(panelC.locator('.jp-DevInterview-notice')).toContainText(
      'ended'
    );
    await expect(panelC.locator('.cm-editor')).toHaveClass(/jp-mod-readOnly/);
    await editorC.click();
    await candidate.keyboard.type('too late');
    await expect(editorC).not.toContainText('too late');
    await expect(editorA).not.toContainText('too late');

    const path = testInfo.outputPath('candidate-ended.png');
    await candidate.screenshot({ path });
    await testInfo.attach('candidate-ended', {
      path,
      contentType: 'image/png'
    });

    // A reload (token kept for this tab only) says the interview has ended.
    await candidate.reload();
    await expect(
      candidate.locator('.jp-DevInterview-candidateNotice')
    ).toHaveAttribute('data-problem', 'ended', { timeout: 60000 });
  } finally {
    await candidate.context().close();
    await lab.context().close();
  }
  expect(foreign).toEqual([]);
});

test('bad links get a page that says what is wrong', async ({
  browser,
  request
}, testInfo) => {
  test.setTimeout(180000);
  const foreign: string[] = [];
  const session = await createSession(request, `Links ${Date.now()}`);
  const revoked = await createInvite(request, session.id);
  const gone = await request.delete(
    `${API}/sessions/${session.id}/invites/${revoked.id}`,
    { headers: AUTH }
  );
  expect(gone.status()).toBe(204);

  const cases: [string, string, RegExp][] = [
    [
      `${SERVER}/devinterview/candidate/#token=not-a-real-token`,
      'invalid_token',
      /not valid/
    ],
    [revoked.url, 'revoked', /withdrawn/],
    [`${SERVER}/devinterview/candidate/`, 'no_token', /No invitation/]
  ];
  for (const [url, problem, text] of cases) {
    const page = await candidatePage(browser, foreign, url);
    try {
      const notice = page.locator('.jp-DevInterview-candidateNotice');
      await expect(notice).toHaveAttribute('data-problem', problem, {
        timeout: 60000
      });
      await expect(notice).toContainText(text);
      await expect(notice).not.toContainText(/Error|at .*\.js/);
      const path = testInfo.outputPath(`candidate-${problem}.png`);
      await page.screenshot({ path });
      await testInfo.attach(`candidate-${problem}`, {
        path,
        contentType: 'image/png'
      });
    } finally {
      await page.context().close();
    }
  }
  expect(foreign).toEqual([]);
});

test('a candidate page on a static host joins through CORS', async ({
  browser
}) => {
  test.setTimeout(180000);
  const STATIC = 'http://127.0.0.1:8891';
  const foreign: string[] = [];
  const lab = await interviewerLab(browser, foreign);
  const session = await createSession(lab.request, `Static ${Date.now()}`);
  const invite = await createInvite(lab.request, session.id);
  const token = invite.url.split('#token=')[1];

  const panelA = await openInterview(lab, session.id);

  const context = await browser.newContext();
  const elsewhere: string[] = [];
  context.on('request', request => {
    const url = request.url();
    if (/^https?:/.test(url)) {
      const host = new URL(url).host;
      if (host !== 'localhost:8890' && host !== '127.0.0.1:8891') {
        elsewhere.push(url);
      }
    }
  });
  const candidate = await context.newPage();
  try {
    await candidate.goto(`${STATIC}/#token=${token}`);
    const panelC = await candidateConnected(candidate);
    expect(candidate.url()).not.toContain('token');
    // The API's cookie cannot be set across origins: the token is the bearer.
    expect(await context.cookies(SERVER)).toEqual([]);

    const editorA = panelA.locator('.cm-content');
    const editorC = panelC.locator('.cm-content');
    await editorC.click();
    await candidate.keyboard.type('print("from afar")');
    await expect(editorA).toContainText('print("from afar")');
    await editorA.click();
    await lab.keyboard.press('Control+End');
    await lab.keyboard.type(' # seen');
    await expect(editorC).toContainText('# seen');
  } finally {
    await context.close();
    await lab.context().close();
  }
  expect(foreign).toEqual([]);
  expect(elsewhere).toEqual([]);
});
