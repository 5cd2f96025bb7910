import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Byte progress of one file being downloaded from the Hub. */
export interface IHubProgress {
  /** `owner/name` of the repository. */
  repo: string;
  /** Path of the file inside the repository. */
  file: string;
  /** Bytes received so far. */
  bytes: number;
  /** Expected size in bytes (from the Hub's headers), when known. */
  total?: number;
}

/** Options every Hub call takes; anything left out comes from the standard environment variables. */
export interface IHubOptions {
  /** Hub base URL; default $HF_ENDPOINT, else $DENI_HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /**
   * The Hub cache (standard layout, shared with Python's huggingface_hub); default $HF_HUB_CACHE,
   * else $HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
   */
  cacheDir?: string;
  /** Never touch the network; default $HF_HUB_OFFLINE (1/true/yes/on). */
  offline?: boolean;
  /** Access token; default $HF_TOKEN, else the token file `hf auth login` writes ($HF_HOME/token). */
  token?: string;
  /** Byte progress while downloading. */
  onProgress?: (progress: IHubProgress) => void;
  /** One line per step (listing, downloading, reusing the cache). */
  onLog?: (line: string) => void;
  /** Attempts per request on 429, 5xx and network errors; default 5. */
  attempts?: number;
  /** First back-off delay in ms (doubles per attempt, or the server's Retry-After); default 1000. */
  retryBaseMs?: number;
  /** Milliseconds to wait for response headers, and the longest silence while a body streams; default 30000. */
  timeoutMs?: number;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

/** Whether an environment flag such as HF_HUB_OFFLINE is set to a true value. */
export function envFlag(name: string): boolean {
  return TRUE.has((process.env[name] ?? '').trim().toLowerCase());
}

/** $HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface (as huggingface_hub). */
export function hfHome(): string {
  return (
    process.env.HF_HOME ||
    path.join(
      process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
      'huggingface'
    )
  );
}

/** The Hub base URL without a trailing slash. */
export function hubEndpoint(opts: IHubOptions = {}): string {
  return (
    opts.endpoint ||
    process.env.HF_ENDPOINT ||
    process.env.DENI_HF_ENDPOINT ||
    'https://huggingface.co'
  ).replace(/\/+$/, '');
}

/** The Hub cache folder (standard layout: `models--owner--name/{blobs,refs,snapshots}`). */
export function hubCacheDir(opts: IHubOptions = {}): string {
  return (
    opts.cacheDir ||
    process.env.HF_HUB_CACHE ||
    process.env.HUGGINGFACE_HUB_CACHE ||
    path.join(hfHome(), 'hub')
  );
}

/** Whether network access is forbidden (option, else $HF_HUB_OFFLINE). */
export function hubOffline(opts: IHubOptions = {}): boolean {
  return opts.offline ?? envFlag('HF_HUB_OFFLINE');
}

/** Where the token comes from, for messages and `deni doctor` (never the value). */
export type TokenSource = 'option' | 'HF_TOKEN' | 'token file' | 'none';

/** The file `hf auth login` writes the token to: $HF_TOKEN_PATH, else $HF_HOME/token. */
export function tokenFile(): string {
  return process.env.HF_TOKEN_PATH || path.join(hfHome(), 'token');
}

/** The access token and where it came from. */
export function hubToken(opts: IHubOptions = {}): {
  token?: string;
  source: TokenSource;
} {
  if (opts.token) {
    return { token: opts.token, source: 'option' };
  }
  const env = process.env.HF_TOKEN || process.env.HUGGING_FACE_HUB_TOKEN;
  if (env) {
    return { token: env.trim(), source: 'HF_TOKEN' };
  }
  const file = tokenFile();
  if (existsSync(file)) {
    const t = readFileSync(file, 'utf8').trim();
    if (t) {
      return { token: t, source: 'token file' };
    }
  }
  return { source: 'none' };
}

/** The proxy variable in effect for HTTPS requests, if any (its name only, for messages). */
export function proxyVariable(): string | undefined {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].find(
    v => process.env[v]
  );
}
