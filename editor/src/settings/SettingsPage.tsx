/** Settings: the team that signs in, and the API keys apps use. */
import { PageHeader } from '../shell/Layout';
import { ApiKeysSection } from './ApiKeysSection';
import { TeamSection } from './TeamSection';
import './settings.css';

export function SettingsPage() {
  return (
    <div className="settings">
      <PageHeader title="Settings" />
      <TeamSection />
      <ApiKeysSection />
    </div>
  );
}
