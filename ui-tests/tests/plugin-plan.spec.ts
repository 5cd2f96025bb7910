import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import {
  hasDeniKernel,
  openSweepWidgetOnNewDeniNotebook
} from './deni-kernel-steps';

/**
 * The seed-sweep widget plans the study from the real DENI kernel: the data set and model
 * pickers list what `%deni datasets --json` / `%deni models --json` list, the plan (runs needed,
 * expected time on the kernel's machine) follows the form without a button, the widget warns
 * before a sweep that cannot answer its question, and a tiny sweep runs after "Run anyway".
 * A local CSV is picked through JupyterLab's file dialog, its columns read from the header.
 */

async function fill(page: Page, path: string, value: string): Promise<void> {
  await page
    .locator(`.jp-deni-sweep-panel [data-path="${path}"] input`)
    .first()
    .fill(value);
}

test.describe('seed-sweep widget plan', () => {
  test.use({ kernels: null });

  test('picks a data set and a model from the lists, plans live, warns, runs a tiny sweep', async ({
    page,
    tmpPath
  }) => {
    test.skip(
      !(await hasDeniKernel(page)),
      'the DENI kernelspec is not installed'
    );
    test.setTimeout(900_000);
    await page.contents.uploadContent(
      'id,sentence,category\n1,"good, really",pos\n2,bad,neg\n',
      'text',
      `${tmpPath}/reviews.csv`
    );
    const panel = await openSweepWidgetOnNewDeniNotebook(page, tmpPath);

    // Pickers filled from the kernel: built-in sets offline, paper sets needing a download.
    const setPicker = panel.locator(
      '[data-path="dataset"] select.jp-deni-picker'
    );
    await expect(
      setPicker.locator('option[value="uci-sentiment"]')
    ).toHaveCount(1, {
      timeout: 60_000
    });
    await expect(
      setPicker.locator(
        'optgroup[label="Built-in (offline)"] option[value="uci-sentiment"]'
      )
    ).toHaveText(/uci-sentiment \([\d,]+ samples, 2 classes\)/);
    await expect(
      setPicker.locator('optgroup[label^="Paper sets"] option')
    ).not.toHaveCount(0);
    const modelPicker = panel.locator(
      '[data-path="model"] select.jp-deni-picker'
    );
    await expect(modelPicker.locator('option[value="minilm-l6"]')).toHaveCount(
      1
    );
    await setPicker.selectOption('uci-sentiment');
    await modelPicker.selectOption('minilm-l6');
    await expect(panel.locator('[data-path="dataset"] input')).toHaveValue(
      'uci-sentiment'
    );
    await expect(panel.locator('[data-path="model"] input')).toHaveValue(
      'minilm-l6'
    );

    await fill(page, 'name', 'ui-plan');
    const boxes = panel.locator(
      '[data-path="strategies"] input[type="checkbox"]'
    );
    for (let i = 0; i < (await boxes.count()); i++) {
      const box = boxes.nth(i);
      await box.setChecked((await box.getAttribute('value')) === 'default');
    }
    await fill(page, 'runs', '2');
    await fill(page, 'budget.samples', '16');
    await fill(page, 'budget.epochs', '1');
    await fill(page, 'budget.batchSize', '8');
    await fill(page, 'budget.maxLength', '16');
    await fill(page, 'budget.testSamples', '32');
    await panel.locator('[data-path="backend"] select').selectOption('wasm');
    await panel.locator('.jp-deni-question-ratio').fill('0.5');

    // The plan follows the form: runs needed, the sweep's power, time on the kernel's machine.
    await expect(panel.locator('.jp-deni-plan-runs')).toContainText(
      /Runs needed: \d+ runs per strategy to detect std \/ default = 0.5/,
      { timeout: 600_000 }
    );
    await expect(panel.locator('.jp-deni-plan-planned')).toContainText(
      'This sweep: 2 runs per strategy'
    );
    await expect(panel.locator('.jp-deni-plan-time')).toContainText(
      "Expected time on the kernel's machine",
      { timeout: 600_000 }
    );
    await expect(panel.locator('.jp-deni-plan-warning')).toBeVisible();
    // Change the runs: the plan updates by itself.
    await fill(page, 'runs', '3');
    await expect(panel.locator('.jp-deni-plan-planned')).toContainText(
      'This sweep: 3 runs per strategy',
      { timeout: 120_000 }
    );
    await expect(panel.locator('.jp-deni-plan-table tbody tr')).toHaveCount(1);
    await expect(
      panel.locator('.jp-deni-plan-table tbody tr td').first()
    ).toHaveText('3');
    await panel.screenshot({
      path: test.info().outputPath('sweep-widget-plan.png')
    });

    // Warned before the sweep: the first Run only explains; "Run anyway" runs it.
    const run = panel.locator('.jp-deni-run-button');
    await run.click();
    await expect(panel.locator('.jp-deni-run-message')).toContainText(
      'Not run yet'
    );
    await expect(run).toHaveText('Run anyway');
    await run.click();
    const sweep = panel.locator('.jp-deni-run[data-sweep="ui-plan"]');
    await expect(sweep).toBeVisible();
    await expect(sweep.locator('.jp-deni-status')).toHaveText('done', {
      timeout: 600_000
    });

    // A local file from the file browser, its column mapping read from the header.
    await panel.locator('.jp-deni-file-button').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toBeVisible();
    const folder = tmpPath.split('/').pop() ?? tmpPath;
    const inFolder = dialog.locator('.jp-DirListing-item', {
      hasText: 'reviews.csv'
    });
    if ((await inFolder.count()) === 0) {
      await dialog
        .locator('.jp-DirListing-item', { hasText: folder })
        .dblclick();
    }
    await dialog
      .locator('.jp-DirListing-item', { hasText: 'reviews.csv' })
      .click();
    await dialog.locator('.jp-mod-accept').click();
    await expect(panel.locator('[data-path="dataset"] input')).toHaveValue(
      'reviews.csv'
    );
    await expect(panel.locator('select.jp-deni-column-text')).toHaveValue(
      'sentence'
    );
    await expect(panel.locator('select.jp-deni-column-label')).toHaveValue(
      'category'
    );
    await panel.screenshot({
      path: test.info().outputPath('sweep-widget-file.png')
    });
  });
});
