/**
 * Automated accessibility scans (axe-core) of our pages: the dashboard, the
 * interview as the interviewer sees it, and the candidate page (lobby and
 * interview). No serious or critical violation is allowed in our widgets.
 *
 * Scope: our roots only (`#devinterview-dashboard`, the interview widget
 * with its toolbar, the candidate's lobby and interview). JupyterLab's own
 * chrome around them (menu bar, side bars, tab bar) is not ours and not
 * scanned. Inside our widgets, third-party parts are excluded where they trip
 * rules we cannot fix, each with its reason (see docs/accessibility.md):
 *
 * - `.tl-container` (tldraw's board): a canvas application with its own
 *   keyboard model; its internals are tldraw's.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import {
  candidateConnected,
  candidatePage,
  interviewerWithSession
} from './helpers';

test.use({ sessions: null, viewport: { width: 1280, height: 800 } });

/**
 * Third-party parts inside our widgets that are not scanned (reasons above).
 */
const EXCLUDED = ['.tl-container'];

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Scan `root` (a CSS selector) and fail on serious or critical violations,
 * listing each with the elements that trip it.
 */
async function scan(page: Page, root: string, label: string): Promise<void> {
  let builder = new AxeBuilder({ page }).include(root).withTags(TAGS);
  for (const selector of EXCLUDED) {
    builder = builder.exclude(selector);
  }
  const results = await builder.analyze();
  const blocking = results.violations.filter(
    v => v.impact === 'serious' || v.impact === 'critical'
  );
  const report = blocking.map(
    v =>
      `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map(n => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`)
        .join('\n')
  );
  test.info().annotations.push({
    type: `axe ${label}`,
    description: `${results.passes.length} rules passed, ${results.violations.length} violations (${blocking.length} serious or critical), ${results.incomplete.length} to review`
  });
  // An empty scope would pass everything: make sure something was checked.
  expect(
    results.passes.length,
    `axe: ${label} checked nothing`
  ).toBeGreaterThan(5);
  expect(report, `axe: ${label}`).toEqual([]);
}

async function openDashboard(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-dashboard'
    );
  });
  await expect(page.locator('#devinterview-dashboard')).toBeVisible();
}

test('the dashboard has no serious accessibility violations', async ({
  page
}) => {
  const response = await page.request.post('/devinterview/api/sessions', {
    data: { title: `Axe dashboard ${Date.now()}`, candidate_name: 'Grace' }
  });
  expect(response.status()).toBe(201);
  await openDashboard(page);
  await expect(
    page
      .locator('#devinterview-dashboard tr.jp-DevInterview-sessionRow')
      .first()
  ).toBeVisible();
  await scan(page, '#devinterview-dashboard', 'dashboard');
  // In the dark theme too (contrast).
  await page.theme.setDarkTheme();
  await scan(page, '#devinterview-dashboard', 'dashboard (dark)');
});

test('the interview has no serious accessibility violations', async ({
  page
}) => {
  test.setTimeout(120000);
  const response = await page.request.post('/devinterview/api/sessions', {
    data: { title: `Axe interview ${Date.now()}`, language: 'python' }
  });
  expect(response.status()).toBe(201);
  const session = await response.json();
  await page.evaluate(async id => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-interview',
      { sessionId: id }
    );
  }, session.id);
  const root = `#devinterview-interview-${session.id}`;
  await expect(
    page.locator(`${root} .jp-DevInterview-connection`)
  ).toHaveAttribute('data-state', 'connected', { timeout: 30000 });
  await expect(
    page.locator(`${root} .jp-DevInterview-whiteboard`)
  ).toHaveAttribute('data-ready', 'true', { timeout: 60000 });
  await scan(page, root, 'interview (interviewer)');
  await page.theme.setDarkTheme();
  await scan(page, root, 'interview (interviewer, dark)');
  // Ended: the read-only notice and the disabled controls.
  const ended = await page.request.post(
    `/devinterview/api/sessions/${session.id}/terminate`
  );
  expect(ended.status()).toBe(200);
  await expect(page.locator(`${root} .jp-DevInterview-notice`)).toBeVisible();
  await scan(page, root, 'interview (ended)');
});

test('the candidate page has no serious accessibility violations', async ({
  browser
}) => {
  test.setTimeout(180000);
  const foreign: string[] = [];
  const { lab, invite } = await interviewerWithSession(
    browser,
    foreign,
    'Axe candidate'
  );
  const candidate = await candidatePage(browser, foreign, invite.url);
  try {
    // The lobby (or, before it, what is recorded): whatever comes first.
    const lobby = candidate.locator('.jp-DevInterview-lobby');
    const recorded = candidate.locator('.jp-DevInterview-recordedAccept');
    await expect(lobby.or(recorded).first()).toBeVisible({ timeout: 60000 });
    if (await lobby.isVisible()) {
      await scan(candidate, '.jp-DevInterview-lobby', 'candidate lobby');
    } else {
      await scan(candidate, '.jp-DevInterview-recorded', 'candidate notice');
    }
    await candidateConnected(candidate);
    await expect(
      candidate.locator(
        '#devinterview-candidate-interview .jp-DevInterview-whiteboard'
      )
    ).toHaveAttribute('data-ready', 'true', { timeout: 60000 });
    await scan(
      candidate,
      '#devinterview-candidate-interview',
      'candidate interview'
    );
    expect(foreign).toEqual([]);
  } finally {
    await candidate.context().close();
    await lab.context().close();
  }
});
