/**
 * Run in JupyterLab does not depend on the candidate site: the interviewer's
 * Python (its worker, Pyodide, the package's snapshot) comes from the
 * server's `devinterview/static/` route, the labextension JupyterLab loaded.
 * Here the candidate site is gone for the interviewer's browser (every
 * request under `devinterview/candidate/` answers 404), and the site built
 * into the package carries no Pyodide at all.
 */
import type { Locator } from '@playwright/test';
import { expect, test } from '@playwright/test';

import {
  SERVER,
  TOKEN,
  createSession,
  openInterview,
  setCode,
  watchHosts
} from './helpers';

function runArea(panel: Locator): Locator {
  return panel.locator('.jp-DevInterview-runArea');
}

test('the interviewer runs Python in JupyterLab without a candidate site', async ({
  browser
}) => {
  test.setTimeout(300000);
  const foreign: string[] = [];
  const toSite: string[] = [];
  const context = await browser.newContext();
  watchHosts(context, foreign);
  await context.route('**/devinterview/candidate/**', route => {
    toSite.push(route.request().url());
    return route.fulfill({ status: 404, body: 'no candidate site here' });
  });
  const lab = await context.newPage();
  await lab.goto(`${SERVER}/lab/workspaces/no-site-test?reset&token=${TOKEN}`);
  await lab.waitForFunction(
    () => (window as any).jupyterapp?.started !== undefined,
    undefined,
    { timeout: 90000 }
  );
  await lab.evaluate(() => (window as any).jupyterapp.started);

  // The site the server ships has no copy of Pyodide to fall back on.
  const siteCopy = await lab.request.get(
    `${SERVER}/devinterview/candidate/extensions/devinterview-jupyter/static/pyodide/pyodide.mjs`
  );
  expect(siteCopy.status()).toBe(404);

  const session = await createSession(lab.request, `No site ${Date.now()}`);
  const panel = await openInterview(lab, session.id);
  await expect(runArea(panel)).toHaveAttribute('data-runner', 'ready', {
    timeout: 120000
  });
  // A fresh browser: Python came from the package's snapshot, served by the
  // same route.
  await expect(
    lab.locator('iframe.jp-DevInterview-sandbox[data-started-from]')
  ).toHaveAttribute('data-started-from', 'package', { timeout: 60000 });

  await setCode(
    lab,
    session.id,
    'import sqlite3, sys\nprint("ran", sum(range(10)), sys.version_info[:2] >= (3, 12), sqlite3.sqlite_version > "3")\n'
  );
  await expect(panel.locator('.cm-content')).toContainText('sqlite3');
  await runArea(panel)
    .locator('.jp-DevInterview-runButton')
    .dispatchEvent('click');
  const run = runArea(panel).locator('.jp-DevInterview-run').last();
  await expect(run).toHaveAttribute('data-status', 'ok', { timeout: 60000 });
  await expect(run.locator('.jp-mod-stdout')).toHaveText('ran 45 True True\n');
  // Nothing the interviewer's page (or its sandbox) loaded was under the site.
  expect(toSite).toEqual([]);
  expect(foreign).toEqual([]);
  await context.close();
});
