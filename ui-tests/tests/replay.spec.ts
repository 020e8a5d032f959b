/**
 * The replay and the report, end to end: an interviewer types code, runs it
 * (Python in the browser) and types more; the replay, opened from the
 * dashboard, shows at the run marker the code as it was when the run
 * started, not the later code, and the end shows the later one. The replay's
 * toolbar downloads the report (an nbformat 4 notebook) and opens it in
 * JupyterLab, saved in the file browser's folder.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import { readFile } from 'fs/promises';

import { clickRowAction } from './labUsers';

const API = '/devinterview/api';

/**
 * Galata's kernel-session tracking also catches `/devinterview/api/sessions`.
 */
test.use({ sessions: null });

async function xsrfHeaders(page: Page): Promise<Record<string, string>> {
  const cookies = await page.context().cookies();
  const xsrf = cookies.find(cookie => cookie.name === '_xsrf');
  return xsrf ? { 'X-XSRFToken': xsrf.value } : {};
}

async function openInterview(page: Page, sessionId: string): Promise<Locator> {
  await page.evaluate(async id => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-interview',
      { sessionId: id }
    );
  }, sessionId);
  const panel = page.locator(`#devinterview-interview-${sessionId}`);
  await expect(panel.locator('.jp-DevInterview-connection')).toHaveAttribute(
    'data-state',
    'connected',
    { timeout: 30000 }
  );
  return panel;
}

/**
 * Draw a stroke with tldraw's draw tool through real pointer events.
 */
async function drawStroke(page: Page, panel: Locator): Promise<void> {
  const board = panel.locator('.jp-DevInterview-whiteboard');
  await expect(board).toHaveAttribute('data-ready', 'true', {
    timeout: 60000
  });
  await board.locator('[data-testid="tools.draw"]').click();
  const box = (await board.locator('.tl-canvas').boundingBox())!;
  const x0 = box.x + box.width * 0.3;
  const y0 = box.y + box.height * 0.3;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) {
    await page.mouse.move(x0 + i * 3, y0 + Math.sin(i / 4) * 25);
  }
  await page.mouse.up();
  await expect(board.locator('.tl-shape[data-shape-type="draw"]')).toHaveCount(
    1
  );
}

/**
 * Type at the end of the interview's editor, as a person would.
 */
async function typeCode(page: Page, panel: Locator, text: string) {
  const editor = panel.locator('.jp-DevInterview-editor .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(text, { delay: 20 });
}

test('replay: the run marker shows the code the run ran; the report downloads and opens', async ({
  page,
  tmpPath
}, testInfo) => {
  test.setTimeout(300000);
  const title = `Replay UI ${Date.now()}`;
  const headers = await xsrfHeaders(page);
  const created = await page.request.post(`${API}/sessions`, {
    data: { title, language: 'python' },
    headers
  });
  expect(created.status()).toBe(201);
  const session = await created.json();
  const started = await page.request.post(
    `${API}/sessions/${session.id}/start`,
    { headers }
  );
  expect(started.status()).toBe(200);

  // A short interview: code, a run, more code.
  const interview = await openInterview(page, session.id);
  await typeCode(page, interview, 'first = 1');
  await expect(interview.locator('.cm-content')).toHaveText('first = 1');
  const runArea = interview.locator('.jp-DevInterview-runArea');
  await expect(runArea.locator('.jp-DevInterview-runButton')).toBeEnabled({
    timeout: 120000
  });
  await runArea.locator('.jp-DevInterview-runButton').click();
  await expect(runArea.locator('.jp-DevInterview-run').last()).toHaveAttribute(
    'data-status',
    'ok',
    { timeout: 60000 }
  );
  await typeCode(page, interview, '\nsecond = 2');
  await expect(interview.locator('.cm-content')).toContainText('second = 2');
  await drawStroke(page, interview);

  // The server has stored it all (the run and the later code).
  await expect
    .poll(
      async () => {
        const replay = await page.request.get(
          `${API}/sessions/${session.id}/replay`
        );
        const timeline = await replay.json();
        if (!timeline.steps) {
          return '';
        }
        const last = await page.request.get(
          `${API}/sessions/${session.id}/replay/state?step=${timeline.steps - 1}`
        );
        const runs = timeline.markers.filter((m: any) => m.kind === 'run');
        const state = await last.json();
        const drawn = state.whiteboard.filter(
          (r: any) => r.val.typeName === 'shape'
        );
        return `${runs.length} run(s); ${drawn.length} shape(s); ${state.code}`;
      },
      { timeout: 30000 }
    )
    .toBe('1 run(s); 1 shape(s); first = 1\nsecond = 2');

  // The replay, from the dashboard row.
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-dashboard'
    );
  });
  // Replay is under the row's More menu.
  await clickRowAction(page, session.id, 'replay');
  const replay = page.locator(`#devinterview-replay-${session.id}`);
  await expect(replay).toBeVisible();
  await expect(
    page.locator('.lm-TabBar-tab', { hasText: `Replay — ${title}` })
  ).toBeVisible();
  const code = replay.locator('.jp-DevInterview-replayEditor .cm-content');
  const slider = replay.getByRole('slider', { name: 'Replay position' });
  const runMarker = replay.locator(
    '.jp-DevInterview-replayMarker[data-kind="run"]'
  );
  await expect(runMarker).toHaveCount(1);
  await expect(runMarker).toHaveAttribute('aria-label', /^Run .* at \d+:\d\d$/);

  const drawn = replay.locator(
    '.jp-DevInterview-whiteboard .tl-shape[data-shape-type="draw"]'
  );

  // Scrub to the end with the keyboard: the later code, and the stroke on
  // the (read-only) board.
  await slider.focus();
  await slider.press('End');
  await expect(code).toHaveText(/first = 1\s*second = 2/);
  await expect(slider).toHaveAttribute('aria-valuetext', /step (\d+) of \1$/);
  await expect(drawn).toHaveCount(1, { timeout: 30000 });
  await expect(replay.locator('.jp-DevInterview-replayShapeCount')).toHaveText(
    '1 shape'
  );

  // The run marker: the code as it was when the run started.
  await runMarker.click();
  await expect(code).toHaveText('first = 1');
  await expect(code).not.toContainText('second');
  await expect(drawn).toHaveCount(0);
  const markerStep = await runMarker.getAttribute('data-step');
  await expect(slider).toHaveValue(markerStep!);
  await expect(replay.locator('.jp-DevInterview-replayRuns')).toContainText(
    'Python'
  );

  // Back to the start with Home, then "Next marker" until the run again.
  await slider.focus();
  await slider.press('Home');
  const next = replay.getByRole('button', { name: 'Next marker' });
  for (let i = 0; i < 10; i++) {
    if ((await slider.inputValue()) === markerStep) {
      break;
    }
    await next.click();
  }
  await expect(slider).toHaveValue(markerStep!);
  await expect(code).toHaveText('first = 1');

  const screenshot = testInfo.outputPath('replay.png');
  await replay.screenshot({ path: screenshot });
  await testInfo.attach('replay', {
    path: screenshot,
    contentType: 'image/png'
  });

  // Download report: a notebook file.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    replay.getByRole('button', { name: 'Download report' }).click()
  ]);
  expect(download.suggestedFilename()).toMatch(/\.ipynb$/);
  const notebook = JSON.parse(await readFile(await download.path(), 'utf-8'));
  expect(notebook.nbformat).toBe(4);
  expect(Array.isArray(notebook.cells)).toBe(true);
  expect(notebook.cells.length).toBeGreaterThan(0);
  expect(JSON.stringify(notebook.cells)).toContain('second = 2');

  // Open report in JupyterLab: saved in the file browser's folder, opened
  // as a notebook; a second time does not overwrite the first.
  await replay
    .getByRole('button', { name: 'Open report in JupyterLab' })
    .click();
  const name = `${title} report.ipynb`;
  await expect(
    page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: name })
  ).toBeVisible({ timeout: 30000 });
  await expect(page.locator('.jp-NotebookPanel').last()).toBeVisible();
  // Opened with no kernel and none asked for: its code cells are the
  // candidate's, and a kernel would run them on this server.
  await expect(
    page.locator('.jp-NotebookPanel').last().locator('.jp-KernelName')
  ).toHaveText('No Kernel');
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  const kernels = await (await page.request.get('/api/sessions')).json();
  expect(
    kernels.filter((s: { path: string }) => s.path.endsWith(name))
  ).toEqual([]);
  const saved = await page.request.get(
    `/api/contents/${encodeURIComponent(tmpPath)}/${encodeURIComponent(name)}`
  );
  expect(saved.status()).toBe(200);
  expect((await saved.json()).type).toBe('notebook');

  await page.evaluate(async id => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-report',
      { sessionId: id }
    );
  }, session.id);
  const second = `${title} report (2).ipynb`;
  await expect(
    page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: second })
  ).toBeVisible({ timeout: 30000 });
});
