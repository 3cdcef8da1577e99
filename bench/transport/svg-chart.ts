/** A log-log line chart as standalone SVG: enough for the benchmark curves, no dependency. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Horizontal reference lines (a physical limit). */
  readonly lines?: readonly { readonly name: string; readonly y: number }[];
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"];
const W = 760;
const H = 460;
const M = { left: 80, right: 200, top: 40, bottom: 55 };

export function logLogChart(spec: ChartSpec): string {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [
    ...spec.series.flatMap((s) => s.points.map((p) => p[1])),
    ...(spec.lines ?? []).map((l) => l.y),
  ];
  const [x0, x1] = decades(xs);
  const [y0, y1] = decades(ys);
  const px = (x: number) => M.left + ((Math.log10(x) - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((Math.log10(y) - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - 90}" y="22" font-size="15">${esc(spec.title)}</text>`,
  ];
  for (let d = x0; d <= x1; d++) {
    out.push(
      `<line x1="${px(10 ** d)}" y1="${M.top}" x2="${px(10 ** d)}" y2="${H - M.bottom}" stroke="#ddd"/>`,
    );
    out.push(`<text x="${px(10 ** d) - 12}" y="${H - M.bottom + 16}">${label(10 ** d)}</text>`);
  }
  for (let d = y0; d <= y1; d++) {
    out.push(
      `<line x1="${M.left}" y1="${py(10 ** d)}" x2="${W - M.right}" y2="${py(10 ** d)}" stroke="#ddd"/>`,
    );
    out.push(`<text x="${M.left - 45}" y="${py(10 ** d) + 4}">${label(10 ** d)}</text>`);
  }
  out.push(`<text x="${W / 2 - 100}" y="${H - 15}">${esc(spec.xLabel)}</text>`);
  out.push(
    `<text transform="translate(18 ${H / 2 + 60}) rotate(-90)">${esc(spec.yLabel)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#888"/>`,
  );
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points
      .map((p, j) => `${j === 0 ? "M" : "L"}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`)
      .join("");
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of s.points)
      out.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="2.5" fill="${color}"/>`);
    out.push(
      `<line x1="${W - M.right + 12}" y1="${M.top + 12 + i * 20}" x2="${W - M.right + 32}" y2="${M.top + 12 + i * 20}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${W - M.right + 38}" y="${M.top + 16 + i * 20}">${esc(s.name)}</text>`);
  });
  (spec.lines ?? []).forEach((l, i) => {
    const y = py(l.y).toFixed(1);
    const at = M.top + 12 + (spec.series.length + i) * 20;
    out.push(
      `<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="black" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<line x1="${W - M.right + 12}" y1="${at}" x2="${W - M.right + 32}" y2="${at}" stroke="black" stroke-dasharray="6 4"/>`,
    );
    out.push(`<text x="${W - M.right + 38}" y="${at + 4}">${esc(l.name)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

function decades(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0);
  return [Math.floor(Math.log10(Math.min(...positive))), Math.ceil(Math.log10(Math.max(...positive)))];
}

function label(v: number): string {
  if (v >= 1e9) return `${v / 1e9}G`;
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
