/** DENI settings: the model behind {@link IDeniSettings} and its plugin. */
export { DeniSettingsModel, DEFAULT_SETTINGS, coerceSettings } from './model';
export { settingsPlugin, SETTINGS_PLUGIN_ID } from './plugin';
