/**
 * Galata/Playwright configuration: a real JupyterLab from the project's .venv (started by
 * ui-tests/start-server.sh with ui-tests/jupyter_server_test_config.py) driven by Debian's
 * Chromium. Browsers are never downloaded.
 */
import baseConfig from '@jupyterlab/galata/lib/playwright-config';
import type { PlaywrightTestConfig } from '@playwright/test';

/** Port of the test server: $DENI_UI_PORT (parallel checkouts on one machine), else 8888. */
const PORT = Number(process.env.DENI_UI_PORT ?? 8888);

const config: PlaywrightTestConfig = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }]
  ],
  timeout: 180_000,
  expect: { timeout: 30_000 },
  retries: 0,
  workers: 1,
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${PORT}`,
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: {
    command: 'bash start-server.sh',
    cwd: __dirname,
    url: `http://localhost:${PORT}/lab`,
    timeout: 180_000,
    reuseExistingServer: false
  }
};

export default config;
