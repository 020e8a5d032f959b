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
 * The status word of a row (without the hint under it).
 */
function status(page: IJupyterLabPageFixture, sessionId: string) {
  return row(page, sessionId).locator(
    'td[data-column="status"] .jp-DevInterview-status'
  );
}

/**
 * Click a row action, through the More menu for those in it.
 */
async function clickAction(
  page: IJupyterLabPageFixture,
  sessionId: string,
  action: string
): Promise<void> {
  const button = row(page, sessionId).locator(
    `button[data-action="${action}"]`
  );
  if (!(await button.isVisible())) {
    await row(page, sessionId).locator('button[data-menu="more"]').click();
  }
  await button.click();
}

/**
 * The session's current candidate link, as Copy link gets it.
 */
async function liveToken(
  page: IJupyterLabPageFixture,
  sessionId: string
): Promise<string> {
  const response = await page.request.post(
    `${API}/sessions/${sessionId}/invites/live`,
    { headers: await xsrfHeaders(page) }
  );
  expect(response.status()).toBe(200);
  return (await response.json()).token;
}

async function invites(
  page: IJupyterLabPageFixture,
  sessionId: string
): Promise<{ id: string; revoked: boolean }[]> {
  const response = await page.request.get(
    `${API}/sessions/${sessionId}/invites`
  );
  return (await json(response, 200)).items;
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
    // One lifecycle in words; a scheduled interview says what starts it.
    await expect(status(page, second.id)).toHaveText('Scheduled');
    await expect(
      row(page, second.id).locator('.jp-DevInterview-statusHint')
    ).toHaveText('starts when the candidate joins');
    // Labelled actions: Open and Copy link on the row, the rest under More.
    for (const [selector, text] of [
      ['button[data-action="open"]', 'Open'],
      ['button[data-action="copy-link"]', 'Copy link'],
      ['button[data-menu="more"]', 'More']
    ]) {
      await expect(row(page, second.id).locator(selector)).toBeVisible();
      await expect(row(page, second.id).locator(selector)).toContainText(text);
    }
    await expect(
      row(page, second.id).locator('button[data-action="delete"]')
    ).toBeHidden();

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
    await expect(status(page, session.id)).toHaveText('In progress');
    // No duration yet: a muted dash, not a control.
    const duration = target.locator('td[data-column="duration"]');
    await expect(duration).toHaveText('—');
    await expect(duration).toHaveClass(/jp-mod-empty/);
    await expect(duration.locator('button')).toHaveCount(0);

    const terminated = await postAction(page, session.id, 'terminate');
    expect(terminated.status).toBe('terminated');
    expect(typeof terminated.duration_minutes).toBe('number');

    await page.locator(`${DASHBOARD} .jp-DevInterview-refreshButton`).click();

    await expect(status(page, session.id)).toHaveText('Ended');
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

    // Copy link: the session's live link, shown masked, fading away.
    const notice = page.locator(`${DASHBOARD} .jp-DevInterview-message`);
    await clickAction(page, scheduled.id, 'copy-link');
    await expect(notice).toContainText('Candidate link copied');
    const first = await liveToken(page, scheduled.id);
    await expect(notice).toContainText(`#token=${first.slice(0, 4)}…`);
    expect(await notice.textContent()).not.toContain(first);
    expect(await notice.getAttribute('aria-live')).toBe('polite');
    await expect(notice).toBeHidden({ timeout: 10000 });

    // Copying again gives the same link: still one invite.
    await clickAction(page, scheduled.id, 'copy-link');
    await expect(notice).toBeVisible();
    expect(await liveToken(page, scheduled.id)).toBe(first);
    expect(await invites(page, scheduled.id)).toHaveLength(1);

    // New link asks first, then replaces the link: the old one stops working.
    await clickAction(page, scheduled.id, 'new-link');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('stops working');
    await dialog.locator('.jp-mod-warn').click();
    await expect(notice).toContainText('The old link no longer works.');
    const second = await liveToken(page, scheduled.id);
    expect(second).not.toBe(first);
    expect(await notice.textContent()).not.toContain(second);
    const listed = await invites(page, scheduled.id);
    expect(listed.map(i => i.revoked).sort()).toEqual([false, true]);
    const join = (token: string) =>
      page.request.post(`${API}/join`, {
        data: { token },
        headers: { Authorization: `Bearer ${token}` }
      });
    expect((await join(first)).status()).toBe(401);

    // Start interview (More menu): the row refreshes itself to In progress.
    await clickAction(page, scheduled.id, 'start');
    await expect(status(page, scheduled.id)).toHaveText('In progress');
    await expect(
      row(page, scheduled.id).locator('td[data-column="started"]')
    ).not.toHaveText('');

    // Delete asks first; cancel keeps the row, accept removes it.
    await clickAction(page, scheduled.id, 'delete');
    await page.locator('.jp-Dialog .jp-mod-reject').click();
    await expect(row(page, scheduled.id)).toBeVisible();
    await clickAction(page, scheduled.id, 'delete');
    await page.locator('.jp-Dialog .jp-mod-warn').click();
    await expect(row(page, scheduled.id)).toHaveCount(0);
  });

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080]
  ]) {
    test(`sizes its columns at ${width} px`, async ({ page }, testInfo) => {
      await page.setViewportSize({ width, height });
      const session = await createSession(
        page,
        `UI columns ${Date.now()} with a fairly long interview title`
      );
      await postAction(page, session.id, 'start');
      await page.evaluate(async () => {
        await window.jupyterapp.commands.execute('devinterview:open-dashboard');
      });
      const target = row(page, session.id);
      await expect(target).toBeVisible();
      // Dates, status and actions on one line; the title keeps a share.
      const lines = await target.evaluate(tr => {
        const count = (column: string) => {
          const cell = tr.querySelector(`td[data-column="${column}"]`)!;
          const range = document.createRange();
          range.selectNodeContents(cell);
          const tops = new Set(
            Array.from(range.getClientRects()).map(r => Math.round(r.top))
          );
          return tops.size;
        };
        const width = (column: string) =>
          tr
            .querySelector(`td[data-column="${column}"]`)!
            .getBoundingClientRect().width;
        const buttons = Array.from(
          tr.querySelectorAll<HTMLElement>('td[data-column="actions"] button')
        ).filter(button => button.offsetParent !== null);
        const primary = getComputedStyle(
          tr.querySelector('button[data-action="open"]')!
        );
        return {
          created: count('created'),
          started: count('started'),
          // Buttons on one line: their vertical centres within a few pixels.
          actionsSpread: (centres =>
            Math.max(...centres) - Math.min(...centres))(
            buttons.map(b => {
              const box = b.getBoundingClientRect();
              return box.top + box.height / 2;
            })
          ),
          visibleActions: buttons.length,
          // Nothing cut off on the right: no horizontal scrolling.
          overflow: (panel => panel.scrollWidth - panel.clientWidth)(
            tr.closest('.jp-DevInterview-dashboard')!
          ),
          openColor: primary.backgroundColor,
          title: width('title'),
          table: tr.getBoundingClientRect().width
        };
      });
      // At 1280 px beside the file browser, Created gives way to the title.
      expect(lines.created).toBe(width >= 1920 ? 1 : 0);
      expect(lines.started).toBe(1);
      expect(lines.actionsSpread).toBeLessThan(4);
      expect(lines.visibleActions).toBe(3);
      expect(lines.overflow).toBeLessThanOrEqual(0);
      // Open stands out (the brand colour), not a plain white button.
      expect(lines.openColor).not.toBe('rgb(255, 255, 255)');
      expect(lines.openColor).not.toBe('rgba(0, 0, 0, 0)');
      expect(lines.title).toBeGreaterThan(150);
      expect(lines.title).toBeLessThan(lines.table * 0.6);
      const shot = testInfo.outputPath(`dashboard-${width}.png`);
      await page.locator(DASHBOARD).screenshot({ path: shot });
      await testInfo.attach(`dashboard-${width}`, {
        path: shot,
        contentType: 'image/png'
      });
    });
  }
});
