/** Settings: the messaging rules, the team that signs in, the API keys apps use, what every email shows of the shop, and its shops. */
import { PageHeader } from '../shell/Layout';
import { ApiKeysSection } from './ApiKeysSection';
import { EmailFooterSection } from './EmailFooterSection';
import { ShopLocationsSection } from './ShopLocationsSection';
import { TelegramSection } from './TelegramSection';
import { TeamSection } from './TeamSection';
import { MessagingRulesSection } from './MessagingRulesSection';
import './settings.css';

export function SettingsPage() {
  return (
    <div className="settings">
      <PageHeader title="Settings" />
      <MessagingRulesSection />
      <TeamSection />
      <ApiKeysSection />
      <EmailFooterSection />
      <ShopLocationsSection />
      <TelegramSection />
    </div>
  );
}
