/**
 * A tiny SVG line-chart writer for docs/images: a few series on a shared time axis, each on its own
 * scale (left axis for the first, right axis for the rest), with deterministic output so a test can
 * compare the committed image byte for byte.
 */

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [x: number, y: number])[];
  /** Draws horizontal-then-vertical steps (a replica count) instead of straight segments. */
  readonly step?: boolean;
  /** Which y axis the series is read on. */
  readonly axis: 'left' | 'right';
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly leftLabel: string;
  readonly rightLabel: string;
  readonly width?: number;
  readonly height?: number;
}

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 360;
  const margin = { top: 40, right: 70, bottom: 70, left: 70 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const xMax = Math.max(1, ...xs);
  const yMax = (axis: 'left' | 'right') =>
    niceMax(Math.max(0, ...series.filter((s) => s.axis === axis).flatMap((s) => s.points.map(([, y]) => y))));
  const maxes = { left: yMax('left'), right: yMax('right') };
  const px = (x: number) => margin.left + (x / xMax) * plotW;
  const py = (y: number, axis: 'left' | 'right') => margin.top + plotH - (y / maxes[axis]) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" viewBox="0 0 ${String(width)} ${String(height)}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${String(width)}" height="${String(height)}" fill="#ffffff"/>`);
  out.push(
    `<text x="${fmt(width / 2)}" y="22" text-anchor="middle" font-size="15">${escape(options.title)}</text>`,
  );
  for (let i = 0; i <= 5; i++) {
    const y = margin.top + (plotH * i) / 5;
    out.push(
      `<line x1="${String(margin.left)}" y1="${fmt(y)}" x2="${String(margin.left + plotW)}" y2="${fmt(y)}" stroke="#e5e5e5"/>`,
    );
    out.push(
      `<text x="${String(margin.left - 6)}" y="${fmt(y + 4)}" text-anchor="end">${fmt(maxes.left * (1 - i / 5))}</text>`,
    );
    out.push(
      `<text x="${String(margin.left + plotW + 6)}" y="${fmt(y + 4)}">${fmt(maxes.right * (1 - i / 5))}</text>`,
    );
  }
  for (let i = 0; i <= 6; i++) {
    const x = margin.left + (plotW * i) / 6;
    out.push(
      `<text x="${fmt(x)}" y="${String(margin.top + plotH + 16)}" text-anchor="middle">${fmt((xMax * i) / 6)}</text>`,
    );
  }
  out.push(
    `<rect x="${String(margin.left)}" y="${String(margin.top)}" width="${String(plotW)}" height="${String(plotH)}" fill="none" stroke="#888888"/>`,
  );
  out.push(
    `<text x="${fmt(margin.left + plotW / 2)}" y="${String(margin.top + plotH + 34)}" text-anchor="middle">${escape(options.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(18 ${fmt(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escape(options.leftLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(${String(width - 14)} ${fmt(margin.top + plotH / 2)}) rotate(90)" text-anchor="middle">${escape(options.rightLabel)}</text>`,
  );
  for (const s of series) {
    const coords: string[] = [];
    let previous: readonly [number, number] | undefined;
    for (const point of s.points) {
      if (s.step && previous !== undefined)
        coords.push(`${fmt(px(point[0]))},${fmt(py(previous[1], s.axis))}`);
      coords.push(`${fmt(px(point[0]))},${fmt(py(point[1], s.axis))}`);
      previous = point;
    }
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${coords.join(' ')}"/>`);
  }
  series.forEach((s, i) => {
    const x = margin.left + i * 220;
    const y = height - 14;
    out.push(
      `<line x1="${String(x)}" y1="${String(y - 4)}" x2="${String(x + 24)}" y2="${String(y - 4)}" stroke="${s.color}" stroke-width="3"/>`,
    );
    out.push(`<text x="${String(x + 30)}" y="${String(y)}">${escape(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
