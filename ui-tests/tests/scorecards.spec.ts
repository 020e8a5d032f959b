/**
 * Scorecards, end to end: two interviewers open the same session, each fills
 * in and submits a scorecard beside the interview. The first sees the other's
 * scorecard only once they have submitted their own (the panel says so
 * before), and the dashboard shows the recommendations at a glance.
 *
 * The Galata server (port 8888) has no login: each browser context is its own
 * anonymous Jupyter user, so a second context is a second interviewer (see
 * co-interviewers.spec.ts). The session has no question, so the scorecards
 * get the server's default criteria.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import {
  DASHBOARD,
  LAB_API,
  me,
  openLabInterview,
  openDashboard,
  otherInterviewer,
  xsrfHeaders
} from './labUsers';

/**
 * Galata's kernel-session tracking also catches `/devinterview/api/sessions`.
 */
test.use({ sessions: null });

/**
 * The scorecard panel of a session, once loaded.
 */
async function scorecardOf(lab: Page, sessionId: string): Promise<Locator> {
  const panel = lab.locator(
    `#devinterview-scorecard-${sessionId} .jp-DevInterview-scorecard`
  );
  await expect(panel).toBeVisible();
  await expect(panel).not.toHaveAttribute('aria-busy', 'true');
  return panel;
}

/**
 * Check a radio with the keyboard (Space). Also keeps clear of JupyterLab's
 * "news" notification, which covers the bottom right of a fresh context.
 */
async function choose(radio: Locator): Promise<void> {
  await radio.focus();
  await radio.press('Space');
  await expect(radio).toBeChecked();
}

/**
 * Rate every criterion, comment on one, choose a recommendation, write a
 * summary, and wait until the draft is saved.
 */
async function fill(
  panel: Locator,
  rating: string,
  recommendation: string,
  comment: string
): Promise<void> {
  const groups = panel.getByRole('radiogroup', { name: /^Rating of / });
  await expect(groups).toHaveCount(4);
  const submit = panel.getByRole('button', { name: 'Submit', exact: true });
  for (let i = 0; i < 4; i++) {
    await expect(submit).toBeDisabled();
    await choose(groups.nth(i).getByRole('radio', { name: rating }));
  }
  await panel
    .getByRole('textbox', { name: 'Comment on Code' })
    .fill(`${comment} (code)`);
  await choose(
    panel
      .getByRole('radiogroup', { name: 'Overall recommendation' })
      .getByRole('radio', { name: recommendation, exact: true })
  );
  await panel
    .getByRole('textbox', { name: 'Summary of the interview' })
    .fill(comment);
  await expect(submit).toBeEnabled();
  await expect(panel.locator('.jp-DevInterview-saveStatus')).toHaveText(
    'Saved'
  );
}

async function submit(lab: Page, panel: Locator): Promise<void> {
  // Enter on the focused button, as a keyboard user would.
  await panel
    .getByRole('button', { name: 'Submit', exact: true })
    .press('Enter');
  const dialog = lab.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    'Submit your scorecard?'
  );
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(panel.locator('.jp-DevInterview-scorecardState')).toHaveText(
    'Submitted'
  );
  await expect(panel.locator('form')).toHaveCount(0);
}

function othersCards(panel: Locator): Locator {
  return panel.locator(
    '.jp-DevInterview-scorecardOthers .jp-DevInterview-scorecardCard'
  );
}

function scorecardsCell(page: Page, sessionId: string): Locator {
  return page.locator(
    `${DASHBOARD} tr[data-session-id="${sessionId}"] td[data-column="scorecards"]`
  );
}

test('two interviewers submit scorecards; each sees the other only after their own', async ({
  page
}, testInfo) => {
  test.setTimeout(240000);
  const owner = await me(page.request);
  const created = await page.request.post(`${LAB_API}/sessions`, {
    data: { title: `UI scorecards ${Date.now()}` },
    headers: await xsrfHeaders(page)
  });
  expect(created.status()).toBe(201);
  const session = await created.json();

  const { other, name } = await otherInterviewer(page, owner, 'scorecards');
  try {
    // A opens the scorecard with the interview's button.
    const interviewA = await openLabInterview(page, session.id);
    await interviewA
      .locator('.jp-DevInterview-interviewHeader')
      .getByRole('button', { name: 'Scorecard' })
      .click();
    const cardA = await scorecardOf(page, session.id);
    await expect(interviewA).toBeVisible(); // beside it, not instead of it
    await expect(cardA.locator('.jp-DevInterview-scorecardNotice')).toHaveText(
      "You will see the other interviewers' scorecards after you submit yours."
    );
    await expect(cardA.locator('.jp-DevInterview-scorecardState')).toHaveText(
      'Not started'
    );
    await fill(cardA, '3 – Good', 'Yes', 'Solid, a bit slow');
    await expect(cardA.locator('.jp-DevInterview-scorecardState')).toHaveText(
      'Draft'
    );
    const draft = testInfo.outputPath('scorecard-draft.png');
    await page.locator('#jp-main-dock-panel').screenshot({ path: draft });
    await testInfo.attach('scorecard-draft', {
      path: draft,
      contentType: 'image/png'
    });

    // B opens it with the palette command, for the interview in front.
    await openLabInterview(other, session.id);
    await other.evaluate(async () => {
      await (window as any).jupyterapp.commands.execute(
        'devinterview:open-scorecard'
      );
    });
    const cardB = await scorecardOf(other, session.id);
    await expect(cardB.locator('.jp-DevInterview-scorecardNotice')).toHaveText(
      "You will see the other interviewers' scorecards after you submit yours."
    );
    await fill(cardB, '4 – Excellent', 'Strong yes', 'Excellent communicator');
    await submit(other, cardB);
    // A is still writing: B sees no draft of A's.
    await expect(othersCards(cardB)).toHaveCount(0);
    await expect(cardB.locator('.jp-DevInterview-scorecardEmpty')).toHaveText(
      'No other interviewer has submitted a scorecard yet.'
    );

    // A, not submitted yet, is told one is waiting but does not see it.
    await cardA.getByRole('button', { name: 'Refresh' }).click();
    await expect(cardA.locator('.jp-DevInterview-scorecardNotice')).toHaveText(
      "You will see the other interviewers' scorecards after you submit yours. 1 other interviewer has submitted a scorecard."
    );
    await expect(othersCards(cardA)).toHaveCount(0);
    await expect(cardA).not.toContainText('Excellent communicator');

    // A's dashboard: a count, no recommendation before A submits.
    await openDashboard(page);
    await expect(scorecardsCell(page, session.id)).toHaveText(
      '1 submitted · yours: draft'
    );

    // Back to the scorecard (the dashboard took its place): A submits and
    // then sees B's scorecard.
    await page.evaluate(async id => {
      await (window as any).jupyterapp.commands.execute(
        'devinterview:open-scorecard',
        { sessionId: id }
      );
    }, session.id);
    await submit(page, cardA);
    const seenByA = othersCards(cardA);
    await expect(seenByA).toHaveCount(1);
    await expect(seenByA).toHaveAttribute('data-interviewer', name);
    await expect(seenByA).toContainText(`Scorecard of ${name}`);
    await expect(seenByA).toContainText('Strong yes');
    await expect(seenByA).toContainText('Excellent communicator');
    await expect(
      cardA.locator('.jp-DevInterview-scorecardCard[data-own="true"]')
    ).toContainText('Solid, a bit slow');

    const screenshot = testInfo.outputPath('scorecard.png');
    await cardA.screenshot({ path: screenshot });
    await testInfo.attach('scorecard', {
      path: screenshot,
      contentType: 'image/png'
    });

    // B, submitted already, sees A's after a refresh.
    await cardB.getByRole('button', { name: 'Refresh' }).click();
    await expect(othersCards(cardB)).toHaveCount(1);
    await expect(othersCards(cardB)).toContainText(`Scorecard of ${owner}`);
    await expect(othersCards(cardB)).toContainText('Solid, a bit slow');

    // The dashboard shows both recommendations, in order of submission.
    await openDashboard(page);
    await expect(scorecardsCell(page, session.id)).toHaveText(
      '2 submitted · strong yes, yes'
    );
    await openDashboard(other);
    await expect(scorecardsCell(other, session.id)).toHaveText(
      '2 submitted · strong yes, yes'
    );
  } finally {
    await other.context().close();
  }
});
