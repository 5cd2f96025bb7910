/**
 * Steps the UI tests that drive the real DENI kernel share: whether its kernelspec is installed,
 * a new DENI notebook with the seed-sweep widget opened from its toolbar, and waiting for an idle
 * kernel.
 */
import { expect } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

/** The app object galata exposes on the page. */
export interface IWindow {
  jupyterapp: {
    commands: {
      execute(id: string, args?: Record<string, unknown>): Promise<unknown>;
    };
    shell: { currentWidget: { title: { label: string } } | null };
  };
}

/** Whether the server has the DENI kernelspec (`deni`). */
export async function hasDeniKernel(page: Page): Promise<boolean> {
  const response = await page.request.get('/api/kernelspecs');
  const specs = (await response.json()) as {
    kernelspecs: Record<string, unknown>;
  };
  return 'deni' in specs.kernelspecs;
}

/** Wait until the current notebook's kernel is started and idle. */
export async function waitForIdleKernel(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const widget = (window as unknown as IWindow).jupyterapp.shell
            .currentWidget as unknown as {
            sessionContext?: {
              session?: { kernel?: { status: string } } | null;
            };
          } | null;
          return widget?.sessionContext?.session?.kernel?.status ?? 'none';
        }),
      { timeout: 120_000 }
    )
    .toBe('idle');
}

/**
 * A new notebook on the DENI kernel in `cwd` (our `deni:new-notebook` command), its kernel idle,
 * and the seed-sweep widget opened from the notebook's toolbar; returns the widget's panel.
 */
export async function openSweepWidgetOnNewDeniNotebook(
  page: Page,
  cwd: string
): Promise<Locator> {
  await page.evaluate(async (dir: string) => {
    await (window as unknown as IWindow).jupyterapp.commands.execute(
      'deni:new-notebook',
      { cwd: dir }
    );
  }, cwd);
  await waitForIdleKernel(page);
  await page
    .locator(
      '.jp-NotebookPanel-toolbar [data-command="deni:open-sweep-widget"]'
    )
    .click();
  return page.locator('.jp-deni-sweep-panel');
}
