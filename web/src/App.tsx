/** The shell: session check, login, navigation between the pages (hash routes). */
import { useEffect, useState } from 'react';
import { api, setCsrf, setLoggedOutHandler } from './api';
import { useHashRoute } from './hooks';
import { Bans } from './pages/Bans';
import { Calls } from './pages/Calls';
import { Failures } from './pages/Failures';
import { Login } from './pages/Login';
import { Overview } from './pages/Overview';
import { Settings } from './pages/Settings';

const NAV: Array<[string, string]> = [['/', 'Overview'], ['/bans', 'Blocked'], ['/failures', 'Failed attempts'], ['/calls', 'Calls'], ['/settings', 'Settings']];

export function App() {
  const [user, setUser] = useState<string | null | undefined>(undefined);
  const { path, params } = useHashRoute();

  useEffect(() => {
    setLoggedOutHandler(() => setUser(null));
    api('GET /api/session').then(
      (s) => {
        setCsrf(s.csrfToken);
        setUser(s.user);
      },
      () => setUser(null),
    );
  }, []);

  if (user === undefined) return <main className="page muted">Loading…</main>;
  if (user === null) return <Login onLoggedIn={setUser} />;

  const logout = async () => {
    await api('POST /api/logout').catch(() => undefined);
    setCsrf('');
    setUser(null);
  };

  return (
    <>
      <header className="top">
        <a href="#/" className="brand">sipwarden</a>
        <nav>
          {NAV.map(([p, label]) => <a key={p} href={`#${p}`} className={path === p ? 'current' : ''} aria-current={path === p ? 'page' : undefined}>{label}</a>)}
        </nav>
        <button type="button" className="link" onClick={() => void logout()}>Sign out</button>
      </header>
      <main>
        {path === '/bans' ? <Bans key={params.toString()} params={params} />
          : path === '/failures' ? <Failures params={params} />
          : path === '/calls' ? <Calls />
          : path === '/settings' ? <Settings />
          : <Overview />}
      </main>
    </>
  );
}
