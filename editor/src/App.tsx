/** The editor's pages. Signed out, every path shows the sign-in page (and comes back after). */
import { Redirect, Route, Switch } from 'wouter';
import { CampaignPage } from './campaigns/CampaignPage';
import { CampaignsPage } from './campaigns/CampaignsPage';
import { NewCampaignPage } from './campaigns/NewCampaignPage';
import { CardsPage } from './cards/CardsPage';
import { CounterPage } from './counter/CounterPage';
import { CustomerPage } from './customers/CustomerPage';
import { CustomersPage } from './customers/CustomersPage';
import { FlowEditorPage, FlowVersionPage } from './flows/FlowEditorPage';
import { FlowsPage } from './flows/FlowsPage';
import { NewFlowPage } from './flows/NewFlowPage';
import { OutboxPage } from './outbox/OutboxPage';
import { FlowRunsPage } from './runs/FlowRunsPage';
import { RunPage } from './runs/RunPage';
import { SettingsPage } from './settings/SettingsPage';
import { Layout } from './shell/Layout';
import { useSession } from './shell/session';
import { AcceptInvite, SignIn } from './shell/SignIn';

export function App() {
  const { session, checked } = useSession();
  if (!checked) return <div className="boot" aria-busy="true" />;
  if (!session) {
    return (
      <Switch>
        <Route path="/invite/:token">{(p) => <AcceptInvite token={p.token} />}</Route>
        <Route>
          <SignIn />
        </Route>
      </Switch>
    );
  }
  return (
    <Layout>
      <Switch>
        <Route path="/">
          <Redirect to="/flows" />
        </Route>
        <Route path="/invite/:token">
          <Redirect to="/flows" />
        </Route>
        <Route path="/flows" component={FlowsPage} />
        <Route path="/flows/new" component={NewFlowPage} />
        <Route path="/flows/:id/runs">{(p) => <FlowRunsPage flowId={p.id} />}</Route>
        <Route path="/flows/:id/versions/:version">{(p) => <FlowVersionPage id={p.id} version={Number(p.version)} />}</Route>
        <Route path="/flows/:id">{(p) => <FlowEditorPage key={p.id} id={p.id} />}</Route>
        <Route path="/runs/:id">{(p) => <RunPage key={p.id} id={p.id} />}</Route>
        <Route path="/campaigns" component={CampaignsPage} />
        <Route path="/campaigns/new" component={NewCampaignPage} />
        <Route path="/campaigns/:id">{(p) => <CampaignPage key={p.id} id={p.id} />}</Route>
        <Route path="/customers" component={CustomersPage} />
        <Route path="/customers/:id">{(p) => <CustomerPage key={p.id} id={p.id} />}</Route>
        <Route path="/cards" component={CardsPage} />
        <Route path="/counter">{() => <CounterPage />}</Route>
        <Route path="/counter/:code">{(p) => <CounterPage code={p.code} />}</Route>
        <Route path="/outbox" component={OutboxPage} />
        <Route path="/settings" component={SettingsPage} />
        <Route>
          <div className="empty-state">
            <h2>Nothing here</h2>
            <p>
              <a href="/flows">Back to your flows</a>
            </p>
          </div>
        </Route>
      </Switch>
    </Layout>
  );
}
