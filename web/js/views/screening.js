// #/screening: the live view of the call-screening pipeline (carriers, analysts,
// administrators).
//
// - Activity: calls per second by action over the last 60 seconds (an SVG chart
//   drawn here), the totals, and the rules that decided the most recent calls
//   (GET /api/v1/screen/activity), refreshed every 2 seconds while the page is
//   shown.
// - Try a call (carriers and administrators): POST /api/v1/screen, and the verdict
//   with the conditions that decided it.
// - Recent verdicts (GET /api/v1/screen/recent), filtered by number and action.
//   Each read of this log is audited as a view of personal data, so it is read
//   when the page opens, when the filter changes, after a try and on "Refresh" —
//   not on a timer.
// - The policy in force (GET /api/v1/screen/policy): rules in order, providers.
//
// Rule names, conditions, explanations and signal help are the server's English
// data and are shown marked as data; a rule's label comes in both languages and is
// shown in the page's language (the other one is hidden by the stylesheet, so a
// language switch needs no reload).

import { h, raw } from '../dom.js';
import { k, formatNumber, formatTime, applyI18n } from '../i18n.js';
import { api, errorKey } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading } from '../components.js';
import { nationalNumber, numberQuery } from '../phone.js';

export const title = k('screening.doc_title');

const SCREEN = '/api/v1/screen';
export const REFRESH_MS = 2000;
export const WINDOW_SECONDS = 60;
export const ACTIONS = ['allow', 'label', 'block', 'divert'];
const SCREENERS = ['carrier', 'admin'];

const ACTION_KEYS = {
  allow: k('screening.action.allow'),
  label: k('screening.action.label'),
  block: k('screening.action.block'),
  divert: k('screening.action.divert'),
};
const ACTION_VARIANT = { allow: 'ok', label: 'warn', block: 'danger', divert: 'info' };
const DIRECTION_KEYS = {
  terminating: k('screening.direction.terminating'),
  originating: k('screening.direction.originating'),
};
const VERSTAT_KEYS = {
  'TN-Validation-Passed': k('screening.verstat.passed'),
  'TN-Validation-Failed': k('screening.verstat.failed'),
  'No-TN-Validation': k('screening.verstat.none'),
};
const VERSTAT_VARIANT = { 'TN-Validation-Passed': 'ok', 'TN-Validation-Failed': 'danger', 'No-TN-Validation': 'muted' };
const PROVIDER_KEYS = {
  pipeline: k('screening.provider.pipeline'),
  numbering: k('screening.provider.numbering'),
  shaken: k('screening.provider.shaken'),
  sanctions: k('screening.provider.sanctions'),
  dnc: k('screening.provider.dnc'),
  reputation: k('screening.provider.reputation'),
  behaviour: k('screening.provider.behaviour'),
};
const TYPE_KEYS = {
  bool: k('screening.signal_type.bool'),
  number: k('screening.signal_type.number'),
  text: k('screening.signal_type.text'),
};

// Calls a newcomer can screen with one click.
const EXAMPLES = [
  { key: k('screening.try.example_ordinary'), caller: '+8613912345678', callee: '13800138005' },
  { key: k('screening.try.example_invalid'), caller: '+8612345', callee: '13900139000' },
  { key: k('screening.try.example_spoofed'), caller: '+8613912345678', callee: '13800138005', international: true },
  { key: k('screening.try.example_emergency'), caller: '+8613912345678', callee: '110' },
];

// --- helpers without DOM (tested in tests/web/modules.test.mjs) -----------------

// An axis from 0 that holds `max` in about `ticks` steps of 1, 2 or 5 x 10^n:
// {top, step, ticks: [0, step, ..., top]}. Counts of calls are whole numbers, so
// the step is at least 1.
export function niceScale(max, ticks = 4) {
  const m = Number.isFinite(max) && max > 0 ? max : 0;
  let step = 1;
  if (m > ticks) {
    const rough = m / ticks;
    const power = 10 ** Math.floor(Math.log10(rough));
    step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= rough);
  }
  const top = Math.max(step, Math.ceil(m / step) * step);
  const list = [];
  for (let v = 0; v <= top; v += step) list.push(v);
  return { top, step, ticks: list };
}

export function callsOf(entry) {
  const c = (entry && entry.calls) || {};
  return ACTIONS.reduce((sum, a) => sum + (Number(c[a]) || 0), 0);
}

// The series of /screen/activity -> the last `n` seconds, oldest first, padded
// with empty seconds before the first one the server gave (a shorter answer).
export function lastSeconds(series, n = WINDOW_SECONDS) {
  const list = Array.isArray(series) ? series.filter((s) => s && Number.isFinite(Number(s.second))) : [];
  if (!list.length) return [];
  const end = Number(list[list.length - 1].second);
  const bySecond = new Map(list.map((s) => [Number(s.second), s.calls || {}]));
  const out = [];
  for (let second = end - n + 1; second <= end; second += 1) {
    const calls = bySecond.get(second) || {};
    out.push({ second, calls: Object.fromEntries(ACTIONS.map((a) => [a, Number(calls[a]) || 0])) });
  }
  return out;
}

// Stacked bars of one chart: seconds -> {peak, scale, bars: [{second, calls, x,
// width, total, segments: [{action, count, y, height}]}]} in a plot of `width` x
// `height` units, y down.
// Segments stack from the bottom in ACTIONS order; empty ones are left out.
export function stackedBars(seconds, { width, height, gap = 1 }) {
  const peak = seconds.reduce((m, s) => Math.max(m, callsOf(s)), 0);
  const scale = niceScale(peak);
  const slot = seconds.length ? width / seconds.length : 0;
  const bars = seconds.map((s, i) => {
    let base = height;
    const segments = [];
    for (const action of ACTIONS) {
      const count = Number(s.calls[action]) || 0;
      if (!count) continue;
      const hgt = (count / scale.top) * height;
      base -= hgt;
      segments.push({ action, count, y: base, height: hgt });
    }
    return { second: s.second, calls: s.calls, x: i * slot + gap / 2, width: Math.max(slot - gap, 0.5), total: callsOf(s), segments };
  });
  return { peak, scale, bars };
}

// Share of `count` in `total` as a percentage for a bar (0..100).
export function share(count, total) {
  if (!(total > 0) || !(count > 0)) return 0;
  return Math.min(100, (count / total) * 100);
}

// Microseconds as shown: one decimal under 100, whole above.
export function micros(us) {
  const v = Number(us);
  if (!Number.isFinite(v) || v < 0) return null;
  return v < 100 ? Math.round(v * 10) / 10 : Math.round(v);
}

// The body of POST /api/v1/screen from the try form's values, or {error: key}.
export function screenRequest({ caller, callee, direction, international, identity }) {
  const body = { callee: String(callee ?? '').trim() };
  if (!body.callee) return { error: k('screening.try.error_callee') };
  const from = String(caller ?? '').trim();
  if (from) body.caller = from;
  if (direction === 'originating') body.direction = 'originating';
  if (international) body.international_trunk = true;
  const id = String(identity ?? '').trim();
  if (id) body.identity = id;
  return { body };
}

// --- shared pieces -----------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';

// Like h() for SVG elements (attributes as they are; i18n, args, i18nAriaLabel).
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'i18n' || key === 'i18nAriaLabel') el.dataset[key] = value;
    else if (key === 'args') el.dataset.i18nArgs = JSON.stringify(value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  applyI18n(el);
  return el;
}

const dash = () => h('span', { class: 'muted', i18n: k('common.dash') });

function actionBadge(action) {
  return ACTION_KEYS[action]
    ? h('span', { class: `badge badge-${ACTION_VARIANT[action]} action-badge`, dataset: { action }, i18n: ACTION_KEYS[action] })
    : raw(action, 'span', { class: 'badge badge-muted' });
}

function emergencyBadge() {
  return h('span', { class: 'badge badge-emergency', i18n: k('screening.emergency') });
}

// A number in national format where possible, its E.164 form as a tooltip.
function phone(number) {
  if (number == null || number === '') return h('span', { class: 'muted', i18n: k('screening.no_number') });
  const shown = nationalNumber(number);
  return raw(shown, 'span', { class: 'tn', title: shown !== number ? number : null, dataset: { e164: number } });
}

// {en, zh} shown in the page's language.
function bilingual(label) {
  if (!label || !label.en) return null;
  return h(
    'span',
    { class: 'bilingual' },
    raw(label.en, 'span', { class: 'bi-en', lang: 'en' }),
    raw(label.zh || label.en, 'span', { class: 'bi-zh', lang: 'zh-CN' }),
  );
}

function provider(name) {
  return PROVIDER_KEYS[name] ? h('span', { i18n: PROVIDER_KEYS[name] }) : raw(name, 'code');
}

// A signal's value: yes/no for booleans, the value itself (data) otherwise.
function signalValue(value) {
  if (value === true) return h('span', { class: 'bool-true', i18n: k('screening.yes') });
  if (value === false) return h('span', { class: 'bool-false', i18n: k('screening.no') });
  if (value === null || value === undefined || value === '') return dash();
  return raw(typeof value === 'number' ? formatNumber(value) : value, 'code');
}

// What decided a call: the rule's name (and its label from the policy, unless
// `withLabel` is false), or what stands for none.
function ruleCell(rule, rules, { withLabel = true } = {}) {
  if (rule === 'emergency') return h('span', { i18n: k('screening.emergency_rule') });
  if (!rule) return h('span', { class: 'muted', i18n: k('screening.no_rule') });
  const known = withLabel && rules && rules.get(rule);
  return h('span', { class: 'rule-cell' }, raw(rule, 'code', { class: 'rule-name' }), known ? bilingual(known.label) : null);
}

// dataTable() with the compact look.
function compactTable(options) {
  const wrap = dataTable(options);
  wrap.querySelector('table').classList.add('compact');
  return wrap;
}

function showProblem(area, err) {
  const args = err && err.retryAfter ? { seconds: err.retryAfter } : undefined;
  area.el.replaceChildren(
    h('p', { class: 'problem' }, h('span', { i18n: errorKey(err), args }), err && err.detail ? raw(err.detail, 'span', { class: 'server-detail' }) : null),
  );
}

// The time of day, 13:41:02, in local time (the same in both languages).
const CLOCK = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
function clock(date) {
  return CLOCK.format(date);
}

// A verdict's time: the time of day, with the date and time in the tooltip.
function timeCell(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return dash();
  return h('time', { datetime: iso, title: formatTime(iso, { withSeconds: true }) }, clock(date));
}

// --- the page ---------------------------------------------------------------------

export function render(ctx) {
  const canScreen = SCREENERS.includes(ctx.user && ctx.user.role);
  // Rules by name, for their labels (filled by the policy section).
  const rules = new Map();
  const activity = activitySection(rules);
  const policy = policySection(rules, () => activity.redrawReasons());
  const log = logSection(ctx, rules);
  const tryIt = canScreen
    ? trySection(rules, () => {
        log.reload();
        activity.refresh();
        policy.reload();
      })
    : null;

  const root = h(
    'div',
    { class: 'admin-page screening-page', dataset: { refreshMs: String(REFRESH_MS) } },
    pageHeader(k('screening.title'), k('screening.lead')),
    activity.el,
    tryIt,
    log.el,
    policy.el,
  );

  // Refresh the activity while this page is shown: the router replaces #main on
  // navigation, which detaches `root` and ends the loop (one request at a time;
  // none while the browser tab is hidden).
  const tick = async () => {
    if (!root.isConnected) return;
    if (!document.hidden) await activity.refresh();
    if (root.isConnected) setTimeout(tick, REFRESH_MS);
  };
  activity.refresh();
  setTimeout(tick, REFRESH_MS);
  return root;
}

// --- activity: chart, totals, top reasons ---------------------------------------------

function activitySection(rules) {
  const errors = messageArea();
  const totals = h('ul', { class: 'stat-list screen-totals', i18nAriaLabel: k('screening.activity.totals') });
  const chart = h('div', { class: 'screen-chart' }, loading());
  const reasons = h('div', { class: 'reasons-slot' }, loading());
  let last = null;

  function fillTotals(data) {
    const sums = (data && data.totals) || {};
    const all = ACTIONS.reduce((s, a) => s + (Number(sums[a]) || 0), 0);
    const stat = (action, labelKey, count) =>
      h(
        'li',
        { class: `stat stat-action-${action}`, dataset: { action, count: String(count) } },
        h('span', { class: 'stat-label' }, action === 'all' ? null : h('span', { class: `swatch swatch-${action}`, 'aria-hidden': 'true' }), h('span', { i18n: labelKey })),
        h('span', { class: 'stat-value' }, formatNumber(count)),
      );
    totals.replaceChildren(stat('all', k('screening.activity.total'), all), ...ACTIONS.map((a) => stat(a, ACTION_KEYS[a], Number(sums[a]) || 0)));
  }

  function drawChart(data) {
    const W = 600;
    const H = 150;
    const LEFT = 34;
    const seconds = lastSeconds(data && data.seconds);
    const { peak, scale, bars } = stackedBars(seconds, { width: W - LEFT, height: H, gap: 2 });
    const total = seconds.reduce((s, x) => s + callsOf(x), 0);
    const grid = scale.ticks.map((v) => {
      const y = H - (v / scale.top) * H;
      return svg(
        'g',
        { class: 'chart-grid' },
        svg('line', { x1: LEFT, x2: W, y1: y, y2: y }),
        svg('text', { x: LEFT - 6, y: Math.min(Math.max(y + 4, 10), H), 'text-anchor': 'end' }, String(v)),
      );
    });
    const marks = bars.map((b) =>
      svg(
        'g',
        { class: 'chart-bar', 'data-second': b.second, 'data-total': b.total },
        svg('title', {
          i18n: k('screening.activity.bar_title'),
          args: { time: clock(new Date(b.second * 1000)), ...Object.fromEntries(ACTIONS.map((a) => [a, formatNumber(b.calls[a])])) },
        }),
        // The full-height hit area makes the tooltip easy to reach on empty seconds.
        svg('rect', { class: 'bar-hit', x: LEFT + b.x, y: 0, width: b.width, height: H }),
        b.segments.map((s) => svg('rect', { class: `bar bar-${s.action}`, x: LEFT + b.x, y: s.y, width: b.width, height: s.height })),
      ),
    );
    chart.replaceChildren(
      svg(
        'svg',
        {
          class: 'chart',
          viewBox: `0 0 ${W} ${H + 2}`,
          role: 'img',
          i18nAriaLabel: k('screening.activity.chart_label'),
          args: { total: formatNumber(total), peak: formatNumber(peak) },
          'data-peak': peak,
          'data-top': scale.top,
        },
        grid,
        marks,
      ),
      h(
        'div',
        { class: 'chart-axis', 'aria-hidden': 'true' },
        h('span', { i18n: k('screening.activity.axis_start') }),
        h('span', { i18n: k('screening.activity.axis_end') }),
      ),
    );
  }

  function drawReasons() {
    const top = (last && Array.isArray(last.top_rules) && last.top_rules) || [];
    if (!last) return;
    if (!top.length) {
      reasons.replaceChildren(h('p', { class: 'muted empty-reasons', i18n: k('screening.reasons.empty') }));
      return;
    }
    const most = top.reduce((m, r) => Math.max(m, Number(r.calls) || 0), 0);
    reasons.replaceChildren(
      h(
        'ol',
        { class: 'reason-list' },
        top.map((r) =>
          h(
            'li',
            { class: 'reason', dataset: { rule: r.rule, calls: String(r.calls) } },
            h('div', { class: 'reason-head' }, ruleCell(r.rule, rules), h('span', { class: 'reason-count', i18n: k('screening.reasons.calls'), args: { count: formatNumber(Number(r.calls) || 0) } })),
            svg(
              'svg',
              { class: 'reason-bar', viewBox: '0 0 100 6', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
              svg('rect', { class: 'reason-track', x: 0, y: 0, width: 100, height: 6 }),
              svg('rect', { class: 'reason-fill', x: 0, y: 0, width: share(Number(r.calls) || 0, most), height: 6 }),
            ),
          ),
        ),
      ),
    );
  }

  // The error shown, so that a failing refresh does not announce it every 2 s.
  let problem = '';
  async function refresh() {
    try {
      const data = await api(`${SCREEN}/activity`, { query: { seconds: WINDOW_SECONDS } });
      last = data || {};
      problem = '';
      errors.clear();
      fillTotals(last);
      drawChart(last);
      drawReasons();
    } catch (err) {
      const now = `${errorKey(err)} ${(err && err.detail) || ''}`;
      if (now !== problem) showProblem(errors, err);
      problem = now;
      if (!last) {
        chart.replaceChildren();
        reasons.replaceChildren();
      }
    }
  }

  const el = h(
    'div',
    { class: 'screen-overview' },
    h(
      'section',
      { class: 'card activity-card', 'aria-labelledby': 'screen-activity-title' },
      h('h2', { id: 'screen-activity-title', i18n: k('screening.activity.title') }),
      h('p', { class: 'small muted live-note' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), h('span', { i18n: k('screening.activity.lead') })),
      errors.el,
      totals,
      chart,
    ),
    h(
      'section',
      { class: 'card reasons-card', 'aria-labelledby': 'screen-reasons-title' },
      h('h2', { id: 'screen-reasons-title', i18n: k('screening.reasons.title') }),
      h('p', { class: 'small muted', i18n: k('screening.reasons.lead') }),
      reasons,
    ),
  );
  return { el, refresh, redrawReasons: drawReasons };
}

// --- try a call ----------------------------------------------------------------------

function trySection(rules, onScreened) {
  const errors = messageArea();
  const caller = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '+8613912345678' });
  const callee = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '13800138005' });
  const direction = h(
    'select',
    {},
    h('option', { value: 'terminating', i18n: DIRECTION_KEYS.terminating }),
    h('option', { value: 'originating', i18n: DIRECTION_KEYS.originating }),
  );
  const international = h('input', { type: 'checkbox', name: 'international' });
  const identity = h('textarea', { class: 'mono', rows: '3', spellcheck: 'false', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'screen' }, i18n: k('screening.try.submit') });
  const result = h('div', { class: 'verdict-slot' });

  const identityField = field({ label: k('screening.try.identity'), name: 'identity', hint: k('screening.try.identity_hint'), control: identity });
  identityField.classList.add('field-wide');
  const fill = (ex) => {
    caller.value = ex.caller;
    callee.value = ex.callee;
    direction.value = 'terminating';
    international.checked = Boolean(ex.international);
    identity.value = '';
    errors.clear();
  };
  const examples = h(
    'p',
    { class: 'examples' },
    h('span', { class: 'muted', i18n: k('screening.try.examples') }),
    EXAMPLES.map((ex) => h('button', { type: 'button', class: 'button button-small button-secondary', i18n: ex.key, on: { click: () => fill(ex) } })),
  );

  const form = h(
    'form',
    { class: 'form form-grid try-form', novalidate: true },
    errors.el,
    field({ label: k('screening.try.caller'), name: 'caller', hint: k('screening.try.caller_hint'), control: caller }),
    field({ label: k('screening.try.callee'), name: 'callee', required: true, hint: k('screening.try.callee_hint'), control: callee }),
    field({ label: k('screening.try.direction'), name: 'direction', control: direction }),
    h('div', { class: 'field field-check' }, h('label', {}, international, ' ', h('span', { i18n: k('screening.try.international') }))),
    identityField,
    h('div', { class: 'form-actions' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const { body, error } = screenRequest({
      caller: caller.value,
      callee: callee.value,
      direction: direction.value,
      international: international.checked,
      identity: identity.value,
    });
    if (error) {
      errors.show(error);
      callee.focus();
      return;
    }
    submit.disabled = true;
    try {
      const verdict = await api(SCREEN, { method: 'POST', body });
      result.replaceChildren(verdictCard(verdict || {}, rules));
      result.querySelector('h3').focus();
      onScreened();
    } catch (err) {
      result.replaceChildren();
      showProblem(errors, err);
    } finally {
      submit.disabled = false;
    }
  });

  const el = h(
    'section',
    { class: 'section', 'aria-labelledby': 'screen-try-title' },
    h('h2', { id: 'screen-try-title', i18n: k('screening.try.title') }),
    h('p', { class: 'section-lead muted', i18n: k('screening.try.lead') }),
    h('div', { class: 'card try-card' }, examples, form),
    result,
  );
  return el;
}

// A verdict of POST /api/v1/screen: the decision, the rule and its conditions with
// the values that met them, and every signal the providers set.
function verdictCard(v, rules) {
  const reasons = Array.isArray(v.reasons) ? v.reasons : [];
  const signals = v.signals && typeof v.signals === 'object' ? Object.entries(v.signals) : [];
  const us = micros(v.elapsed_us);
  const facts = [
    [k('screening.try.call'), h('span', {}, phone(v.caller), ' → ', phone(v.callee))],
    [k('screening.try.rule'), ruleCell(v.rule, rules, { withLabel: false })],
    v.label ? [k('screening.try.label'), bilingual(v.label)] : null,
    [k('screening.try.explanation'), raw(v.explanation || '', 'span', { class: 'server-detail explanation' })],
    v.divert_to ? [k('screening.try.divert_to'), raw(v.divert_to, 'code')] : null,
    v.shaken_detail ? [k('screening.try.shaken'), raw(v.shaken_detail, 'span', { class: 'server-detail' })] : null,
    us != null ? [k('screening.try.elapsed'), h('span', { i18n: k('screening.try.elapsed_value'), args: { us: formatNumber(us) } })] : null,
  ].filter(Boolean);

  let why;
  if (v.emergency) {
    why = h('p', { class: 'notice notice-info', i18n: k('screening.try.emergency_note') });
  } else if (!reasons.length) {
    why = h('p', { class: 'muted', i18n: k('screening.try.no_reasons') });
  } else {
    why = compactTable({
      captionKey: k('screening.try.reasons_caption'),
      columns: [k('screening.try.col_condition'), k('screening.try.col_value'), k('screening.try.col_provider')],
      items: reasons,
      emptyKey: k('screening.try.no_reasons'),
      rowFn: (r) =>
        h(
          'tr',
          { class: 'reason-row', dataset: { signal: r.signal || '' } },
          h('td', {}, raw(r.condition, 'code')),
          h('td', {}, signalValue(r.value)),
          h('td', {}, provider(r.provider)),
        ),
    });
  }

  return h(
    'section',
    {
      class: `card verdict-card verdict-${ACTION_VARIANT[v.action] || 'muted'}`,
      'aria-labelledby': 'screen-verdict-title',
      dataset: { action: v.action || '', rule: v.rule || '', emergency: v.emergency ? '1' : '0' },
    },
    h('h3', { id: 'screen-verdict-title', tabindex: '-1', i18n: k('screening.try.verdict_title') }),
    h(
      'p',
      { class: 'verdict-line' },
      actionBadge(v.action),
      ' ',
      h('span', { class: 'sip-code', i18n: k('screening.try.sip_code'), args: { code: String(v.sip_code ?? '') } }),
      v.emergency ? [' ', emergencyBadge()] : null,
    ),
    h(
      'dl',
      { class: 'facts' },
      facts.map(([key, value]) => h('div', {}, h('dt', { i18n: key }), h('dd', {}, value))),
    ),
    h('h4', { i18n: k('screening.try.why') }),
    why,
    signals.length
      ? h(
          'details',
          { class: 'signals' },
          h('summary', { i18n: k('screening.try.signals') }),
          compactTable({
            captionKey: k('screening.try.signals'),
            columns: [k('screening.try.col_signal'), k('screening.try.col_value')],
            items: signals,
            emptyKey: k('common.none'),
            rowFn: ([name, value]) => h('tr', {}, h('td', {}, raw(name, 'code')), h('td', {}, signalValue(value))),
          }),
        )
      : null,
  );
}

// --- recent verdicts --------------------------------------------------------------------

function logSection(ctx, rules) {
  const errors = messageArea();
  const list = h('div', { class: 'log-slot' });
  const initialNumber = numberQuery(ctx.query.get('number')) || '';
  const initialAction = ACTIONS.includes(ctx.query.get('action')) ? ctx.query.get('action') : '';
  const number = h('input', { type: 'search', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', value: initialNumber, placeholder: '13800138005' });
  const action = h(
    'select',
    {},
    h('option', { value: '', i18n: k('screening.action_all') }),
    ACTIONS.map((a) => h('option', { value: a, i18n: ACTION_KEYS[a] })),
  );
  action.value = initialAction;
  const search = h('button', { type: 'submit', class: 'button', i18n: k('screening.log.search') });
  const refresh = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'refresh' }, i18n: k('screening.log.refresh') });
  let query = { number: initialNumber, action: initialAction };
  let seq = 0;

  async function reload() {
    const mine = ++seq;
    if (!list.firstChild) list.replaceChildren(loading());
    try {
      const data = await api(`${SCREEN}/recent`, { query: { number: query.number, action: query.action, limit: 100 } });
      if (mine !== seq) return;
      errors.clear();
      const items = (data && Array.isArray(data.verdicts) && data.verdicts) || [];
      list.replaceChildren(
        h('p', { class: 'small muted log-count', i18n: k('screening.log.count'), args: { count: formatNumber(items.length) } }),
        compactTable({
          captionKey: k('screening.log.caption'),
          columns: [
            k('screening.log.col_time'),
            k('screening.log.col_caller'),
            k('screening.log.col_callee'),
            k('screening.log.col_direction'),
            k('screening.log.col_action'),
            k('screening.log.col_code'),
            k('screening.log.col_rule'),
            k('screening.log.col_explanation'),
            k('screening.log.col_verstat'),
            k('screening.log.col_us'),
          ],
          items,
          emptyKey: k('screening.log.empty'),
          rowFn: (v) => verdictRow(v, rules),
        }),
      );
      list.querySelector('table').classList.add('log-table');
    } catch (err) {
      if (mine !== seq) return;
      list.replaceChildren();
      showProblem(errors, err);
    }
  }

  const form = h(
    'form',
    { class: 'filter-bar log-filter', novalidate: true, role: 'search' },
    field({ label: k('screening.log.number'), name: 'number', hint: k('screening.log.number_hint'), control: number }),
    field({ label: k('screening.log.action'), name: 'action', control: action }),
    h('div', { class: 'form-actions' }, search, refresh),
  );
  const apply = () => {
    const text = number.value.trim();
    const n = text ? numberQuery(text) : '';
    if (n === null) {
      errors.show(k('screening.log.number_error'));
      number.focus();
      return;
    }
    query = { number: n, action: action.value };
    // Keep the filter in the address so a reload or a shared link keeps it.
    const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString();
    history.replaceState(null, '', qs ? `#/screening?${qs}` : '#/screening');
    reload();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  action.addEventListener('change', apply);
  refresh.addEventListener('click', () => reload());
  reload();

  const el = h(
    'section',
    { class: 'section', 'aria-labelledby': 'screen-log-title' },
    h('h2', { id: 'screen-log-title', i18n: k('screening.log.title') }),
    h('p', { class: 'section-lead muted', i18n: k('screening.log.lead') }),
    form,
    errors.el,
    list,
  );
  return { el, reload };
}

function verdictRow(v, rules) {
  const us = micros(v.elapsed_us);
  return h(
    'tr',
    { class: v.emergency ? 'row-emergency' : null, dataset: { action: v.action || '', rule: v.rule || '', emergency: v.emergency ? '1' : '0' } },
    h('td', { class: 'nowrap' }, timeCell(v.time)),
    h('td', { class: 'nowrap' }, phone(v.caller)),
    h('td', { class: 'nowrap' }, phone(v.callee)),
    h('td', {}, DIRECTION_KEYS[v.direction] ? h('span', { i18n: DIRECTION_KEYS[v.direction] }) : raw(v.direction)),
    h('td', { class: 'nowrap' }, actionBadge(v.action), v.emergency ? [' ', emergencyBadge()] : null),
    h('td', { class: 'num' }, v.sip_code != null ? String(v.sip_code) : dash()),
    h('td', {}, ruleCell(v.rule, rules)),
    h('td', { class: 'detail explanation-cell' }, v.explanation ? raw(v.explanation, 'span', { class: 'explanation' }) : dash()),
    h(
      'td',
      {},
      !v.verstat
        ? dash()
        : VERSTAT_KEYS[v.verstat]
          ? h('span', { class: `badge badge-${VERSTAT_VARIANT[v.verstat]}`, dataset: { verstat: v.verstat }, i18n: VERSTAT_KEYS[v.verstat] })
          : raw(v.verstat, 'code'),
    ),
    h('td', { class: 'num' }, us != null ? formatNumber(us) : dash()),
  );
}

// --- the policy in force ---------------------------------------------------------------

function policySection(rules, onLoaded) {
  const body = h('div', { class: 'policy-body' });
  const errors = messageArea();
  let loaded = false;

  async function reload() {
    try {
      const data = (await api(`${SCREEN}/policy`)) || {};
      rules.clear();
      for (const r of data.rules || []) rules.set(r.name, r);
      errors.clear();
      // Keep the list of signals open if it was.
      const signalsOpen = Boolean(body.querySelector('details.signals[open]'));
      body.replaceChildren(policyView(data));
      if (signalsOpen) body.querySelector('details.signals').open = true;
      loaded = true;
      onLoaded();
    } catch (err) {
      if (!loaded) body.replaceChildren();
      showProblem(errors, err);
    }
  }
  body.replaceChildren(loading());
  reload();

  const details = h(
    'details',
    { class: 'card form-card policy-card' },
    h('summary', { i18n: k('screening.policy.title') }),
    errors.el,
    body,
  );
  // The hit counts move: read them again when the policy is opened.
  details.addEventListener('toggle', () => {
    if (details.open && loaded) reload();
  });
  return { el: h('section', { class: 'section policy-section' }, details), reload };
}

function policyView(data) {
  const running = Array.isArray(data.providers) ? data.providers : [];
  const signals = Array.isArray(data.signals) ? data.signals : [];
  const known = [...new Set(signals.map((s) => s.provider))].filter((p) => p && p !== 'pipeline');
  const idle = known.filter((p) => !running.includes(p));
  const providerList = (names, cls) =>
    h('ul', { class: `provider-list ${cls}` }, names.map((p) => h('li', { dataset: { provider: p } }, h('span', { class: 'badge badge-muted' }, provider(p)))));

  const ruleRows = (data.rules || []).map((r, i) =>
    h(
      'tr',
      { dataset: { rule: r.name } },
      h('td', { class: 'num' }, String(i + 1)),
      h('td', {}, raw(r.name, 'code', { class: 'rule-name' })),
      h(
        'td',
        {},
        h(
          'ul',
          { class: 'conditions' },
          (r.when || []).map((c, j) => h('li', {}, j > 0 ? h('span', { class: 'muted cond-and', i18n: k('screening.policy.and') }) : null, raw(c, 'code'))),
        ),
      ),
      h('td', {}, actionBadge(r.action), r.divert_to ? h('div', { class: 'small' }, raw(r.divert_to, 'code')) : null),
      h('td', { class: 'num' }, r.action === 'block' && r.sip_code ? String(r.sip_code) : dash()),
      h('td', {}, bilingual(r.label) || dash()),
      h('td', { class: 'num' }, formatNumber(Number(r.hits) || 0)),
    ),
  );
  const rulesTable = dataTable({
    captionKey: k('screening.policy.caption'),
    columns: [
      k('screening.policy.col_order'),
      k('screening.policy.col_rule'),
      k('screening.policy.col_when'),
      k('screening.policy.col_action'),
      k('screening.policy.col_code'),
      k('screening.policy.col_label'),
      k('screening.policy.col_hits'),
    ],
    items: ruleRows,
    emptyKey: k('screening.policy.empty'),
    rowFn: (row) => row,
  });

  const signalsTable = compactTable({
    captionKey: k('screening.policy.signals_title'),
    columns: [k('screening.policy.col_signal'), k('screening.policy.col_type'), k('screening.policy.col_provider'), k('screening.policy.col_help')],
    items: signals,
    emptyKey: k('common.none'),
    rowFn: (s) =>
      h(
        'tr',
        {},
        h('td', { class: 'nowrap' }, raw(s.name, 'code')),
        h('td', {}, TYPE_KEYS[s.type] ? h('span', { i18n: TYPE_KEYS[s.type] }) : raw(s.type)),
        h('td', {}, provider(s.provider)),
        h('td', { class: 'detail' }, raw(s.help || '', 'span', { lang: 'en' })),
      ),
  });

  return h(
    'div',
    { class: 'policy-view' },
    h('p', { class: 'policy-source', i18n: data.default ? k('screening.policy.default') : k('screening.policy.configured') }),
    h('div', { class: 'providers' }, h('span', { class: 'providers-label', i18n: k('screening.policy.providers') }), providerList(running, 'providers-running')),
    idle.length
      ? h('div', { class: 'providers' }, h('span', { class: 'providers-label muted', i18n: k('screening.policy.idle') }), providerList(idle, 'providers-idle'))
      : null,
    h('p', { class: 'small muted', i18n: k('screening.policy.order') }),
    rulesTable,
    h('p', { class: 'small muted policy-fallback', i18n: k('screening.policy.fallback') }),
    h('details', { class: 'signals' }, h('summary', { i18n: k('screening.policy.signals_title') }), signalsTable),
  );
}
