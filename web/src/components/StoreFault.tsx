/**
 * The overview's banner when the store or the failed-auth log cannot be written (what
 * fails, since when, what to do, what waits in memory), or when a damaged store was
 * kept aside at start (what was restored, in the daemon's one line). Nothing when all is well.
 */
import type { StoreHealth } from '../types';
import { when } from '../text';

export function StoreFault({ store }: { store: StoreHealth | null | undefined }) {
  if (!store || (store.state === 'ok' && !store.reset)) return null;
  const { pending: p, dropped: d } = store;
  return (
    <>
      {store.state !== 'ok' && (
        <div className="error" role="alert" data-testid="store-fault">
          <strong>Protection goes on from memory, but sipwarden cannot write everything down.</strong> Bans still reach the firewall and counting continues.
          <ul>
            {store.faults.map((f) => (
              <li key={f.part}>
                The {f.part} cannot be written since {when(f.since)} ({f.kind}, {f.code}). What to do: {f.advice}.
              </li>
            ))}
            {p.failures + p.bans + p.logLines > 0 && <li>Waiting in memory: {p.failures} failures, {p.bans} bans, {p.logLines} failed-auth log lines (written as soon as it works again).</li>}
            {d.failures + d.bans + d.logLines > 0 && <li>Dropped because too much waited: {d.failures} failures, {d.bans} bans, {d.logLines} failed-auth log lines.</li>}
          </ul>
        </div>
      )}
      {store.reset && <div className="notice" data-testid="store-reset">At start ({when(store.reset.at)}): {store.reset.message}.</div>}
    </>
  );
}
