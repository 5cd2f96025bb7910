/**
 * Redis URLs and their credentials: a password may be given in the URL at run time or in the
 * environment (`DENI_REDIS_PASSWORD`, else `REDIS_PASSWORD`), but it is never stored.
 */

/** Environment variables a Redis password is read from, in order. */
export const REDIS_PASSWORD_ENV = ['DENI_REDIS_PASSWORD', 'REDIS_PASSWORD'];

/** The URL without user name and password (`redis://:secret@host:6379/0` -> `redis://host:6379/0`). */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') {
      return url;
    }
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // Not a URL: strip anything that looks like `user:pass@`.
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/**
 * The URL to connect with: as given when it carries a password, else with the password from
 * the environment (if any) filled in.
 */
export function withRunTimeCredentials(
  url: string,
  env: NodeJS.ProcessEnv = process.env
): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.password !== '') {
    return url;
  }
  const password = REDIS_PASSWORD_ENV.map(name => env[name]).find(
    p => p !== undefined && p !== ''
  );
  if (!password) {
    return url;
  }
  u.password = encodeURIComponent(password);
  return u.toString();
}
