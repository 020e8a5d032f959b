/**
 * The candidate page's logic without a browser: the invite token in the
 * link, where the Jupyter server is, and what a candidate reads for each
 * error.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { DevInterviewAPIError } from '../api/errors';
import {
  fragmentWithoutToken,
  resolveServerUrl,
  sameOrigin,
  tokenFromFragment,
  websocketUrl
} from '../candidate/config';
import type { CandidateProblem } from '../candidate/messages';
import { candidateMessage, problemOf } from '../candidate/messages';

const trans = nullTranslator.load('devinterview_jupyter');

describe('the invite token in the link', () => {
  it('is read from the fragment', () => {
    expect(tokenFromFragment('#token=abc_DEF-123')).toBe('abc_DEF-123');
    expect(tokenFromFragment('token=abc')).toBe('abc');
    expect(tokenFromFragment('#lang=en&token=abc')).toBe('abc');
  });

  it('is null when absent or empty', () => {
    for (const hash of ['', '#', '#token=', '#token=%20', '#other=1']) {
      expect(tokenFromFragment(hash)).toBeNull();
    }
  });

  it('is removed from the fragment, other parameters kept', () => {
    expect(fragmentWithoutToken('#token=abc')).toBe('');
    expect(fragmentWithoutToken('#lang=en&token=abc')).toBe('#lang=en');
    expect(fragmentWithoutToken('')).toBe('');
  });
});

describe('the Jupyter server of the candidate page', () => {
  it('is the site URL without devinterview/candidate/', () => {
    expect(
      resolveServerUrl('http://localhost:8888/devinterview/candidate/')
    ).toBe('http://localhost:8888/');
    expect(
      resolveServerUrl(
        'https://hub.example.org/user/alice/devinterview/candidate/'
      )
    ).toBe('https://hub.example.org/user/alice/');
    expect(
      resolveServerUrl('https://hub.example.org/devinterview/candidate')
    ).toBe('https://hub.example.org/');
  });

  it('is the configured URL when the site was built with --api-url', () => {
    expect(
      resolveServerUrl(
        'https://interviews.example.org/',
        'https://hub.example.org/user/alice'
      )
    ).toBe('https://hub.example.org/user/alice/');
    // A relative setting is taken relative to the site.
    expect(resolveServerUrl('https://h.example.org/site/', '../jupyter/')).toBe(
      'https://h.example.org/jupyter/'
    );
  });

  it('is unknown on a static host without --api-url, or for odd URLs', () => {
    expect(resolveServerUrl('https://interviews.example.org/')).toBeNull();
    expect(resolveServerUrl('not a url')).toBeNull();
    expect(
      resolveServerUrl('https://interviews.example.org/', 'javascript:alert(1)')
    ).toBeNull();
  });

  it('has a websocket URL and an origin check', () => {
    expect(websocketUrl('https://hub.example.org/x/')).toBe(
      'wss://hub.example.org/x/'
    );
    expect(websocketUrl('http://localhost:8888/')).toBe('ws://localhost:8888/');
    expect(
      sameOrigin('http://localhost:8888/', 'http://localhost:8888/a/b')
    ).toBe(true);
    expect(
      sameOrigin('https://hub.example.org/', 'https://site.example.org/')
    ).toBe(false);
    expect(sameOrigin('nonsense', 'http://localhost/')).toBe(false);
  });
});

describe('what the candidate reads when joining fails', () => {
  const error = (status: number, reason?: string) =>
    new DevInterviewAPIError('server message', { status, reason });

  it('maps /join answers to problems', () => {
    expect(problemOf(error(401, 'invalid_token'))).toBe('invalid_token');
    expect(problemOf(error(401, 'expired'))).toBe('expired');
    expect(problemOf(error(401, 'revoked'))).toBe('revoked');
    expect(problemOf(error(401))).toBe('invalid_token');
    expect(problemOf(error(403, 'forbidden'))).toBe('invalid_token');
    expect(problemOf(error(410, 'ended'))).toBe('ended');
    expect(problemOf(error(503, 'database'))).toBe('unavailable');
    expect(problemOf(error(0))).toBe('network');
    expect(problemOf(error(500))).toBe('unknown');
    expect(problemOf(new TypeError('boom'))).toBe('unknown');
  });

  it('has a friendly title and sentence for every problem, never a trace', () => {
    const problems: CandidateProblem[] = [
      'no_token',
      'not_configured',
      'invalid_token',
      'expired',
      'revoked',
      'ended',
      'unavailable',
      'network',
      'unknown'
    ];
    const titles = new Set<string>();
    for (const problem of problems) {
      const message = candidateMessage(problem, trans);
      expect(message.problem).toBe(problem);
      expect(message.title.length).toBeGreaterThan(5);
      expect(message.body.length).toBeGreaterThan(5);
      expect(message.body).not.toMatch(/Error|stack|undefined|%1/);
      titles.add(message.title);
    }
    expect(titles.size).toBe(problems.length);
    expect(candidateMessage('expired', trans).title).toMatch(/expired/);
    expect(candidateMessage('revoked', trans).title).toMatch(/withdrawn/);
    expect(candidateMessage('ended', trans).title).toMatch(/ended/);
  });
});
