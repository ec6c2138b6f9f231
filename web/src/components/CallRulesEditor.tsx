/**
 * The toll-fraud rules editor: each rule's limit, window and actions, whether it is in
 * force, the numbers never stopped (emergency services) and the home country. Saving
 * writes them into the config file (`fraud:`) and puts them into force at once; the
 * server checks them with the config file's own rules and words. A list of numbers never
 * stopped without 112 or 911 is warned about and needs a tick to be saved.
 */
import { useState } from 'react';
import { api, ApiFailure } from '../api';
import type { Problem, RouteReply } from '../types';
import { Problems } from './Problems';

type Calls = RouteReply<'GET /api/calls'>;
type RuleFile = Calls['rules'][number]['file'];

const ACTIONS = ['hangup', 'suspend', 'ban', 'unregister', 'alert'] as const;
const ACTION_LABELS: Record<string, string> = { hangup: 'Hang up', suspend: 'Suspend the account', ban: 'Ban its address', unregister: 'Remove its registrations', alert: 'Alert' };
const EMERGENCY = ['112', '911'];

interface Draft { name: string; words: string; on: boolean; file: Omit<RuleFile, 'max'> & { max?: number | string } }

const numbers = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** A rule as sent: its limit a number when it is one (anything else is sent as typed, for the server to explain). */
function ruleBody({ max, ...rest }: Draft['file']): RuleFile {
  if (max === undefined) return rest;
  return { ...rest, max: /^\d+$/.test(String(max).trim()) ? Number(max) : (max as unknown as number) };
}

/** `rules[1].max` → `Rule calls/1m max`, as the rules sent were named. */
function label(sent: readonly Draft[]) {
  return (path: string) => path.replace(/^rules\[(\d+)\]\.?/, (_m, i: string) => `Rule ${sent[Number(i)]?.name ?? Number(i) + 1} `)
    .replace(/^never_stop/, 'Numbers never stopped').replace(/^home_country/, 'Home country').trim();
}

export function CallRulesEditor({ data, onDone }: { data: Calls; onDone: (saved: boolean) => void }) {
  const [drafts, setDrafts] = useState<Draft[]>(() => data.rules.map((r) => ({ name: r.name, words: r.words, on: true, file: { ...r.file, action: [...r.file.action] } })));
  const [neverStop, setNeverStop] = useState(data.settings.neverStop.join(', '));
  const [home, setHome] = useState(data.settings.homeCountry ?? '');
  const [dropEmergency, setDropEmergency] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [sent, setSent] = useState<Draft[]>([]);

  const noEmergency = !numbers(neverStop).some((n) => EMERGENCY.includes(n));
  const change = (i: number, f: (d: Draft) => Draft) => setDrafts((ds) => ds.map((d, j) => (j === i ? f(d) : d)));

  const save = async () => {
    const inForce = drafts.filter((d) => d.on);
    setSent(inForce);
    setProblems([]);
    setMessage(null);
    try {
      await api('PUT /api/calls/rules', {
        body: {
          rules: inForce.map((d) => ruleBody(d.file)),
          never_stop: numbers(neverStop), home_country: home.trim() === '' ? null : home.trim(),
          ...(noEmergency && dropEmergency ? { drop_emergency: true } : {}),
        },
      });
      onDone(true);
    } catch (e) {
      setProblems(e instanceof ApiFailure ? e.problems : []);
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="rules-editor">
      {drafts.map((d, i) => (
        <fieldset key={d.name} data-rule={d.name}>
          <legend>{d.words.charAt(0).toUpperCase() + d.words.slice(1)} <span className="muted small mono">{d.name}</span></legend>
          <label><input type="checkbox" checked={d.on} onChange={(e) => change(i, (x) => ({ ...x, on: e.target.checked }))} /> In force<span className="visually-hidden"> ({d.name})</span></label>
          {d.file.max !== undefined && (
            <label> More than <input inputMode="numeric" value={d.file.max} onChange={(e) => change(i, (x) => ({ ...x, file: { ...x.file, max: e.target.value } }))} aria-label={`${d.name}: most allowed`} /></label>
          )}
          {d.file.within !== undefined && (
            <label> within <input value={d.file.within} onChange={(e) => change(i, (x) => ({ ...x, file: { ...x.file, within: e.target.value } }))} aria-label={`${d.name}: window (like 1m, 1h, 24h)`} /></label>
          )}
          {d.file.learn !== undefined && (
            <label> Learn for <input value={d.file.learn} onChange={(e) => change(i, (x) => ({ ...x, file: { ...x.file, learn: e.target.value } }))} aria-label={`${d.name}: learning time (like 14d)`} /></label>
          )}
          {d.file.from !== undefined && <span className="muted small"> {d.file.from}–{d.file.to} on {d.file.days?.join(', ')} (edit these in the config file)</span>}
          <div className="small">
            Then:{' '}
            {ACTIONS.map((a) => (
              <label key={a} className="nowrap">
                <input
                  type="checkbox" checked={d.file.action.includes(a)}
                  onChange={(e) => change(i, (x) => ({ ...x, file: { ...x.file, action: e.target.checked ? [...x.file.action, a] : x.file.action.filter((y) => y !== a) } }))}
                /> {ACTION_LABELS[a]}<span className="visually-hidden"> ({d.name})</span>{' '}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <label>Home country <input value={home} onChange={(e) => setHome(e.target.value)} placeholder="US" /></label>
      <label>Numbers never stopped (emergency services) <input value={neverStop} onChange={(e) => setNeverStop(e.target.value)} placeholder="112, 911" /></label>
      {noEmergency && (
        <div className="notice" role="alert">
          Neither 112 nor 911 is in this list: calls to emergency services could be hung up as toll fraud.
          <label><input type="checkbox" checked={dropEmergency} onChange={(e) => setDropEmergency(e.target.checked)} /> I mean it: no emergency number here</label>
        </div>
      )}
      <Problems problems={problems} message={message} label={label(sent)} />
      <button type="button" className="primary" onClick={() => void save()}>Save rules</button>{' '}
      <button type="button" onClick={() => onDone(false)}>Cancel</button>
    </div>
  );
}
