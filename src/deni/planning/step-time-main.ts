/**
 * Child process of the step-time measurement (see step-time.ts): argv[2] is an IStepTimeRequest
 * as JSON; the wasm threads come from the environment the parent set (a sweep worker's share of
 * the cores). Prints one JSON line, {ok: true, time} or {ok: false, error}, and exits.
 */
import { measureStepTime, type IStepTimeRequest } from './measure';

async function main(): Promise<void> {
  try {
    const req = JSON.parse(process.argv[2] ?? '') as IStepTimeRequest;
    const time = await measureStepTime(req);
    process.stdout.write(`${JSON.stringify({ ok: true, time })}\n`);
  } catch (e) {
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: (e as Error).message ?? String(e) })}\n`
    );
  }
}

void main().then(() => process.exit(0));
