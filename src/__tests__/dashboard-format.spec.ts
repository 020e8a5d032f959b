/**
 * The dashboard's words and masking (pure functions).
 */
import { nullTranslator } from '@jupyterlab/translation';

import {
  formatStatus,
  maskLink,
  MASKED_TOKEN_CHARS,
  statusHint
} from '../dashboard/format';

const trans = nullTranslator.load('devinterview_jupyter');

describe('lifecycle words', () => {
  it('names the statuses Scheduled, In progress, Ended', () => {
    expect(formatStatus('scheduled', trans)).toBe('Scheduled');
    expect(formatStatus('active', trans)).toBe('In progress');
    expect(formatStatus('terminated', trans)).toBe('Ended');
  });

  it('says a scheduled interview starts when the candidate joins', () => {
    expect(statusHint('scheduled', trans)).toBe(
      'starts when the candidate joins'
    );
    expect(statusHint('active', trans)).toBeNull();
    expect(statusHint('terminated', trans)).toBeNull();
  });
});

describe('maskLink', () => {
  const token = 'Zx9_abcdefghijklmnopqrstuvwxyz0123456789-AB';

  it('keeps only the first characters of the token', () => {
    const masked = maskLink(
      `https://h.test/devinterview/candidate/#token=${token}`
    );
    expect(masked).toBe('https://h.test/devinterview/candidate/#token=Zx9_…');
    expect(masked).not.toContain(token.slice(0, MASKED_TOKEN_CHARS + 1));
  });

  it('masks a token anywhere and short tokens entirely', () => {
    expect(maskLink(`/c/?x=1&token=${token}&y=2`)).toBe(
      '/c/?x=1&token=Zx9_…&y=2'
    );
    expect(maskLink('/c/#token=abcd')).toBe('/c/#token=…');
    expect(maskLink('/c/#token=')).toBe('/c/#token=…');
  });

  it('leaves other text alone', () => {
    expect(maskLink('https://h.test/c/')).toBe('https://h.test/c/');
    expect(maskLink('mytoken=abcdefgh')).toBe('mytoken=abcdefgh');
  });
});
