/** Which surface a path belongs to: sign-in at /, the operator console under /console, the merchant cabinet under /cabinet. */
import { useEffect, useState } from 'preact/hooks';
import { api, get, SESSION_LOST } from './api.ts';
import { CabinetApp } from './cabinet/cabinet-app.tsx';
import { ConsoleApp } from './console/console-app.tsx';
import { navigate, usePath } from './router.ts';
import { SESSION_CHANGED, SessionContext, type Who } from './session.tsx';
import { SignIn } from './sign-in.tsx';

export type { Who } from './session.tsx';

export function App() {
  const path = usePath();
  const surface = path.startsWith('/console') ? 'console' : path.startsWith('/cabinet') ? 'cabinet' : 'sign-in';
  const [who, setWho] = useState<Who | null | undefined>(undefined);

  useEffect(() => {
    if (surface === 'sign-in') return;
    setWho(undefined);
    const load = () => get<Who>(`/${surface}/v1/session`).then(setWho, () => navigate('/', true));
    void load();
    // Turning on two-factor (or anything else that changes what the session may do) reloads it.
    window.addEventListener(SESSION_CHANGED, load);
    return () => window.removeEventListener(SESSION_CHANGED, load);
  }, [surface]);
  useEffect(() => {
    const lost = () => navigate('/', true);
    window.addEventListener(SESSION_LOST, lost);
    return () => window.removeEventListener(SESSION_LOST, lost);
  }, []);

  const signOut = async () => {
    await api('DELETE', `/${surface}/v1/session`).catch(() => {});
    navigate('/');
  };

  if (surface === 'sign-in') return <SignIn />;
  if (!who) return <p class="loading">Loading…</p>;
  return (
    <SessionContext.Provider value={who}>
      {surface === 'console' ? <ConsoleApp path={path} who={who} onSignOut={signOut} /> : <CabinetApp path={path} who={who} onSignOut={signOut} />}
    </SessionContext.Provider>
  );
}
