import type { TranslationBundle } from '@jupyterlab/translation';

import { DevInterviewAPIError } from '../api/errors';

/**
 * Why the candidate cannot (or can no longer) take part.
 */
export type CandidateProblem =
  | 'no_token'
  | 'not_configured'
  | 'invalid_token'
  | 'expired'
  | 'revoked'
  | 'ended'
  | 'unavailable'
  | 'network'
  | 'unknown';

/**
 * A friendly page: a title, a sentence, and the problem it is about.
 */
export interface ICandidateMessage {
  problem: CandidateProblem;
  title: string;
  body: string;
}

/**
 * The problem behind an error of `POST /join` (or of anything before it).
 */
export function problemOf(error: unknown): CandidateProblem {
  if (error instanceof DevInterviewAPIError) {
    if (error.kind === 'network') {
      return 'network';
    }
    if (error.kind === 'unavailable') {
      return 'unavailable';
    }
    if (error.status === 410) {
      return 'ended';
    }
    if (error.status === 401 || error.status === 403) {
      switch (error.reason) {
        case 'expired':
        case 'revoked':
          return error.reason;
        default:
          return 'invalid_token';
      }
    }
  }
  return 'unknown';
}

/**
 * What the candidate reads for a problem; never a stack trace.
 */
export function candidateMessage(
  problem: CandidateProblem,
  trans: TranslationBundle
): ICandidateMessage {
  const ask = trans.__('Please ask your interviewer for a new link.');
  switch (problem) {
    case 'no_token':
      return {
        problem,
        title: trans.__('No invitation in this link'),
        body: trans.__(
          'Open the complete interview link you were sent (it ends with #token=…). %1',
          ask
        )
      };
    case 'not_configured':
      return {
        problem,
        title: trans.__('This interview page is not set up'),
        body: trans.__(
          'The page does not know which interview server to use. Please tell your interviewer.'
        )
      };
    case 'invalid_token':
      return {
        problem,
        title: trans.__('This interview link is not valid'),
        body: trans.__('The link is incomplete or unknown. %1', ask)
      };
    case 'expired':
      return {
        problem,
        title: trans.__('This interview link has expired'),
        body: ask
      };
    case 'revoked':
      return {
        problem,
        title: trans.__('This interview link was withdrawn'),
        body: trans.__('The interviewer revoked this link. %1', ask)
      };
    case 'ended':
      return {
        problem,
        title: trans.__('This interview has ended'),
        body: trans.__(
          'Thank you for taking part. The interview is over and can no longer be edited.'
        )
      };
    case 'unavailable':
      return {
        problem,
        title: trans.__('The interview server is busy'),
        body: trans.__('Please try again in a minute.')
      };
    case 'network':
      return {
        problem,
        title: trans.__('Cannot reach the interview server'),
        body: trans.__('Check your connection, then reload this page.')
      };
    default:
      return {
        problem: 'unknown',
        title: trans.__('Something went wrong'),
        body: trans.__(
          'Reload this page; if it happens again, tell your interviewer.'
        )
      };
  }
}
