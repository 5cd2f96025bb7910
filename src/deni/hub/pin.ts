/**
 * What a run records about an input that came from the Hub: the repository, the commit and the
 * sha256 of every file read. It is part of the run's key, so a changed upstream file never
 * mixes with results computed from the old one.
 */
export interface IHubPin {
  repo: string;
  commit: string;
  /** Path in the repository -> sha256 (hex). */
  files: Record<string, string>;
  /** A data set's config. */
  config?: string;
}
