import { Time } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IScorecard } from '../api/types';
import { formatRating, formatRecommendation, isRecommendation } from './format';

/**
 * Ids unique in the page, for `aria-labelledby` and radio group names: two
 * scorecards (of two sessions) may be open at once.
 */
let nextId = 0;

/**
 * A new id with a prefix, unique in the page.
 */
export function uniqueId(prefix: string): string {
  return `${prefix}-${++nextId}`;
}

/**
 * A submitted scorecard, read-only: each criterion's rating and comment, the
 * recommendation and the summary. All text goes in as text, never as HTML:
 * comments are written by other people.
 */
export function renderScorecardCard(
  scorecard: IScorecard,
  trans: TranslationBundle,
  options: { own: boolean }
): HTMLElement {
  const card = document.createElement('article');
  card.className = 'jp-DevInterview-scorecardCard';
  card.dataset.interviewer = scorecard.interviewer;
  card.dataset.status = scorecard.status;
  if (options.own) {
    card.dataset.own = 'true';
  }

  const head = document.createElement('header');
  head.className = 'jp-DevInterview-scorecardCardHead';
  const title = document.createElement('h3');
  title.className = 'jp-DevInterview-scorecardCardTitle';
  title.id = uniqueId('jp-DevInterview-scorecardCard');
  title.tabIndex = -1; // focused after one's own submission
  title.textContent = options.own
    ? trans.__('Your scorecard')
    : trans.__('Scorecard of %1', scorecard.interviewer);
  card.setAttribute('aria-labelledby', title.id);
  head.append(title);

  const recommendation = document.createElement('span');
  recommendation.className = 'jp-DevInterview-recommendation';
  if (isRecommendation(scorecard.recommendation)) {
    recommendation.dataset.recommendation = scorecard.recommendation;
    recommendation.textContent = formatRecommendation(
      scorecard.recommendation,
      trans
    );
  } else {
    recommendation.textContent = trans.__('No recommendation');
  }
  recommendation.title = trans.__('Overall recommendation');
  head.append(recommendation);

  if (scorecard.submitted_at) {
    const when = document.createElement('time');
    when.className = 'jp-DevInterview-scorecardTime';
    when.dateTime = scorecard.submitted_at;
    when.title = Time.format(scorecard.submitted_at);
    when.textContent = trans.__(
      'submitted %1',
      Time.formatHuman(scorecard.submitted_at)
    );
    head.append(when);
  }
  card.append(head);

  const ratings = document.createElement('dl');
  ratings.className = 'jp-DevInterview-scorecardRatings';
  for (const criterion of scorecard.criteria ?? []) {
    const name = document.createElement('dt');
    name.textContent = criterion.name;
    if (criterion.description) {
      name.title = criterion.description;
    }
    const value = document.createElement('dd');
    const rating = document.createElement('span');
    rating.className = 'jp-DevInterview-scorecardRating';
    if (typeof criterion.rating === 'number') {
      rating.dataset.rating = String(criterion.rating);
      rating.textContent = formatRating(criterion.rating, trans);
    } else {
      rating.textContent = trans.__('Not rated');
    }
    value.append(rating);
    if (criterion.comment) {
      const comment = document.createElement('p');
      comment.className = 'jp-DevInterview-scorecardComment';
      comment.textContent = criterion.comment;
      value.append(comment);
    }
    ratings.append(name, value);
  }
  card.append(ratings);

  if (scorecard.summary) {
    const heading = document.createElement('h4');
    heading.className = 'jp-DevInterview-scorecardSummaryTitle';
    heading.textContent = trans.__('Summary');
    const summary = document.createElement('p');
    summary.className = 'jp-DevInterview-scorecardSummary';
    summary.textContent = scorecard.summary;
    card.append(heading, summary);
  }
  return card;
}
