/**
 * A Redis URL fit for logs and the admin API: the password (and user) is
 * replaced by `***`, so a secret in the URL is never shown.
 */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)[^@/]*@/i, '$1***@');
}
