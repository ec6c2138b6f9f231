/**
 * The large protection on/off switch. Turning protection off asks first. What it says is
 * what the firewall does: with the dry-run firewall (`backend`), protection on detects
 * and records but blocks nobody, and the banner says so (as `sipwarden status` does).
 */
import { useState } from 'react';
import { api, ApiFailure } from '../api';
import { ConfirmDialog } from './ConfirmDialog';

export function ProtectionSwitch({ value, backend, onChange }: { value: 'on' | 'off' | null; backend?: string | null; onChange: (v: 'on' | 'off') => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const on = value === 'on';
  const detectingOnly = on && backend === 'dry-run';

  const set = async (next: 'on' | 'off') => {
    setAsking(false);
    setBusy(true);
    setError(null);
    try {
      const r = await api('PUT /api/settings/protection', { body: { protection: next } });
      onChange(r.protection);
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`protection ${on ? 'is-on' : 'is-off'}${detectingOnly ? ' is-detecting' : ''}`}>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label="Protection"
        className="switch"
        disabled={busy || value === null}
        onClick={() => (on ? setAsking(true) : void set('on'))}
      >
        <span className="knob" />
      </button>
      <div>
        <div className="protection-title">Protection is {value === null ? '…' : on ? 'ON' : 'OFF'}</div>
        <div className="muted" data-testid="protection-says">
          {detectingOnly
            ? 'Detecting only — dry-run: nothing is blocked. Attacks are detected and bans recorded, but no address is blocked in the firewall (firewall.backend is dry-run; nftables blocks).'
            : on ? 'Attackers are blocked in the firewall.' : 'Attacks are detected and logged, but nobody is blocked.'}
        </div>
        {error && <div className="error">{error}</div>}
      </div>
      {asking && (
        <ConfirmDialog
          title="Turn protection off?"
          confirm="Turn off"
          danger
          onConfirm={() => void set('off')}
          onCancel={() => setAsking(false)}
        >
          Attacks will still be detected and logged, but no new address will be blocked until you turn it back on.
        </ConfirmDialog>
      )}
    </div>
  );
}
