import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The files, not the back-end's index: that loads tfjs, which the cache key does not need.
import { cpuModel } from '../backend/cpu';
import { coreCount } from '../backend/threads';

/** What a step-time measurement is valid for: this CPU, its core count and this package version. */
export interface IMachineKey {
  cpu: string;
  cores: number;
  version: string;
}

function thisFile(): string {
  return typeof __filename === 'string' && __filename.length > 0
    ? __filename
    : fileURLToPath(import.meta.url);
}

/**
 * Version of jupyterlab-deni, from the nearest package.json named so above this module (the
 * sources, dist/ or dist/chunks/); '0.0.0-unknown' where none is found (embedded copies).
 */
export function packageVersion(): string {
  let dir = path.dirname(thisFile());
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === 'jupyterlab-deni' && pkg.version) {
          return pkg.version;
        }
      } catch {
        // not ours: keep walking up
      }
    }
    dir = path.dirname(dir);
  }
  return '0.0.0-unknown';
}

/**
 * The machine key of this process: CPU (`cpuModel()`: model name, family and model, since cloud
 * CPUs of different generations share a model name), usable cores, package version.
 */
export function machineKey(): IMachineKey {
  return {
    cpu: cpuModel(),
    cores: coreCount(),
    version: packageVersion()
  };
}

/** Cache root: $DENI_CACHE, else ~/.cache/jupyterlab-deni (as the model and data caches). */
export function cacheRoot(): string {
  return (
    process.env.DENI_CACHE ||
    path.join(os.homedir(), '.cache', 'jupyterlab-deni')
  );
}
