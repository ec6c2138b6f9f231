/** The server's validation problems, in plain words, with the field they concern. */
import type { Problem } from '../types';

export function Problems({ problems, message, label }: { problems: Problem[]; message: string | null; label?: (path: string) => string }) {
  if (!message && problems.length === 0) return null;
  return (
    <div className="error" role="alert">
      {problems.length === 0 ? message : (
        <ul>
          {problems.map((p, i) => <li key={i}>{p.path ? `${label ? label(p.path) : p.path}: ` : ''}{p.message}</li>)}
        </ul>
      )}
    </div>
  );
}
