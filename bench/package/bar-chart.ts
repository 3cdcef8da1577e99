/** A minimal horizontal bar chart as SVG: one group per metric, one bar per tool, labelled values. */
export interface ChartGroup {
  readonly label: string;
  readonly unit: string;
  readonly bars: ReadonlyArray<{ readonly name: string; readonly value: number }>;
}

const COLORS = ["#3b6ea8", "#c8742c", "#5a9a4a", "#8a5aa8"];

export function barChartSvg(title: string, groups: readonly ChartGroup[]): string {
  const barHeight = 22;
  const labelWidth = 190;
  const plotWidth = 420;
  const rows: string[] = [];
  let y = 40;
  for (const group of groups) {
    const max = Math.max(...group.bars.map((b) => b.value), 1e-9);
    rows.push(
      `<text x="10" y="${y}" font-weight="bold">${escapeXml(group.label)} (${escapeXml(group.unit)})</text>`,
    );
    y += 8;
    group.bars.forEach((bar, i) => {
      const width = Math.max(1, (bar.value / max) * plotWidth);
      rows.push(
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(bar.name)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight - 4}" fill="${COLORS[i % COLORS.length]}"/>`,
        `<text x="${labelWidth + width + 6}" y="${y + 15}">${format(bar.value)}</text>`,
      );
      y += barHeight;
    });
    y += 24;
  }
  const height = y;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 110}" height="${height}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>
${rows.join("\n")}
</svg>
`;
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
