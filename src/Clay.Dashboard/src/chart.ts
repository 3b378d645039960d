import { h, svg } from "./dom";

/** One line of a chart. */
export interface Series { label: string; values: number[]; className: string }

const width = 560;
const height = 160;
const pad = { left: 56, right: 8, top: 8, bottom: 20 };

/** A small SVG line chart of evenly spaced samples, newest on the right. */
export function lineChart(id: string, title: string, series: Series[], format: (v: number) => string, seconds: number): HTMLElement {
  const all = series.flatMap(s => s.values);
  const max = Math.max(1, ...all);
  const points = Math.max(2, ...series.map(s => s.values.length));
  const x = (i: number) => pad.left + (i / (points - 1)) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title },
    svg("line", { x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), class: "axis" }),
    svg("line", { x1: pad.left, x2: width - pad.right, y1: y(max), y2: y(max), class: "grid" }),
    svg("text", { x: pad.left - 6, y: y(max) + 4, class: "tick", "text-anchor": "end" }, format(max)),
    svg("text", { x: pad.left - 6, y: y(0) + 4, class: "tick", "text-anchor": "end" }, format(0)),
    svg("text", { x: pad.left, y: height - 4, class: "tick" }, `${Math.round(seconds)} s ago`),
    svg("text", { x: width - pad.right, y: height - 4, class: "tick", "text-anchor": "end" }, "now"));
  for (const s of series) {
    if (s.values.length === 0) continue;
    const offset = points - s.values.length;
    const path = s.values.map((v, i) => `${i === 0 ? "M" : "L"}${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`).join("");
    chart.append(svg("path", { d: path, class: `series ${s.className}` }));
  }
  return h("figure", { class: "chart-box", id },
    h("figcaption", null, title, " ", series.map(s => h("span", { class: `legend ${s.className}` }, s.label))),
    chart);
}
