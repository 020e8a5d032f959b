import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIResponse } from '@playwright/test';

/**
 * The REST API of the server extension, relative to the server's base URL.
 */
const API = '/devinterview/api';

/**
 * The id of the dashboard widget in the main area.
 */
const DASHBOARD = '#devinterview-dashboard';

/**
 * Headers for a state-changing request: the XSRF token from the `_xsrf`
 * cookie when the server set one (the Galata server disables the check).
 */
async function xsrfHeaders(
  page: IJupyterLabPageFixture
): Promise<Record<string, string>> {
  const cookies = await page.context().cookies();
  const xsrf = cookies.find(cookie => cookie.name === '_xsrf');
  return xsrf ? { 'X-XSRFToken': xsrf.value } : {};
}

async function json(response: APIResponse, status: number): Promise<any> {
  expect(response.status(), await response.text()).toBe(status);
  return response.json();
}

async function createSession(
  page: IJupyterLabPageFixture,
  title: string
): Promise<any> {
  const response = await page.request.post(`${API}/sessions`, {
    data: { title },
    headers: await xsrfHeaders(page)
  });
  return json(response, 201);
}

async function postAction(
  page: IJupyterLabPageFixture,
  sessionId: string,
  action: 'start' | 'terminate'
): Promise<any> {
  const response = await page.request.post(
    `${API}/sessions/${sessionId}/${action}`,
    { headers: await xsrfHeaders(page) }
  );
  return json(response, 200);
}

/**
 * Open the dashboard through the command palette, as a user would.
 */
async function openDashboardFromPalette(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.keyboard.press('Control+Shift+C');
  const input = page.locator('.lm-CommandPalette-input');
  await expect(input).toBeVisible();
  await input.fill('Open Interview Dashboard');
  const item = page.locator('.lm-CommandPalette-item', {
    hasText: 'Open Interview Dashboard'
  });
  await expect(item.first()).toBeVisible();
  await item.first().click();
  await expect(page.locator(DASHBOARD)).toBeVisible();
}

/**
 * The session ids of the dashboard's rows, top to bottom.
 */
async function rowIds(page: IJupyterLabPageFixture): Promise<string[]> {
  return page
    .locator(`${DASHBOARD} tr.jp-DevInterview-sessionRow`)
    .evaluateAll(rows =>
      rows.map(row => (row as HTMLElement).dataset.sessionId ?? '')
    );
}

function row(page: IJupyterLabPageFixture, sessionId: string) {
  return page.locator(
    `${DASHBOARD} tr.jp-DevInterview-sessionRow[data-session-id="${sessionId}"]`
  );
}

/**
 * Galata tracks Jupyter's kernel sessions by intercepting every URL matching
 * `/.*\/api\/sessions/`, which also catches `/devinterview/api/sessions`
 * (and then fails on its `{items, total}` answer). Turn that tracking off.
 */
test.use({ sessions: null });

test.describe('Interview dashboard', () => {
  test('lists the sessions created through the REST API, newest first', async ({
    page
  }, testInfo) => {
    const stamp = Date.now();
    const first = await createSession(page, `UI first ${stamp}`);
    const second = await createSession(page, `UI second ${stamp}`);

    await openDashboardFromPalette(page);

    await expect(row(page, first.id)).toBeVisible();
    await expect(row(page, second.id)).toBeVisible();
    await expect(
      row(page, first.id).locator('td[data-column="title"]')
    ).toHaveText(`UI first ${stamp}`);
    await expect(
      row(page, second.id).locator('td[data-column="title"]')
    ).toHaveText(`UI second ${stamp}`);
    await expect(
      row(page, second.id).locator('td[data-column="status"]')
    ).toHaveText('scheduled');

    const ids = await rowIds(page);
    expect(ids.indexOf(second.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    await expect(
      page.locator(`${DASHBOARD} .jp-DevInterview-error`)
    ).toBeHidden();

    const screenshot = testInfo.outputPath('dashboard.png');
    await page.locator(DASHBOARD).screenshot({ path: screenshot });
    await testInfo.attach('dashboard', {
      path: screenshot,
      contentType: 'image/png'
    });
  });

  test('shows terminated and the duration after Refresh', async ({ page }) => {
    const session = await createSession(page, `UI terminate ${Date.now()}`);
    await postAction(page, session.id, 'start');

    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('devinterview:open-dashboard');
    });
    const target = row(page, session.id);
    await expect(target.locator('td[data-column="status"]')).toHaveText(
      'active'
    );
    await expect(target.locator('td[data-column="duration"]')).toHaveText('—');

    const terminated = await postAction(page, session.id, 'terminate');
    expect(terminated.status).toBe('terminated');
    expect(typeof terminated.duration_minutes).toBe('number');

    await page.locator(`${DASHBOARD} .jp-DevInterview-refreshButton`).click();

    await expect(target.locator('td[data-column="status"]')).toHaveText(
      'terminated'
    );
    await expect(target.locator('td[data-column="duration"]')).toHaveText(
      terminated.duration_minutes.toFixed(1)
    );
    await expect(target.locator('td[data-column="duration"]')).toHaveText(
      /^\d+\.\d$/
    );
  });

  test('opens from the launcher and the sidebar; filters, copies a link, starts and deletes', async ({
    page
  }) => {
    // The launcher card.
    const card = page.locator('.jp-LauncherCard', {
      hasText: 'Open Interview Dashboard'
    });
    await card.scrollIntoViewIfNeeded();
    await expect(card).toBeVisible();
    await card.click();
    await expect(page.locator(DASHBOARD)).toBeVisible();

    // The left sidebar entry.
    await page.locator('.jp-SideBar [data-id="devinterview-sidebar"]').click();
    await expect(page.locator('#devinterview-sidebar')).toBeVisible();
    await page
      .locator('#devinterview-sidebar .jp-DevInterview-sidebarOpen')
      .click();
    await expect(page.locator(DASHBOARD)).toBeVisible();

    const scheduled = await createSession(page, `UI filter ${Date.now()}`);
    const ended = await createSession(page, `UI ended ${Date.now()}`);
    await postAction(page, ended.id, 'terminate');
    await page.locator(`${DASHBOARD} .jp-DevInterview-refreshButton`).click();
    await expect(row(page, scheduled.id)).toBeVisible();
    await expect(row(page, ended.id)).toBeVisible();

    // Filter by status.
    const filter = page.locator(`${DASHBOARD} .jp-DevInterview-statusFilter`);
    await filter.selectOption('terminated');
    await expect(row(page, scheduled.id)).toHaveCount(0);
    await expect(row(page, ended.id)).toBeVisible();
    await filter.selectOption('');
    await expect(row(page, scheduled.id)).toBeVisible();

    // Copy candidate link: creates an invite and shows its URL.
    await row(page, scheduled.id)
      .locator('button[data-action="copy-link"]')
      .click();
    await expect(
      page.locator(`${DASHBOARD} .jp-DevInterview-message`)
    ).toContainText('#token=');

    // Start: the row refreshes itself to active, with a start time.
    await row(page, scheduled.id)
      .locator('button[data-action="start"]')
      .click();
    await expect(
      row(page, scheduled.id).locator('td[data-column="status"]')
    ).toHaveText('active');
    await expect(
      row(page, scheduled.id).locator('td[data-column="started"]')
    ).not.toHaveText('');

    // Delete asks first; cancel keeps the row, accept removes it.
    await row(page, scheduled.id)
      .locator('button[data-action="delete"]')
      .click();
    await page.locator('.jp-Dialog .jp-mod-reject').click();
    await expect(row(page, scheduled.id)).toBeVisible();
    await row(page, scheduled.id)
      .locator('button[data-action="delete"]')
      .click();
    await page.locator('.jp-Dialog .jp-mod-warn').click();
    await expect(row(page, scheduled.id)).toHaveCount(0);
  });
});
