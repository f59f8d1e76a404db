/** Sign-in (email + password) and accepting a staff invitation (choose a password). */
import { useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../api';
import { useSession } from './session';

export function SignIn() {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      signedIn(await call(api.v1.auth['sign-in'].$post({ json: { email, password } })));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <div className="brand brand-large">Stampflow</div>
        <h1 id="sign-in-title">Sign in</h1>
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">The demo login is printed by <code>npm start</code>.</p>
      </form>
    </main>
  );
}

export function AcceptInvite({ token }: { token: string }) {
  const { signedIn } = useSession();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      signedIn(await call(api.v1.auth['accept-invite'].$post({ json: { token, password } })));
      window.history.replaceState(null, '', '/');
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={(e) => void submit(e)}>
        <div className="brand brand-large">Stampflow</div>
        <h1>Join your team</h1>
        <label>
          Choose a password (at least 8 characters)
          <input type="password" autoComplete="new-password" minLength={8} required value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Create account
        </button>
      </form>
    </main>
  );
}
