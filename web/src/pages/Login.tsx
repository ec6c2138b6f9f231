/** The login form. Failed logins count against the address like any failed SIP login. */
import { useState, type FormEvent } from 'react';
import { api, ApiFailure, setCsrf } from '../api';

export function Login({ onLoggedIn }: { onLoggedIn: (user: string) => void }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api('POST /api/login', { body: { username, password } });
      setCsrf(s.csrfToken);
      onLoggedIn(s.user);
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form onSubmit={(e) => void submit(e)} className="card">
        <h1>sipwarden</h1>
        <p className="muted">Sign in to see attacks and manage blocked addresses.</p>
        <label>
          User name
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
        </label>
        {error && <div className="error" role="alert">{error}</div>}
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="muted small">Forgot the password? On the server run <code>sipwarden passwd</code>.</p>
      </form>
    </main>
  );
}
