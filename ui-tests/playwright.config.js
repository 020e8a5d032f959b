/**
 * Playwright configuration for the DevInterview ui-tests, based on Galata's.
 *
 * Playwright cannot download its own browsers on our machines: the tests run
 * in the system Chromium (Debian's `chromium` package), headless. Set
 * CHROMIUM_PATH to use another binary.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

module.exports = {
  ...baseConfig,
  outputDir: 'test-results',
  reporter: [['list'], ['html', { open: 'never' }]],
  retries: 0,
  workers: 1,
  use: {
    ...baseConfig.use,
    // Both need Playwright's own ffmpeg download, which is not available.
    video: 'off',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: [
    {
      command: 'jlpm start',
      url: 'http://localhost:8888/lab',
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      // A server that wants a login, for the candidate page's tests.
      command: 'jlpm start:candidate',
      url: 'http://localhost:8890/devinterview/candidate/',
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      // The candidate page on another origin (a static host).
      command: 'jlpm start:candidate-static',
      url: 'http://127.0.0.1:8891/',
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    }
  ]
};
