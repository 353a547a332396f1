// Small inline-SVG charts: bars for throughput per run, lines for latency percentiles per run.

import { h, s } from "./dom.js";

const W = 420;
const H = 180;
const PAD = { top: 16, right: 12, bottom: 28, left: 44 };

function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / power) * power;
}

function axes(max, labels) {
  const innerH = H - PAD.top - PAD.bottom;
  const ticks = [0, 0.5, 1].map((f) => {
    const y = PAD.top + innerH * (1 - f);
    return [
      s("line", { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: "grid-line" }),
      s(
        "text",
        { x: PAD.left - 6, y: y + 4, "text-anchor": "end", class: "tick" },
        `${+(max * f).toPrecision(3)}`,
      ),
    ];
  });
  const step = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const names = labels.map((label, i) =>
    s("text", { x: PAD.left + step * (i + 0.5), y: H - 8, "text-anchor": "middle", class: "tick" }, label),
  );
  return [ticks, names];
}

/** A bar chart of one value per run. */
export function barChart(title, points, unit) {
  const max = niceMax(Math.max(...points.map((p) => p.value), 0));
  const innerH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / Math.max(1, points.length);
  const width = Math.min(36, step * 0.6);
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", null, title),
    s(
      "svg",
      { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title },
      axes(
        max,
        points.map((p) => p.label),
      ),
      points.map((p, i) => {
        const height = (p.value / max) * innerH;
        return s(
          "rect",
          {
            x: PAD.left + step * (i + 0.5) - width / 2,
            y: PAD.top + innerH - height,
            width,
            height,
            rx: 3,
            class: `bar ${p.className ?? ""}`,
          },
          s("title", null, `${p.label}: ${p.value.toFixed(1)} ${unit}`),
        );
      }),
    ),
  );
}

/** A line chart of several series over the same runs. */
export function lineChart(title, labels, series, unit) {
  const max = niceMax(Math.max(...series.flatMap((line) => line.values), 0));
  const innerH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const x = (i) => PAD.left + step * (i + 0.5);
  const y = (v) => PAD.top + innerH * (1 - v / max);
  return h(
    "figure",
    { class: "chart" },
    h(
      "figcaption",
      null,
      title,
      " ",
      series.map((line) => h("span", { class: `legend ${line.className}` }, line.name)),
    ),
    s(
      "svg",
      { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title },
      axes(max, labels),
      series.map((line) => [
        s("polyline", {
          points: line.values.map((v, i) => `${x(i)},${y(v)}`).join(" "),
          class: `line ${line.className}`,
        }),
        line.values.map((v, i) =>
          s(
            "circle",
            { cx: x(i), cy: y(v), r: 3.5, class: `point ${line.className}` },
            s("title", null, `${labels[i]} ${line.name}: ${v.toFixed(1)} ${unit}`),
          ),
        ),
      ]),
    ),
  );
}
