/**
 * Navigation rules for every WebContents: the app never leaves its page and never opens a window of its
 * own. A link to an http(s) page opens in the user's browser; every other scheme (file:, javascript:,
 * custom protocols that start other programs) goes nowhere.
 */

/** The URL to hand to the system browser, or undefined: only well-formed http(s) URLs without credentials. */
export function externalUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username || parsed.password) return undefined;
  return parsed.href;
}

type OpenExternal = (url: string) => void;

/** `will-navigate` / `will-redirect`: always prevented; an http(s) target opens in the browser instead. */
export function guardNavigation(event: { preventDefault(): void }, url: string, openExternal: OpenExternal): void {
  event.preventDefault();
  const external = externalUrl(url);
  if (external) openExternal(external);
}

/** `setWindowOpenHandler`: no window is ever created; an http(s) target opens in the browser. */
export function guardWindowOpen(details: { url: string }, openExternal: OpenExternal): { action: 'deny' } {
  const external = externalUrl(details.url);
  if (external) openExternal(external);
  return { action: 'deny' };
}
