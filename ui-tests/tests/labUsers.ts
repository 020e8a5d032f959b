/**
 * Interviewers on the Galata server (port 8888): it has no login, so each
 * browser context is its own anonymous Jupyter user, and a second context is
 * a second interviewer.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';

import { openInterview } from './helpers';

export const LAB_API = '/devinterview/api';

/**
 * The XSRF header Jupyter expects on a cookie-authenticated request.
 */
export async function xsrfHeaders(page: Page): Promise<Record<string, string>> {
  const cookies = await page.context().cookies();
  const xsrf = cookies.find(cookie => cookie.name === '_xsrf');
  return xsrf ? { 'X-XSRFToken': xsrf.value } : {};
}

/**
 * The user name the server knows a browser context by.
 */
export async function me(request: APIRequestContext): Promise<string> {
  const response = await request.get(`${LAB_API}/me`);
  expect(response.status()).toBe(200);
  return (await response.json()).name;
}

/**
 * A session created over REST by the page's user.
 */
export async function createLabSession(
  page: Page,
  title: string
): Promise<{ id: string; title: string }> {
  const created = await page.request.post(`${LAB_API}/sessions`, {
    data: { title },
    headers: await xsrfHeaders(page)
  });
  expect(created.status()).toBe(201);
  return created.json();
}

/**
 * A second JupyterLab, in its own browser context: another anonymous user,
 * whose name differs from `notNamed`.
 */
export async function otherInterviewer(
  page: IJupyterLabPageFixture,
  notNamed: string,
  workspace: string
): Promise<{ other: Page; name: string }> {
  const browser = page.context().browser()!;
  // Anonymous names are drawn from a few dozen moons: draw again on a clash.
  for (let attempt = 0; attempt < 5; attempt++) {
    const context = await browser.newContext();
    const other = await context.newPage();
    await other.goto(`http://localhost:8888/lab/workspaces/${workspace}?reset`);
    await other.waitForFunction(
      () => (window as any).jupyterapp?.started !== undefined,
      undefined,
      { timeout: 60000 }
    );
    await other.evaluate(() => (window as any).jupyterapp.started);
    await expect(other.locator('#jp-main-dock-panel')).toBeVisible({
      timeout: 60000
    });
    const name = await me(other.request);
    if (name !== notNamed) {
      return { other, name };
    }
    await context.close();
  }
  throw new Error(`Every new context was called ${notNamed}.`);
}

/**
 * Open a session's interview with the command, once connected.
 */
export async function openLabInterview(
  lab: Page,
  sessionId: string
): Promise<Locator> {
  const panel = await openInterview(lab, sessionId);
  await expect(panel.locator('.jp-DevInterview-connection')).toHaveAttribute(
    'data-state',
    'connected',
    { timeout: 30000 }
  );
  return panel;
}

export const DASHBOARD = '#devinterview-dashboard';

/**
 * Open the dashboard with its command.
 */
export async function openDashboard(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-dashboard'
    );
  });
  await expect(page.locator(DASHBOARD)).toBeVisible();
}

/**
 * Click a dashboard row action: Open and Copy link are on the row, the others
 * (New link, Start interview, End interview, Replay, reports,
 * Co-interviewers…, Delete) in its More menu, opened first.
 */
export async function clickRowAction(
  page: Page,
  sessionId: string,
  action: string
): Promise<void> {
  const row = page.locator(
    `${DASHBOARD} tr.jp-DevInterview-sessionRow[data-session-id="${sessionId}"]`
  );
  const button = row.locator(`button[data-action="${action}"]`);
  if (!(await button.isVisible())) {
    await row.locator('button[data-menu="more"]').click();
  }
  await button.click();
}
