import type { Language } from '../api/types';

/**
 * The languages of a session, in the order pickers show them.
 */
export const LANGUAGES: readonly Language[] = [
  'python',
  'javascript',
  'typescript',
  'java',
  'cpp',
  'go',
  'sql'
];

/**
 * The MIME type JupyterLab's language registry highlights each language with.
 */
const MIME_TYPES: Record<Language, string> = {
  python: 'text/x-python',
  javascript: 'text/javascript',
  typescript: 'text/typescript',
  java: 'text/x-java',
  cpp: 'text/x-c++src',
  go: 'text/x-go',
  sql: 'text/x-sql'
};

/**
 * Whether a value is a session language.
 */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && LANGUAGES.includes(value as Language);
}

/**
 * The editor MIME type of a language (plain text for an unknown one).
 */
export function mimeTypeOf(language: unknown): string {
  return isLanguage(language) ? MIME_TYPES[language] : 'text/plain';
}
