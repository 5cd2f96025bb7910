import {
  EnvHttpProxyAgent,
  fetch as undiciFetch,
  type Dispatcher
} from 'undici';
import { HubError } from './errors';
import type { IHubOptions } from './settings';

let dispatcher: { key: string; agent: Dispatcher } | undefined;

const PROXY_VARS = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy'
];

/**
 * undici's EnvHttpProxyAgent: requests go through $HTTPS_PROXY / $HTTP_PROXY (lower case too)
 * unless $NO_PROXY excludes the host, as curl and Python's requests do. Node's built-in fetch
 * ignores these variables, which is why the Hub client uses undici's own fetch. Made again when
 * the variables change.
 */
function agent(): Dispatcher {
  const key = PROXY_VARS.map(v => process.env[v] ?? '').join('\n');
  if (dispatcher?.key !== key) {
    void dispatcher?.agent.close().catch(() => undefined);
    dispatcher = { key, agent: new EnvHttpProxyAgent() };
  }
  return dispatcher.agent;
}

/** Status codes worth another attempt: rate limiting and server errors. */
export function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Delay before attempt `n` (1-based): the server's Retry-After when it sends one (capped), else doubling. */
function backoff(n: number, base: number, retryAfter?: string | null): number {
  const s = retryAfter ? Number(retryAfter) : NaN;
  if (Number.isFinite(s) && s >= 0) {
    return Math.min(60_000, s * 1000);
  }
  return base * 2 ** (n - 1);
}

/** A response (body unread) plus the URL it came from. */
export type HubResponse = Awaited<ReturnType<typeof undiciFetch>>;

/**
 * One HTTP request with a timeout for the response headers, retried with back-off on 429, 5xx
 * and network errors. Other statuses are returned for the caller to interpret.
 */
export async function request(
  url: string,
  init: {
    method?: 'GET' | 'HEAD';
    headers?: Record<string, string>;
    redirect?: 'follow' | 'manual';
  },
  opts: IHubOptions
): Promise<HubResponse> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  const base = opts.retryBaseMs ?? 1000;
  const timeout = opts.timeoutMs ?? 30_000;
  let last = '';
  for (let n = 1; n <= attempts; n++) {
    let res: HubResponse | undefined;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      res = await undiciFetch(url, {
        method: init.method ?? 'GET',
        headers: { 'user-agent': 'jupyterlab-deni', ...init.headers },
        redirect: init.redirect ?? 'follow',
        signal: controller.signal,
        dispatcher: agent()
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } })
        .cause;
      last = controller.signal.aborted
        ? `no answer within ${timeout / 1000} s`
        : (cause?.code ?? cause?.message ?? (e as Error).message);
    } finally {
      clearTimeout(timer);
    }
    if (res && !retryable(res.status)) {
      return res;
    }
    if (res) {
      last = `HTTP ${res.status} ${res.statusText}`;
      await res.body?.cancel().catch(() => undefined);
    }
    if (n < attempts) {
      const wait = backoff(n, base, res?.headers.get('retry-after'));
      opts.onLog?.(
        `${url}: ${last}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${n + 1} of ${attempts})`
      );
      await sleep(wait);
    }
  }
  throw new HubError(
    `cannot reach ${url} after ${attempts} attempt(s): ${last}`
  );
}

/** Re-exported so downloads stream through the same proxy-aware client. */
export { agent as hubDispatcher };
