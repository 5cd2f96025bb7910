import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const req = createRequire(import.meta.url);

/**
 * Folder of an installed data package, checked against the exact version the data card pins, so
 * a silently upgraded package can never change a "built-in" data set under a stored result.
 */
export function packageDir(name: string, version: string): string {
  let manifest: string;
  try {
    manifest = req.resolve(`${name}/package.json`);
  } catch {
    throw new Error(
      `built-in data needs the npm package ${name}@${version}, which is not installed; run: npm install ${name}@${version}`
    );
  }
  const found = (
    JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
  ).version;
  if (found !== version) {
    throw new Error(
      `built-in data is pinned to ${name}@${version} but ${found} is installed (${manifest}); run: npm install ${name}@${version}`
    );
  }
  return path.dirname(manifest);
}
