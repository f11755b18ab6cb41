// Small SVG charts drawn with plain DOM code: a list of horizontal bars (a label
// and its count above each bar) and a column chart of counts per day.
//
// The charts are pictures for sighted readers: each is role="img" with a summary
// as its aria-label (made again when the language changes), and the page keeps a
// table of the same figures beside it, which is the accessible form. Text inside
// the charts translates itself like the rest of the portal (data-i18n with args,
// data-vocab). Sizes are in pixels vertically and in percentages horizontally,
// so that a chart fills its box at any width without scaling its text.
//
// No DOM at import time: the layout helpers are tested in tests/web/modules.test.mjs.

import { applyI18n, formatNumber, onLangChange } from './i18n.js';

export const SVG_NS = 'http://www.w3.org/2000/svg';

// Like dom.js's h() for SVG elements: attributes as they are, plus i18n, args,
// vocab: [kind, name] and class.
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'i18n') el.dataset.i18n = value;
    else if (key === 'args') el.dataset.i18nArgs = JSON.stringify(value);
    else if (key === 'vocab') {
      el.dataset.vocab = value[0];
      el.dataset.vocabName = value[1] == null ? '' : String(value[1]);
    } else if (key === 'raw') el.dataset.raw = '';
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  applyI18n(el);
  return el;
}

// Sets el's aria-label to text() now and again after each change of language,
// for as long as el is in the page.
export function liveLabel(el, text) {
  el.setAttribute('aria-label', text());
  const stop = onLangChange(() => {
    if (!el.isConnected) {
      stop();
      return;
    }
    el.setAttribute('aria-label', text());
  });
  return el;
}

// A percentage for an SVG attribute, with few digits.
export const pct = (n) => `${Math.round(n * 1000) / 1000}%`;

// --- layout (no DOM) -----------------------------------------------------------

// The entries with a count, largest first (equal counts keep their order).
export function barItems(entries) {
  return entries
    .map(([key, count], i) => ({ key, count: Number(count) || 0, i }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count || a.i - b.i)
    .map(({ key, count }) => ({ key, count }));
}

// 'YYYY-MM-DD' -> days since 1970-01-01 (NaN for anything else).
export function dayNumber(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day ?? ''));
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : NaN;
}

// Days since 1970-01-01 -> 'YYYY-MM-DD'.
export function dayString(n) {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

// Every day from `from` to `to` ('YYYY-MM-DD', both included), widened to take
// in every day of `days`; without from or to, the days of `days` bound it.
// At most `max` days (the last ones).
export function dayRange(from, to, days = [], max = 1000) {
  const known = days.map(dayNumber).filter(Number.isFinite);
  let first = dayNumber(from);
  let last = dayNumber(to);
  if (known.length) {
    first = Number.isFinite(first) ? Math.min(first, ...known) : Math.min(...known);
    last = Number.isFinite(last) ? Math.max(last, ...known) : Math.max(...known);
  }
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first) return [];
  first = Math.max(first, last - max + 1);
  const out = [];
  for (let d = first; d <= last; d += 1) out.push(dayString(d));
  return out;
}

// Which of `n` columns get a date under them: the first, the last, and every
// step-th between them, at most about `most` labels, none crowding the last.
export function axisTicks(n, most = 6) {
  if (n <= 0) return [];
  if (n === 1) return [0];
  const step = Math.max(1, Math.ceil((n - 1) / Math.max(1, most - 1)));
  const out = [];
  for (let i = 0; i < n - 1; i += step) {
    if (i === 0 || n - 1 - i > step / 2) out.push(i);
  }
  out.push(n - 1);
  return out;
}

// --- horizontal bars ---------------------------------------------------------------

const ROW = 46; // px per bar: its label line, then the bar
const BAR = 12;
const LABEL_Y = 17;
const BAR_Y = 24;

// items: [{key, count, label: {i18n} | {vocab} | {text}}] with count > 0.
// summary(): the chart's aria-label in the current language.
export function barChart({ items, summary, className = '', dimension = '' }) {
  const max = Math.max(1, ...items.map((it) => it.count));
  const height = items.length * ROW;
  const rows = items.map((it, i) => {
    const top = i * ROW;
    const labelAttrs = it.label.text != null ? { raw: true } : { i18n: it.label.i18n, vocab: it.label.vocab };
    return svg(
      'g',
      { class: 'stats-hbar', dataset: { key: it.key, count: String(it.count) } },
      svg('text', { class: 'stats-hbar-label', x: 0, y: top + LABEL_Y, ...labelAttrs }, it.label.text ?? null),
      svg('text', { class: 'stats-hbar-count', x: '100%', y: top + LABEL_Y, 'text-anchor': 'end' }, formatNumber(it.count)),
      svg('rect', { class: 'stats-hbar-track', x: 0, y: top + BAR_Y, width: '100%', height: BAR, rx: 3 }),
      svg('rect', { class: 'stats-bar', x: 0, y: top + BAR_Y, width: pct((it.count / max) * 100), height: BAR, rx: 3 }),
    );
  });
  const chart = svg(
    'svg',
    {
      class: `stats-chart stats-chart-bars ${className}`.trim(),
      role: 'img',
      width: '100%',
      height,
      dataset: { dimension },
    },
    rows,
  );
  return liveLabel(chart, summary);
}

// --- columns per day -----------------------------------------------------------

const TOP = 20; // px above the highest column (for the scale's number)
const PLOT = 150;
const AXIS = 22;

// days: [{day: 'YYYY-MM-DD', count}] (the days with a count); range: every day
// of the x axis (dayRange). titleKey(args {date, count}): the tooltip of a
// column; axisKey(args {day, month}): a date under the axis.
export function dayChart({ days, range, summary, titleKey, axisKey, className = '' }) {
  const n = Math.max(1, range.length);
  const slot = 100 / n;
  const barWidth = Math.min(slot * 0.72, 6);
  const index = new Map(range.map((d, i) => [d, i]));
  const max = Math.max(1, ...days.map((d) => d.count));
  const base = TOP + PLOT;

  const grid = svg(
    'g',
    { class: 'stats-grid-lines', 'aria-hidden': 'true' },
    svg('line', { x1: 0, x2: '100%', y1: TOP, y2: TOP }),
    max >= 4 ? svg('line', { x1: 0, x2: '100%', y1: TOP + PLOT / 2, y2: TOP + PLOT / 2 }) : null,
    svg('text', { class: 'stats-scale', x: 0, y: TOP - 6 }, formatNumber(max)),
  );
  const columns = days
    .filter((d) => index.has(d.day) && d.count > 0)
    .map((d) => {
      const i = index.get(d.day);
      const h = Math.max(2, (d.count / max) * PLOT);
      return svg(
        'g',
        { class: 'stats-col', dataset: { day: d.day, count: String(d.count) } },
        svg('title', { i18n: titleKey, args: { date: { date: `${d.day}T00:00:00Z`, offset: 0 }, count: { number: d.count } } }),
        svg('rect', { class: 'stats-col-hit', x: pct(i * slot), y: 0, width: pct(slot), height: base }),
        svg('rect', { class: 'stats-bar', x: pct(i * slot + (slot - barWidth) / 2), y: base - h, width: pct(barWidth), height: h, rx: 1 }),
      );
    });
  const ticks = axisTicks(range.length).map((i, j, all) => {
    const [, month, day] = range[i].split('-').map(Number);
    const first = j === 0 && all.length > 1;
    const last = j === all.length - 1 && all.length > 1;
    const x = first ? pct(i * slot) : last ? '100%' : pct((i + 0.5) * slot);
    return svg(
      'g',
      { class: first || last ? 'stats-tick stats-tick-end' : 'stats-tick', dataset: { day: range[i] } },
      svg('line', { x1: pct((i + 0.5) * slot), x2: pct((i + 0.5) * slot), y1: base, y2: base + 4 }),
      svg('text', { x, y: base + AXIS - 4, 'text-anchor': first ? 'start' : last ? 'end' : 'middle', i18n: axisKey, args: { day, month } }),
    );
  });
  const chart = svg(
    'svg',
    { class: `stats-chart stats-chart-days ${className}`.trim(), role: 'img', width: '100%', height: base + AXIS },
    grid,
    svg('line', { class: 'stats-baseline', x1: 0, x2: '100%', y1: base, y2: base, 'aria-hidden': 'true' }),
    columns,
    svg('g', { class: 'stats-axis', 'aria-hidden': 'true' }, ticks),
  );
  return liveLabel(chart, summary);
}
