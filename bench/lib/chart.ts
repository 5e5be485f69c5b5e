// The SVG chart, written by hand: throughput by chunk size (log-log), one polyline per
// contender, a pread panel and a pwrite panel side by side.
import { CaseResult, fmtSize } from './measure';

const COLORS = ['#d62728', '#7f7f7f', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function chartContenders(cases: CaseResult[]): string[] {
  const names: string[] = [];
  for (const c of cases) for (const r of c.results) if (!names.includes(r.contender)) names.push(r.contender);
  return names;
}

export function svgChart(cases: CaseResult[], title: string): string {
  const groups = ['pread', 'pwrite'].map((g) => cases.filter((c) => c.group === g && c.bytes));
  const contenders = chartContenders(groups.flat());
  const W = 460, H = 320, M = { l: 64, r: 12, t: 40, b: 44 };
  const all = groups.flat().flatMap((c) => c.results.map((r) => r.median)).filter((v) => v > 0);
  const yMin = Math.pow(10, Math.floor(Math.log10(Math.min(...all))));
  const yMax = Math.pow(10, Math.ceil(Math.log10(Math.max(...all))));
  const sizes = [...new Set(groups.flat().map((c) => c.bytes!))].sort((a, b) => a - b);
  const xMin = Math.log2(sizes[0]), xMax = Math.log2(sizes[sizes.length - 1]);
  const px = (b: number): number => M.l + ((Math.log2(b) - xMin) / Math.max(xMax - xMin, 1)) * (W - M.l - M.r);
  const py = (v: number): number => H - M.b - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - M.t - M.b);
  const out: string[] = [];
  const legendH = 18 * contenders.length + 10;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + legendH}" viewBox="0 0 ${2 * W} ${H + legendH}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${W}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>`);
  groups.forEach((cs, gi) => {
    const ox = gi * W;
    out.push(`<g transform="translate(${ox},0)">`);
    out.push(`<text x="${(W + M.l) / 2}" y="32" text-anchor="middle" font-weight="bold">${gi === 0 ? 'pread' : 'pwrite'} (MiB/s, log scale)</text>`);
    for (let d = yMin; d <= yMax; d *= 10) {
      out.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${py(d).toFixed(1)}" y2="${py(d).toFixed(1)}" stroke="#ddd"/>`);
      out.push(`<text x="${M.l - 4}" y="${(py(d) + 4).toFixed(1)}" text-anchor="end">${d >= 1 ? d.toLocaleString('en-US') : d}</text>`);
    }
    for (const b of sizes) {
      out.push(`<line x1="${px(b).toFixed(1)}" x2="${px(b).toFixed(1)}" y1="${M.t}" y2="${H - M.b}" stroke="#eee"/>`);
      out.push(`<text x="${px(b).toFixed(1)}" y="${H - M.b + 14}" text-anchor="middle">${fmtSize(b)}</text>`);
    }
    out.push(`<text x="${(W + M.l) / 2}" y="${H - 10}" text-anchor="middle">chunk size</text>`);
    contenders.forEach((name, ci) => {
      const pts = cs.map((c) => [c.bytes!, c.results.find((r) => r.contender === name)?.median] as const).filter((p): p is readonly [number, number] => p[1] !== undefined && p[1] > 0);
      const color = COLORS[ci % COLORS.length];
      const width = name === 'memfile' ? 3 : 1.5;
      const dash = name.startsWith('limit') ? ' stroke-dasharray="5,3"' : '';
      out.push(`<polyline data-contender="${esc(name)}" fill="none" stroke="${color}" stroke-width="${width}"${dash} points="${pts.map(([b, v]) => `${px(b).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"/>`);
      for (const [b, v] of pts) out.push(`<circle cx="${px(b).toFixed(1)}" cy="${py(v).toFixed(1)}" r="2.5" fill="${color}"/>`);
    });
    out.push(`</g>`);
  });
  contenders.forEach((name, ci) => {
    const y = H + 8 + ci * 18;
    out.push(`<line x1="${M.l}" x2="${M.l + 28}" y1="${y}" y2="${y}" stroke="${COLORS[ci % COLORS.length]}" stroke-width="3"/>`);
    out.push(`<text x="${M.l + 36}" y="${y + 4}">${esc(name)}</text>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
