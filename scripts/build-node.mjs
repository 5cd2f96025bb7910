// Bundles the Node side of the product (engine library, CLI, kernel, worker) with esbuild.
// Dependencies stay external (native modules and wasm files must load from node_modules).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  deni: 'src/deni/index.ts',
  cli: 'src/deni/cli.ts',
  worker: 'src/deni/sweep/worker-main.ts',
  'step-time': 'src/deni/planning/step-time-main.ts',
  // What `auto` picks on this machine, asked in a child (sweeps never load TensorFlow themselves).
  'auto-backend': 'src/deni/backend/auto-backend-main.ts',
  kernel: 'src/kernel-bridge/main.ts'
};

const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, file]) => existsSync(file))
);

await build({
  entryPoints,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Commands import heavy modules (tfjs, SQLite) lazily; chunks keep that laziness in dist/.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'info',
  // Our package.json's "sideEffects" (the template's, for the lab bundle) must not let esbuild
  // drop side-effect imports of the engine's own modules.
  ignoreAnnotations: true,
  banner: {
    js: "import { createRequire as __deniCreateRequire } from 'node:module'; const require = __deniCreateRequire(import.meta.url);"
  }
});
