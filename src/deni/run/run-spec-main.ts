/**
 * Runs one RunSpec given as JSON (argument or stdin) and prints its RunResult as JSON: the
 * smallest way to execute a run in a fresh process (the cross-process determinism test uses it).
 * Usage: npx tsx src/deni/run/run-spec-main.ts '<RunSpec JSON>'
 */
import { readFileSync } from 'node:fs';
import type { IRunSpec } from '../contract/types';
import { executeRun } from './execute-run';

const text = process.argv[2] ?? readFileSync(0, 'utf8');
executeRun(JSON.parse(text) as IRunSpec)
  .then(result => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  })
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
