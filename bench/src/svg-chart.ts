/**
 * A small hand-written SVG bar-chart writer for the benchmark charts in docs/images: groups of bars
 * (each bar a stack of segments, with an optional min–max whisker and a label above it), a linear or
 * log y axis, reference lines across the plot or across one group, a legend and a footer line.
 * Output depends only on the input (no clock, no locale), so the same figures give the same bytes.
 */

export interface BarSegment {
  readonly value: number;
  readonly color: string;
  /** Text written inside the segment when it is tall enough. */
  readonly label?: string;
}

export interface Bar {
  /** Stacked from the axis up, in order; one segment for a plain bar. */
  readonly segments: readonly BarSegment[];
  /** Range drawn as a whisker over the bar (e.g. min–max of the repetitions). */
  readonly whisker?: { readonly min: number; readonly max: number };
  /** Lines of text above the bar (the last line nearest the bar). */
  readonly labels?: readonly string[];
  /** A bar drawn with a dashed outline (e.g. the baseline). */
  readonly outlined?: boolean;
}

export interface ReferenceLine {
  readonly value: number;
  readonly label: string;
  readonly color: string;
}

export interface BarGroup {
  readonly label: string;
  /** A second line under the group label. */
  readonly sublabel?: string;
  readonly bars: readonly Bar[];
  /** Lines drawn across this group only. */
  readonly lines?: readonly ReferenceLine[];
}

export interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly kind: 'box' | 'line' | 'dash';
}

export interface BarChartOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly scale: 'linear' | 'log';
  /** Formats a y tick value (units go in yLabel). */
  readonly tick: (value: number) => string;
  readonly legend: readonly LegendEntry[];
  readonly footer: string;
  /** Lines drawn across the whole plot (quality bars). */
  readonly lines?: readonly ReferenceLine[];
  readonly width?: number;
  readonly height?: number;
}

/** Coordinates rounded to 0.1 px: short, stable output. */
const fmt = (n: number): string => String(Math.round(n * 10) / 10);

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1234567.8 → "1,234,568": grouping by hand so the output never depends on the locale. */
export function grouped(value: number, digits = 0): string {
  const [whole = '0', fraction] = Math.abs(value).toFixed(digits).split('.');
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(value.toFixed(digits)) !== 0 ? '-' : '';
  return `${sign}${withCommas}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Rounds to `significant` digits and drops trailing zeros: 0.075135 → "0.075", 154.66 → "155". */
export function short(value: number, significant = 3): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const digits = Math.max(0, significant - 1 - Math.floor(Math.log10(Math.abs(value))));
  return value >= 1000 ? grouped(value, 0) : String(Number(value.toFixed(digits)));
}

/** A round tick step (1, 2, 2.5 or 5 × 10^k) that splits 0..max into at most `count` parts. */
function niceStep(max: number, count: number): number {
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= rough) return step * magnitude;
  return 10 * magnitude;
}

interface YScale {
  readonly ticks: readonly number[];
  /** Value → 0 (axis bottom) .. 1 (top). */
  readonly at: (value: number) => number;
}

function yScale(kind: 'linear' | 'log', values: readonly number[]): YScale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (kind === 'linear') {
    const top = Math.max(0, ...positive) * 1.1;
    const step = top > 0 ? niceStep(top, 5) : 1;
    const count = Math.max(1, Math.ceil(top / step - 1e-9));
    const max = step * count;
    const ticks = Array.from({ length: count + 1 }, (_, i) => Number((step * i).toPrecision(12)));
    return { ticks, at: (v) => Math.max(0, v) / max };
  }
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive, low * 10) * 1.5));
  const ticks: number[] = [];
  for (let t = low; t <= high * 1.0001; t *= 10) ticks.push(Number(t.toPrecision(1)));
  const span = Math.log10(high) - Math.log10(low);
  return {
    ticks,
    at: (v) => (v <= low ? 0 : (Math.log10(v) - Math.log10(low)) / span),
  };
}

function legendSymbol(entry: LegendEntry, x: number, y: number): string {
  if (entry.kind === 'box')
    return `<rect x="${fmt(x)}" y="${fmt(y - 10)}" width="14" height="10" fill="${entry.color}"/>`;
  const dash = entry.kind === 'dash' ? ' stroke-dasharray="5 3"' : '';
  return `<line x1="${fmt(x)}" y1="${fmt(y - 5)}" x2="${fmt(x + 18)}" y2="${fmt(y - 5)}" stroke="${entry.color}" stroke-width="2"${dash}/>`;
}

/** Width of a text in px at the given font size, roughly (sans-serif averages ~0.56 em). */
const textWidth = (text: string, size: number): number => text.length * size * 0.56;

/** A smaller font-size attribute when the text at `size` px would be wider than `room`, else none. */
function fits(text: string, size: number, room: number): string {
  const width = textWidth(text, size);
  return width <= room - 8 ? '' : ` font-size="${fmt(Math.max(8, (size * (room - 8)) / width))}"`;
}

export function renderBarChart(groups: readonly BarGroup[], options: BarChartOptions): string {
  const width = options.width ?? 860;
  const legendRows = legendLayout(options.legend, width - 140);
  const height = options.height ?? 420 + 18 * (legendRows.length - 1);
  const top = options.subtitle === undefined ? 44 : 62;
  const margin = { top, right: 24, bottom: 92 + 18 * legendRows.length, left: 84 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const allValues = [
    ...groups.flatMap((g) =>
      g.bars.flatMap((b) => [
        b.segments.reduce((total, s) => total + s.value, 0),
        ...(b.whisker === undefined ? [] : [b.whisker.max, b.whisker.min]),
        ...b.segments.map((s) => s.value),
      ]),
    ),
    ...(options.lines ?? []).map((l) => l.value),
    ...groups.flatMap((g) => (g.lines ?? []).map((l) => l.value)),
  ];
  const scale = yScale(options.scale, allValues);
  const y = (value: number): number => margin.top + plotH - scale.at(value) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" viewBox="0 0 ${String(width)} ${String(height)}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${String(width)}" height="${String(height)}" fill="#ffffff"/>`);
  out.push(
    `<text x="${fmt(width / 2)}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  if (options.subtitle !== undefined)
    out.push(
      `<text x="${fmt(width / 2)}" y="43" text-anchor="middle" fill="#444444">${escapeXml(options.subtitle)}</text>`,
    );
  for (const tick of scale.ticks) {
    const ty = y(tick);
    out.push(
      `<line x1="${fmt(margin.left)}" y1="${fmt(ty)}" x2="${fmt(margin.left + plotW)}" y2="${fmt(ty)}" stroke="#e5e5e5"/>`,
    );
    out.push(
      `<text x="${fmt(margin.left - 6)}" y="${fmt(ty + 4)}" text-anchor="end">${escapeXml(options.tick(tick))}</text>`,
    );
  }
  out.push(
    `<text transform="translate(18 ${fmt(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );

  const groupW = plotW / Math.max(1, groups.length);
  groups.forEach((group, gi) => {
    const gx = margin.left + gi * groupW;
    const inner = groupW * 0.84;
    const barW = Math.min(64, inner / Math.max(1, group.bars.length));
    const start = gx + (groupW - barW * group.bars.length) / 2;
    group.bars.forEach((bar, bi) => {
      const bx = start + bi * barW + barW * 0.08;
      const bw = barW * 0.84;
      let stackTop = 0;
      for (const segment of bar.segments) {
        const next = stackTop + segment.value;
        const y0 = y(stackTop);
        const y1 = y(next);
        if (y0 - y1 > 0)
          out.push(
            `<rect x="${fmt(bx)}" y="${fmt(y1)}" width="${fmt(bw)}" height="${fmt(y0 - y1)}" fill="${segment.color}"/>`,
          );
        if (segment.label !== undefined && y0 - y1 >= 16)
          out.push(
            `<text x="${fmt(bx + bw / 2)}" y="${fmt((y0 + y1) / 2 + 4)}" text-anchor="middle" font-size="10" fill="#ffffff">${escapeXml(segment.label)}</text>`,
          );
        stackTop = next;
      }
      if (bar.outlined === true)
        out.push(
          `<rect x="${fmt(bx)}" y="${fmt(y(stackTop))}" width="${fmt(bw)}" height="${fmt(margin.top + plotH - y(stackTop))}" fill="none" stroke="#333333" stroke-dasharray="4 2"/>`,
        );
      let labelY = y(stackTop);
      if (bar.whisker !== undefined) {
        const cx = bx + bw / 2;
        const wy0 = y(bar.whisker.min);
        const wy1 = y(bar.whisker.max);
        out.push(
          `<path d="M${fmt(cx)} ${fmt(wy0)}V${fmt(wy1)}M${fmt(cx - 5)} ${fmt(wy0)}H${fmt(cx + 5)}M${fmt(cx - 5)} ${fmt(wy1)}H${fmt(cx + 5)}" stroke="#222222" stroke-width="1.2" fill="none"/>`,
        );
        labelY = Math.min(labelY, wy1);
      }
      const labels = bar.labels ?? [];
      labels.forEach((text, li) => {
        const ly = labelY - 5 - (labels.length - 1 - li) * 12;
        const size = textWidth(text, 10) > barW + 6 ? 9 : 10;
        out.push(
          `<text x="${fmt(bx + bw / 2)}" y="${fmt(ly)}" text-anchor="middle" font-size="${String(size)}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(text)}</text>`,
        );
      });
    });
    for (const line of group.lines ?? []) {
      const ly = y(line.value);
      out.push(
        `<line x1="${fmt(start)}" y1="${fmt(ly)}" x2="${fmt(start + barW * group.bars.length)}" y2="${fmt(ly)}" stroke="${line.color}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      );
    }
    out.push(
      `<text x="${fmt(gx + groupW / 2)}" y="${fmt(margin.top + plotH + 18)}" text-anchor="middle" font-weight="bold"${fits(group.label, 13, groupW)}>${escapeXml(group.label)}</text>`,
    );
    if (group.sublabel !== undefined)
      out.push(
        `<text x="${fmt(gx + groupW / 2)}" y="${fmt(margin.top + plotH + 33)}" text-anchor="middle" fill="#444444"${fits(group.sublabel, 12, groupW)}>${escapeXml(group.sublabel)}</text>`,
      );
  });
  for (const line of options.lines ?? []) {
    const ly = y(line.value);
    out.push(
      `<line x1="${fmt(margin.left)}" y1="${fmt(ly)}" x2="${fmt(margin.left + plotW)}" y2="${fmt(ly)}" stroke="${line.color}" stroke-width="2" stroke-dasharray="8 4"/>`,
    );
    out.push(
      `<text x="${fmt(margin.left + plotW - 4)}" y="${fmt(ly - 5)}" text-anchor="end" fill="${line.color}" font-weight="bold" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(line.label)}</text>`,
    );
  }
  out.push(
    `<rect x="${fmt(margin.left)}" y="${fmt(margin.top)}" width="${fmt(plotW)}" height="${fmt(plotH)}" fill="none" stroke="#888888"/>`,
  );
  const xLabelY = margin.top + plotH + 54;
  out.push(
    `<text x="${fmt(margin.left + plotW / 2)}" y="${fmt(xLabelY)}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
  );
  legendRows.forEach((row, ri) => {
    const ly = xLabelY + 24 + ri * 18;
    let lx = margin.left;
    for (const entry of row) {
      out.push(legendSymbol(entry, lx, ly));
      out.push(`<text x="${fmt(lx + 22)}" y="${fmt(ly)}">${escapeXml(entry.label)}</text>`);
      lx += legendEntryWidth(entry);
    }
  });
  out.push(
    `<text x="${fmt(width - 8)}" y="${fmt(height - 8)}" text-anchor="end" font-size="10" fill="#666666">${escapeXml(options.footer)}</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const legendEntryWidth = (entry: LegendEntry): number => 22 + textWidth(entry.label, 12) + 18;

/** Splits the legend into rows that fit the width. */
function legendLayout(entries: readonly LegendEntry[], width: number): LegendEntry[][] {
  const rows: LegendEntry[][] = [[]];
  let used = 0;
  for (const entry of entries) {
    const w = legendEntryWidth(entry);
    const row = rows[rows.length - 1] ?? [];
    if (row.length > 0 && used + w > width) {
      rows.push([entry]);
      used = w;
    } else {
      row.push(entry);
      used += w;
    }
  }
  return rows;
}
