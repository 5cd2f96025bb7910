/**
 * Entry of the child process `resolveBackend('auto')` starts (dist/auto-backend.mjs;
 * auto-backend-main.ts through tsx in dev): what `auto` picks on this machine, printed as one
 * JSON line (`{ name, reason }` or `{ error }`). It asks the engine's own probe and selection
 * (`defaultProbe`, `chooseBackend`), so it loads tfjs-node or Dawn here, never in the sweep's
 * process, and it starts no back-end.
 */
import { defaultProbe } from './init';
import { chooseBackend } from './select';

chooseBackend('auto', defaultProbe).then(
  choice => {
    process.stdout.write(`${JSON.stringify(choice)}\n`);
    // Dawn and TensorFlow may keep threads alive: the answer is all this process is for.
    process.exit(0);
  },
  (e: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`
    );
    process.exit(0);
  }
);
