/**
 * Where the candidate page finds its invite token and the Jupyter server.
 *
 * Pure functions (no DOM), so they are unit-tested on their own.
 */

import { URL_PATH } from '../constants';

/**
 * The key under which the invite token is kept for this tab (sessionStorage):
 * it survives a reload once the token is gone from the address bar.
 */
export const TOKEN_STORAGE_KEY = 'devinterview-candidate-token';

/**
 * The path of the candidate site below the Jupyter server's base URL.
 */
export const CANDIDATE_SITE_PATH = URL_PATH.candidateSite;

/**
 * The invite token in a location fragment (`#token=…`), or null.
 */
export function tokenFromFragment(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!fragment) {
    return null;
  }
  const token = new URLSearchParams(fragment).get('token');
  return token && token.trim() ? token.trim() : null;
}

/**
 * The fragment with `token` removed (other parameters kept), with its `#`,
 * or '' when nothing is left.
 */
export function fragmentWithoutToken(hash: string): string {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const params = new URLSearchParams(fragment);
  params.delete('token');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

/**
 * The base URL of the Jupyter server the candidate page talks to (with a
 * trailing slash), or null if it cannot be told.
 *
 * @param siteUrl - the full URL of the candidate site's root (JupyterLite's
 *   `baseUrl`), e.g. `https://host/base/devinterview/candidate/`.
 * @param configured - `devinterviewServer` from `jupyter-lite.json` (set by
 *   `--api-url` for static hosts); it wins when set.
 */
export function resolveServerUrl(
  siteUrl: string,
  configured?: string | null
): string | null {
  const value = (configured ?? '').trim();
  if (value) {
    try {
      const url = new URL(value, siteUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return null;
      }
      url.search = '';
      url.hash = '';
      return url.href.endsWith('/') ? url.href : `${url.href}/`;
    } catch {
      return null;
    }
  }
  let url: URL;
  try {
    url = new URL(siteUrl);
  } catch {
    return null;
  }
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  if (!path.endsWith(`/${CANDIDATE_SITE_PATH}`)) {
    return null;
  }
  url.pathname = path.slice(0, path.length - CANDIDATE_SITE_PATH.length);
  url.search = '';
  url.hash = '';
  return url.href;
}

/**
 * The websocket URL for an http(s) base URL.
 */
export function websocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):/i, 'ws$1:');
}

/**
 * Whether `url` is on the same origin as `pageUrl`.
 */
export function sameOrigin(url: string, pageUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(pageUrl).origin;
  } catch {
    return false;
  }
}
