/** A bar chart as inline SVG: no library. Each bar has a tooltip with its label and value; tick labels are HTML below it. */

export function BarChart({ values, labels, tick, title }: { values: number[]; labels: string[]; tick: (i: number) => string | null; title: string }) {
  const max = Math.max(0, ...values);
  const w = 10;
  const gap = 2;
  const h = 100;
  const width = values.length * (w + gap);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${h}`} role="img" aria-label={title} preserveAspectRatio="none">
        <line x1="0" x2={width} y1={h} y2={h} className="axis" />
        {values.map((v, i) => {
          const bh = v === 0 ? 0 : Math.max(1.5, (v / Math.max(1, max)) * (h - 4));
          return (
            <rect key={i} x={i * (w + gap)} y={h - bh} width={w} height={bh} className="bar">
              <title>{`${labels[i] ?? ''}: ${v}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className={`ticks ticks-${values.length}`} aria-hidden="true">
        {values.map((_, i) => <span key={i}>{tick(i) ?? ''}</span>)}
      </div>
      <figcaption className="muted small">{title} — highest: {max}</figcaption>
    </figure>
  );
}
