/**
 * Questions, end to end in real browsers: the interviewer creates a session
 * from a shipped question in the New session dialog; the candidate sees the
 * prompt and the starter code, solves it and runs the visible tests ("k/n
 * passed", live on both sides); the interviewer reveals part 2 (the candidate
 * sees it) and runs the hidden tests, which the candidate never sees — neither
 * on the page nor in any frame its websockets receive — on a fresh runtime,
 * which a hook planted by code run earlier does not reach.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';

import {
  API,
  AUTH,
  candidateConnected,
  candidatePage,
  createInvite,
  interviewerLab,
  openInterview,
  setCode
} from './helpers';

const TWO_SUM = 'shipped~python~two-sum';
const SOLUTION = [
  'def two_sum(nums, target):',
  '    seen = {}',
  '    for i, n in enumerate(nums):',
  '        if target - n in seen:',
  '            return [seen[target - n], i]',
  '        seen[n] = i',
  ''
].join('\n');

/**
 * Every websocket frame a page receives, as text (binary frames decoded as
 * UTF-8, which is how Yjs writes strings).
 */
function recordFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', ws => {
    ws.on('framereceived', frame => {
      const payload = frame.payload;
      frames.push(
        typeof payload === 'string' ? payload : payload.toString('utf-8')
      );
    });
  });
  return frames;
}

test('a session from a shipped question: prompt, starter, tests, parts, hidden tests', async ({
  browser
}) => {
  test.setTimeout(300000);
  const foreign: string[] = [];
  const lab = await interviewerLab(browser, foreign);

  // The hidden tests as only interviewers may read them.
  const whole = await lab.request.get(
    `${API}/questions/${encodeURIComponent(TWO_SUM)}`,
    { headers: AUTH }
  );
  expect(whole.status()).toBe(200);
  const question = await whole.json();
  const hiddenNames: string[] = question.hidden_tests.map(
    (t: { name: string }) => t.name
  );
  const hiddenInputs: string[] = question.hidden_tests.map(
    (t: { input: { python: string } }) => t.input.python
  );
  expect(hiddenNames.length).toBeGreaterThan(0);
  const visibleCount: number = question.tests.length;

  // Create the session from the New session dialog, finding the question by search.
  const title = `Question ${Date.now()}`;
  await lab.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'devinterview:open-dashboard'
    );
  });
  await lab.getByRole('button', { name: 'New session' }).first().click();
  const dialog = lab.locator('.jp-Dialog');
  await dialog.getByPlaceholder('e.g. Backend engineer').fill(title);
  await dialog.locator('.jp-DevInterview-questionSearch').fill('two sum');
  const option = dialog.locator(
    `.jp-DevInterview-questionOption[data-question-id="${TWO_SUM}"]`
  );
  await expect(option).toBeVisible({ timeout: 30000 });
  await option.click();
  // The dialog closes before its request is answered: wait for the answer.
  const created = lab.waitForResponse(
    response =>
      // JupyterLab adds a cache-busting query to every request.
      new URL(response.url()).pathname.endsWith('/devinterview/api/sessions') &&
      response.request().method() === 'POST'
  );
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toHaveCount(0);
  const answer = await created;
  expect(answer.status()).toBe(201);
  const session = await answer.json();
  expect(session.title).toBe(title);
  expect(session.planned_minutes).toBe(question.duration_minutes);
  const invite = await createInvite(lab.request, session.id);
  const panelA = await openInterview(lab, session.id);
  await expect(panelA.locator('.jp-DevInterview-promptTitle')).toHaveText(
    /Two sum/,
    { timeout: 60000 }
  );

  const candidate = await candidatePage(browser, foreign, 'about:blank');
  const frames = recordFrames(candidate);
  await candidate.goto(invite.url);
  try {
    const panelC = await candidateConnected(candidate);
    // The prompt and the starter code.
    await expect(panelC.locator('.jp-DevInterview-promptTitle')).toHaveText(
      /Two sum/
    );
    await expect(panelC.locator('.jp-DevInterview-prompt')).toContainText(
      'target'
    );
    await expect(panelC.locator('.cm-content')).toContainText(
      'def two_sum(nums, target):'
    );
    await expect(panelC.locator('.jp-DevInterview-promptPart')).toHaveCount(0);

    // The starter fails the visible tests; the candidate sees k/n passed.
    const summaryC = panelC.locator('.jp-DevInterview-testSummary');
    await panelC.locator('.jp-DevInterview-runTests').click();
    await expect(summaryC).toHaveText(new RegExp(`^0/${visibleCount} passed`), {
      timeout: 120000
    });

    // Solved: every visible test passes, and the interviewer sees it live.
    await panelC.locator('.cm-content').click();
    await candidate.keyboard.press('ControlOrMeta+a');
    await candidate.keyboard.insertText(SOLUTION);
    await expect(panelA.locator('.cm-content')).toContainText('seen = {}');
    await panelC.locator('.jp-DevInterview-runTests').click();
    const allPassed = new RegExp(`^${visibleCount}/${visibleCount} passed`);
    await expect(summaryC).toHaveText(allPassed, { timeout: 120000 });
    await expect(panelA.locator('.jp-DevInterview-testSummary')).toHaveText(
      allPassed
    );
    await expect(
      panelC.locator('.jp-DevInterview-testCase[data-status="pass"]')
    ).toHaveCount(visibleCount);

    // The interviewer reveals part 2; the candidate sees it.
    await panelA.locator('.jp-DevInterview-revealPart').click();
    await expect(panelC.locator('.jp-DevInterview-promptPart')).toHaveCount(1);
    await expect(panelC.locator('.jp-DevInterview-promptPart')).toContainText(
      'Sorted input'
    );

    // The interviewer runs the hidden tests in their own browser.
    await panelA.locator('.jp-DevInterview-runHiddenTests').click();
    await expect(
      panelA.locator('.jp-DevInterview-hiddenTestSummary')
    ).toHaveText(new RegExp(`^\\d+/${hiddenNames.length} passed`), {
      timeout: 120000
    });
    await expect(panelA.locator('.jp-DevInterview-hiddenTests')).toContainText(
      hiddenNames[0]
    );

    // The candidate never sees them: no control, no result, no byte on the wire.
    await candidate.waitForTimeout(2000);
    await expect(panelC.locator('.jp-DevInterview-runHiddenTests')).toHaveCount(
      0
    );
    await expect(panelC.locator('.jp-DevInterview-hiddenTests')).toHaveCount(0);
    const page = await candidate.content();
    const wire = frames.join('\n');
    expect(wire).toContain('two_sum([2, 7, 11, 15], 9)'); // visible tests do arrive
    for (const secret of [...hiddenNames, ...hiddenInputs]) {
      expect(page).not.toContain(secret);
      expect(wire).not.toContain(secret);
    }
    // The summary the candidate sees is still the visible tests'.
    await expect(summaryC).toHaveText(allPassed);

    // Code the interviewer ran earlier may leave hooks in the shared Python
    // interpreter (here: json.dumps, which the harness uses, forging every
    // value). Visible tests, on that interpreter, meet the hook; hidden ones
    // run on a fresh runtime and do not.
    const hiddenSummary = panelA.locator('.jp-DevInterview-hiddenTestSummary');
    const hiddenBefore = await hiddenSummary.textContent();
    await setCode(
      lab,
      session.id,
      [
        'import json',
        '_real = json.dumps',
        'def _forged(value, **options):',
        '    if options.get("ensure_ascii") is False:',
        '        value = "PLANTED"',
        '    return _real(value, **options)',
        'json.dumps = _forged',
        ''
      ].join('\n')
    );
    await expect(panelA.locator('.cm-content')).toContainText('_forged');
    const runArea = panelA.locator('.jp-DevInterview-runArea');
    await runArea.locator('.jp-DevInterview-runButton').click();
    await expect(
      runArea.locator('.jp-DevInterview-run').last()
    ).toHaveAttribute('data-status', 'ok', { timeout: 60000 });
    await setCode(lab, session.id, SOLUTION);
    await expect(panelA.locator('.cm-content')).toContainText('seen = {}');
    const summaryA = panelA.locator('.jp-DevInterview-testSummary');
    await panelA.locator('.jp-DevInterview-runTests').click();
    await expect(summaryA).toHaveText(new RegExp(`^0/${visibleCount} passed`), {
      timeout: 120000
    });
    await expect(panelA.locator('.jp-DevInterview-testResults')).toContainText(
      'PLANTED'
    );
    await panelA.locator('.jp-DevInterview-runHiddenTests').click();
    await expect(hiddenSummary).toHaveAttribute('data-status', 'running');
    await expect(hiddenSummary).toHaveAttribute('data-status', 'done', {
      timeout: 120000
    });
    await expect(hiddenSummary).toHaveText(hiddenBefore!);
    await expect(
      panelA.locator('.jp-DevInterview-hiddenTests')
    ).not.toContainText('PLANTED');
  } finally {
    await candidate.context().close();
    await lab.context().close();
  }
  expect(foreign).toEqual([]);
});
