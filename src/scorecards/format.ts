import type { TranslationBundle } from '@jupyterlab/translation';

import type { IScorecardSummary, ScorecardRecommendation } from '../api/types';

/**
 * The ratings of a criterion, lowest first.
 */
export const RATINGS: readonly number[] = [1, 2, 3, 4];

/**
 * The overall recommendations, most negative first (the order they are offered in).
 */
export const RECOMMENDATIONS: readonly ScorecardRecommendation[] = [
  'strong_no',
  'no',
  'yes',
  'strong_yes'
];

/**
 * Whether a value is a recommendation the API knows.
 */
export function isRecommendation(
  value: unknown
): value is ScorecardRecommendation {
  return RECOMMENDATIONS.includes(value as ScorecardRecommendation);
}

/**
 * The word of a rating, e.g. "Good" for 3.
 */
export function ratingWord(rating: number, trans: TranslationBundle): string {
  switch (rating) {
    case 1:
      return trans.__('Poor');
    case 2:
      return trans.__('Fair');
    case 3:
      return trans.__('Good');
    case 4:
      return trans.__('Excellent');
    default:
      return String(rating);
  }
}

/**
 * The label of a rating with its number, e.g. "3 – Good".
 */
export function formatRating(rating: number, trans: TranslationBundle): string {
  return trans.__('%1 – %2', rating, ratingWord(rating, trans));
}

/**
 * The label of a recommendation as a choice, e.g. "Strong yes".
 */
export function formatRecommendation(
  recommendation: ScorecardRecommendation,
  trans: TranslationBundle
): string {
  switch (recommendation) {
    case 'strong_no':
      return trans.__('Strong no');
    case 'no':
      return trans.__('No');
    case 'yes':
      return trans.__('Yes');
    case 'strong_yes':
      return trans.__('Strong yes');
    default:
      return String(recommendation);
  }
}

/**
 * A recommendation inside a sentence or a list, e.g. "strong yes".
 */
export function recommendationInText(
  recommendation: ScorecardRecommendation,
  trans: TranslationBundle
): string {
  switch (recommendation) {
    case 'strong_no':
      return trans.__('strong no');
    case 'no':
      return trans.__('no');
    case 'yes':
      return trans.__('yes');
    case 'strong_yes':
      return trans.__('strong yes');
    default:
      return String(recommendation);
  }
}

/**
 * The scorecards of a session at a glance, for the dashboard's column: how
 * many are submitted, then either their recommendations (once the caller
 * submitted their own) or where the caller's own scorecard is, e.g.
 * "2 submitted · yes, strong yes" or "1 submitted · yours: draft". Empty
 * when there is nothing to say.
 */
export function formatScorecardSummary(
  item: IScorecardSummary | null | undefined,
  trans: TranslationBundle
): string {
  const parts = scorecardSummaryParts(item, trans);
  return parts ? [parts.count, parts.detail].filter(Boolean).join(' · ') : '';
}

/**
 * The pieces of `formatScorecardSummary`, for a rendering that marks each
 * recommendation; null when there is nothing to say.
 */
export function scorecardSummaryParts(
  item: IScorecardSummary | null | undefined,
  trans: TranslationBundle
): {
  count: string;
  detail: string;
  recommendations: { value: ScorecardRecommendation; label: string }[] | null;
} | null {
  if (!item) {
    return null;
  }
  const submitted = typeof item.submitted === 'number' ? item.submitted : 0;
  const mine = item.mine ?? null;
  if (submitted === 0 && mine === null) {
    return null;
  }
  const count = trans._n('%1 submitted', '%1 submitted', submitted);
  if (Array.isArray(item.recommendations)) {
    const recommendations = item.recommendations
      .filter(isRecommendation)
      .map(value => ({ value, label: recommendationInText(value, trans) }));
    return {
      count,
      detail: recommendations.map(item => item.label).join(', '),
      recommendations
    };
  }
  return {
    count,
    detail: mine === 'draft' ? trans.__('yours: draft') : '',
    recommendations: null
  };
}
