import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(__dirname, '../../notebooks');

/** Text of every output of a notebook. */
function outputsOf(file: string): string {
  const nb = JSON.parse(readFileSync(file, 'utf8')) as {
    cells: { outputs?: unknown[] }[];
  };
  return nb.cells.map(c => JSON.stringify(c.outputs ?? [])).join('\n');
}

describe('committed notebook outputs (issue #17)', () => {
  it('hold no absolute path of the machine that ran them', () => {
    for (const name of readdirSync(dir).filter(f => f.endsWith('.ipynb'))) {
      const text = outputsOf(path.join(dir, name));
      expect(
        text.match(
          /(?<![\w.~])\/(work|root|home|tmp|Users|srv|opt|mnt)\/[^\s"\\]*/g
        ) ?? [],
        name
      ).toEqual([]);
    }
  });
});
