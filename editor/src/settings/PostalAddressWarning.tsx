/**
 * The warning shown where emails are edited while the merchant has no postal address
 * (`warnings: ['no_postal_address']` from `GET /v1/merchant/settings`). Nothing is shown while
 * the settings load or when they cannot be read: the warning is advice, never a blocker.
 */
import { Link } from 'wouter';
import { api, call } from '../api';
import { useApi } from '../shell/use-api';

export function PostalAddressWarning() {
  const settings = useApi(() => call(api.v1.merchant.settings.$get()), []);
  if (!settings.data?.warnings.includes('no_postal_address')) return null;
  return (
    <p className="postal-address-warning" role="status" data-testid="postal-address-warning">
      Add your shop's postal address in <Link href="/settings">Settings</Link>: it goes in every email's footer
      (required by anti-spam laws). Emails still go out without it.
    </p>
  );
}
