/** A grouped bar chart as SVG text, written by hand (no charting dependency for two charts). */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
}

const COLORS = ["#1f77b4", "#aec7e8", "#d62728", "#ff9896", "#2ca02c", "#98df8a"];

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

export function barChart(
  title: string,
  unit: string,
  series: readonly string[],
  groups: readonly BarGroup[],
): string {
  const width = 720;
  const height = 320;
  const left = 70;
  const bottom = 260;
  const top = 40;
  const max = Math.max(...groups.flatMap((g) => g.values)) * 1.1 || 1;
  const groupWidth = (width - left - 20) / groups.length;
  const barWidth = (groupWidth * 0.8) / series.length;
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    parts.push(
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 100 ? Math.round(v) : v.toFixed(1)}</text>`,
      `<line x1="${left}" y1="${y(v)}" x2="${width - 10}" y2="${y(v)}" stroke="#ddd"/>`,
    );
  }
  parts.push(
    `<text x="15" y="${(top + bottom) / 2}" transform="rotate(-90 15 ${(top + bottom) / 2})" text-anchor="middle">${escapeXml(unit)}</text>`,
  );
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupWidth + groupWidth * 0.1;
    g.values.forEach((v, si) => {
      const x = x0 + si * barWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(bottom - y(v)).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"/>`,
      );
    });
    parts.push(
      `<text x="${x0 + (groupWidth * 0.8) / 2}" y="${bottom + 16}" text-anchor="middle">${escapeXml(g.label)}</text>`,
    );
  });
  series.forEach((s, si) => {
    const x = left + si * 150;
    parts.push(
      `<rect x="${x}" y="${height - 30}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`,
      `<text x="${x + 16}" y="${height - 20}">${escapeXml(s)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
