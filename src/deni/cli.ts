/**
 * The `deni` command (dist/cli.mjs): run sweeps headless, print strategy plans, reports and
 * exports, serve a Redis queue as a worker, and list data sets, models and strategies. One module
 * per command in cli/ (listed in cli/commands.ts); exit codes in EXIT_CODES (and `deni --help`).
 * Engine modules load lazily per command: `deni export` need not load tfjs or the data registry.
 */
import { main } from './cli/program';

export { EXIT_CODES } from './cli/common';
export { buildProgram, main } from './cli/program';
export { progressText } from './cli/sweep-command';

function isMain(): boolean {
  const entry = process.argv[1] ?? '';
  return /(^|[\\/])(cli\.(ts|mjs|js)|deni)$/.test(entry);
}

if (isMain()) {
  // Exit explicitly once output is flushed: Redis and worker handles must not keep the CLI alive.
  void main(process.argv.slice(2)).then(code => {
    process.stdout.write('', () => process.exit(code));
  });
}
