// Charts through uPlot (the webjar): line charts that grow live, and scatters on log axes.
import { fmt } from './ui.js';

export const PALETTE = ['#0b5cad', '#c05a14', '#1d7a3a', '#8e2c8e', '#a4161a', '#006d77', '#6b4e00', '#444'];

function uPlotLib() {
  if (!window.uPlot) throw new Error('the chart library did not load');
  return window.uPlot;
}

const charts = new WeakMap();

function width(container) {
  return Math.max(280, container.clientWidth || container.parentElement?.clientWidth || 400);
}

/**
 * A line chart in container: data is [xs, ys1, ys2, ...] (xs ascending, null = no point there);
 * series [{label, color, width, dash, points}]. Re-rendering with the same series only swaps the
 * data, so live charts do not flicker.
 */
export function lineChart(container, { series, data, xLabel, yLabel, yRange, xLog, xRange }) {
  const key = JSON.stringify([series.map((s) => s.label), xLabel, yLabel, xLog]);
  const existing = charts.get(container);
  if (existing && existing.key === key) {
    existing.plot.setData(data);
    return existing.plot;
  }
  if (existing) existing.plot.destroy();
  const U = uPlotLib();
  const opts = {
    width: width(container),
    height: 220,
    scales: {
      x: { time: false, ...(xLog ? { distr: 3 } : {}), ...(xRange ? { range: xRange } : {}) },
      y: yRange ? { range: yRange } : {},
    },
    axes: [
      { label: xLabel, stroke: '#1b1f24', grid: { stroke: '#e3e7eb' }, values: (u, ticks) => ticks.map((t) => fmt.si(t)) },
      { label: yLabel, stroke: '#1b1f24', grid: { stroke: '#e3e7eb' }, size: 55 },
    ],
    series: [
      { label: xLabel },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color || PALETTE[i % PALETTE.length],
        width: s.width ?? 2,
        dash: s.dash,
        spanGaps: true,
        points: s.points || { show: data[0].length < 60 },
        paths: s.scatter ? () => null : undefined,
      })),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
  const plot = new U(opts, data, container);
  charts.set(container, { key, plot });
  return plot;
}

/**
 * A scatter: one series per point group (e.g. one per architecture) so the legend names them;
 * points [{label, x, y}], x on a log scale.
 */
export function scatterChart(container, { points, xLabel, yLabel }) {
  const xs = [...new Set(points.filter((p) => p.x > 0).map((p) => p.x))].sort((a, b) => a - b);
  const data = [xs, ...points.map((p) => xs.map((x) => (x === p.x ? p.y : null)))];
  return lineChart(container, {
    xLabel,
    yLabel,
    xLog: true,
    // a decade either side is too much for nets a few percent apart: pad the points by half
    xRange: (u, min, max) => [(min ?? 1) / 1.5, (max ?? 10) * 1.5],
    yRange: (u, min, max) => [Math.max(0, Math.min(min ?? 0, 1) - 0.05), Math.min(1, (max ?? 1) + 0.05)],
    data,
    series: points.map((p, i) => ({
      label: p.label,
      color: PALETTE[i % PALETTE.length],
      scatter: true,
      points: { show: true, size: 11, fill: PALETTE[i % PALETTE.length] },
    })),
  });
}

export function resizeAll(containers) {
  containers.forEach((c) => {
    const chart = charts.get(c);
    if (chart && c.clientWidth) chart.plot.setSize({ width: width(c), height: 220 });
  });
}
