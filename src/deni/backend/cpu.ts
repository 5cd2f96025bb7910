import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Where Linux describes its processors. */
export const CPUINFO_FILE = '/proc/cpuinfo';

/** The part of `os.cpus()` this module reads (so tests can pass their own). */
export interface ICpuLike {
  model: string;
}

// /proc/cpuinfo, read once per process: it does not change while we run. null where unreadable.
let cpuinfoText: string | null | undefined;
// cpuModel() of this machine, computed once.
let thisCpu: string | undefined;

function readCpuinfo(): string | null {
  if (cpuinfoText === undefined) {
    try {
      cpuinfoText = readFileSync(CPUINFO_FILE, 'utf8');
    } catch {
      // macOS, Windows, or a sandbox without /proc
      cpuinfoText = null;
    }
  }
  return cpuinfoText;
}

/** `key : value` fields of the first processor block of a /proc/cpuinfo text (first wins). */
function firstBlock(cpuinfo: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of cpuinfo.split('\n')) {
    if (line.trim() === '') {
      if (fields.size > 0) {
        break;
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) {
      continue;
    }
    const key = line.slice(0, colon).trim();
    if (!fields.has(key)) {
      fields.set(key, line.slice(colon + 1).trim());
    }
  }
  return fields;
}

// Runs of spaces (some Intel model names pad with them) would make two spellings of one CPU.
function clean(name: string): string {
  return name.replace(/\s+/g, ' ').trim();
}

/**
 * Which CPU this is, as the project names the machine (the step-time cache's key, `deni doctor`,
 * each run's `versions.cpu`, the benches' output): the model name and, where /proc/cpuinfo gives
 * them (Linux on x86), the `cpu family` and `model` of its first processor, e.g.
 * `AMD EPYC (family 25 model 1)`.
 *
 * Why not the model name alone: cloud CPUs report the same one for different generations. Our
 * machines say `AMD EPYC` both on a Zen 4 (family 25 model 17, with AVX-512) and on a Zen 3
 * (family 25 model 1, without), whose step times differ, so a Zen 3 would have read a Zen 4's
 * cached step times and wall times in a study could not be told apart by machine.
 *
 * Elsewhere (no /proc/cpuinfo, or no family and model in it, as on ARM or macOS) the name is
 * `os.cpus()[0].model`, or 'unknown CPU'.
 *
 * @param cpuinfo a /proc/cpuinfo text; read from the file once per process when not given
 * @param cpus the fallback's source, `os.cpus()` unless given
 */
export function cpuModel(cpuinfo?: string, cpus?: readonly ICpuLike[]): string {
  // This machine's answer is cached; an answer for given texts is not.
  const own = cpuinfo === undefined && cpus === undefined;
  if (own && thisCpu !== undefined) {
    return thisCpu;
  }
  const text = cpuinfo === undefined ? readCpuinfo() : cpuinfo;
  const fields = text === null ? new Map<string, string>() : firstBlock(text);
  const first = (cpus ?? os.cpus())[0];
  const fallback = clean(first?.model ?? '') || 'unknown CPU';
  const name = clean(fields.get('model name') ?? '') || fallback;
  const family = fields.get('cpu family');
  const model = fields.get('model');
  const result =
    family && model ? `${name} (family ${family} model ${model})` : fallback;
  if (own) {
    thisCpu = result;
  }
  return result;
}
