/**
 * The candidate's lobby, at 1280×800: the link opens a welcome page (title,
 * the interviewer's name, what is recorded, the name from the invite, a
 * browser check) while the interview connects behind it; the interviewer
 * sees the candidate "in the lobby"; the candidate changes the name and
 * joins with the keyboard; the interviewer sees the new name with the
 * Candidate role; a reload goes straight back in.
 *
 * Plain Playwright on the token-protected server (port 8890), as
 * candidate.spec.ts: the candidate context starts without any cookie.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';

import {
  API,
  SERVER,
  interviewerLab,
  openInterview,
  watchHosts
} from './helpers';
import { xsrfHeaders } from './labUsers';

async function sessionStatus(lab: Page, id: string): Promise<string> {
  const response = await lab.request.get(`${API}/sessions/${id}`);
  expect(response.status()).toBe(200);
  return (await response.json()).status;
}

test('the candidate waits in the lobby, is seen there, and joins under a new name', async ({
  browser
}, testInfo) => {
  test.setTimeout(240000);
  const foreign: string[] = [];
  const lab = await interviewerLab(browser, foreign);
  // The lab's own login (cookie), so the session's owner is this interviewer.
  const headers = await xsrfHeaders(lab);
  const named = await lab.request.put(`${API}/profile`, {
    headers,
    data: { display_name: 'Ada Interviewer' }
  });
  expect(named.status()).toBe(200);
  const title = `Lobby ${Date.now()}`;
  const created = await lab.request.post(`${API}/sessions`, {
    headers,
    data: { title, candidate_name: 'Grace Hopper', planned_minutes: 30 }
  });
  expect(created.status()).toBe(201);
  const session: { id: string } = await created.json();
  const invited = await lab.request.post(
    `${API}/sessions/${session.id}/invites`,
    { headers, data: {} }
  );
  expect(invited.status()).toBe(201);
  const invite: { url: string } = await invited.json();
  const panelA = await openInterview(lab, session.id);
  await expect(panelA.locator('.jp-DevInterview-connection')).toHaveAttribute(
    'data-state',
    'connected',
    { timeout: 60000 }
  );

  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 }
  });
  watchHosts(context, foreign);
  const candidate = await context.newPage();
  try {
    await candidate.goto(invite.url);
    const lobby = candidate.locator('.jp-DevInterview-lobby');
    await expect(lobby).toBeVisible({ timeout: 60000 });
    expect(candidate.url()).not.toContain('token');
    await expect(lobby.locator('h1')).toHaveText(title);
    await expect(
      lobby.locator('.jp-DevInterview-lobbyInterviewers')
    ).toHaveText('Ada Interviewer');
    const recorded = lobby.locator('.jp-DevInterview-lobbyRecorded');
    await expect(recorded.locator('li')).toHaveCount(5);
    await expect(recorded).toContainText(/paste/i);
    const name = lobby.locator('input.jp-DevInterview-lobbyName');
    await expect(name).toHaveValue('Grace Hopper');
    await expect(name).toBeFocused();
    await expect(candidate.getByLabel('Your name')).toHaveValue('Grace Hopper');
    const join = lobby.locator('button.jp-DevInterview-lobbyJoin');
    await expect(join).toHaveText('Join');
    // Everything fits a 1280×800 screen: Join without scrolling.
    await expect(join).toBeInViewport({ ratio: 1 });

    // The browser check: every line passes in Chromium, the room included.
    for (const check of ['webassembly', 'workers', 'room', 'storage']) {
      await expect(lobby.locator(`[data-check="${check}"]`)).toHaveAttribute(
        'data-status',
        'pass',
        { timeout: 60000 }
      );
    }
    const path = testInfo.outputPath('lobby-1280x800.png');
    await candidate.screenshot({ path });
    await testInfo.attach('lobby-1280x800', { path, contentType: 'image/png' });

    // The interviewer sees the candidate waiting; the interview has not begun.
    const waiting = panelA.locator(
      '.jp-DevInterview-participant[data-role="candidate"][data-online="true"]'
    );
    await expect(waiting).toHaveCount(1, { timeout: 30000 });
    await expect(waiting).toHaveAttribute('data-lobby', 'true');
    await expect(waiting).toContainText('Grace Hopper');
    await expect(waiting).toContainText('in the lobby');
    expect(await sessionStatus(lab, session.id)).toBe('scheduled');

    // A new name, then Enter: keyboard only.
    await name.press('Control+a');
    await name.pressSequentially('Ada Lovelace');
    await name.press('Enter');
    const panelC = candidate.locator('#devinterview-candidate-interview');
    await expect(panelC.locator('.jp-DevInterview-connection')).toHaveAttribute(
      'data-state',
      'connected',
      { timeout: 60000 }
    );
    await expect(lobby).toHaveCount(0);
    await expect(panelC.locator('.cm-editor')).toBeVisible();

    // The interviewer: the new name, the Candidate role, out of the lobby.
    const joined = panelA.locator(
      '.jp-DevInterview-participant[data-role="candidate"][data-online="true"]'
    );
    await expect(joined).toHaveCount(1, { timeout: 30000 });
    await expect(joined).toContainText('Ada Lovelace', { timeout: 30000 });
    await expect(joined).not.toHaveAttribute('data-lobby', 'true');
    await expect(joined).not.toContainText('in the lobby');
    await expect(joined.locator('.jp-DevInterview-roleBadge')).toHaveText(
      'Candidate'
    );
    expect(await sessionStatus(lab, session.id)).toBe('active');

    // A reload in the same tab goes straight back in, under the same name.
    await candidate.reload();
    await expect(panelC.locator('.jp-DevInterview-connection')).toHaveAttribute(
      'data-state',
      'connected',
      { timeout: 60000 }
    );
    await expect(lobby).toHaveCount(0);
    await expect(joined).toContainText('Ada Lovelace', { timeout: 30000 });
  } finally {
    await context.close();
    await lab.context().close();
  }
  expect(foreign).toEqual([]);
});
