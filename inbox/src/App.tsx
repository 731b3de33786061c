import { useCallback, useState } from 'react';
import { AgentApp } from './components/AgentApp.tsx';
import { LoginForm } from './components/LoginForm.tsx';
import { clearSession, loadSession, type Session, saveSession } from './session.ts';

/** Login form, or the inbox of the logged-in agent. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);

  const onLogin = useCallback((next: Session) => {
    saveSession(next);
    setNotice(null);
    setSession(next);
  }, []);
  const onLogout = useCallback((reason: string | null) => {
    clearSession();
    setNotice(reason);
    setSession(null);
  }, []);

  if (session === null) return <LoginForm onLogin={onLogin} notice={notice} />;
  return <AgentApp key={session.token} session={session} onLogout={onLogout} />;
}
