/** Small React hooks: hash routing and polling. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from './api';
import type { Problem } from './types';

/** The current `#/path?query` split into path and params; updates on navigation. */
export function useHashRoute(): { path: string; params: URLSearchParams } {
  const read = () => {
    const h = window.location.hash.replace(/^#/, '') || '/';
    const [path = '/', q = ''] = h.split('?');
    return { path, params: new URLSearchParams(q) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Replaces the query of the current hash route without adding a history entry. */
export function replaceQuery(path: string, q: Record<string, string>): void {
  const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== ''));
  const s = p.toString();
  history.replaceState(null, '', `#${path}${s ? `?${s}` : ''}`);
}

/**
 * Loads with `load()` now, whenever `deps` change, and every `everyMs` (if given)
 * while the tab is visible. Returns the data, the last error and a reload function
 * (stable; it always loads with the latest `deps`). Only the newest load's answer is kept.
 */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(() => {
    const mine = ++seq.current;
    load().then(
      (d) => {
        if (mine === seq.current) {
          setData(d);
          setError(null);
        }
      },
      (e: Error) => {
        if (mine === seq.current) setError(e.message);
      },
    );
  }, deps);
  useEffect(() => {
    run();
    if (!everyMs) return undefined;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') run();
    }, everyMs);
    return () => clearInterval(id);
  }, [run, everyMs]);
  // A reload asked for by a callback made in an earlier render (a form's "done") must
  // still load what the page shows NOW (the latest search), not what it showed then.
  const latest = useRef(run);
  latest.current = run;
  const reload = useCallback(() => latest.current(), []);
  return { data, error, reload };
}

/**
 * A settings section of its own route (alerts, countries): the view as the server last
 * said it (loaded, then each save's reply), the form made from it, and a save that keeps
 * the server's problems and message, or says it saved.
 */
export function useSettingsSection<V, F>(load: () => Promise<V>, formOf: (v: V) => F, put: (form: F) => Promise<V>, onSaved?: () => void) {
  const view = usePoll(load, []);
  const [current, setCurrent] = useState<V | null>(null);
  const [form, setForm] = useState<F | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!view.data) return;
    setCurrent(view.data);
    setForm(formOf(view.data));
  }, [view.data]);
  const save = async () => {
    if (!form) return;
    setProblems([]);
    setMessage(null);
    try {
      const r = await put(form);
      setCurrent(r);
      setForm(formOf(r));
      setSaved(true);
      onSaved?.();
    } catch (e) {
      setMessage(e instanceof ApiFailure ? e.message : String(e));
      setProblems(e instanceof ApiFailure ? e.problems : []);
    }
  };
  return { error: view.error, current, form, setForm, problems, message, setMessage, saved, setSaved, save };
}
