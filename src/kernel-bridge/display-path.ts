import os from 'node:os';
import path from 'node:path';

/**
 * A path as notebook outputs show it: relative to the kernel's working directory (the notebook's
 * folder) when inside it (`.` for the folder itself), else `~/...` when inside the home folder,
 * else as given. Outputs are saved with the notebook, so they must not carry the absolute paths
 * of the machine that ran it.
 */
export function displayPath(
  p: string,
  cwd: string = process.cwd(),
  home: string = os.homedir()
): string {
  const abs = path.resolve(cwd, p);
  const inside = (root: string): string | null => {
    const rel = path.relative(root, abs);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
      ? rel
      : null;
  };
  const fromCwd = inside(cwd);
  if (fromCwd !== null) {
    return fromCwd === '' ? '.' : fromCwd;
  }
  const fromHome = home ? inside(home) : null;
  if (fromHome !== null) {
    return fromHome === '' ? '~' : `~/${fromHome}`;
  }
  return abs;
}
