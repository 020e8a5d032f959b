/**
 * The scorecard panel and the dashboard's scorecards column against a FAKE
 * server (see ./fakeServer.ts) that keeps the scorecards of session s1 and
 * applies the rules of the REST API: one scorecard per interviewer, locked
 * once submitted, the others' shown only after one's own is submitted.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { DevInterviewClient } from '../api/client';
import type { IScorecard } from '../api/types';
import { SessionsPanel } from '../dashboard/panel';
import { formatScorecardSummary } from '../scorecards/format';
import { ScorecardPanel } from '../scorecards/scorecardPanel';
import type { IRecordedRequest } from './fakeServer';
import { FakeServer, makeSession } from './fakeServer';

const trans = nullTranslator.load('devinterview_jupyter');

const CRITERIA = [
  { name: 'Problem solving', description: 'plans, handles edge cases' },
  { name: 'Code', description: 'correct, clear, idiomatic' }
];

const SAVE_DELAY_MS = 30;

function route(request: IRecordedRequest): string {
  const url = new URL(request.url);
  return `${request.method} ${url.pathname.replace(/^.*\/devinterview\/api/, '')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Wait until `check` holds (polling), or fail after a second.
 */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) {
      return;
    }
    await sleep(10);
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

function card(
  interviewer: string,
  overrides: Partial<IScorecard> = {}
): IScorecard {
  return {
    id: `card-${interviewer}`,
    session_id: 's1',
    interviewer,
    status: 'draft',
    criteria: CRITERIA.map(c => ({ ...c, rating: null, comment: '' })),
    recommendation: null,
    summary: '',
    created_at: '2026-11-29T10:00:00Z',
    updated_at: '2026-11-29T10:00:00Z',
    submitted_at: null,
    ...overrides
  };
}

/**
 * The scorecards of session s1 on a fake server, as user `me`. No `GET /me`:
 * the panel knows its own scorecard as the first of the list.
 */
function scorecardServer(me = 'alice') {
  const cards = new Map<string, IScorecard>();
  const server = new FakeServer(request => {
    const r = route(request);
    const mine = cards.get(me);
    if (r === 'GET /sessions/s1/scorecards') {
      const others = [...cards.values()].filter(
        c => c.interviewer !== me && c.status === 'submitted'
      );
      const open = mine?.status === 'submitted';
      return {
        status: 200,
        json: {
          items: [...(mine ? [mine] : []), ...(open ? others : [])],
          hidden: open ? 0 : others.length,
          criteria: CRITERIA
        }
      };
    }
    if (r === 'PUT /sessions/s1/scorecards/mine') {
      if (mine?.status === 'submitted') {
        return {
          status: 409,
          json: {
            message: 'Your scorecard is submitted: it cannot change.',
            reason: 'submitted'
          }
        };
      }
      const body = JSON.parse(request.body);
      const next = mine ?? card(me);
      for (const rating of body.ratings ?? []) {
        const criterion = next.criteria.find(c => c.name === rating.name)!;
        criterion.rating = rating.rating;
        criterion.comment = rating.comment ?? '';
      }
      if ('recommendation' in body) {
        next.recommendation = body.recommendation;
      }
      if ('summary' in body) {
        next.summary = body.summary;
      }
      cards.set(me, next);
      return { status: mine ? 200 : 201, json: next };
    }
    if (r === 'POST /sessions/s1/scorecards/mine/submit') {
      if (!mine) {
        return {
          status: 404,
          json: { message: 'none', reason: 'no_scorecard' }
        };
      }
      const missing = mine.criteria
        .filter(c => c.rating === null)
        .map(c => c.name);
      if (missing.length || mine.recommendation === null) {
        return {
          status: 422,
          json: {
            message: `Missing: ${[...missing, 'recommendation'].join(', ')}`,
            reason: 'incomplete'
          }
        };
      }
      mine.status = 'submitted';
      mine.submitted_at = '2026-11-29T11:00:00Z';
      return { status: 200, json: mine };
    }
    return { status: 404, json: { message: `no route ${r}` } };
  });
  return { server, cards };
}

describe('ScorecardPanel (fake server)', () => {
  let server: FakeServer;
  let cards: Map<string, IScorecard>;
  let panel: ScorecardPanel;
  let confirmAnswer: boolean;
  let confirmed: string[];

  beforeEach(() => {
    ({ server, cards } = scorecardServer());
    confirmAnswer = true;
    confirmed = [];
  });

  afterEach(() => {
    panel.dispose();
  });

  async function open(): Promise<ScorecardPanel> {
    panel = new ScorecardPanel({
      sessionId: 's1',
      sessionTitle: 'Backend pairing',
      client: new DevInterviewClient({ serverSettings: server.settings() }),
      trans,
      saveDelayMs: SAVE_DELAY_MS,
      confirm: async title => {
        confirmed.push(title);
        return confirmAnswer;
      }
    });
    Widget.attach(panel, document.body);
    await panel.ready;
    return panel;
  }

  function $<T extends Element = HTMLElement>(selector: string): T {
    return panel.node.querySelector<T>(selector)!;
  }

  function criterion(name: string): HTMLElement {
    return $(`.jp-DevInterview-scorecardCriterion[data-criterion="${name}"]`);
  }

  function rate(name: string, rating: number): void {
    const input = criterion(name).querySelector<HTMLInputElement>(
      `input[type="radio"][value="${rating}"]`
    )!;
    input.click(); // checks it and fires `change`, as a click or Space does
  }

  function type(area: HTMLTextAreaElement, text: string): void {
    area.value = text;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function choose(recommendation: string): void {
    $<HTMLInputElement>(
      `input[data-recommendation="${recommendation}"]`
    ).click();
  }

  function puts(): IRecordedRequest[] {
    return server.requests.filter(
      r => route(r) === 'PUT /sessions/s1/scorecards/mine'
    );
  }

  function submitButton(): HTMLButtonElement {
    return $<HTMLButtonElement>('.jp-DevInterview-submitScorecard');
  }

  it('renders each criterion with an accessible 1–4 radio group and a comment', async () => {
    await open();
    const sections = panel.node.querySelectorAll<HTMLElement>(
      '.jp-DevInterview-scorecardCriterion'
    );
    expect(Array.from(sections).map(s => s.dataset.criterion)).toEqual([
      'Problem solving',
      'Code'
    ]);
    const code = criterion('Code');
    expect(
      code.querySelector('.jp-DevInterview-scorecardCriterionName')!.textContent
    ).toBe('Code');
    const description = code.querySelector(
      '.jp-DevInterview-scorecardCriterionDescription'
    )!;
    expect(description.textContent).toBe('correct, clear, idiomatic');

    const group = code.querySelector<HTMLElement>('[role="radiogroup"]')!;
    expect(group.getAttribute('aria-label')).toBe('Rating of Code');
    expect(group.getAttribute('aria-describedby')).toBe(description.id);
    expect(group.getAttribute('aria-required')).toBe('true');
    const radios = Array.from(
      group.querySelectorAll<HTMLInputElement>('input[type="radio"]')
    );
    // Native radios sharing one name: arrow keys move between them.
    expect(new Set(radios.map(r => r.name)).size).toBe(1);
    expect(radios.map(r => r.closest('label')!.textContent)).toEqual([
      '1 – Poor',
      '2 – Fair',
      '3 – Good',
      '4 – Excellent'
    ]);
    expect(radios.some(r => r.checked)).toBe(false);
    // Another criterion's group is another radio group.
    const other = criterion('Problem solving').querySelector<HTMLInputElement>(
      'input[type="radio"]'
    )!;
    expect(other.name).not.toBe(radios[0].name);

    const comment = code.querySelector('textarea')!;
    expect(comment.getAttribute('aria-label')).toBe('Comment on Code');
    expect(comment.closest('label')!.textContent).toContain('Comment');

    const overall = $('.jp-DevInterview-recommendationGroup');
    expect(overall.getAttribute('role')).toBe('radiogroup');
    const labelledBy = document.getElementById(
      overall.getAttribute('aria-labelledby')!
    )!;
    expect(labelledBy.textContent).toBe('Overall recommendation');
    expect(
      Array.from(overall.querySelectorAll('label')).map(l => l.textContent)
    ).toEqual(['Strong no', 'No', 'Yes', 'Strong yes']);
    expect(
      $<HTMLTextAreaElement>('.jp-DevInterview-scorecardSummaryInput').closest(
        'label'
      )!.textContent
    ).toContain('Summary');

    expect($('.jp-DevInterview-scorecardState').textContent).toBe(
      'Not started'
    );
    expect($('.jp-DevInterview-saveStatus').getAttribute('role')).toBe(
      'status'
    );
    // Opening it creates nothing on the server.
    expect(puts()).toHaveLength(0);
  });

  it('says plainly that the others come after submitting, and how many wait', async () => {
    cards.set(
      'bob',
      card('bob', {
        status: 'submitted',
        recommendation: 'strong_yes',
        submitted_at: '2026-11-29T10:30:00Z'
      })
    );
    await open();
    const notice = $('.jp-DevInterview-scorecardNotice');
    expect(notice.textContent).toContain(
      "You will see the other interviewers' scorecards after you submit yours."
    );
    expect(notice.textContent).toContain(
      '1 other interviewer has submitted a scorecard.'
    );
    expect(panel.hidden).toBe(1);
    expect($('.jp-DevInterview-scorecardOthers').hidden).toBe(true);
    expect(panel.node.textContent).not.toContain('bob');
  });

  it('never shows the others before one submits, even when they are sent', async () => {
    cards.set('alice', card('alice'));
    const bob = card('bob', { status: 'submitted', recommendation: 'no' });
    const respond = server.respond;
    server.respond = request =>
      route(request) === 'GET /sessions/s1/scorecards'
        ? {
            status: 200,
            json: { items: [cards.get('alice'), bob], hidden: 0, criteria: [] }
          }
        : respond(request);
    await open();
    expect($('.jp-DevInterview-scorecardOthers').hidden).toBe(true);
    expect(
      panel.node.querySelector('.jp-DevInterview-scorecardCard')
    ).toBeNull();
  });

  it('saves the draft once after a pause in the changes, with "Saving…" then "Saved"', async () => {
    await open();
    rate('Code', 3);
    type(criterion('Code').querySelector('textarea')!, 'Clean');
    type(criterion('Code').querySelector('textarea')!, 'Clean loops');
    choose('yes');
    expect(panel.saveState).toBe('pending');
    expect($('.jp-DevInterview-saveStatus').textContent).toBe('Saving…');
    expect(puts()).toHaveLength(0);

    await until(() => panel.saveState === 'saved', 'the draft saved');
    expect(puts()).toHaveLength(1);
    expect(JSON.parse(puts()[0].body)).toEqual({
      ratings: [
        { name: 'Problem solving', rating: null, comment: '' },
        { name: 'Code', rating: 3, comment: 'Clean loops' }
      ],
      recommendation: 'yes',
      summary: ''
    });
    expect($('.jp-DevInterview-saveStatus').textContent).toBe('Saved');
    expect($('.jp-DevInterview-scorecardState').textContent).toBe('Draft');

    type($('.jp-DevInterview-scorecardSummaryInput'), 'Good hire');
    await until(() => puts().length === 2, 'a second save');
    expect(JSON.parse(puts()[1].body).summary).toBe('Good hire');
    await until(() => panel.saveState === 'saved', 'saved again');
    // The draft is there when the panel opens again, with what was typed.
    panel.dispose();
    await open();
    expect(
      criterion('Code').querySelector<HTMLInputElement>('input[value="3"]')!
        .checked
    ).toBe(true);
    expect(criterion('Code').querySelector('textarea')!.value).toBe(
      'Clean loops'
    );
    expect(
      $<HTMLInputElement>('input[data-recommendation="yes"]').checked
    ).toBe(true);
    expect(
      $<HTMLTextAreaElement>('.jp-DevInterview-scorecardSummaryInput').value
    ).toBe('Good hire');
  });

  it('keeps Submit disabled until every criterion is rated and a recommendation chosen', async () => {
    await open();
    const hint = $('.jp-DevInterview-scorecardHint');
    expect(submitButton().disabled).toBe(true);
    expect(submitButton().getAttribute('aria-describedby')).toBe(hint.id);
    expect(hint.textContent).toBe(
      'Still missing before you can submit: Problem solving, Code, overall recommendation'
    );
    rate('Code', 4);
    rate('Problem solving', 2);
    expect(submitButton().disabled).toBe(true);
    expect(hint.textContent).toBe(
      'Still missing before you can submit: overall recommendation'
    );
    choose('strong_yes');
    expect(panel.complete).toBe(true);
    expect(submitButton().disabled).toBe(false);
    expect(hint.textContent).toBe(
      'Once submitted, your scorecard can no longer be changed.'
    );
  });

  it('submits after confirmation, then is read-only and shows the others', async () => {
    cards.set(
      'bob',
      card('bob', {
        status: 'submitted',
        recommendation: 'no',
        summary: 'Struggled with edge cases.',
        criteria: CRITERIA.map((c, i) => ({
          ...c,
          rating: i + 1,
          comment: `bob on ${c.name}`
        })),
        submitted_at: '2026-11-29T10:30:00Z'
      })
    );
    await open();
    rate('Problem solving', 3);
    rate('Code', 4);
    choose('strong_yes');

    confirmAnswer = false;
    expect(await panel.submit()).toBe(false);
    expect(confirmed).toEqual(['Submit your scorecard?']);
    expect(
      server.requests.filter(r => route(r).endsWith('/submit'))
    ).toHaveLength(0);
    expect(panel.submitted).toBe(false);

    confirmAnswer = true;
    // Submitting right after the last change saves it first (no wait).
    type(criterion('Code').querySelector('textarea')!, 'Last words');
    expect(await panel.submit()).toBe(true);
    const routes = server.requests.map(route);
    const submitAt = routes.lastIndexOf(
      'POST /sessions/s1/scorecards/mine/submit'
    );
    expect(routes.lastIndexOf('PUT /sessions/s1/scorecards/mine')).toBeLessThan(
      submitAt
    );
    expect(cards.get('alice')!.criteria[1].comment).toBe('Last words');

    expect(panel.submitted).toBe(true);
    expect($('.jp-DevInterview-scorecardState').textContent).toBe('Submitted');
    expect(panel.node.querySelector('form')).toBeNull();
    expect(panel.node.querySelector('input, textarea')).toBeNull();
    const own = $('.jp-DevInterview-scorecardCard[data-own="true"]');
    expect(own.textContent).toContain('Your scorecard');
    expect(own.textContent).toContain('Strong yes');
    expect(own.textContent).toContain('4 – Excellent');
    expect(own.textContent).toContain('Last words');
    expect(document.activeElement).toBe(
      own.querySelector('.jp-DevInterview-scorecardCardTitle')
    );

    const others = $('.jp-DevInterview-scorecardOthers');
    expect(others.hidden).toBe(false);
    expect(
      document.getElementById(others.getAttribute('aria-labelledby')!)!
        .textContent
    ).toBe("Other interviewers' scorecards");
    const bob = others.querySelector<HTMLElement>(
      '.jp-DevInterview-scorecardCard[data-interviewer="bob"]'
    )!;
    expect(bob.textContent).toContain('Scorecard of bob');
    expect(
      bob.querySelector('.jp-DevInterview-recommendation')!.textContent
    ).toBe('No');
    expect(bob.textContent).toContain('1 – Poor');
    expect(bob.textContent).toContain('bob on Code');
    expect(bob.textContent).toContain('Struggled with edge cases.');
    expect($('.jp-DevInterview-scorecardNotice').textContent).not.toContain(
      'after you submit'
    );

    // Locked: changes are ignored, nothing is sent.
    const before = server.requests.length;
    panel.setRating('Code', 1);
    panel.setSummary('changed');
    await sleep(SAVE_DELAY_MS * 2);
    expect(server.requests.length).toBe(before);
  });

  it('says when no one else has submitted yet', async () => {
    await open();
    rate('Problem solving', 1);
    rate('Code', 1);
    choose('strong_no');
    await panel.submit();
    expect($('.jp-DevInterview-scorecardEmpty').textContent).toBe(
      'No other interviewer has submitted a scorecard yet.'
    );
  });

  it('shows a 422 from the server clearly and stays editable', async () => {
    await open();
    rate('Problem solving', 3);
    rate('Code', 3);
    choose('yes');
    await panel.flush();
    // Someone cleared a rating on the server in between (another tab, say).
    cards.get('alice')!.criteria[0].rating = null;
    expect(await panel.submit()).toBe(false);
    const error = $('.jp-DevInterview-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe('Missing: Problem solving, recommendation');
    expect(panel.submitted).toBe(false);
    expect(panel.node.querySelector('form')).not.toBeNull();
  });

  it('shows a 409 on save and turns read-only (submitted elsewhere)', async () => {
    cards.set('alice', card('alice'));
    await open();
    expect($('.jp-DevInterview-scorecardState').textContent).toBe('Draft');
    Object.assign(cards.get('alice')!, {
      status: 'submitted',
      recommendation: 'yes',
      submitted_at: '2026-11-29T11:00:00Z'
    });
    rate('Code', 2);
    await until(() => panel.submitted, 'reloaded as submitted');
    await until(() => panel.error !== null, 'the error shown');
    expect(panel.error).toBe('Your scorecard is submitted: it cannot change.');
    expect($('.jp-DevInterview-saveStatus').textContent).toBe('');
    expect(panel.node.querySelector('form')).toBeNull();
  });

  it('opens a submitted scorecard read-only with the others', async () => {
    cards.set(
      'alice',
      card('alice', {
        status: 'submitted',
        recommendation: 'yes',
        criteria: CRITERIA.map(c => ({ ...c, rating: 3, comment: '' })),
        submitted_at: '2026-11-29T11:00:00Z'
      })
    );
    cards.set(
      'carol',
      card('carol', { status: 'submitted', recommendation: 'strong_no' })
    );
    cards.set('dave', card('dave')); // a draft: never shown
    await open();
    expect(panel.node.querySelector('form')).toBeNull();
    const interviewers = Array.from(
      panel.node.querySelectorAll<HTMLElement>('.jp-DevInterview-scorecardCard')
    ).map(node => node.dataset.interviewer);
    expect(interviewers).toEqual(['alice', 'carol']);
  });
});

describe('The scorecards column of the dashboard (fake server)', () => {
  const SUMMARY = [
    {
      session_id: 's1',
      submitted: 2,
      mine: 'submitted',
      recommendations: ['yes', 'strong_yes']
    },
    { session_id: 's2', submitted: 1, mine: 'draft', recommendations: null },
    { session_id: 's3', submitted: 0, mine: null, recommendations: null }
  ];

  it('formats each case', () => {
    expect(formatScorecardSummary(SUMMARY[0] as any, trans)).toBe(
      '2 submitted · yes, strong yes'
    );
    expect(formatScorecardSummary(SUMMARY[1] as any, trans)).toBe(
      '1 submitted · yours: draft'
    );
    expect(formatScorecardSummary(SUMMARY[2] as any, trans)).toBe('');
    expect(
      formatScorecardSummary(
        {
          session_id: 's',
          submitted: 1,
          mine: null,
          recommendations: null
        },
        trans
      )
    ).toBe('1 submitted');
    expect(formatScorecardSummary(null, trans)).toBe('');
  });

  it('shows the summary of the listed sessions', async () => {
    const server = new FakeServer(request => {
      const r = route(request);
      if (r === 'GET /sessions') {
        return {
          status: 200,
          json: {
            items: ['s1', 's2', 's3', 's4'].map(id => makeSession({ id })),
            total: 4
          }
        };
      }
      if (r === 'GET /scorecards/summary') {
        return { status: 200, json: { items: SUMMARY } };
      }
      if (r === 'GET /me') {
        return { status: 200, json: { kind: 'interviewer', name: 'alice' } };
      }
      return { status: 404 };
    });
    const panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() })
    });
    try {
      await panel.refresh();
      const summary = server.requests.find(
        r => route(r) === 'GET /scorecards/summary'
      )!;
      expect(new URL(summary.url).searchParams.getAll('session_id')).toEqual([
        's1',
        's2',
        's3',
        's4'
      ]);
      expect(
        panel.node.querySelector('th[data-column="scorecards"]')!.textContent
      ).toBe('Scorecards');
      const cell = (id: string) =>
        panel.node.querySelector<HTMLElement>(
          `tr[data-session-id="${id}"] td[data-column="scorecards"]`
        )!;
      expect(cell('s1').textContent).toBe('2 submitted · yes, strong yes');
      expect(
        Array.from(
          cell('s1').querySelectorAll<HTMLElement>(
            '.jp-DevInterview-recommendation'
          )
        ).map(node => node.dataset.recommendation)
      ).toEqual(['yes', 'strong_yes']);
      expect(cell('s2').textContent).toBe('1 submitted · yours: draft');
      expect(cell('s2').title).toContain('after you submit');
      expect(cell('s3').textContent).toBe('');
      expect(cell('s4').textContent).toBe('');
    } finally {
      panel.dispose();
    }
  });

  it('keeps the sessions when the summary fails', async () => {
    const server = new FakeServer(request => {
      const r = route(request);
      if (r === 'GET /sessions') {
        return {
          status: 200,
          json: { items: [makeSession({ id: 's1' })], total: 1 }
        };
      }
      if (r === 'GET /scorecards/summary') {
        return { status: 500, json: { message: 'boom' } };
      }
      return { status: 200, json: { kind: 'interviewer', name: 'alice' } };
    });
    const panel = new SessionsPanel({
      client: new DevInterviewClient({ serverSettings: server.settings() })
    });
    try {
      await panel.refresh();
      expect(panel.error).toBeNull();
      expect(panel.sessions).toHaveLength(1);
      expect(
        panel.node.querySelector('td[data-column="scorecards"]')!.textContent
      ).toBe('');
    } finally {
      panel.dispose();
    }
  });
});
