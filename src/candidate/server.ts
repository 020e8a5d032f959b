import { PageConfig } from '@jupyterlab/coreutils';

import { PAGE_CONFIG } from '../constants';
import { resolveServerUrl } from './config';

/**
 * Whether this page is the candidate site (its `jupyter-lite.json` says so).
 */
export function isCandidatePage(): boolean {
  return PageConfig.getOption(PAGE_CONFIG.candidate) === 'true';
}

/**
 * The base URL of the Jupyter server this page works with: on the candidate
 * site, the server named in its configuration (or the one serving it); in
 * JupyterLab, its own. Null when the candidate site names an unusable one.
 */
export function jupyterServerUrl(pageBaseUrl: string): string | null {
  return isCandidatePage()
    ? resolveServerUrl(pageBaseUrl, PageConfig.getOption(PAGE_CONFIG.server))
    : pageBaseUrl;
}
