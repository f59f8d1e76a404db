/**
 * Telegram: the owner pastes their bot's token (from @BotFather); the server checks it with
 * Telegram and points the bot at Stampflow (`GET|PUT|DELETE /v1/merchant/telegram`). The
 * token is never shown again: the section shows the bot's @username and how many customers
 * linked their card to it.
 */
import { useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';

export function TelegramSection() {
  const bot = useApi(() => call(api.v1.merchant.telegram.$get()), []);
  const [token, setToken] = useState('');
  const [changing, setChanging] = useState(false);
  const saving = useAction();

  async function connect(event: FormEvent) {
    event.preventDefault();
    await saving.run(async () => {
      await call(api.v1.merchant.telegram.$put({ json: { token } }));
      setToken('');
      setChanging(false);
      bot.reload();
    });
  }

  async function disconnect() {
    await saving.run(async () => {
      await call(api.v1.merchant.telegram.$delete());
      bot.reload();
    });
  }

  const connected = bot.data?.connected === true;
  return (
    <section className="settings-section card" aria-labelledby="telegram-title">
      <h2 id="telegram-title">Telegram</h2>
      <p className="hint">
        Send your campaigns’ longer messages to customers on Telegram, beside the wallet push and email. Customers link
        their card themselves with “Get messages on Telegram” on their card page, and can stop any time by sending
        /stop to your bot.
      </p>
      <ErrorNote error={bot.error} />
      {connected && !changing && (
        <div className="stack">
          <p role="status">
            Connected to <b>@{bot.data?.username}</b>. {bot.data?.linkedCustomers ?? 0} customer
            {bot.data?.linkedCustomers === 1 ? ' has' : 's have'} linked their card.
          </p>
          <div className="row">
            <button type="button" onClick={() => setChanging(true)}>
              Use another bot
            </button>
            <button type="button" className="link-button" disabled={saving.busy} onClick={() => void disconnect()}>
              Disconnect
            </button>
          </div>
        </div>
      )}
      {bot.data && (!connected || changing) && (
        <form className="stack" onSubmit={(e) => void connect(e)} aria-label="Connect a Telegram bot">
          <label>
            Bot token
            <input
              value={token}
              autoComplete="off"
              spellCheck={false}
              placeholder="123456789:AAE…"
              onChange={(e) => setToken(e.target.value)}
            />
          </label>
          <p className="hint">
            In Telegram, open @BotFather, send /newbot, pick a name, and paste the token it gives you here. We check it
            with Telegram before saving.
          </p>
          <div className="row">
            <button type="submit" className="primary" disabled={saving.busy || token.trim() === ''}>
              {saving.busy ? 'Checking…' : 'Connect bot'}
            </button>
            {changing && (
              <button type="button" className="link-button" onClick={() => setChanging(false)}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
      <ErrorNote error={saving.error} />
    </section>
  );
}
