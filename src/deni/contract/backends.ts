/**
 * The training back-ends, declared once: `auto` first, then the concrete back-ends fastest first
 * (the order `auto` tries them in). `BackendName`, the CLI's choices, the widget's settings and
 * the schema enums (sweep spec `backend`, schema/settings.json `backend`; checked by
 * contract.test.ts) derive from this table; how each starts lives in src/deni/backend.
 */
export const BACKEND_DEFINITIONS = [
  { name: 'auto', summary: 'the fastest back-end available' },
  {
    name: 'tensorflow',
    summary: 'native TensorFlow (tfjs-node / tfjs-node-gpu)'
  },
  { name: 'webgpu', summary: 'WebGPU through Dawn' },
  { name: 'wasm', summary: 'WebAssembly (ships with the package)' },
  { name: 'cpu', summary: 'plain JavaScript (ships with the package)' }
] as const;

/** A back-end name, `auto` included. */
export type BackendName = (typeof BACKEND_DEFINITIONS)[number]['name'];

/** A concrete back-end (what `auto` resolves to). */
export type ConcreteBackendName = Exclude<BackendName, 'auto'>;

/** All valid names, `auto` first. */
export const BACKEND_NAMES: readonly BackendName[] = BACKEND_DEFINITIONS.map(
  d => d.name
);

/** The concrete back-ends, fastest first (the order `auto` tries them in). */
export const BACKEND_PREFERENCE: readonly ConcreteBackendName[] =
  BACKEND_NAMES.filter((n): n is ConcreteBackendName => n !== 'auto');

/** Whether a string names a back-end. */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}
