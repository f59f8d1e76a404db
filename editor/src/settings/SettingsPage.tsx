/** Settings: the messaging rules, the team that signs in, the API keys apps use, and what every email shows of the shop. */
import { PageHeader } from '../shell/Layout';
import { ApiKeysSection } from './ApiKeysSection';
import { EmailFooterSection } from './EmailFooterSection';
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
    </div>
  );
}
