/**
 * A URL as the doctor may print it: a password in it (`https://user:password@proxy/api/`) shown as `***`, and its
 * query (where a token may ride) left out. Settings are printed to terminals and CI logs; secrets never are.
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return '(a URL that does not parse)';
  }
}
