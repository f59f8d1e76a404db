/** The frame around every signed-in page: navigation, merchant, sign-out. */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession, useSignedIn } from './session';

const NAV = [
  { href: '/flows', label: 'Flows' },
  { href: '/campaigns', label: 'Campaigns' },
  { href: '/counter', label: 'Counter' },
  { href: '/cards', label: 'Cards' },
  { href: '/customers', label: 'Customers' },
  { href: '/outbox', label: 'Outbox' },
  { href: '/settings', label: 'Settings' },
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const session = useSignedIn();
  const { signOut } = useSession();
  const [location] = useLocation();
  return (
    <div className="app">
      <header className="topbar">
        <Link href="/flows" className="brand">
          Stampflow
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className={location.startsWith(item.href) ? 'nav-link active' : 'nav-link'}
              aria-current={location.startsWith(item.href) ? 'page' : undefined}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <span className="merchant" title={session.staff.email}>
            {session.merchant.name}
          </span>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="page">{children}</div>
    </div>
  );
}

/** A page's title row with its actions on the right. */
export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      <div className="page-actions">{children}</div>
    </div>
  );
}

/** What a list shows when it has nothing yet, with the way to make the first one. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** An API error, shown where it happened. */
export function ErrorNote({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {error}
    </p>
  );
}
