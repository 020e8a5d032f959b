/**
 * Private notes, end to end: two interviewers (two browser contexts, two
 * anonymous Jupyter users) open the notes of one interview beside it and
 * write them together, each seeing the other's text and presence; reopened,
 * the notes are there. (That no candidate credential opens the notes room,
 * and that the candidate's room carries none of them on the wire, is checked
 * in tests/test_notes.py.)
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import {
  createLabSession,
  me,
  openLabInterview,
  otherInterviewer
} from './labUsers';

test.use({ sessions: null });

const SECRET_A = 'Ada: strong on recursion';
const SECRET_B = 'Bo: asked about the constraints first';

async function openNotes(lab: Page, sessionId: string): Promise<Locator> {
  const interview = await openLabInterview(lab, sessionId);
  await interview
    .locator('.jp-DevInterview-interviewHeader')
    .getByRole('button', { name: 'Notes' })
    .click();
  const notes = lab.locator(
    `#devinterview-notes-${sessionId} .jp-DevInterview-notes`
  );
  await expect(notes).toBeVisible();
  await expect(interview).toBeVisible(); // beside the interview, not instead
  await expect(notes.locator('.cm-content')).toBeVisible();
  return notes;
}

async function typeAtEnd(notes: Locator, text: string): Promise<void> {
  const content = notes.locator('.cm-content');
  await content.click();
  await content.press('Control+End');
  await content.pressSequentially(text);
}

test('two interviewers write private notes together', async ({ page }) => {
  test.setTimeout(240000);
  const owner = await me(page.request);
  const session = await createLabSession(page, `UI notes ${Date.now()}`);

  const { other } = await otherInterviewer(page, owner, 'notes');
  try {
    const notesA = await openNotes(page, session.id);
    await expect(notesA.locator('.jp-DevInterview-notesPrivacy')).toContainText(
      'The candidate never does.'
    );
    const notesB = await openNotes(other, session.id);
    // Each sees the other among those writing the notes.
    await expect(notesA.locator('.jp-DevInterview-participant')).toHaveCount(2);
    await expect(notesB.locator('.jp-DevInterview-participant')).toHaveCount(2);

    await typeAtEnd(notesA, SECRET_A);
    await expect(notesB.locator('.cm-content')).toContainText(SECRET_A);
    await typeAtEnd(notesB, ` / ${SECRET_B}`);
    await expect(notesA.locator('.cm-content')).toContainText(SECRET_B);
    await expect(notesA.locator('.cm-content')).toContainText(SECRET_A);

    // Reopened later, the notes are there (stored by the server).
    await page.evaluate(async id => {
      const app = (window as any).jupyterapp;
      for (const widget of Array.from(app.shell.widgets('main')) as any[]) {
        if (widget.id === `devinterview-notes-${id}`) {
          widget.close();
        }
      }
    }, session.id);
    const reopened = await openNotes(page, session.id);
    await expect(reopened.locator('.cm-content')).toContainText(SECRET_B);
  } finally {
    await other.context().close();
  }
});
