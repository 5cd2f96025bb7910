/** The settings service: current values of schema/settings.json and a signal when they change. */
import { Signal } from '@lumino/signaling';
import { BACKEND_NAMES, type BackendName } from '../../deni/contract/backends';
import type { IDeniSettings, IDeniSettingsValues } from '../tokens';

/** Values used when the registry has none (they equal the schema's defaults). */
export const DEFAULT_SETTINGS: Readonly<IDeniSettingsValues> = {
  defaultRuns: 5,
  backend: 'auto',
  resultStore: ''
};

const BACKENDS: ReadonlyArray<BackendName> = BACKEND_NAMES;

/**
 * Coerce raw composite settings into values the widget can use; anything out of range falls
 * back to the default (the registry validates too, this guards hand-edited JSON).
 */
export function coerceSettings(
  raw: Partial<Record<keyof IDeniSettingsValues, unknown>>
): IDeniSettingsValues {
  const runs = raw.defaultRuns;
  const backend = raw.backend;
  const store = raw.resultStore;
  return {
    defaultRuns:
      typeof runs === 'number' &&
      Number.isInteger(runs) &&
      runs >= 1 &&
      runs <= 10000
        ? runs
        : DEFAULT_SETTINGS.defaultRuns,
    backend: BACKENDS.includes(backend as BackendName)
      ? (backend as BackendName)
      : DEFAULT_SETTINGS.backend,
    resultStore:
      typeof store === 'string' ? store.trim() : DEFAULT_SETTINGS.resultStore
  };
}

/** Holds the current settings; the settings plugin feeds it from the registry. */
export class DeniSettingsModel implements IDeniSettings {
  get values(): IDeniSettingsValues {
    return this._values;
  }

  get changed(): Signal<IDeniSettings, IDeniSettingsValues> {
    return this._changed;
  }

  /** Replace the values (from the registry's composite settings) and notify views. */
  update(raw: Partial<Record<keyof IDeniSettingsValues, unknown>>): void {
    this._values = coerceSettings(raw);
    this._changed.emit(this._values);
  }

  private _values: IDeniSettingsValues = { ...DEFAULT_SETTINGS };
  private readonly _changed = new Signal<IDeniSettings, IDeniSettingsValues>(
    this
  );
}
