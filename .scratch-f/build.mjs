import { build } from 'esbuild';
await build({
  entryPoints: { cli: 'src/deni/cli.ts', worker: 'src/deni/sweep/worker-main.ts' },
  outdir: '.scratch-f/dist', outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', format: 'esm',
  target: 'node20', packages: 'external', logLevel: 'warning',
  plugins: [{ name: 'fix', setup(b) { b.onResolve({ filter: /register_all_gradients$/ }, () => ({ path: 'x', namespace: 'empty' })); b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '' })); } }],
  banner: { js: "import { createRequire as __deniCreateRequire } from 'node:module'; const require = __deniCreateRequire(import.meta.url);" }
});
