/** Block an address (or a network such as 203.0.113.0/24) by hand: address, how long, why. */
import { useState, type FormEvent } from 'react';
import { api, ApiFailure } from '../api';
import { Problems } from '../components/Problems';
import type { Problem } from '../types';

export function BanForm({ onBanned }: { onBanned: (ip: string) => void }) {
  const [ip, setIp] = useState('');
  const [duration, setDuration] = useState('1h');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblems([]);
    setMessage(null);
    try {
      const b = await api('POST /api/bans', { body: { ip, duration, reason: reason || undefined } });
      setIp('');
      setReason('');
      onBanned(b.ip);
    } catch (err) {
      if (err instanceof ApiFailure) {
        setProblems(err.problems);
        setMessage(err.message);
      } else setMessage(String(err));
    }
  };

  return (
    <details className="card">
      <summary>Block an address by hand</summary>
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        <label>Address or network<input value={ip} onChange={(e) => setIp(e.target.value)} placeholder="203.0.113.7 or 203.0.113.0/24" required /></label>
        <label>For
          <input value={duration} onChange={(e) => setDuration(e.target.value)} list="durations" placeholder="1h, 7d or permanent" required />
          <datalist id="durations"><option value="1h" /><option value="24h" /><option value="7d" /><option value="permanent" /></datalist>
        </label>
        <label className="wide">Reason<input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why (for the audit trail)" maxLength={500} /></label>
        <Problems problems={problems} message={message} />
        <button type="submit" className="danger">Block</button>
      </form>
    </details>
  );
}
