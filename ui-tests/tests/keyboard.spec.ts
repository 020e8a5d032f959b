/**
 * A whole interview with the keyboard only: create a session in the
 * dashboard, copy the candidate link, open the interview, type code, run it
 * and end the interview — Tab, Enter, arrows and Shift+Enter, no clicks.
 * Focus is checked by role and accessible name, as a screen reader would
 * announce it.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

const DASHBOARD = '#devinterview-dashboard';

/**
 * Galata intercepts every URL matching `/api/sessions` (kernel sessions),
 * which catches `/devinterview/api/sessions` too: turn that off.
 */
test.use({ sessions: null, viewport: { width: 1280, height: 800 } });

/**
 * What the focused element is called (its accessible name, roughly: the
 * label, else its text) and its tag.
 */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) {
      return '';
    }
    const name =
      el.getAttribute('aria-label') ||
      (el as HTMLInputElement).name ||
      el.textContent ||
      '';
    return `${el.tagName.toLowerCase()}:${name.trim()}`;
  });
}

async function isFocused(target: Locator): Promise<boolean> {
  return target
    .evaluate(el => el === document.activeElement)
    .catch(() => false);
}

/**
 * Press Tab (or Shift+Tab) until `target` has the focus; fails after `max`
 * presses, listing what was focused on the way.
 */
async function tabTo(
  page: Page,
  target: Locator,
  options: { back?: boolean; max?: number } = {}
): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < (options.max ?? 60); i++) {
    if (await isFocused(target)) {
      return seen;
    }
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    seen.push(await focused(page));
  }
  throw new Error(`Never reached the target with Tab: ${seen.join(' → ')}`);
}

test('a keyboard-only interview: create, copy link, open, run, end', async ({
  page
}, testInfo) => {
  test.setTimeout(240000);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(page.url()).origin
  });
  const title = `Keyboard ${Date.now()}`;

  // The dashboard, from the command palette.
  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#command-palette input');
  await expect(palette).toBeFocused();
  await page.keyboard.type('Open Interview Dashboard');
  await expect(
    page.locator('#command-palette .lm-CommandPalette-item.lm-mod-active')
  ).toBeVisible();
  await page.keyboard.press('Enter');
  const dashboard = page.locator(DASHBOARD);
  await expect(dashboard).toBeVisible();

  // New session: Tab to the button, fill the dialog, create.
  const create = dashboard.getByRole('button', { name: /^New session/ });
  await tabTo(page, create);
  await page.keyboard.press('Enter');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.locator('input[name="title"]'));
  await page.keyboard.type(title);
  await tabTo(page, dialog.locator('input[name="candidate_name"]'));
  await page.keyboard.type('Grace');
  const language = dialog.locator('select[name="language"]');
  await tabTo(page, language);
  // JavaScript: the runner starts in a second (Python takes longer).
  await page.keyboard.press('ArrowDown');
  await expect(language).toHaveValue('javascript');
  await tabTo(page, dialog.locator('.jp-Dialog-button.jp-mod-accept'));
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  const row = dashboard.locator('tr.jp-DevInterview-sessionRow', {
    hasText: title
  });
  await expect(row).toBeVisible();
  const sessionId = (await row.getAttribute('data-session-id'))!;

  // Copy the candidate link.
  const copy = row.getByRole('button', { name: /^Copy link/ });
  await tabTo(page, copy);
  await expect(copy).toHaveAttribute('data-action', 'copy-link');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()), {
      timeout: 10000
    })
    .toMatch(/#token=/);

  // Open the interview: the editor has the focus at once.
  const open = row.getByRole('button', { name: /^Open/ });
  await tabTo(page, open, { back: true });
  await expect(open).toHaveAttribute('data-action', 'open');
  await page.keyboard.press('Enter');
  const panel = page.locator(`#devinterview-interview-${sessionId}`);
  const editor = panel.locator('.cm-content');
  await expect(editor).toBeFocused({ timeout: 30000 });
  await expect(panel.locator('.cm-placeholder')).toContainText('Shift+Enter');

  // Type and run with Shift+Enter.
  const runArea = panel.locator('.jp-DevInterview-runArea');
  await expect(runArea).toHaveAttribute('data-runner', 'ready', {
    timeout: 120000
  });
  await page.keyboard.type('console.log(6 * 7)');
  await page.keyboard.press('Shift+Enter');
  const run = runArea.locator('.jp-DevInterview-run').last();
  await expect(run).toHaveAttribute('data-status', 'ok', { timeout: 30000 });
  await expect(run.locator('.jp-mod-stdout')).toHaveText('42\n');
  await expect(editor).toBeFocused();

  // The shortcuts: Alt+Shift+R goes to Run, Alt+Shift+E back to the editor.
  await page.keyboard.press('Alt+Shift+R');
  await expect(
    runArea.getByRole('button', { name: 'Run', exact: true })
  ).toBeFocused();
  await page.keyboard.press('Alt+Shift+E');
  await expect(editor).toBeFocused();
  // Alt+Shift+K lists the shortcuts; Escape closes the list.
  await page.keyboard.press('Alt+Shift+K');
  const shortcuts = page.locator('.jp-Dialog .jp-DevInterview-shortcuts');
  await expect(shortcuts).toContainText('Shift+Enter');
  await expect(shortcuts).toContainText('Alt+Shift+W');
  await page.keyboard.press('Escape');
  await expect(shortcuts).toHaveCount(0);
  await page.keyboard.press('Alt+Shift+E');
  await expect(editor).toBeFocused();

  // Leave the editor (Escape, then Shift+Tab) and go back to the toolbar:
  // every control is its own Tab stop, in visual order.
  await page.keyboard.press('Escape');
  const select = panel.getByRole('combobox', { name: 'Language' });
  await tabTo(page, select, { back: true });
  const order: string[] = [];
  const end = panel.getByRole('button', { name: 'End interview' });
  for (let i = 0; i < 12 && !(await isFocused(end)); i++) {
    await page.keyboard.press('Tab');
    order.push(await focused(page));
  }
  expect(order.slice(0, 2)).toEqual([
    'button:Start timer',
    'button:Reset timer'
  ]);
  expect(order[order.length - 1]).toBe('button:End interview');
  // Start the timer from the keyboard; Pause takes its place.
  await page.keyboard.press('Shift+Tab');
  await tabTo(page, panel.getByRole('button', { name: 'Start timer' }), {
    back: true
  });
  await page.keyboard.press('Enter');
  await expect(panel.locator('.jp-DevInterview-timer')).toHaveAttribute(
    'data-running',
    'true'
  );
  await expect(panel.getByRole('timer')).toHaveAttribute(
    'aria-label',
    /Time elapsed/
  );

  // End the interview, confirming in the dialog.
  await tabTo(page, end);
  await page.keyboard.press('Enter');
  const confirm = page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'End interview' });
  await tabTo(page, confirm);
  await page.keyboard.press('Enter');
  await expect(panel.locator('.jp-DevInterview-interview')).toHaveClass(
    /jp-mod-readOnly/
  );
  // Read-only: no caret, no keystrokes taken.
  await expect(editor).toHaveAttribute('contenteditable', 'false');
  await expect(end).toBeDisabled();

  const path = testInfo.outputPath('keyboard-ended.png');
  await page.screenshot({ path });
  await testInfo.attach('keyboard-ended', { path, contentType: 'image/png' });
});
