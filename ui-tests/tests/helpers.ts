/**
 * Helpers shared by the specs that put an interviewer (JupyterLab) and a
 * candidate (the invite link) on the token-protected server of
 * `jupyter_server_candidate_config.py` (port 8890).
 */
import type {
  APIRequestContext,
  Browser,
  BrowserContext,
  Locator,
  Page
} from '@playwright/test';
import { expect } from '@playwright/test';

export const SERVER = 'http://localhost:8890';
export const TOKEN = 'devinterview-ui-tests-interviewer';
export const API = `${SERVER}/devinterview/api`;
export const AUTH = { Authorization: `token ${TOKEN}` };

/**
 * Record every request (and websocket) of a context that goes to another
 * host than the server under test.
 */
export function watchHosts(context: BrowserContext, foreign: string[]): void {
  const check = (url: string) => {
    if (!/^(https?|wss?):/.test(url)) {
      return; // data:, blob:, about:
    }
    if (new URL(url).host !== new URL(SERVER).host) {
      foreign.push(url);
    }
  };
  context.on('request', request => check(request.url()));
  context.on('page', page => page.on('websocket', ws => check(ws.url())));
}

export async function createSession(
  request: APIRequestContext,
  title: string
): Promise<{ id: string }> {
  const response = await request.post(`${API}/sessions`, {
    headers: AUTH,
    data: { title, candidate_name: 'Grace', planned_minutes: 30 }
  });
  expect(response.status()).toBe(201);
  return response.json();
}

export async function createInvite(
  request: APIRequestContext,
  sessionId: string
): Promise<{ id: string; url: string }> {
  const response = await request.post(`${API}/sessions/${sessionId}/invites`, {
    headers: AUTH,
    data: {}
  });
  expect(response.status()).toBe(201);
  return response.json();
}

export async function interviewerLab(
  browser: Browser,
  foreign: string[]
): Promise<Page> {
  const context = await browser.newContext();
  watchHosts(context, foreign);
  const page = await context.newPage();
  await page.goto(
    `${SERVER}/lab/workspaces/candidate-test?reset&token=${TOKEN}`
  );
  await page.waitForFunction(
    () => (window as any).jupyterapp?.started !== undefined,
    undefined,
    { timeout: 90000 }
  );
  await page.evaluate(() => (window as any).jupyterapp.started);
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible({
    timeout: 60000
  });
  return page;
}

/**
 * The candidate's interview panel, once its room is connected.
 */
export async function candidateConnected(page: Page): Promise<Locator> {
  const panel = page.locator('#devinterview-candidate-interview');
  // The lobby comes first, until Join (once per tab and session). Its name
  // is the session's candidate name; without one, the candidate must type one.
  const join = page.locator('button.jp-DevInterview-lobbyJoin');
  await expect(join.or(panel)).toBeVisible({ timeout: 60000 });
  if (await join.isVisible()) {
    const name = page.locator('input.jp-DevInterview-lobbyName');
    if (!(await name.inputValue()).trim()) {
      await name.fill('Candidate');
    }
    await join.click();
  }
  await expect(panel.locator('.jp-DevInterview-connection')).toHaveAttribute(
    'data-state',
    'connected',
    { timeout: 60000 }
  );
  return panel;
}

export async function candidatePage(
  browser: Browser,
  foreign: string[],
  url: string
): Promise<Page> {
  // A fresh context: no Jupyter login, no Galata cookies.
  const context = await browser.newContext();
  watchHosts(context, foreign);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/**
 * Open a session's interview in the interviewer's JupyterLab; its panel.
 */
export async function openInterview(
  lab: Page,
  sessionId: string
): Promise<Locator> {
  await lab.evaluate(async id => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-interview',
      { sessionId: id }
    );
  }, sessionId);
  return lab.locator(`#devinterview-interview-${sessionId}`);
}

/**
 * An interviewer in JupyterLab with a new session open and a candidate invite.
 */
export async function interviewerWithSession(
  browser: Browser,
  foreign: string[],
  title: string
): Promise<{
  lab: Page;
  session: { id: string };
  invite: { id: string; url: string };
  panelA: Locator;
}> {
  const lab = await interviewerLab(browser, foreign);
  const session = await createSession(lab.request, `${title} ${Date.now()}`);
  const invite = await createInvite(lab.request, session.id);
  const panelA = await openInterview(lab, session.id);
  return { lab, session, invite, panelA };
}

/**
 * Put code into the shared editor through the interviewer's room (it reaches
 * the candidate like any edit).
 */
export async function setCode(lab: Page, sessionId: string, code: string) {
  await lab.evaluate(
    ([id, source]) => {
      const app = (window as any).jupyterapp;
      for (const widget of app.shell.widgets('main')) {
        if (widget.id === `devinterview-interview-${id}`) {
          widget.content.room.sharedModel.setSource(source);
        }
      }
    },
    [sessionId, code]
  );
}
