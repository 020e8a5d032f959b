/**
 * The tldraw whiteboard: interviewer (JupyterLab) and candidate (invite link)
 * draw together live, see each other's cursor, the board survives a reload
 * (it is kept with the session), exports as SVG and PNG, turns read-only when
 * the interview ends, and nothing is fetched from another host (tldraw's
 * fonts, icons and translations are served by our extension).
 */
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { readFile } from 'fs/promises';

import {
  candidateConnected,
  candidatePage,
  interviewerWithSession
} from './helpers';

/**
 * The y-websocket message type of document updates (awareness is 1).
 */
const SYNC_MESSAGE = 0;

function board(panel: Locator): Locator {
  return panel.locator('.jp-DevInterview-whiteboard');
}

function shapes(panel: Locator, type = 'draw'): Locator {
  return board(panel).locator(`.tl-shape[data-shape-type="${type}"]`);
}

async function boardReady(panel: Locator): Promise<void> {
  await expect(board(panel)).toHaveAttribute('data-ready', 'true', {
    timeout: 60000
  });
  await expect(board(panel).locator('.tl-canvas')).toBeVisible();
}

/**
 * Draw a stroke with tldraw's draw tool through real pointer events.
 */
async function drawStroke(
  page: Page,
  panel: Locator,
  offset: { x: number; y: number },
  steps = 40
): Promise<void> {
  await board(panel).locator('[data-testid="tools.draw"]').click();
  const box = (await board(panel).locator('.tl-canvas').boundingBox())!;
  const x0 = box.x + box.width * offset.x;
  const y0 = box.y + box.height * offset.y;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(x0 + i * 3, y0 + Math.sin(i / 4) * 25);
  }
  await page.mouse.up();
}

/**
 * Count what a page sends over its room websocket: document updates and the rest.
 */
function countRoomTraffic(page: Page) {
  const traffic = { updateBytes: 0, updateFrames: 0, otherBytes: 0 };
  page.on('websocket', ws => {
    if (!ws.url().includes('/devinterview/api/rooms/')) {
      return;
    }
    ws.on('framesent', frame => {
      const payload = frame.payload;
      const bytes =
        typeof payload === 'string'
          ? Buffer.byteLength(payload)
          : payload.length;
      const type = typeof payload === 'string' ? -1 : payload[0];
      if (type === SYNC_MESSAGE) {
        traffic.updateBytes += bytes;
        traffic.updateFrames += 1;
      } else {
        traffic.otherBytes += bytes;
      }
    });
  });
  return traffic;
}

async function attachScreenshot(
  page: Page,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('interviewer and candidate draw together on the whiteboard', async ({
  browser
}, testInfo) => {
  test.setTimeout(300000);
  const foreign: string[] = [];
  const { lab, session, invite, panelA } = await interviewerWithSession(
    browser,
    foreign,
    'Board'
  );
  await boardReady(panelA);

  const candidate = await candidatePage(browser, foreign, invite.url);
  const traffic = countRoomTraffic(candidate);
  let panelC = await candidateConnected(candidate);
  await boardReady(panelC);

  // Interviewer → candidate.
  await drawStroke(lab, panelA, { x: 0.3, y: 0.3 });
  await expect(shapes(panelA)).toHaveCount(1);
  await expect(shapes(panelC)).toHaveCount(1);

  // Candidate → interviewer; measure what one stroke costs on the wire.
  const before = { ...traffic };
  const steps = 40;
  await drawStroke(candidate, panelC, { x: 0.3, y: 0.6 }, steps);
  await expect(shapes(panelA)).toHaveCount(2);
  await expect(shapes(panelC)).toHaveCount(2);
  await candidate.waitForTimeout(500);
  const stroke = {
    pointerMoves: steps,
    updateFrames: traffic.updateFrames - before.updateFrames,
    updateBytes: traffic.updateBytes - before.updateBytes,
    presenceBytes: traffic.otherBytes - before.otherBytes
  };
  console.log(`whiteboard stroke: ${JSON.stringify(stroke)}`);
  testInfo.annotations.push({
    type: 'bytes per stroke',
    description: JSON.stringify(stroke)
  });
  expect(stroke.updateFrames).toBeGreaterThan(0);
  // Batched per animation frame: never more than one update per pointer move.
  expect(stroke.updateFrames).toBeLessThanOrEqual(steps + 2);

  // Live presence: the interviewer's cursor shows on the candidate's board, named.
  const boxA = (await board(panelA).locator('.tl-canvas').boundingBox())!;
  await lab.mouse.move(boxA.x + boxA.width / 2, boxA.y + boxA.height / 2);
  await lab.mouse.move(boxA.x + boxA.width / 2 + 20, boxA.y + boxA.height / 2);
  await expect(board(panelC).locator('.tl-nametag')).toBeVisible();
  await attachScreenshot(candidate, testInfo, 'whiteboard-candidate');
  await attachScreenshot(lab, testInfo, 'whiteboard-interviewer');

  // Kept with the session: a reload brings the board back from the server.
  await candidate.reload();
  panelC = await candidateConnected(candidate);
  await boardReady(panelC);
  await expect(shapes(panelC)).toHaveCount(2);

  // Export from the panel.
  for (const [format, check] of [
    ['svg', (data: Buffer) => expect(data.toString('utf8')).toContain('<svg')],
    [
      'png',
      (data: Buffer) =>
        expect([...data.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    ]
  ] as const) {
    const [download] = await Promise.all([
      lab.waitForEvent('download'),
      panelA
        .locator(`.jp-DevInterview-exportButton[data-format="${format}"]`)
        .click()
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`-whiteboard\\.${format}$`)
    );
    check(await readFile((await download.path())!));
  }

  // The end of the interview: both boards read-only, nothing drawn gets through.
  await panelA.locator('.jp-DevInterview-terminateButton').click();
  await lab.locator('.jp-Dialog .jp-Dialog-button.jp-mod-warn').click();
  await expect(board(panelC)).toHaveClass(/jp-mod-readOnly/);
  await expect(board(panelA)).toHaveClass(/jp-mod-readOnly/);
  await expect(board(panelC).locator('[data-testid="tools.draw"]')).toHaveCount(
    0
  );
  const boxC = (await board(panelC).locator('.tl-canvas').boundingBox())!;
  await candidate.mouse.move(boxC.x + 40, boxC.y + 40);
  await candidate.mouse.down();
  await candidate.mouse.move(boxC.x + 120, boxC.y + 90, { steps: 10 });
  await candidate.mouse.up();
  await candidate.waitForTimeout(500);
  await expect(shapes(panelC)).toHaveCount(2);
  await expect(shapes(panelA)).toHaveCount(2);

  expect(foreign).toEqual([]);
  await candidate.context().close();
  await lab.context().close();
});
