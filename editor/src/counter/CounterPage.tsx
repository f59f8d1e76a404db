/**
 * The counter screen, phone first: find the customer by scanning their pass or typing the
 * code under its QR, then give a stamp, redeem the reward or a voucher, or undo a stamp
 * given by mistake (`CounterCustomer`).
 */
import { useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { CameraScanner } from './CameraScanner';
import { CounterCustomer } from './CounterCustomer';
import './counter.css';

export function CounterPage({ code }: { code?: string | undefined }) {
  const [, navigate] = useLocation();
  const [typed, setTyped] = useState('');
  const [scanning, setScanning] = useState(false);
  const open = useCallback(
    (value: string) => {
      setScanning(false);
      setTyped('');
      navigate(`/counter/${encodeURIComponent(value.trim())}`);
    },
    [navigate],
  );
  const customer = useApi(
    () => (code ? call(api.v1.counter.customers[':code'].$get({ param: { code } })) : Promise.resolve(undefined)),
    [code],
  );

  return (
    <div className="counter">
      <h1 className="visually-hidden">Counter</h1>
      <form
        className="counter-find"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) open(typed);
        }}
      >
        <label htmlFor="pass-code">Pass code</label>
        <div className="counter-find-row">
          <input
            id="pass-code"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="Code under the QR"
            autoCapitalize="characters"
            autoComplete="off"
          />
          <button type="submit" className="counter-secondary">
            Find
          </button>
        </div>
        {!scanning && (
          <button type="button" className="counter-big counter-scan" onClick={() => setScanning(true)}>
            Scan pass
          </button>
        )}
      </form>
      {scanning && <CameraScanner onCode={open} onClose={() => setScanning(false)} />}
      <ErrorNote error={customer.error} />
      {customer.data && (
        <CounterCustomer
          key={customer.data.id}
          customer={customer.data}
          reload={customer.reload}
        />
      )}
    </div>
  );
}
