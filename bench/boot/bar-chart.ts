/** One horizontal bar chart panel: a title, and bars with a label, a value and an optional min-max range. */
export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly bars: ReadonlyArray<{ label: string; value: number; min?: number; max?: number }>;
}

const WIDTH = 760;
const LABEL = 230;
const BAR_AREA = WIDTH - LABEL - 110;
const ROW = 26;

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A standalone SVG with the panels stacked; values are printed beside the bars. */
export function renderBarChart(title: string, panels: readonly Panel[], footnote: string): string {
  const parts: string[] = [];
  let y = 40;
  parts.push(`<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  for (const panel of panels) {
    parts.push(
      `<text x="10" y="${y + 14}" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`,
    );
    y += 24;
    const top = Math.max(...panel.bars.map((b) => b.max ?? b.value));
    for (const bar of panel.bars) {
      const scale = (v: number) => (top > 0 ? (v / top) * BAR_AREA : 0);
      const w = Math.max(1, scale(bar.value));
      parts.push(`<text x="10" y="${y + 15}" font-size="12">${escapeXml(bar.label)}</text>`);
      parts.push(`<rect x="${LABEL}" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="#4e79a7"/>`);
      if (bar.min !== undefined && bar.max !== undefined) {
        const x1 = LABEL + scale(bar.min);
        const x2 = LABEL + scale(bar.max);
        parts.push(
          `<line x1="${x1.toFixed(1)}" y1="${y + 11}" x2="${x2.toFixed(1)}" y2="${y + 11}" stroke="#222"/>`,
        );
      }
      const valueX = LABEL + Math.max(w, scale(bar.max ?? 0)) + 6;
      parts.push(
        `<text x="${valueX.toFixed(1)}" y="${y + 15}" font-size="12">${escapeXml(formatValue(bar.value))} ${escapeXml(panel.unit)}</text>`,
      );
      y += ROW;
    }
    y += 14;
  }
  parts.push(`<text x="10" y="${y + 6}" font-size="11" fill="#555">${escapeXml(footnote)}</text>`);
  const height = y + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

function formatValue(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
