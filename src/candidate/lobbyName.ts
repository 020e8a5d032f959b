/**
 * The lobby's name field: what it starts with and what it may send. The
 * server decides (profiles.clean_display_name); these rules mirror it so the
 * candidate hears about a problem before pressing Join, in their words.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IJoinResult } from '../api/types';

/**
 * The longest name, in characters (code points, as the server counts).
 */
export const MAX_NAME_LENGTH = 80;

/**
 * Control, format (bidi overrides, zero-width), surrogate, private-use,
 * unassigned characters and line/paragraph separators: refused, as the
 * server refuses them (they could make a name show as another).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/**
 * Letters and marks that draw nothing (Hangul and halfwidth fillers, the blank
 * Braille pattern) and variation selectors: refused like the server does.
 */
const BLANK = new Set<number>([
  0x034f,
  0x115f,
  0x1160,
  0x17b4,
  0x17b5,
  0x2800,
  0x3164,
  0xffa0,
  ...range(0x180b, 0x1810),
  ...range(0xfe00, 0xfe10),
  ...range(0xe0100, 0xe01f0)
]);

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

function hasBlank(name: string): boolean {
  for (const char of name) {
    if (BLANK.has(char.codePointAt(0)!)) {
      return true;
    }
  }
  return false;
}

/**
 * More than two combining marks in a row draw over the lines around.
 */
const STACKED_MARKS = /\p{M}{3,}/u;

/**
 * A name needs something to read: a letter or a digit.
 */
const READABLE = /[\p{L}\p{N}]/u;

/**
 * Why a name cannot be sent.
 */
export type NameProblem =
  'empty' | 'too_long' | 'invisible' | 'stacked_marks' | 'no_letters';

/**
 * A name that can be sent, or why not.
 */
export type NameCheck = { name: string } | { problem: NameProblem };

/**
 * What the name field starts with: the name the candidate gave before (on
 * this invite), else the one the interviewer wrote on the session; the
 * server sends only a name it would accept back.
 */
export function prefillName(joined: Pick<IJoinResult, 'name'>): string {
  const check = checkName(joined.name ?? '');
  return 'name' in check ? check.name : '';
}

/**
 * The name as it will be shown (spaces collapsed), or why it cannot be.
 */
export function checkName(value: string): NameCheck {
  const name = collapse(value);
  if (!name) {
    return { problem: 'empty' };
  }
  if (Array.from(name).length > MAX_NAME_LENGTH) {
    return { problem: 'too_long' };
  }
  if (INVISIBLE.test(name) || hasBlank(name)) {
    return { problem: 'invisible' };
  }
  if (STACKED_MARKS.test(name)) {
    return { problem: 'stacked_marks' };
  }
  if (!READABLE.test(name)) {
    return { problem: 'no_letters' };
  }
  return { name };
}

/**
 * What the field says about a problem.
 */
export function nameProblemText(
  problem: NameProblem,
  trans: TranslationBundle
): string {
  switch (problem) {
    case 'empty':
      return trans.__('Please enter your name.');
    case 'too_long':
      return trans.__(
        'Please use at most %1 characters.',
        String(MAX_NAME_LENGTH)
      );
    case 'invisible':
      return trans.__(
        'Please use only visible characters (no control or invisible ones).'
      );
    case 'stacked_marks':
      return trans.__('Please use at most two accents on one letter.');
    case 'no_letters':
      return trans.__('Please use at least one letter or digit.');
  }
}

/**
 * Runs of white space (Unicode's, as Python's `str.split()`) become one
 * space, none at either end.
 */
function collapse(value: string): string {
  return value.trim().split(/\s+/u).join(' ').normalize('NFC');
}
