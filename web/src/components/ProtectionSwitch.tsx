/** The large protection on/off switch. Turning protection off asks first. */
import { useState } from 'react';
import { api, ApiFailure } from '../api';
import { ConfirmDialog } from './ConfirmDialog';

export function ProtectionSwitch({ value, onChange }: { value: 'on' | 'off' | null; onChange: (v: 'on' | 'off') => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const on = value === 'on';

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
    <div className={`protection ${on ? 'is-on' : 'is-off'}`}>
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
        <div className="muted">
          {on ? 'Attackers are blocked in the firewall.' : 'Attacks are detected and logged, but nobody is blocked.'}
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
