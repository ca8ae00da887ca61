/**
 * The signed-in credentials, kept in this tab's sessionStorage only: gone when the tab closes,
 * never shared with other tabs, never in localStorage or a cookie.
 */
export interface Credentials {
  username: string;
  password: string;
  /** The account the credentials act for (the username, or an API key's account). */
  accountSid: string;
}

const KEY = 'regcomp.console.credentials';

export function loadCredentials(): Credentials | undefined {
  const text = sessionStorage.getItem(KEY);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Credentials;
  } catch {
    return undefined;
  }
}

export function saveCredentials(credentials: Credentials): void {
  sessionStorage.setItem(KEY, JSON.stringify(credentials));
}

export function clearCredentials(): void {
  sessionStorage.removeItem(KEY);
}
