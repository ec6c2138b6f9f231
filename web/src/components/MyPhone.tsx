/**
 * "This is my phone" on a ban that an extension's use from outside the office made
 * (extension-from-external, extension-compromised…): the person picks the account, lets
 * it register from anywhere (roaming) and/or trusts the address, and the ban is released
 * — one request (`POST /api/bans/my-phone`), saved into the config file and audited.
 * Account names are attacker text: shown as text only, and only the ban's own accounts
 * can be chosen.
 */
import { useEffect, useRef, useState } from 'react';
import { api, ApiFailure } from '../api';
import type { Ban } from '../types';
import { visible } from '../text';

/** A checkbox or radio with its words beside it (the page's labels stack their inputs below them). */
export const CHECK_LABEL = { display: 'flex', alignItems: 'flex-start', gap: '.5rem', margin: '.5rem 0' } as const;
export const CHECK_INPUT = { width: 'auto', minHeight: 0, marginTop: '.2rem' } as const;

/** Whether "This is my phone" answers this ban: an active address ban an extension's use from outside made. */
export function isPhoneBan(b: Ban): boolean {
  return b.state === 'active' && !b.ip.includes('/') && b.accounts.length > 0
    && (b.reason === 'extension-from-external' || b.reason.startsWith('extension-compromised'));
}

/** The button, and its dialog; renders nothing for a ban it does not answer. `onDone` runs once the dialog is closed after success. */
export function MyPhone({ ban, onDone }: { ban: Ban; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  if (!isPhoneBan(ban)) return null;
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>This is my phone</button>
      {open && <MyPhoneDialog ban={ban} onClose={(done) => { setOpen(false); if (done) onDone(); }} />}
    </>
  );
}

function MyPhoneDialog({ ban, onClose }: { ban: Ban; onClose: (done: boolean) => void }) {
  const [account, setAccount] = useState(ban.accounts[0] ?? '');
  const [roaming, setRoaming] = useState(true);
  const [trust, setTrust] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const compromised = ban.reason.startsWith('extension-compromised');
  // Escape closes it, as the page's other dialogs.
  const close = useRef(() => onClose(done !== null));
  close.current = () => onClose(done !== null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api('POST /api/bans/my-phone', { body: { ip: ban.ip, account, roaming, trust } });
      setDone(r.message);
    } catch (e) {
      setError(e instanceof ApiFailure || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="my-phone-title">
        <h2 id="my-phone-title">This is my phone: {ban.ip}</h2>
        {done !== null ? (
          <>
            <div className="notice" role="status">{visible(done)}</div>
            <div className="dialog-actions">
              <button type="button" className="primary" onClick={() => onClose(true)}>Close</button>
            </div>
          </>
        ) : (
          <>
            <div className="dialog-body">
              <p>
                {ban.ip} was blocked because an extension was used from outside your internal networks
                {compromised ? ' and logged in with its right password.' : '.'} If it is your own phone (at home, on the road), say how to recognise it:
              </p>
              {compromised && <p className="error">If it is not your phone, its password is known to someone else: change it instead.</p>}
              {ban.accounts.length > 1 && (
                <fieldset>
                  <legend>The phone's extension</legend>
                  {ban.accounts.map((a) => (
                    <label key={a} className="mono" style={CHECK_LABEL}><input style={CHECK_INPUT} type="radio" name="my-phone-account" checked={account === a} onChange={() => setAccount(a)} /> {visible(a)}</label>
                  ))}
                </fieldset>
              )}
              <label style={CHECK_LABEL}><input style={CHECK_INPUT} type="checkbox" checked={roaming} onChange={(e) => setRoaming(e.target.checked)} /> <span>Let extension <span className="mono">{visible(account)}</span> register from anywhere (roaming)</span></label>
              <label style={CHECK_LABEL}><input style={CHECK_INPUT} type="checkbox" checked={trust} onChange={(e) => setTrust(e.target.checked)} /> <span>Trust {ban.ip}: never block this address (for a fixed address, such as a home office)</span></label>
              {error && <div className="error" role="alert">{visible(error)}</div>}
            </div>
            <div className="dialog-actions">
              <button type="button" onClick={() => onClose(false)}>Cancel</button>
              <button type="button" className="primary" disabled={busy || (!roaming && !trust)} onClick={() => void confirm()}>Release as my phone</button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
