import { PageConfig } from '@jupyterlab/coreutils';

import { PAGE_CONFIG } from '../constants';

/**
 * The page-config option with the run time limit in ms (server setting
 * `DevInterviewApp.run_time_limit_seconds`).
 */
export const RUN_TIME_LIMIT_OPTION = PAGE_CONFIG.runTimeLimitMs;

/**
 * The time limit when the page does not say (a static candidate site).
 */
export const DEFAULT_RUN_TIME_LIMIT_MS = 10_000;

/**
 * The run time limit of this page, in ms.
 */
export function runTimeLimitMs(): number {
  const value = Number(PageConfig.getOption(RUN_TIME_LIMIT_OPTION));
  return Number.isFinite(value) && value >= 1000
    ? value
    : DEFAULT_RUN_TIME_LIMIT_MS;
}
