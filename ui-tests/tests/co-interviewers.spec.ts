/**
 * The co-interviewers dialog of the dashboard, the "shared by" mark of a
 * session someone else owns, and every interviewer named in the interview.
 *
 * The Galata server (port 8888) has no login: each browser context is its own
 * anonymous Jupyter user ("Anonymous <moon>"), so a second context is a second
 * interviewer. It runs with `session_access = "server"`, where the server
 * lets any interviewer change co-interviewers; the dashboard still offers the
 * change only to the owner, as team mode (`"owner"`) requires.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import {
  clickRowAction,
  DASHBOARD,
  LAB_API,
  me,
  openDashboard,
  otherInterviewer,
  xsrfHeaders
} from './labUsers';

/**
 * Galata's kernel-session tracking also catches `/devinterview/api/sessions`.
 */
test.use({ sessions: null });

async function coInterviewers(page: Page, sessionId: string) {
  const response = await page.request.get(
    `${LAB_API}/sessions/${sessionId}/co-interviewers`
  );
  expect(response.status()).toBe(200);
  return ((await response.json()).items as { username: string }[]).map(
    item => item.username
  );
}

/**
 * A pattern matching exactly this text.
 */
function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function row(page: Page, sessionId: string) {
  return page.locator(
    `${DASHBOARD} tr.jp-DevInterview-sessionRow[data-session-id="${sessionId}"]`
  );
}

test.describe('Co-interviewers', () => {
  test('the owner adds co-interviewer bob, sees him listed and removes him', async ({
    page
  }, testInfo) => {
    const owner = await me(page.request);
    const response = await page.request.post(`${LAB_API}/sessions`, {
      data: { title: `UI team ${Date.now()}` },
      headers: await xsrfHeaders(page)
    });
    expect(response.status()).toBe(201);
    const session = await response.json();
    expect(session.owner).toBe(owner);

    await openDashboard(page);
    const target = row(page, session.id);
    await expect(target).toBeVisible();
    // One's own session carries no "shared by" mark.
    await expect(target.locator('.jp-DevInterview-sharedBadge')).toHaveCount(0);

    const action = target.locator('button[data-action="co-interviewers"]');
    await expect(action).toHaveAttribute('aria-label', 'Co-interviewers…');
    await clickRowAction(page, session.id, 'co-interviewers');

    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toContainText(
      'Co-interviewers of'
    );
    await expect(
      dialog.locator('.jp-DevInterview-coInterviewersOwner')
    ).toHaveText(`Owner: ${owner}`);
    await expect(
      dialog.locator('.jp-DevInterview-coInterviewerEmpty')
    ).toHaveText('No co-interviewers yet.');
    await expect(
      dialog.locator('.jp-DevInterview-coInterviewersNote')
    ).toBeHidden();
    const input = dialog.getByRole('textbox', { name: 'Hub user name' });
    await expect(input).toBeFocused();

    // A malformed name is refused here, before any request.
    await input.fill('bob smith');
    await input.press('Enter');
    const error = dialog.locator('.jp-DevInterview-error');
    await expect(error).toContainText('is not a hub user name');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(dialog).toBeVisible();
    expect(await coInterviewers(page, session.id)).toEqual([]);

    // Enter in the field adds (and keeps the dialog open).
    await input.fill('bob');
    await expect(error).toBeHidden();
    await input.press('Enter');
    const bob = dialog.locator(
      'li.jp-DevInterview-coInterviewer[data-username="bob"]'
    );
    await expect(bob).toBeVisible();
    await expect(bob.locator('.jp-DevInterview-coInterviewerName')).toHaveText(
      'bob'
    );
    await expect(bob.locator('.jp-DevInterview-coInterviewerAdded')).toHaveText(
      `added by ${owner}`
    );
    await expect(input).toHaveValue('');
    await expect(dialog.locator('.jp-DevInterview-message')).toHaveText(
      'bob can now co-interview.'
    );
    expect(await coInterviewers(page, session.id)).toEqual(['bob']);

    const screenshot = testInfo.outputPath('co-interviewers.png');
    await dialog.locator('.jp-Dialog-content').screenshot({ path: screenshot });
    await testInfo.attach('co-interviewers', {
      path: screenshot,
      contentType: 'image/png'
    });

    // Closed and opened again: still listed.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
    await clickRowAction(page, session.id, 'co-interviewers');
    await expect(bob).toBeVisible();

    // Remove.
    await bob.getByRole('button', { name: 'Remove bob' }).click();
    await expect(bob).toHaveCount(0);
    await expect(
      dialog.locator('.jp-DevInterview-coInterviewerEmpty')
    ).toHaveText('No co-interviewers yet.');
    expect(await coInterviewers(page, session.id)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test("another interviewer sees the owner, a read-only list, and everyone's name in the interview", async ({
    page
  }) => {
    test.setTimeout(180000);
    const owner = await me(page.request);
    const headers = await xsrfHeaders(page);
    const created = await page.request.post(`${LAB_API}/sessions`, {
      data: { title: `UI shared ${Date.now()}` },
      headers
    });
    expect(created.status()).toBe(201);
    const session = await created.json();
    const added = await page.request.put(
      `${LAB_API}/sessions/${session.id}/co-interviewers/carol`,
      { headers }
    );
    expect(added.status()).toBe(201);

    const { other, name } = await otherInterviewer(
      page,
      owner,
      'co-interviewer'
    );
    try {
      await openDashboard(other);
      const target = row(other, session.id);
      await expect(target.locator('.jp-DevInterview-sharedBadge')).toHaveText(
        `shared by ${owner}`
      );
      await expect(target).toHaveAttribute('data-shared', 'true');

      await clickRowAction(other, session.id, 'co-interviewers');
      const dialog = other.locator('.jp-Dialog');
      await expect(
        dialog.locator(
          'li.jp-DevInterview-coInterviewer[data-username="carol"]'
        )
      ).toBeVisible();
      await expect(
        dialog.locator('.jp-DevInterview-coInterviewersNote')
      ).toHaveText(
        `Only the owner of this session (${owner}) can add or remove co-interviewers.`
      );
      await expect(dialog.locator('input[name="username"]')).toBeHidden();
      await expect(dialog.locator('button[data-action="remove"]')).toHaveCount(
        0
      );
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect(dialog).toHaveCount(0);

      // Both open the interview: each sees the other by name, as interviewer.
      const open = async (lab: Page) => {
        await lab.evaluate(async id => {
          await (window as any).jupyterapp.commands.execute(
            'devinterview:open-interview',
            { sessionId: id }
          );
        }, session.id);
        const panel = lab.locator(`#devinterview-interview-${session.id}`);
        await expect(
          panel.locator('.jp-DevInterview-connection')
        ).toHaveAttribute('data-state', 'connected', { timeout: 30000 });
        return panel;
      };
      const panelA = await open(page);
      const panelB = await open(other);
      const participant = (panel: typeof panelA, who: string) =>
        panel.locator('.jp-DevInterview-participant[data-online="true"]', {
          has: panel.page().locator('.jp-DevInterview-participantName', {
            hasText: exactly(who)
          })
        });
      for (const [panel, who] of [
        [panelA, name],
        [panelB, owner]
      ] as const) {
        const entry = participant(panel, who);
        await expect(entry).toHaveCount(1);
        await expect(entry).toHaveAttribute('data-role', 'interviewer');
        await expect(entry.locator('.jp-DevInterview-roleBadge')).toHaveText(
          'Interviewer'
        );
      }
    } finally {
      await other.context().close();
    }
  });
});
