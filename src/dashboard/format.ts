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
  switch (status) {
    case 'scheduled':
      return trans.__('scheduled');
    case 'active':
      return trans.__('active');
    case 'terminated':
      return trans.__('terminated');
    default:
      return status;
  }
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
