/**
 * Two interviewers (two browser contexts) on one session: create it in the
 * dashboard, open it in both, type in either and see it in the other, share
 * the timer, terminate (both read-only), and see the duration in the dashboard.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

const DASHBOARD = '#devinterview-dashboard';

/**
 * Galata intercepts every URL matching `/api/sessions` (kernel sessions),
 * which catches `/devinterview/api/sessions` too: turn that off.
 */
test.use({ sessions: null });

function interview(page: Page, sessionId: string) {
  return page.locator(`#devinterview-interview-${sessionId}`);
}

function row(page: Page, sessionId: string) {
  return page.locator(
    `${DASHBOARD} tr.jp-DevInterview-sessionRow[data-session-id="${sessionId}"]`
  );
}

async function openDashboard(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-dashboard'
    );
  });
  await expect(page.locator(DASHBOARD)).toBeVisible();
}

/**
 * The timer's elapsed seconds as shown (`MM:SS` or `H:MM:SS`, before ` / `).
 */
async function timerSeconds(page: Page, sessionId: string): Promise<number> {
  const text =
    (await interview(page, sessionId)
      .locator('.jp-DevInterview-timer')
      .textContent()) ?? '';
  const parts = text.split(' / ')[0].split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/**
 * A second JupyterLab in its own browser context and workspace.
 */
async function secondLab(page: IJupyterLabPageFixture): Promise<Page> {
  const browser = page.context().browser()!;
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto('http://localhost:8888/lab/workspaces/interviewer-b?reset');
  await other.waitForFunction(
    () => (window as any).jupyterapp?.started !== undefined,
    undefined,
    { timeout: 60000 }
  );
  await other.evaluate(() => (window as any).jupyterapp.started);
  await expect(other.locator('#jp-main-dock-panel')).toBeVisible({
    timeout: 60000
  });
  return other;
}

test('two interviewers share editor, timer and the end of an interview', async ({
  page
}, testInfo) => {
  test.setTimeout(180000);
  const title = `Pairing ${Date.now()}`;

  // A creates the session in the dashboard.
  await openDashboard(page);
  await page.locator(`${DASHBOARD} .jp-DevInterview-createButton`).click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="title"]').fill(title);
  await dialog.locator('input[name="candidate_name"]').fill('Grace');
  await dialog.locator('select[name="language"]').selectOption('python');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  const created = page.locator(`${DASHBOARD} tr.jp-DevInterview-sessionRow`, {
    hasText: title
  });
  await expect(created).toBeVisible();
  const sessionId = (await created.getAttribute('data-session-id'))!;
  expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

  // A opens it from the dashboard.
  await row(page, sessionId).locator('button[data-action="open"]').click();
  const panelA = interview(page, sessionId);
  await expect(panelA.locator('.jp-DevInterview-connection')).toHaveAttribute(
    'data-state',
    'connected',
    // Opening also loads the whiteboard and starts Python: slow on 2 cores.
    { timeout: 30000 }
  );

  // B opens it from its own dashboard.
  const other = await secondLab(page);
  try {
    await openDashboard(other);
    await row(other, sessionId).locator('button[data-action="open"]').click();
    const panelB = interview(other, sessionId);
    await expect(panelB.locator('.jp-DevInterview-connection')).toHaveAttribute(
      'data-state',
      'connected',
      { timeout: 30000 }
    );

    // Both see each other in the participants list.
    await expect(
      panelA.locator('.jp-DevInterview-participant[data-online="true"]')
    ).toHaveCount(2);
    await expect(
      panelB.locator('.jp-DevInterview-participant[data-online="true"]')
    ).toHaveCount(2);

    // Text typed in either editor appears in the other.
    const editorA = panelA.locator('.cm-content');
    const editorB = panelB.locator('.cm-content');
    await editorA.click();
    await page.keyboard.type('answer = 41');
    await expect(editorB).toHaveText(/answer = 41/);
    await editorB.click();
    await other.keyboard.press('Control+End');
    await other.keyboard.press('Enter');
    await other.keyboard.type('answer += 1');
    await expect(editorA).toContainText('answer += 1');
    await expect(editorA).toContainText('answer = 41');

    // The language picker switches everyone (through the server's meta).
    await panelA.locator('select.jp-DevInterview-language').selectOption('go');
    await expect(panelB.locator('select.jp-DevInterview-language')).toHaveValue(
      'go'
    );
    await expect(panelB.locator('.jp-DevInterview-interview')).toHaveAttribute(
      'data-session-id',
      sessionId
    );

    // A loses its connection: its edits stay local and are merged on
    // reconnect, without a reload or a dialog.
    const setConnected = (connected: boolean) =>
      page.evaluate(
        ({ id, connected }) => {
          const widget = Array.from(
            (window as any).jupyterapp.shell.widgets('main')
          ).find((w: any) => w.id === `devinterview-interview-${id}`) as any;
          if (connected) {
            widget.content.room.connect();
          } else {
            widget.content.room.disconnect();
          }
        },
        { id: sessionId, connected }
      );
    await setConnected(false);
    const connectionA = panelA.locator('.jp-DevInterview-connection');
    await expect(connectionA).toHaveAttribute('data-state', 'offline');
    await editorA.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' # offline edit');
    await expect(connectionA).toHaveAttribute('data-unsynced', 'true');
    await expect(connectionA).toContainText('unsynced');
    await expect(editorA).toContainText('# offline edit');
    await expect(editorB).not.toContainText('# offline edit');
    await setConnected(true);
    await expect(connectionA).toHaveAttribute('data-state', 'connected');
    await expect(connectionA).toHaveAttribute('data-unsynced', 'false');
    await expect(editorB).toContainText('answer += 1 # offline edit');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);

    // The timer: A starts it, both count the same time (±1 s).
    await panelA.locator('button[data-action="start"]').click();
    await expect(panelB.locator('.jp-DevInterview-timer')).toHaveAttribute(
      'data-running',
      'true'
    );
    await expect
      .poll(() => timerSeconds(page, sessionId), { timeout: 10000 })
      .toBeGreaterThanOrEqual(2);
    const [a, b] = await Promise.all([
      timerSeconds(page, sessionId),
      timerSeconds(other, sessionId)
    ]);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1);

    // Paused, both show exactly the same value.
    await panelA.locator('button[data-action="pause"]').click();
    await expect(panelB.locator('.jp-DevInterview-timer')).toHaveAttribute(
      'data-running',
      'false'
    );
    const frozen = await panelA.locator('.jp-DevInterview-timer').textContent();
    await expect(panelB.locator('.jp-DevInterview-timer')).toHaveText(frozen!);

    // A terminates (with confirmation): both are read-only.
    await panelA.locator('.jp-DevInterview-terminateButton').click();
    await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-warn').click();
    for (const panel of [panelA, panelB]) {
      await expect(panel.locator('.jp-DevInterview-interview')).toHaveClass(
        /jp-mod-readOnly/
      );
      await expect(panel.locator('.jp-DevInterview-notice')).toBeVisible();
      await expect(panel.locator('.cm-editor')).toHaveClass(/jp-mod-readOnly/);
      await expect(
        panel.locator('.jp-DevInterview-terminateButton')
      ).toBeDisabled();
    }
    await editorB.click();
    await other.keyboard.type('too late');
    await expect(editorA).not.toContainText('too late');
    await expect(editorB).not.toContainText('too late');

    for (const [name, p] of [
      ['interviewer-a', page],
      ['interviewer-b', other]
    ] as const) {
      const path = testInfo.outputPath(`interview-${name}.png`);
      await p.screenshot({ path });
      await testInfo.attach(`interview-${name}`, {
        path,
        contentType: 'image/png'
      });
    }
  } finally {
    await other.context().close();
  }

  // The dashboard shows the session as ended, with its duration.
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-dashboard'
    );
  });
  const done = row(page, sessionId);
  await expect(done.locator('td[data-column="status"]')).toContainText('Ended');
  await expect(done.locator('td[data-column="duration"]')).toHaveText(
    /^\d+\.\d$/
  );
  const path = testInfo.outputPath('dashboard-terminated.png');
  await page.locator(DASHBOARD).screenshot({ path });
  await testInfo.attach('dashboard-terminated', {
    path,
    contentType: 'image/png'
  });
});

test('deleting an open session stops its room and says so', async ({
  page
}, testInfo) => {
  const response = await page.request.post('/devinterview/api/sessions', {
    data: { title: `Deleted ${Date.now()}`, language: 'sql' }
  });
  expect(response.status()).toBe(201);
  const session = await response.json();
  await page.evaluate(async id => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-interview',
      { sessionId: id }
    );
  }, session.id);
  const panel = interview(page, session.id);
  const connection = panel.locator('.jp-DevInterview-connection');
  await expect(connection).toHaveAttribute('data-state', 'connected', {
    timeout: 30000
  });
  await expect(panel.locator('select.jp-DevInterview-language')).toHaveValue(
    'sql'
  );

  // The layout in JupyterLab's dark theme (an artifact to look at).
  await page.theme.setDarkTheme();
  await expect(panel.locator('.jp-DevInterview-connection')).toHaveAttribute(
    'data-state',
    'connected',
    // Opening also loads the whiteboard and starts Python: slow on 2 cores.
    { timeout: 30000 }
  );
  const dark = testInfo.outputPath('interview-dark.png');
  await page.screenshot({ path: dark });
  await testInfo.attach('interview-dark', {
    path: dark,
    contentType: 'image/png'
  });

  const deleted = await page.request.delete(
    `/devinterview/api/sessions/${session.id}`
  );
  expect(deleted.status()).toBe(204);
  await expect(connection).toHaveAttribute('data-state', 'deleted');
  await expect(panel.locator('.jp-DevInterview-notice')).toHaveText(
    'This session was deleted.'
  );
  await expect(panel.locator('.cm-editor')).toHaveClass(/jp-mod-readOnly/);
});
