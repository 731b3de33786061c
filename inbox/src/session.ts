/** The logged-in agent, kept in localStorage so a reload stays logged in. */
export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly agent: { readonly id: string; readonly email: string; readonly name: string };
}

const KEY = 'sonny.inbox.session';

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string') return null;
    if (Date.parse(session.expiresAt) <= Date.now()) return null;
    return session;
  } catch {
    // Storage disabled or a corrupt entry: the agent logs in again.
    return null;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}
