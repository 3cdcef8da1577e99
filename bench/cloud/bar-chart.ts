/** One bar: a label and a value; bars of a group share a colour slot by index. */
export interface BarGroup {
  readonly label: string;
  readonly bars: ReadonlyArray<{ readonly label: string; readonly value: number }>;
}

const COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** A small grouped horizontal bar chart as SVG text (no dependencies, readable in any browser). */
export function barChartSvg(title: string, unit: string, groups: readonly BarGroup[]): string {
  const width = 720;
  const left = 230;
  const barHeight = 18;
  const max = Math.max(...groups.flatMap((g) => g.bars.map((b) => b.value)), 1e-9);
  const rows: string[] = [];
  let y = 40;
  for (const group of groups) {
    rows.push(`<text x="8" y="${y + 12}" font-weight="bold">${escapeXml(group.label)}</text>`);
    y += 20;
    group.bars.forEach((bar, i) => {
      const w = Math.max(1, ((width - left - 90) * bar.value) / max);
      rows.push(
        `<text x="${left - 6}" y="${y + 13}" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLOURS[i % COLOURS.length]}"/>`,
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + 13}">${bar.value.toFixed(2)} ${escapeXml(unit)}</text>`,
      );
      y += barHeight + 6;
    });
    y += 10;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    "</svg>",
    "",
  ].join("\n");
}
