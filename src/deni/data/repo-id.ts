/**
 * Hugging Face repository ids (`owner/name`), checked before any request or cache path is built
 * from them: `hf:../../etc` or `hf:owner//x` must never reach a URL or a folder name.
 */

/** One part of a repository id: letters, digits, `-`, `_`, `.`; no leading/trailing `-`/`.`, no `..`/`--`. */
const PART = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9])?$/;

/**
 * Throws a readable error unless `repo` is `owner/name` (or a bare `name` when `ownerOptional`),
 * naming `source` (the id as written). Returns `repo` unchanged.
 */
export function checkRepoId(
  repo: string,
  source: string,
  ownerOptional = false
): string {
  const parts = repo.split('/');
  const problem =
    parts.length > 2
      ? 'it has more than one "/"'
      : parts.length === 1 && !ownerOptional
        ? 'it lacks the owner (owner/name)'
        : parts.some(p => p === '')
          ? 'a part is empty'
          : parts.some(p => p.includes('..') || p.includes('--'))
            ? 'a part contains ".." or "--"'
            : parts.find(p => !PART.test(p)) !== undefined
              ? `"${parts.find(p => !PART.test(p))}" is not a valid name (letters, digits, "-", "_", "." and no leading or trailing "-" or ".")`
              : undefined;
  if (problem !== undefined) {
    throw new Error(
      `${source}: ${JSON.stringify(repo)} is not a Hugging Face repository id like owner/name: ${problem}`
    );
  }
  return repo;
}
