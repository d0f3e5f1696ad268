/** True when the URL's host is one of `hosts`, or one of them without its "www." (publishers serve both). */
export function hostListed(url: URL, hosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  return hosts.some((h) => host === h || host === h.replace(/^www\./, ''));
}
