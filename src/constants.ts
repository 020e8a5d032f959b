/**
 * Generated from devinterview_jupyter/constants.json by scripts/build_constants.mjs
 * (`jlpm build:types`): do not edit.
 */

/**
 * Page-config keys (JupyterLab's page config, the candidate site's `jupyter-lite.json`): the server's settings for the browser.
 */
export const PAGE_CONFIG = {
  /**
   * `"true"` on the candidate page: set in the candidate site's `jupyter-lite.json`.
   */
  candidate: 'devinterviewCandidate',
  /**
   * The Jupyter server of a candidate site built for a static host (`--api-url`).
   */
  server: 'devinterviewServer',
  /**
   * A full Pyodide distribution's URL (`DevInterviewApp.pyodide_url`); unset: the copy in our extension.
   */
  pyodideUrl: 'devinterviewPyodideUrl',
  /**
   * The run time limit in ms (`DevInterviewApp.run_time_limit_seconds`).
   */
  runTimeLimitMs: 'devinterviewRunTimeLimitMs',
  /**
   * The tldraw licence key (`DevInterviewApp.whiteboard_license_key`).
   */
  whiteboardLicenseKey: 'devinterviewWhiteboardLicenseKey'
} as const;

/**
 * The ids of our plugins, by short name.
 */
export const PLUGIN_ID = {
  /**
   * Provides the REST client (`IDevInterviewClient`).
   */
  client: 'devinterview-jupyter:client',
  /**
   * Provides the tldraw whiteboard (`IWhiteboardFactory`); disable it to plug in another engine.
   */
  whiteboard: 'devinterview-jupyter:whiteboard',
  /**
   * Provides the code runners (`ICodeRunners`).
   */
  runners: 'devinterview-jupyter:runners',
  /**
   * The Interview Dashboard (and its settings, `schema/dashboard.json`).
   */
  dashboard: 'devinterview-jupyter:dashboard',
  /**
   * The display-name command.
   */
  profile: 'devinterview-jupyter:profile',
  /**
   * The interview layout (and its settings, `schema/interview.json`).
   */
  interview: 'devinterview-jupyter:interview',
  /**
   * The replay panel and the report commands.
   */
  replay: 'devinterview-jupyter:replay',
  /**
   * The candidate page (active only on the candidate site).
   */
  candidate: 'devinterview-jupyter:candidate'
} as const;

/**
 * URL paths below the Jupyter server's base URL (each ends with `/`).
 */
export const URL_PATH = {
  /**
   * The candidate site, below the Jupyter server's base URL.
   */
  candidateSite: 'devinterview/candidate/',
  /**
   * Our labextension's static files (the runners' code, Pyodide), served publicly with CORS below the Jupyter server's base URL, for JupyterLab and the candidate page alike.
   */
  runnerStatic: 'devinterview/static/'
} as const;
