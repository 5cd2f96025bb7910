import { spawnSync } from 'node:child_process';

/** What a probe script printed as its last JSON line, or why it gave none. */
export type ProbeAnswer =
  { ok: true; value: Record<string, unknown> } | { ok: false; why: string };

/**
 * Runs a small CommonJS script in a separate Node process and reads the JSON object it prints
 * last: a native binding or GPU driver that crashes or hangs takes that process down, never
 * the doctor. `root` is where the script resolves packages from (its `req` function); `env`,
 * the child's environment (this process's by default; TensorFlow's log noise off unless set).
 */
export function runProbe(
  script: string,
  root: string,
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = process.env
): ProbeAnswer {
  const prelude =
    `const req = require('module').createRequire(${JSON.stringify(`${root}/package.json`)});\n` +
    'const out = v => process.stdout.write(JSON.stringify(v) + "\\n");\n';
  const r = spawnSync(process.execPath, ['-e', prelude + script], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: {
      ...env,
      TF_CPP_MIN_LOG_LEVEL: env.TF_CPP_MIN_LOG_LEVEL ?? '2'
    }
  });
  const last = (r.stdout ?? '')
    .trim()
    .split('\n')
    .reverse()
    .find(l => l.startsWith('{'));
  if (last) {
    try {
      return { ok: true, value: JSON.parse(last) as Record<string, unknown> };
    } catch {
      // fall through to the failure below
    }
  }
  if (r.error && (r.error as { code?: string }).code === 'ETIMEDOUT') {
    return {
      ok: false,
      why: `the probe gave no answer within ${timeoutMs / 1000} s`
    };
  }
  const err = (r.stderr ?? '').trim().split('\n').filter(Boolean);
  return {
    ok: false,
    why: r.signal
      ? `the probe process died (${r.signal})${err.length ? `: ${err.at(-1)}` : ''}`
      : `the probe failed${err.length ? `: ${err.at(-1)}` : ` (exit ${r.status})`}`
  };
}
