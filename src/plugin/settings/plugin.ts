/** Plugin `jupyterlab-deni:settings`: provides {@link IDeniSettings} from schema/settings.json. */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IDeniSettings } from '../tokens';
import { DeniSettingsModel } from './model';

/** Plugin id; its schema is schema/settings.json. */
export const SETTINGS_PLUGIN_ID = 'jupyterlab-deni:settings';

/** Without a registry (e.g. some embedders) the defaults apply. */
export const settingsPlugin: JupyterFrontEndPlugin<IDeniSettings> = {
  id: SETTINGS_PLUGIN_ID,
  description:
    'DENI settings: default runs, back-end and result store of new sweeps.',
  autoStart: true,
  provides: IDeniSettings,
  optional: [ISettingRegistry],
  activate: (
    _app: JupyterFrontEnd,
    registry: ISettingRegistry | null
  ): IDeniSettings => {
    const model = new DeniSettingsModel();
    if (registry) {
      registry
        .load(SETTINGS_PLUGIN_ID)
        .then(settings => {
          const apply = (): void =>
            model.update(settings.composite as Record<string, unknown>);
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error(
            `jupyterlab-deni: could not load settings ${SETTINGS_PLUGIN_ID}; using defaults.`,
            reason
          );
        });
    }
    return model;
  }
};
