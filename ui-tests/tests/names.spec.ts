/**
 * Names, roles and colours: an interviewer sets a display name on the
 * dashboard; the candidate sees it with an "Interviewer" badge in the
 * participants and on the interviewer's run; the interviewer sees the
 * candidate with a "Candidate" badge; a participant's colour (assigned by the
 * server) is the same in the participants list, the editor cursor and the
 * whiteboard cursor.
 *
 * Plain Playwright on the token-protected server (port 8890), as the other
 * candidate specs: the interviewer is JupyterLab's anonymous identity.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '@playwright/test';

import {
  API,
  AUTH,
  candidateConnected,
  candidatePage,
  createInvite,
  interviewerLab,
  openInterview
} from './helpers';

const NAME = 'Ada Lovelace';

function participant(panel: Locator, role: string): Locator {
  return panel.locator(
    `li.jp-DevInterview-participant[data-online="true"][data-role="${role}"]`
  );
}

async function background(locator: Locator): Promise<string> {
  return locator.evaluate(node => getComputedStyle(node).backgroundColor);
}

async function openDashboard(lab: Page): Promise<Locator> {
  await lab.evaluate(() =>
    (window as any).jupyterapp.commands.execute('devinterview:open-dashboard')
  );
  const badge = lab.locator('#devinterview-dashboard .jp-DevInterview-profile');
  await expect(badge).toBeVisible({ timeout: 30000 });
  return badge;
}

test('an interviewer names themself; both sides see names, roles and one colour each', async ({
  browser
}) => {
  test.setTimeout(300000);
  const foreign: string[] = [];
  const lab = await interviewerLab(browser, foreign);
  try {
    // Jupyter's made-up name: the dashboard asks for a real one.
    let badge = await openDashboard(lab);
    await expect(badge).toHaveAttribute('data-anonymous', 'true');
    await expect(badge).toContainText(/You appear as Anonymous /);
    await badge.locator('button[data-action="set-display-name"]').click();
    const dialog = lab.locator('.jp-Dialog');
    const input = dialog.locator('input');
    // A name the server refuses: asked again, with its reason.
    await input.fill('   ');
    await dialog.locator('.jp-mod-accept').click();
    await expect(dialog).toContainText('the name is empty');
    await dialog.locator('input').fill(`  ${NAME} `);
    await dialog.locator('.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);
    await expect(badge).toHaveAttribute('data-anonymous', 'false');
    await expect(badge.locator('.jp-DevInterview-profileName')).toHaveText(
      NAME
    );
    // Kept by the server: still there after a reload.
    await lab.reload();
    await lab.waitForFunction(() => (window as any).jupyterapp?.started);
    badge = await openDashboard(lab);
    await expect(badge.locator('.jp-DevInterview-profileName')).toHaveText(
      NAME
    );

    const created = await lab.request.post(`${API}/sessions`, {
      headers: AUTH,
      data: {
        title: `Names ${Date.now()}`,
        candidate_name: 'Grace',
        language: 'javascript'
      }
    });
    expect(created.status()).toBe(201);
    const session = await created.json();
    const invite = await createInvite(lab.request, session.id);
    const panelA = await openInterview(lab, session.id);
    const candidate = await candidatePage(browser, foreign, invite.url);
    try {
      const panelC = await candidateConnected(candidate);

      // The candidate sees the chosen name, as an interviewer.
      const seenByCandidate = participant(panelC, 'interviewer');
      await expect(seenByCandidate).toHaveCount(1, { timeout: 30000 });
      await expect(
        seenByCandidate.locator('.jp-DevInterview-participantName')
      ).toHaveText(NAME);
      await expect(
        seenByCandidate.locator('.jp-DevInterview-roleBadge')
      ).toHaveText('Interviewer');
      await expect(seenByCandidate).toBeVisible();
      // The interviewer sees the candidate, as a candidate; and themself
      // under the name others see.
      const seenByInterviewer = participant(panelA, 'candidate');
      await expect(seenByInterviewer).toHaveCount(1, { timeout: 30000 });
      await expect(
        seenByInterviewer.locator('.jp-DevInterview-roleBadge')
      ).toHaveText('Candidate');
      await expect(
        participant(panelA, 'interviewer').locator(
          '.jp-DevInterview-participantName'
        )
      ).toHaveText(`${NAME} (you)`);

      // Colours: distinct, and one per person wherever it shows.
      const candidateDot = seenByInterviewer.locator(
        '.jp-DevInterview-participantDot'
      );
      const interviewerDot = seenByCandidate.locator(
        '.jp-DevInterview-participantDot'
      );
      const candidateColor = await background(candidateDot);
      const interviewerColor = await background(interviewerDot);
      expect(candidateColor).not.toBe(interviewerColor);
      // Each side's own entry has the colour the other side sees.
      await expect
        .poll(() =>
          background(
            participant(panelC, 'candidate').locator(
              '.jp-DevInterview-participantDot'
            )
          )
        )
        .toBe(candidateColor);

      // The candidate's caret in the interviewer's editor, labelled with the role.
      await panelC.locator('.cm-content').click();
      await candidate.keyboard.type('// hello');
      const caret = panelA.locator('.cm-ySelectionCaret');
      await expect(caret).toHaveCount(1, { timeout: 30000 });
      expect(await background(caret)).toBe(candidateColor);
      await expect(caret.locator('.cm-ySelectionInfo')).toHaveText(
        'Grace · Candidate'
      );

      // The interviewer's cursor on the candidate's whiteboard.
      const boardA = panelA.locator('.tl-canvas');
      await expect(boardA).toBeVisible({ timeout: 60000 });
      await expect(panelC.locator('.tl-canvas')).toBeVisible({
        timeout: 60000
      });
      const box = (await boardA.boundingBox())!;
      await lab.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await lab.mouse.move(box.x + box.width / 2 + 20, box.y + box.height / 2);
      const nametag = panelC.locator('.tl-nametag');
      await expect(nametag).toBeVisible({ timeout: 30000 });
      await expect(nametag).toHaveText(NAME);
      expect(await background(nametag)).toBe(interviewerColor);

      // A run of the interviewer's, as the candidate sees it.
      const runArea = panelA.locator('.jp-DevInterview-runArea');
      await lab.evaluate(id => {
        const app = (window as any).jupyterapp;
        for (const widget of app.shell.widgets('main')) {
          if (widget.id === `devinterview-interview-${id}`) {
            widget.content.room.sharedModel.setSource('console.log(6 * 7)');
          }
        }
      }, session.id);
      await expect(panelA.locator('.cm-content')).toContainText('6 * 7');
      await expect(runArea).toHaveAttribute('data-runner', 'ready', {
        timeout: 120000
      });
      await panelA.locator('.cm-content').click();
      await lab.keyboard.press('Shift+Enter');
      const run = panelC
        .locator('.jp-DevInterview-runArea .jp-DevInterview-run')
        .last();
      await expect(run).toHaveAttribute('data-status', 'ok', {
        timeout: 60000
      });
      await expect(run.locator('.jp-DevInterview-runAuthor')).toHaveText(NAME);
      await expect(run.locator('.jp-DevInterview-roleBadge')).toHaveText(
        'Interviewer'
      );
      expect(
        await run
          .locator('.jp-DevInterview-runAuthor')
          .evaluate(node =>
            getComputedStyle(node).getPropertyValue(
              '--jp-devinterview-author-color'
            )
          )
      ).not.toBe('');
      expect(foreign).toEqual([]);
    } finally {
      await candidate.context().close();
    }
  } finally {
    // The anonymous identity's name is shared by every browser that draws
    // the same moon: leave it as it was for the other specs.
    await lab.request.delete(`${API}/profile`, { headers: AUTH });
    await lab.context().close();
  }
});
