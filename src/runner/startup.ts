/**
 * How Python starts (no DOM, no bundler tricks: unit-tested as it is).
 */
import type { IInitMessage } from './protocol';
import type { IStoredSnapshot } from './snapshotStore';

/**
 * The snapshot of a fresh Python built with the package, beside our copy of
 * Pyodide's files (`SNAPSHOT_ASSET` in webpack.config.js).
 */
export const PACKAGE_SNAPSHOT = 'snapshot.bin.gz';

/**
 * Pyodide's big files, which the page downloads and hands to the worker. The
 * sandbox frame cannot use the HTTP cache (Chromium gives an opaque-origin
 * frame a network partition of its own, new with every frame): downloaded
 * there, they would come from the server again at every start. The page's own
 * requests are cached (and can start before the frame is up).
 */
export const PAGE_FETCHED: readonly string[] = [
  'pyodide.asm.wasm',
  'python_stdlib.zip'
];

/**
 * Where Python comes from.
 */
export interface IPythonOptions {
  /**
   * Pyodide's folder (absolute URL, trailing slash).
   */
  indexURL: string;
  /**
   * Whether to load the packages a program imports (a full distribution).
   */
  loadPackages: boolean;
  /**
   * Whether `indexURL` is our own copy of Pyodide, the one the package's
   * snapshot was made with (not a configured `pyodide_url`).
   */
  ownPyodide: boolean;
}

/**
 * The worker's start message: this browser's snapshot if it keeps one, and
 * where the package's is (our own Pyodide only).
 */
export function pythonInit(
  options: IPythonOptions,
  stored: IStoredSnapshot | null
): IInitMessage {
  return {
    type: 'init',
    indexURL: options.indexURL,
    loadPackages: options.loadPackages,
    snapshot: stored?.data ?? null,
    snapshotVersion: stored?.version ?? null,
    packageSnapshotUrl: options.ownPyodide
      ? new URL(PACKAGE_SNAPSHOT, options.indexURL).href
      : null
  };
}

/**
 * Whether a widget id is one of DevInterview's own views where code will be
 * run soon: the sidebar, the dashboard, an interview (not a replay or report).
 */
export function isDevInterviewView(id: string): boolean {
  return /^devinterview-(sidebar|dashboard|interview-)/.test(id);
}
