/** A column header that sorts the table by its column (the server's `sort`/`order`), saying the order to screen readers. */

/** The server's sort keys: `newest` is the default (newest first). */
export type Sort = 'newest' | 'ip' | 'created_at' | 'expires_at';

export function SortHeader({ label, by, sort, onSort }: {
  label: string; by: Exclude<Sort, 'newest'>; sort: { by: Sort; order: 'asc' | 'desc' }; onSort: (s: { by: Sort; order: 'asc' | 'desc' }) => void;
}) {
  // "Since" is the default order (newest first): it is that column, descending.
  const current = sort.by === by || (by === 'created_at' && sort.by === 'newest');
  const next = current && sort.order === 'asc' ? 'desc' : current ? 'asc' : by === 'ip' ? 'asc' : 'desc';
  return (
    <th scope="col" aria-sort={current ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort({ by: by === 'created_at' && next === 'desc' ? 'newest' : by, order: next })}>
        {label} <span aria-hidden="true">{current ? (sort.order === 'asc' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}
