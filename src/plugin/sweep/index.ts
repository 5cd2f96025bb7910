/** The seed sweep: tracker service, widget, schema-generated form, spec YAML and validation. */
export { SweepTracker } from './tracker';
export { latestBundle, finalStatus, type IOutputsLike } from './run-status';
export { SweepPanel, planNode, type ISweepPanelOptions } from './panel';
export { SweepForm, pathKey } from './sweep-form';
export {
  fieldsFromSchema,
  resolveRef,
  type IFormField,
  type IJsonSchema,
  type FieldKind
} from './schema-fields';
export { SpecValidator, type SpecErrors } from './validate-spec';
export {
  specToYaml,
  sweepCellSource,
  sweepNameOfSource,
  sweepStoreOfSource,
  SWEEP_MAGIC
} from './spec-yaml';
export { sweepTrackerPlugin, sweepWidgetPlugin } from './plugin';
