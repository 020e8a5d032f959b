/**
 * The interview layout at common screen sizes: at 1280×800 with the file
 * browser open the whiteboard keeps its tools, the run area shows several
 * runs and the stdin box is out of the way until asked for; at 1920×1080
 * likewise. A divider dragged is remembered for the next interview (Galata
 * keeps the settings of each test in memory, so nothing leaks into others).
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

test.use({ sessions: null });

async function openInterview(page: Page): Promise<Locator> {
  const response = await page.request.post('/devinterview/api/sessions', {
    data: { title: `Layout ${Date.now()}`, language: 'python' }
  });
  expect(response.status()).toBe(201);
  const session = await response.json();
  await page.evaluate(async id => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-interview',
      { sessionId: id }
    );
  }, session.id);
  const panel = page.locator(`#devinterview-interview-${session.id}`);
  await expect(panel.locator('.jp-DevInterview-whiteboard')).toHaveAttribute(
    'data-ready',
    'true',
    { timeout: 60000 }
  );
  return panel;
}

async function height(locator: Locator): Promise<number> {
  return (await locator.boundingBox())!.height;
}

/**
 * The whiteboard's tools are on screen and inside the board.
 */
async function expectToolsVisible(panel: Locator): Promise<void> {
  const board = panel.locator('.jp-DevInterview-whiteboard');
  const draw = board.locator('[data-testid="tools.draw"]');
  await expect(draw).toBeVisible();
  const area = (await board.boundingBox())!;
  const tool = (await draw.boundingBox())!;
  expect(tool.x).toBeGreaterThanOrEqual(area.x);
  expect(tool.x + tool.width).toBeLessThanOrEqual(area.x + area.width + 1);
}

for (const size of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 }
]) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('whiteboard tools, run area and stdin fit', async ({
      page
    }, testInfo) => {
      test.setTimeout(120000);
      // The file browser open: the narrowest main area people have.
      await page.sidebar.openTab('filebrowser');
      const panel = await openInterview(page);
      const whiteboard = panel.locator('.jp-DevInterview-whiteboardArea');
      expect((await whiteboard.boundingBox())!.width).toBeGreaterThanOrEqual(
        459
      );
      await expectToolsVisible(panel);

      // The run area: a third of the height, several runs; stdin collapsed.
      const runArea = panel.locator('.jp-DevInterview-runArea');
      const mainArea = panel.locator('.jp-DevInterview-mainArea');
      expect(await height(runArea)).toBeGreaterThanOrEqual(
        0.28 * (await height(mainArea))
      );
      await expect(runArea).toHaveAttribute('data-stdin', 'closed');
      await expect(runArea.locator('.jp-DevInterview-stdin')).toBeHidden();
      const toggle = runArea.getByRole('button', { name: /^Input/ });
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await toggle.click();
      await expect(runArea.locator('.jp-DevInterview-stdin')).toBeFocused();
      const output = (await runArea
        .locator('.jp-DevInterview-runOutput')
        .boundingBox())!;
      // The open box leaves the log most of the width.
      expect(output.width).toBeGreaterThan(
        0.6 * (await runArea.boundingBox())!.width
      );

      // The candidate's timer and ours carry a visible label.
      await expect(panel.locator('.jp-DevInterview-timer')).toHaveAttribute(
        'data-label',
        'Elapsed'
      );

      const path = testInfo.outputPath(`layout-${size.width}.png`);
      await page.screenshot({ path });
      await testInfo.attach(`layout-${size.width}`, {
        path,
        contentType: 'image/png'
      });
    });
  });
}

test('a dragged divider is remembered for the next interview', async ({
  page
}) => {
  test.setTimeout(120000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const first = await openInterview(page);
  const runArea = first.locator('.jp-DevInterview-runArea');
  const before = await height(runArea);
  const handle = first.locator(
    '.jp-DevInterview-mainArea > .lm-SplitPanel-handle:not(.lm-mod-hidden)'
  );
  const box = (await handle.first().boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y - 80, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => height(runArea)).toBeGreaterThan(before + 60);
  const dragged = await height(runArea);
  // Saved to the user's settings a moment after the drag.
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const saved = await (
            window as any
          ).jupyterapp.serviceManager.settings.fetch(
            'devinterview-jupyter:interview'
          );
          return saved.settings?.layout?.main ?? null;
        }),
      { timeout: 10000 }
    )
    .not.toBeNull();

  // Another interview opens with the same sizes.
  const second = await openInterview(page);
  await expect
    .poll(async () =>
      Math.abs(
        (await height(second.locator('.jp-DevInterview-runArea'))) - dragged
      )
    )
    .toBeLessThanOrEqual(4);
});
