/** The `deni` program: its commands (commands.ts) under one help text and one error policy. */
import { Command, CommanderError } from 'commander';
import { RedisConnectionError, SweepSpecError } from '../sweep';
import { COMMANDS } from './commands';
import { CliError, EXIT_CODES, EXIT_HELP } from './common';

/** Builds the `deni` program (exported for tests and embedding). */
export function buildProgram(exit: { code: number }): Command {
  const program = new Command();
  program
    .name('deni')
    .description(
      'Reproducible fine-tuning-stability studies: seed sweeps of DENI and its baselines (PAPER.md).'
    )
    .showHelpAfterError(true)
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ outputError: (str, w) => w(str) });

  for (const command of COMMANDS) {
    command(program, exit);
  }
  return program;
}

/** Runs `deni` with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const exit = { code: EXIT_CODES.ok as number };
  const program = buildProgram(exit);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_CODES.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return EXIT_CODES.ok;
      }
      return EXIT_CODES.usage;
    }
    if (e instanceof SweepSpecError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_CODES.usage;
    }
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.code;
    }
    if (e instanceof RedisConnectionError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_CODES.redis;
    }
    process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
    return EXIT_CODES.runFailure;
  }
}
