/** What kind of repository a Hub call is about (the URL prefix and the cache folder differ). */
export type RepoType = 'model' | 'dataset';

/** The repository's page on the Hub, for messages. */
export function repoPage(
  endpoint: string,
  type: RepoType,
  repo: string
): string {
  return `${endpoint}/${type === 'dataset' ? 'datasets/' : ''}${repo}`;
}

/** A Hub request that failed for a reason the user must act on (access, missing repository or file, offline). */
export class HubError extends Error {
  /** HTTP status, when the Hub answered. */
  readonly status?: number;
  /** The Hub's `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`, `GatedRepo`), when it sent one. */
  readonly code?: string;
  constructor(message: string, status?: number, code?: string) {
    super(message);
    this.name = 'HubError';
    this.status = status;
    this.code = code;
  }
}

/**
 * One sentence for a 401/403/404 answer: which repository, what went wrong and what to do. The Hub
 * says in `X-Error-Code` whether a repository, revision or file is missing; a gated or private
 * repository answers 401 without a token and 403 with one that has no access.
 */
export function accessError(args: {
  status: number;
  errorCode?: string | null;
  type: RepoType;
  repo: string;
  endpoint: string;
  revision?: string;
  file?: string;
  tokenSent: boolean;
}): HubError {
  const what = `${args.type === 'dataset' ? 'data set' : 'model'} repository ${args.repo}`;
  const page = repoPage(args.endpoint, args.type, args.repo);
  const login =
    'set HF_TOKEN to a token with read access (or run `hf auth login`)';
  let text: string;
  if (args.status === 401 && !args.tokenSent) {
    text = `The ${what} is gated or private and no token was sent: accept its terms at ${page} if it is gated, then ${login}.`;
  } else if (args.status === 401) {
    text = `The Hub rejected the token for the ${what} (HTTP 401): the token is invalid or expired; create a new one at ${args.endpoint}/settings/tokens and ${login}.`;
  } else if (args.status === 403) {
    text = `The token has no access to the ${what} (HTTP 403): request access at ${page} (gated repositories need their terms accepted) or use a token with read access.`;
  } else if (args.errorCode === 'RevisionNotFound') {
    text = `The ${what} has no revision "${args.revision}" (HTTP 404): use a branch, tag or commit listed at ${page}/commits/main.`;
  } else if (args.errorCode === 'EntryNotFound' && args.file) {
    text = `The ${what} has no file ${args.file} at revision ${args.revision ?? 'main'} (HTTP 404): see the files at ${page}/tree/${args.revision ?? 'main'}.`;
  } else {
    text = `The ${what} was not found on ${args.endpoint} (HTTP 404): check the name at ${page}; private repositories also answer 404 without a token, so ${login} if it is yours.`;
  }
  return new HubError(text, args.status, args.errorCode ?? undefined);
}
