/**
 * The signed-in staff member, restored from the session cookie on load
 * (`GET /v1/auth/session`) and shared with every page through context.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, call, setCsrfToken, SIGNED_OUT_EVENT, type Ok } from '../api';
import { setDisplayTimeZone } from './format';

export type Session = Ok<Awaited<ReturnType<typeof api.v1.auth.session.$get>>>;

interface SessionState {
  readonly session: Session | null;
  /** False until the first session check has answered. */
  readonly checked: boolean;
  signedIn(session: Session): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [checked, setChecked] = useState(false);

  const signedIn = useCallback((next: Session) => {
    setCsrfToken(next.csrfToken);
    setDisplayTimeZone(next.merchant.timezone);
    setSession(next);
  }, []);

  useEffect(() => {
    call(api.v1.auth.session.$get())
      .then(signedIn)
      .catch(() => setSession(null))
      .finally(() => setChecked(true));
    const onSignedOut = () => {
      setCsrfToken(null);
      setSession(null);
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, [signedIn]);

  const signOut = useCallback(async () => {
    await call(api.v1.auth['sign-out'].$post()).catch(() => undefined);
    setCsrfToken(null);
    setSession(null);
  }, []);

  return <SessionContext.Provider value={{ session, checked, signedIn, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in session; only for pages rendered behind the sign-in gate. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn on a signed-out page');
  return session;
}
