import { expect, test } from '@jupyterlab/galata';

/**
 * The first UI test: a real JupyterLab in Debian's Chromium loads the extension, whose plugins
 * register their commands in the palette.
 */
test('the jupyterlab-deni plugin activates and its commands are in the palette', async ({
  page
}) => {
  const ids = await page.evaluate(() => {
    const app = (
      window as unknown as {
        jupyterapp: { commands: { listCommands(): string[] } };
      }
    ).jupyterapp;
    return app.commands.listCommands().filter(id => id.startsWith('deni:'));
  });
  expect(ids).toContain('deni:open-sweep-widget');

  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#modal-command-palette');
  await expect(palette).toBeVisible();
  await palette.locator('input').fill('DENI');
  await expect(
    palette.locator('.lm-CommandPalette-item').first()
  ).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('palette.png') });
  await test.info().attach('palette', {
    path: test.info().outputPath('palette.png'),
    contentType: 'image/png'
  });
});
