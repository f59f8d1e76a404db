/**
 * The shops: where every customer's pass comes up on the lock screen with its nearby text
 * (`locations` of `GET|PUT /v1/merchant/settings`; a save replaces the list, at most 10).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';
import { SaveRow } from './SaveRow';

/** Apple Wallet shows a pass near at most 10 places. */
const MAX_SHOPS = 10;

interface Row {
  name: string;
  address: string;
  latitude: string;
  longitude: string;
}
const emptyRow = (): Row => ({ name: '', address: '', latitude: '', longitude: '' });
const toRows = (list: readonly { name: string; address: string; latitude: number; longitude: number }[]): Row[] =>
  list.map((l) => ({ name: l.name, address: l.address, latitude: String(l.latitude), longitude: String(l.longitude) }));

/** What is wrong with a shop, in the owner's words (the server says the same with a field path). */
function shopProblem(r: Row, i: number): string | undefined {
  const who = `Shop ${i + 1}${r.name.trim() ? ` (${r.name.trim()})` : ''}`;
  const lat = Number(r.latitude.replace(',', '.'));
  const lon = Number(r.longitude.replace(',', '.'));
  if (!r.name.trim()) return `${who}: give it a name.`;
  if (r.latitude.trim() === '' || !Number.isFinite(lat) || Math.abs(lat) > 90)
    return `${who}: the latitude must be a number from -90 to 90, like 51.3397.`;
  if (r.longitude.trim() === '' || !Number.isFinite(lon) || Math.abs(lon) > 180)
    return `${who}: the longitude must be a number from -180 to 180, like 12.3731.`;
  return undefined;
}

export function ShopLocationsSection() {
  const settings = useApi(() => call(api.v1.merchant.settings.$get()), []);
  const [rows, setRows] = useState<Row[]>();
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<string>();
  const saving = useAction();

  useEffect(() => {
    if (settings.data) setRows(toRows(settings.data.locations));
  }, [settings.data]);

  const change = (i: number, patch: Partial<Row>) => {
    setDone(false);
    setRows((list) => list?.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!rows) return;
    setDone(false);
    const first = rows.map(shopProblem).find((p) => p !== undefined);
    setProblem(first);
    if (first) return;
    await saving.run(async () => {
      const locations = rows.map((r) => ({
        name: r.name,
        address: r.address,
        latitude: Number(r.latitude.replace(',', '.')),
        longitude: Number(r.longitude.replace(',', '.')),
      }));
      const answer = await call(api.v1.merchant.settings.$put({ json: { locations } }));
      setRows(toRows(answer.locations));
      setDone(true);
    });
  }

  return (
    <section className="settings-section card" aria-labelledby="shops-title">
      <h2 id="shops-title">Your shops</h2>
      <p className="hint">
        Near these places, your customers’ cards come up on their lock screen with a short text: a push can set one
        (“Free coffee waiting ☕”), otherwise the card says how many stamps are left. Up to {MAX_SHOPS} shops. Find the
        latitude and longitude by right-clicking your shop on a map.
      </p>
      <ErrorNote error={settings.error} />
      {rows && (
        <form className="stack" onSubmit={(e) => void save(e)} aria-label="Shops">
          {rows.length === 0 && <p className="hint">No shops yet.</p>}
          {rows.map((r, i) => (
            <fieldset key={i} className="shop-row row" aria-label={`Shop ${i + 1}`}>
              <label>
                Name
                <input value={r.name} maxLength={100} onChange={(e) => change(i, { name: e.target.value })} />
              </label>
              <label className="grow">
                Address
                <input value={r.address} maxLength={300} onChange={(e) => change(i, { address: e.target.value })} />
              </label>
              <label>
                Latitude
                <input inputMode="decimal" value={r.latitude} onChange={(e) => change(i, { latitude: e.target.value })} />
              </label>
              <label>
                Longitude
                <input inputMode="decimal" value={r.longitude} onChange={(e) => change(i, { longitude: e.target.value })} />
              </label>
              <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                Remove
              </button>
            </fieldset>
          ))}
          <SaveRow
            label="Save shops"
            busy={saving.busy}
            disabled={false}
            saved={done}
            savedText="Saved. Cards pick up the change with their next update."
          >
            <button type="button" disabled={rows.length >= MAX_SHOPS} onClick={() => setRows([...rows, emptyRow()])}>
              Add a shop
            </button>
          </SaveRow>
          {problem && (
            <p className="field-error" role="alert">
              {problem}
            </p>
          )}
          <ErrorNote error={saving.error} />
        </form>
      )}
    </section>
  );
}
