import { describe, expect, it } from 'vitest';
import { parseDatasetSpec } from './load';
import { checkRepoId } from './repo-id';
import { resolveModel } from '../model/registry';

describe('hf: repository ids are validated before any request (#21)', () => {
  it.each([
    'hf:../x',
    'hf:owner/..',
    'hf:owner//name',
    'hf:/name',
    'hf:owner/',
    'hf:a/b/c',
    'hf:-owner/name',
    'hf:owner/na..me'
  ])('rejects data set %s with a readable error', id => {
    expect(() => parseDatasetSpec(id)).toThrow(
      /is not a Hugging Face repository id like owner\/name/
    );
  });

  it('accepts real ids', () => {
    expect(parseDatasetSpec('hf:stanfordnlp/sst2')).toMatchObject({
      kind: 'hub'
    });
    expect(checkRepoId('sentence-transformers/all-MiniLM-L6-v2', 'x')).toBe(
      'sentence-transformers/all-MiniLM-L6-v2'
    );
  });

  it('rejects a model id with .. before building a cache path or URL', async () => {
    await expect(resolveModel('hf:../../etc')).rejects.toThrow(
      /not a Hugging Face repository id/
    );
    await expect(resolveModel('hf:owner/..')).rejects.toThrow(
      /contains "\.\."/
    );
  });
});
