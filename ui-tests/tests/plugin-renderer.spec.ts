import { expect, test } from '@jupyterlab/galata';
import { reloadLab, reportNotebook } from './plugin-fixtures';

/**
 * The report renderer in the real JupyterLab, on a saved notebook whose outputs hold report
 * bundles (no kernel involved): table, sorting, copy, plotly figures (lazy chunk), resize,
 * progress, hostile strings, and the outputs surviving a page reload.
 */
test.describe('DENI report renderer', () => {
  test.use({
    autoGoto: true,
    permissions: ['clipboard-read', 'clipboard-write']
  });

  test('renders tables, plots and progress from a saved notebook, safely', async ({
    page,
    tmpPath
  }) => {
    const path = `${tmpPath}/report-fixture.ipynb`;
    await page.contents.uploadContent(reportNotebook(), 'text', path);
    await page.notebook.openByPath(path);
    await page.notebook.activate('report-fixture.ipynb');

    const done = page.locator('.jp-Cell').nth(1).locator('.jp-deni-report');
    await expect(done.locator('.jp-deni-report-title')).toHaveText(
      'Sweep fixture-done'
    );
    await expect(done.locator('.jp-deni-status')).toHaveText('Done');

    // Paper table with best values marked.
    const table = done.locator('table.jp-deni-table').first();
    await expect(table.locator('thead th')).toHaveText([
      'Strategy',
      'uci-sentiment',
      'spam-assassin'
    ]);
    await expect(table.locator('tbody th')).toHaveText([
      'default',
      'ensemble',
      'deni'
    ]);
    await expect(table.locator('td.jp-deni-best-mean strong')).toHaveText([
      '81.95 (2.40)',
      '92.80 (1.30)'
    ]);
    await expect(table.locator('td.jp-deni-best-std')).toHaveText([
      '92.10 (1.10)',
      '81.20 (1.75)'
    ]);

    // Sorting by clicking a header: best mean first, then reversed.
    await table.locator('thead button[data-column="1"]').click();
    await expect(table.locator('tbody th')).toHaveText([
      'deni',
      'ensemble',
      'default'
    ]);
    await table.locator('thead button[data-column="1"]').click();
    await expect(table.locator('tbody th')).toHaveText([
      'default',
      'ensemble',
      'deni'
    ]);

    // Copy as Markdown / LaTeX.
    await done.locator('.jp-deni-copy-markdown').click();
    await expect(done.locator('.jp-deni-copy-status')).toHaveText(
      'Copied as Markdown.'
    );
    const markdown = await page.evaluate(() => navigator.clipboard.readText());
    expect(markdown).toContain('| Strategy | uci-sentiment | spam-assassin |');
    expect(markdown).toContain(
      '| ensemble | **81.95 (2.40)** | _92.10 (1.10)_ |'
    );
    await done.locator('.jp-deni-copy-latex').click();
    await expect(done.locator('.jp-deni-copy-status')).toHaveText(
      'Copied as LaTeX.'
    );
    const latex = await page.evaluate(() => navigator.clipboard.readText());
    expect(latex).toContain('\\begin{tabular}{lcc}');
    expect(latex).toContain(
      'deni & \\underline{81.20 (1.75)} & \\textbf{92.80 (1.30)} \\\\'
    );

    // Plotly figures, drawn from the lazily loaded chunk.
    const plots = done.locator('.jp-deni-figure .main-svg');
    await expect(done.locator('.jp-deni-figure')).toHaveCount(2);
    await expect(
      done.locator('.jp-deni-figure').first().locator('.main-svg').first()
    ).toBeVisible();
    await expect(
      done.locator('.jp-deni-figure').first().locator('.boxlayer .trace')
    ).toHaveCount(3);
    await expect(plots.first()).toBeVisible();

    // The plot follows the panel's width.
    const figure = done.locator('.jp-deni-figure').first();
    const wide = (await figure.locator('.main-svg').first().boundingBox())!
      .width;
    await page.setViewportSize({ width: 900, height: 900 });
    await expect
      .poll(
        async () =>
          (await figure.locator('.main-svg').first().boundingBox())!.width
      )
      .toBeLessThan(wide - 50);
    await page.setViewportSize({ width: 1280, height: 900 });

    await done.screenshot({ path: test.info().outputPath('report-done.png') });

    // Live progress of a running sweep.
    const running = page.locator('.jp-Cell').nth(2).locator('.jp-deni-report');
    await expect(running.locator('.jp-deni-status')).toHaveText('Running');
    await expect(running.locator('[role="progressbar"]')).toHaveAttribute(
      'aria-valuenow',
      '7'
    );
    await expect(running.locator('.jp-deni-progress-text')).toHaveText(
      '7 / 20 runs (2 from the result store) \u00B7 now: deni / full, run 8 \u00B7 about 1 min 35 s left'
    );
    await running.screenshot({
      path: test.info().outputPath('report-running.png')
    });

    // Hostile strings stay text; nothing from the bundle ran.
    const hostile = page.locator('.jp-Cell').nth(3).locator('.jp-deni-report');
    await expect(hostile.locator('.jp-deni-error-text')).toContainText(
      'worker crashed: <img src=x'
    );
    await expect(hostile.locator('img, script, iframe')).toHaveCount(0);
    await expect(
      hostile.locator('.jp-deni-figure .main-svg').first()
    ).toBeVisible();
    await expect(hostile.locator('.jp-deni-figure a')).toHaveCount(0);
    expect(
      await page.evaluate(
        () => (window as unknown as { __deniPwned?: number }).__deniPwned
      )
    ).toBeUndefined();
    await hostile.screenshot({
      path: test.info().outputPath('report-hostile.png')
    });

    // The outputs come back from the saved notebook after a reload.
    await reloadLab(page);
    if (!(await page.notebook.isOpen('report-fixture.ipynb'))) {
      await page.notebook.openByPath(path);
    }
    await page.notebook.activate('report-fixture.ipynb');
    const reloaded = page.locator('.jp-NotebookPanel:visible .jp-Cell').nth(1);
    await expect(
      reloaded.locator('.jp-deni-report table.jp-deni-table')
    ).toBeVisible();
    await expect(
      reloaded.locator('.jp-deni-figure .main-svg').first()
    ).toBeVisible();
    await page.screenshot({
      path: test.info().outputPath('report-after-reload.png')
    });
  });

  test('follows the dark theme', async ({ page, tmpPath }) => {
    const path = `${tmpPath}/report-dark.ipynb`;
    await page.contents.uploadContent(reportNotebook(), 'text', path);
    await page.theme.setDarkTheme();
    await page.notebook.openByPath(path);
    const done = page.locator('.jp-Cell').nth(1).locator('.jp-deni-report');
    await expect(
      done.locator('.jp-deni-figure .main-svg').first()
    ).toBeVisible();
    const colors = await done.evaluate(node => {
      const style = getComputedStyle(node);
      return {
        text: style.color,
        theme: getComputedStyle(document.body)
          .getPropertyValue('--jp-ui-font-color1')
          .trim()
      };
    });
    // Light text on the dark theme (the report uses the theme's variables, not fixed colours).
    const rgb = colors.text.match(/\d+/g)!.map(Number);
    expect(rgb[0] + rgb[1] + rgb[2]).toBeGreaterThan(3 * 150);
    await done.screenshot({ path: test.info().outputPath('report-dark.png') });
    await page.theme.setLightTheme();
  });
});
