import { describe, expect, it } from 'vitest';
import { coerceSettings, DEFAULT_SETTINGS, DeniSettingsModel } from './model';

describe('DENI settings', () => {
  it('keeps valid values and falls back to defaults for bad ones', () => {
    expect(
      coerceSettings({
        defaultRuns: 20,
        backend: 'wasm',
        resultStore: ' a.sqlite '
      })
    ).toEqual({
      defaultRuns: 20,
      backend: 'wasm',
      resultStore: 'a.sqlite'
    });
    expect(
      coerceSettings({ defaultRuns: 0.5, backend: 'gpu', resultStore: 3 })
    ).toEqual(DEFAULT_SETTINGS);
  });

  it('notifies views when the registry changes', () => {
    const model = new DeniSettingsModel();
    const seen: number[] = [];
    model.changed.connect((_, v) => seen.push(v.defaultRuns));
    model.update({ defaultRuns: 7 });
    expect(seen).toEqual([7]);
    expect(model.values.defaultRuns).toBe(7);
  });
});
