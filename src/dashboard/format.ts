import { Time } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { Language, SessionStatus } from '../api/types';

/**
 * The display names of the session languages.
 */
const LANGUAGE_NAMES: Record<Language, string> = {
  python: 'Python',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  java: 'Java',
  cpp: 'C++',
  go: 'Go',
  sql: 'SQL'
};

/**
 * The display name of a language (the raw value for an unknown one).
 */
export function formatLanguage(language: Language | string): string {
  return LANGUAGE_NAMES[language as Language] ?? language;
}

/**
 * The translated label of a session status.
 */
export function formatStatus(
  status: SessionStatus,
  trans: TranslationBundle
): string {
  // One lifecycle, in words people use: Scheduled → In progress → Ended.
  switch (status) {
    case 'scheduled':
      return trans.__('Scheduled');
    case 'active':
      return trans.__('In progress');
    case 'terminated':
      return trans.__('Ended');
    default:
      return status;
  }
}

/**
 * What happens next to a session in this status, or `null`: opening a
 * scheduled interview does not start it, the candidate's arrival does.
 */
export function statusHint(
  status: SessionStatus,
  trans: TranslationBundle
): string | null {
  return status === 'scheduled'
    ? trans.__('starts when the candidate joins')
    : null;
}

/**
 * How many characters of a token a masked link keeps: enough to tell two
 * links apart, far too few to use one.
 */
export const MASKED_TOKEN_CHARS = 4;

/**
 * A candidate link safe to show on a shared screen: its token cut to its
 * first characters (`…#token=abcd…`). Any other text is returned unchanged.
 */
export function maskLink(url: string): string {
  return url.replace(
    /([#?&]token=)([^&#\s]*)/g,
    (_match, key: string, token: string) =>
      token.length > MASKED_TOKEN_CHARS
        ? `${key}${token.slice(0, MASKED_TOKEN_CHARS)}…`
        : `${key}…`
  );
}

/**
 * A timestamp in the user's locale (empty for none).
 */
export function formatTimestamp(value: string | null | undefined): string {
  return value ? Time.format(value) : '';
}

/**
 * A duration in minutes with one decimal (a dash for none).
 */
export function formatDuration(minutes: number | null | undefined): string {
  return typeof minutes === 'number' ? minutes.toFixed(1) : '—';
}
