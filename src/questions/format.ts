import type { TranslationBundle } from '@jupyterlab/translation';

import { formatLanguage } from '../dashboard/format';

/**
 * The translated label of a question's difficulty (the raw value for an
 * unknown one, so a newer server's level still shows).
 */
export function formatDifficulty(
  difficulty: string,
  trans: TranslationBundle
): string {
  switch (difficulty) {
    case 'easy':
      return trans.__('easy');
    case 'medium':
      return trans.__('medium');
    case 'hard':
      return trans.__('hard');
    default:
      return difficulty;
  }
}

/**
 * A question's suggested duration ("30 min"; empty for none).
 */
export function formatMinutes(
  minutes: number | null | undefined,
  trans: TranslationBundle
): string {
  return typeof minutes === 'number' ? trans.__('%1 min', minutes) : '';
}

/**
 * The display names of a question's languages, comma-separated.
 */
export function formatLanguages(languages: readonly string[]): string {
  return languages.map(formatLanguage).join(', ');
}
