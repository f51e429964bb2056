// The reports' charts, hand-written SVG (no library): bars with a line over time, the hour-of-week
// heat map and horizontal bars. Each is aria-hidden: the table beside it says the same numbers.
import { niceMax, type HeatGrid } from "./shape";

const W = 640;
const H = 220;
// Wide enough sides for the first and last time labels, centred under their bars.
const PAD = { left: 36, right: 36, top: 24, bottom: 28 };

export interface SeriesPoint {
  label: string;
  bar: number;
  line: number;
}

/** Bars (e.g. revenue) with a line over them (e.g. orders), each on its own scale. */
export function BarLineChart({
  points,
  barLabel,
  lineLabel,
  formatBar,
  formatLine,
}: {
  points: readonly SeriesPoint[];
  barLabel: string;
  lineLabel: string;
  formatBar: (n: number) => string;
  formatLine: (n: number) => string;
}) {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const barMax = niceMax(Math.max(0, ...points.map((p) => p.bar)));
  const lineMax = niceMax(Math.max(0, ...points.map((p) => p.line)));
  const step = innerW / Math.max(1, points.length);
  const x = (i: number) => PAD.left + step * i + step / 2;
  const y = (v: number, max: number) => PAD.top + innerH - (v / max) * innerH;
  const every = Math.max(1, Math.ceil(points.length / 8));
  const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.line, lineMax).toFixed(1)}`).join(" ");
  return (
    <div className="chart" aria-hidden="true">
      <svg viewBox={`0 0 ${W} ${H}`} className="chart__svg" role="presentation">
        {[0.25, 0.5, 0.75, 1].map((f) => (
          <line key={f} className="chart__grid" x1={PAD.left} x2={W - PAD.right} y1={y(f * barMax, barMax)} y2={y(f * barMax, barMax)} />
        ))}
        {points.map((p, i) => (
          <rect
            key={i}
            className="chart__bar"
            x={x(i) - step * 0.35}
            width={step * 0.7}
            y={y(p.bar, barMax)}
            height={Math.max(0, PAD.top + innerH - y(p.bar, barMax))}
          />
        ))}
        <text className="chart__tick" x={PAD.left} y={PAD.top - 8} textAnchor="middle">
          {formatBar(barMax)}
        </text>
        <text className="chart__tick" x={W - PAD.right} y={PAD.top - 8} textAnchor="middle">
          {formatLine(lineMax)}
        </text>
        <polyline className="chart__line" points={line} />
        {points.map((p, i) => (
          <circle key={i} className="chart__dot" cx={x(i)} cy={y(p.line, lineMax)} r={3} />
        ))}
        {points.map((p, i) =>
          i % every === 0 ? (
            <text key={i} className="chart__tick" x={x(i)} y={H - 8} textAnchor="middle">
              {p.label}
            </text>
          ) : null,
        )}
      </svg>
      <p className="chart__legend">
        <span className="chart__key chart__key--bar" /> {barLabel} <span className="chart__key chart__key--line" /> {lineLabel}
      </p>
    </div>
  );
}

/** Orders by hour of the week: one row per day, one cell per hour, darker for more. */
export function HeatMap({ grid, dayNames }: { grid: HeatGrid; dayNames: readonly string[] }) {
  const cell = 22;
  const left = 44;
  const top = 18;
  const width = left + grid.hours.length * cell;
  const height = top + 7 * cell;
  return (
    <div className="chart" aria-hidden="true">
      <svg viewBox={`0 0 ${width} ${height}`} className="chart__svg chart__svg--heat" role="presentation" style={{ maxWidth: `${width * 1.6}px` }}>
        {grid.hours.map((hour, i) => (
          <text key={hour} className="chart__tick" x={left + i * cell + cell / 2} y={12} textAnchor="middle">
            {hour}
          </text>
        ))}
        {grid.rows.map((row, r) => (
          <g key={row.weekday}>
            <text className="chart__tick" x={left - 6} y={top + r * cell + cell / 2 + 4} textAnchor="end">
              {dayNames[r]}
            </text>
            {row.cells.map((n, c) => (
              <rect
                key={c}
                className={n ? "chart__heat" : "chart__heat chart__heat--empty"}
                x={left + c * cell + 1}
                y={top + r * cell + 1}
                width={cell - 2}
                height={cell - 2}
                rx={3}
                style={n ? { fillOpacity: 0.2 + 0.8 * (n / Math.max(1, grid.max)) } : undefined}
              />
            ))}
          </g>
        ))}
      </svg>
    </div>
  );
}

/** Horizontal bars, one per row, with its label on the left and its value written at the end. */
export function HBars({ rows }: { rows: readonly { label: string; value: number; text: string; second?: number }[] }) {
  const max = Math.max(0, ...rows.map((r) => Math.max(r.value, r.second ?? 0))) || 1;
  const row = 30;
  const left = 150;
  const right = 110;
  const height = rows.length * row + 4;
  return (
    <div className="chart" aria-hidden="true">
      <svg viewBox={`0 0 ${W} ${height}`} className="chart__svg chart__svg--bars" role="presentation">
        {rows.map((r, i) => {
          const len = ((W - left - right) * r.value) / max;
          return (
            <g key={i}>
              <text className="chart__tick" x={left - 8} y={i * row + 19} textAnchor="end">
                {r.label.length > 20 ? `${r.label.slice(0, 19)}…` : r.label}
              </text>
              {r.second !== undefined && (
                <rect className="chart__bar chart__bar--light" x={left} y={i * row + 4} height={row - 8} width={((W - left - right) * r.second) / max} rx={2} />
              )}
              <rect className="chart__bar" x={left} y={i * row + 9} height={row - 18} width={Math.max(1, len)} rx={2} />
              <text className="chart__value" x={left + Math.max(len, ((W - left - right) * (r.second ?? 0)) / max) + 6} y={i * row + 19}>
                {r.text}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
