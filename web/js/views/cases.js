// #/cases: the complaint centre's case queue (docs/complaints.md).
//
// - Analysts and administrators: every case (GET /api/v1/cases, filtered by
//   state and overdue, a page at a time: "Load more" follows next_before),
//   forwarded to an organisation (POST .../forward {org}) and closed with an
//   outcome and a note for the reporter (POST .../close); each case's history
//   (GET /api/v1/reports/{id}); and the statistics (GET /api/v1/reports/stats:
//   charts and tables by kind, category and day, for a chosen range or a
//   quarter, and the same range as CSV).
// - Carriers: the cases forwarded to their organisation, answered
//   (POST .../answer {text}), with their history (without actors).
//
// #/cases?limit=N asks for pages of N cases (1-1000; the server's default 100).

import { h, raw, uid } from '../dom.js';
import { k, t, vocabLabel, formatNumber } from '../i18n.js';
import { api, buildUrl } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading, opener, actionForm } from '../components.js';
import { nationalNumber } from '../phone.js';
import { barChart, barItems, dayChart, dayRange } from '../charts.js';
import { KIND_KEYS, STATE_KEYS, OUTCOME_KEYS, kindCell, stateBadge } from './report.js';

export const title = k('cases.doc_title');

const CASES = '/api/v1/cases';
const STATS = '/api/v1/reports/stats';
const REPORTS = '/api/v1/reports';
const STAFF = ['analyst', 'admin'];
const DEFAULT_PAGE = 100; // GET /api/v1/cases without limit
const MAX_PAGE = 1000;

export function render(ctx) {
  const staff = STAFF.includes(ctx.user.role);
  return h(
    'div',
    { class: 'cases-page' },
    pageHeader(k('cases.title'), staff ? k('cases.lead_staff') : k('cases.lead_carrier')),
    queue(staff, pageSize(ctx.query)),
    staff ? stats() : null,
  );
}

// The page size asked for with #/cases?limit=N, or null for the server's default.
export function pageSize(query) {
  const n = Number.parseInt(query && query.get ? query.get('limit') || '' : '', 10);
  return Number.isInteger(n) && n >= 1 && n <= MAX_PAGE ? n : null;
}

// The page size that shows again the `shown` cases of pages of `limit` (null: the
// server's 100) after an action, at most the server's 1000; null for the default.
export function keepLimit(shown, limit) {
  const page = limit ?? DEFAULT_PAGE;
  const size = Math.min(MAX_PAGE, Math.max(page, shown || 0));
  return size === DEFAULT_PAGE && limit == null ? null : size;
}

// --- the queue ---------------------------------------------------------------

const COLUMNS = [k('report.col_case'), k('report.col_number'), k('report.col_kind'), k('cases.col_category'),
  k('report.col_received'), k('report.col_state'), k('cases.col_deadline'), k('common.actions')];

function queue(staff, limit) {
  const list = h('div', { class: 'cases-list' });
  const state = h('select', {},
    h('option', { value: '', i18n: k('cases.all_states') }),
    Object.entries(STATE_KEYS).map(([name, key]) => h('option', { value: name, i18n: key })));
  const overdue = h('input', { type: 'checkbox' });
  const filters = h('form', { class: 'filter-bar toolbar cases-filter', novalidate: true, role: 'search' },
    field({ label: k('cases.filter_state'), name: 'state', control: state }),
    h('label', { class: 'inline-check' }, overdue, ' ', h('span', { i18n: k('cases.overdue_only') })));
  filters.addEventListener('submit', (e) => e.preventDefault());
  state.addEventListener('change', () => refresh());
  overdue.addEventListener('change', () => refresh());
  const reload = () => refresh(true);

  // Paging: the next page starts before `next` (null: no more pages).
  const more = h('button', { type: 'button', class: 'button button-secondary cases-more', dataset: { action: 'more' }, hidden: true, i18n: k('cases.more') });
  const shown = h('p', { class: 'hint cases-shown', role: 'status', 'aria-live': 'polite' });
  const moreErrors = messageArea();
  const footer = h('div', { class: 'cases-paging' }, moreErrors.el, shown, h('div', { class: 'pager' }, more));
  let next = null;
  let count = 0;
  let generation = 0;

  const query = (before, size = limit) => ({
    state: state.value || null,
    overdue: overdue.checked ? 'true' : null,
    limit: size,
    before,
  });
  const showPaging = (data) => {
    next = data.next_before ?? null;
    more.hidden = next == null;
    shown.replaceChildren(count > 0 ? h('span', { i18n: k('cases.shown'), args: { count: { number: count } } }) : '');
  };

  // The first page again (after a change of filters), or with `keep` (after an
  // action on a case) as many cases as are shown, so that the pages opened stay.
  async function refresh(keep = false) {
    generation += 1;
    const mine = generation;
    const size = keep ? keepLimit(count, limit) : limit;
    list.replaceChildren(loading());
    moreErrors.clear();
    more.hidden = true;
    try {
      const data = await api(CASES, { query: query(null, size) });
      if (mine !== generation) return;
      const items = data.cases || [];
      count = items.length;
      list.replaceChildren(table(items, staff, reload));
      showPaging(data);
    } catch (err) {
      if (mine !== generation) return;
      const area = messageArea();
      area.error(err);
      list.replaceChildren(area.el);
    }
  }

  more.addEventListener('click', async () => {
    if (next == null) return;
    const mine = generation;
    moreErrors.clear();
    more.disabled = true;
    try {
      const data = await api(CASES, { query: query(next) });
      if (mine !== generation) return;
      const items = data.cases || [];
      const tbody = list.querySelector('tbody');
      if (tbody) for (const c of items) tbody.append(caseRow(c, staff, reload));
      count += items.length;
      showPaging(data);
      if (more.hidden && items.length) {
        // The button went away: keep the keyboard near the rows just added.
        const first = tbody && tbody.querySelector(`tr[data-case="${items[0].id}"] button`);
        if (first) first.focus();
      }
    } catch (err) {
      moreErrors.error(err);
    } finally {
      more.disabled = false;
    }
  });

  refresh();
  return h('section', { class: 'card', 'aria-labelledby': 'cases-queue' },
    h('h2', { id: 'cases-queue', i18n: k('cases.queue') }), filters, list, footer);
}

function table(items, staff, refresh) {
  return dataTable({
    captionKey: k('cases.queue'),
    columns: COLUMNS,
    items,
    emptyKey: k('cases.empty'),
    rowFn: (c) => caseRow(c, staff, refresh),
  });
}

function caseRow(c, staff, refresh) {
  const actions = h('td', { class: 'cases-actions' });
  const stateCell = h('td', {}, stateBadge(c.state));
  if (c.org && c.org.name) stateCell.append(h('div', { class: 'hint' }, raw(c.org.name, 'span', { class: 'case-org' })));
  if (c.state === 'closed' && OUTCOME_KEYS[c.outcome]) stateCell.append(h('div', { class: 'hint', i18n: OUTCOME_KEYS[c.outcome] }));
  if (c.answer) stateCell.append(h('div', { class: 'hint case-answer' }, raw(c.answer)));
  const deadline = h('td', {});
  if (c.deadline) deadline.append(h('span', { time: c.deadline }));
  else deadline.append(raw('—'));
  if (c.overdue) {
    deadline.append(' ', h('span', { class: 'badge badge-danger case-overdue', i18n: k('cases.overdue_days'), args: { days: c.overdue_days ?? 0 } }));
  }
  const row = h('tr', { dataset: { case: String(c.id), state: c.state } },
    h('td', {}, raw(String(c.id))),
    h('td', {}, raw(nationalNumber(c.number)),
      c.description ? h('div', { class: 'hint case-description' }, raw(c.description)) : null),
    h('td', {}, kindCell(c.kind), c.channel === 'sms' ? h('div', { class: 'hint', i18n: k('report.channels.sms') }) : null),
    h('td', {}, c.category ? h('span', { vocab: ['categories', c.category] }) : raw('—')),
    h('td', {}, h('span', { time: c.received_at })),
    stateCell,
    deadline,
    actions);
  actions.append(historyToggle(c, row));
  if (staff) {
    if (c.state === 'received' || c.state === 'forwarded') actions.append(opener(k('cases.forward'), 'forward', () => forwardPanel(c, refresh)));
    if (c.state !== 'closed') actions.append(opener(k('cases.close'), 'close', () => closePanel(c, refresh)));
  } else if (c.state === 'forwarded') {
    actions.append(opener(k('cases.answer'), 'answer', () => answerPanel(c, refresh)));
  }
  return row;
}

// --- a case's history ------------------------------------------------------------

const HISTORY_KEYS = {
  received: k('cases.history_actions.received'),
  merged: k('cases.history_actions.merged'),
  forwarded: k('cases.history_actions.forwarded'),
  answered: k('cases.history_actions.answered'),
  closed: k('cases.history_actions.closed'),
};

// The actor of the routing rules (reputation/complaints.cc kRoutingActor).
const ROUTING_ACTOR = 'routing';

// A button that opens (and closes) the case's history in a row under its own.
function historyToggle(c, row) {
  const panelId = uid('case-history');
  const button = h('button', {
    type: 'button',
    class: 'button button-small button-secondary',
    dataset: { action: 'history' },
    'aria-expanded': 'false',
    'aria-controls': panelId,
    i18n: k('cases.history'),
    i18nAriaLabel: k('cases.history_title'),
    args: { id: c.id },
  });
  let detail = null;
  button.addEventListener('click', () => {
    if (detail) {
      detail.remove();
      detail = null;
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    const cell = h('td', { colspan: String(COLUMNS.length), id: panelId }, loading());
    detail = h('tr', { class: 'detail-row case-history-row', dataset: { historyOf: String(c.id) } }, cell);
    row.after(detail);
    button.setAttribute('aria-expanded', 'true');
    const shown = detail;
    api(`${REPORTS}/${c.id}`).then(
      (report) => {
        if (detail === shown) cell.replaceChildren(historyPanel(report));
      },
      (err) => {
        if (detail !== shown) return;
        const area = messageArea();
        area.error(err);
        cell.replaceChildren(area.el);
      },
    );
  });
  return button;
}

function historyPanel(report) {
  const events = report.history || [];
  const list = events.length
    ? h('ol', { class: 'case-timeline' }, events.map((e) => historyEvent(e, report)))
    : h('p', { class: 'hint', i18n: k('cases.history_empty') });
  return h('div', { class: 'case-history' },
    h('h3', { i18n: k('cases.history_title'), args: { id: report.id } }), list);
}

function historyEvent(e, report) {
  const routed = e.actor === ROUTING_ACTOR;
  const head = h('div', { class: 'case-event-head' },
    HISTORY_KEYS[e.action] ? h('strong', { i18n: HISTORY_KEYS[e.action] }) : raw(e.action, 'strong'),
    routed ? h('span', { class: 'case-event-actor', i18n: k('cases.history_routing') })
      : e.actor ? raw(e.actor, 'span', { class: 'case-event-actor' }) : null);
  const notes = [];
  const detail = e.detail || '';
  if (e.action === 'forwarded' && e.org && e.org.name) {
    notes.push(h('p', { class: 'case-event-note', i18n: k('cases.history_to'), args: { org: e.org.name } }));
  }
  if (e.action === 'forwarded' && routed && detail.startsWith('prefix ')) {
    notes.push(h('p', { class: 'case-event-note', i18n: k('cases.history_routed'), args: { prefix: detail.slice(7) } }));
  }
  if (e.action === 'merged') {
    const m = /^submission (\d+)$/.exec(detail);
    if (m) notes.push(h('p', { class: 'case-event-note', i18n: k('cases.history_submission'), args: { n: Number(m[1]) } }));
  }
  if (e.action === 'answered' && report.answer) {
    notes.push(h('p', { class: 'case-event-note' }, h('span', { class: 'case-event-key', i18n: k('cases.answer') }), raw(report.answer)));
  }
  if (e.action === 'closed') {
    // The outcome is the event's detail for staff; others have the case's.
    const outcome = detail || report.outcome;
    if (OUTCOME_KEYS[outcome]) {
      notes.push(h('p', { class: 'case-event-note' },
        h('span', { class: `badge badge-${outcome === 'confirmed' ? 'ok' : 'muted'}`, dataset: { outcome }, i18n: OUTCOME_KEYS[outcome] })));
    }
    if (report.note) notes.push(h('p', { class: 'case-event-note' }, h('span', { class: 'case-event-key', i18n: k('cases.note') }), raw(report.note)));
  }
  return h('li', { class: 'case-event', dataset: { action: e.action || '', to: e.to || '' } },
    h('time', { time: e.at, class: 'case-event-time' }), head, notes);
}

// The row forms of this page: actionForm with the page's panel class.
function panel(cls, fields, submitKey, action, send) {
  return actionForm(`case-panel ${cls}`, fields, submitKey, action, send);
}

function forwardPanel(c, refresh) {
  const org = h('input', { type: 'text', maxlength: '128' });
  return panel('case-forward', [field({ label: k('cases.org'), name: 'org', required: true, hint: k('cases.org_hint'), control: org })],
    k('cases.forward_submit'), 'forward-submit', async (errors) => {
      if (!org.value.trim()) return errors.show(k('cases.error_org'));
      await api(`${CASES}/${c.id}/forward`, { method: 'POST', body: { org: org.value.trim() } });
      refresh();
    });
}

function closePanel(c, refresh) {
  const outcome = h('select', {}, Object.entries(OUTCOME_KEYS).map(([name, key]) => h('option', { value: name, i18n: key })));
  const note = h('textarea', { rows: '2', maxlength: '2000' });
  return panel('case-close', [
    field({ label: k('cases.outcome'), name: 'outcome', required: true, control: outcome }),
    field({ label: k('cases.note'), name: 'note', hint: k('cases.note_hint'), control: note }),
  ], k('cases.close_submit'), 'close-submit', async () => {
    await api(`${CASES}/${c.id}/close`, { method: 'POST', body: { outcome: outcome.value, note: note.value.trim() } });
    refresh();
  });
}

function answerPanel(c, refresh) {
  const text = h('textarea', { rows: '3', maxlength: '4000' });
  return panel('case-answer-form', [field({ label: k('cases.answer_text'), name: 'answer', required: true, hint: k('cases.answer_hint'), control: text })],
    k('cases.answer_submit'), 'answer-submit', async (errors) => {
      if (!text.value.trim()) return errors.show(k('cases.error_answer'));
      await api(`${CASES}/${c.id}/answer`, { method: 'POST', body: { text: text.value.trim() } });
      refresh();
    });
}

// --- statistics --------------------------------------------------------------

// A date as <input type="date"> holds it: the browser's local calendar day.
export function localDay(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// The ranges of the preset buttons on `now`'s local day, as {from, to} dates
// (both included): the quarter so far, the whole previous quarter, and the last
// 30 days with today.
export function presetRange(preset, now = new Date()) {
  const y = now.getFullYear();
  const q = Math.floor(now.getMonth() / 3) * 3; // first month of this quarter
  const today = localDay(now);
  switch (preset) {
    case 'this_quarter':
      return { from: localDay(new Date(y, q, 1)), to: today };
    case 'last_quarter':
      return { from: localDay(new Date(y, q - 3, 1)), to: localDay(new Date(y, q, 0)) };
    case 'last_30_days':
      return { from: localDay(new Date(y, now.getMonth(), now.getDate() - 29)), to: today };
    default:
      return null;
  }
}

const PRESETS = [
  ['this_quarter', k('cases.preset_this_quarter')],
  ['last_quarter', k('cases.preset_last_quarter')],
  ['last_30_days', k('cases.preset_last_30_days')],
];

function stats() {
  const now = new Date();
  const from = h('input', { type: 'date', value: localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 92)) });
  const to = h('input', { type: 'date', value: localDay(now) });
  const show = h('button', { type: 'submit', class: 'button', dataset: { action: 'stats' }, i18n: k('cases.stats_show') });
  const csv = h('a', { class: 'button button-secondary cases-csv', download: 'complaints.csv', i18n: k('cases.stats_csv') });
  const out = h('div', { class: 'cases-stats' });
  const errors = messageArea();
  const range = () => ({ from: from.value || null, to: to.value || null });
  const syncLink = () => csv.setAttribute('href', buildUrl(STATS, { ...range(), format: 'csv' }));
  const presetButtons = PRESETS.map(([preset, key]) =>
    h('button', { type: 'button', class: 'button button-small button-secondary', dataset: { preset }, 'aria-pressed': 'false', i18n: key }));
  const press = (chosen) => presetButtons.forEach((b) => b.setAttribute('aria-pressed', String(b === chosen)));
  const edited = () => {
    press(null);
    syncLink();
  };
  from.addEventListener('input', edited);
  to.addEventListener('input', edited);
  syncLink();
  for (const button of presetButtons) {
    button.addEventListener('click', () => {
      const r = presetRange(button.dataset.preset, new Date());
      from.value = r.from;
      to.value = r.to;
      press(button);
      syncLink();
      load();
    });
  }
  const presets = h('div', { class: 'cases-presets', role: 'group', i18nAriaLabel: k('cases.stats_presets') }, presetButtons);
  const form = h('form', { class: 'filter-bar toolbar cases-stats-form', novalidate: true },
    field({ label: k('cases.stats_from'), name: 'from', control: from }),
    field({ label: k('cases.stats_to'), name: 'to', control: to }),
    h('div', { class: 'form-actions' }, show, ' ', csv),
    presets);
  let generation = 0;
  async function load() {
    generation += 1;
    const mine = generation;
    const asked = range();
    errors.clear();
    out.replaceChildren(loading());
    try {
      const data = await api(STATS, { query: asked });
      if (mine === generation) out.replaceChildren(statsView(data, asked));
    } catch (err) {
      if (mine !== generation) return;
      out.replaceChildren();
      errors.error(err);
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'cases-stats' },
    h('h2', { id: 'cases-stats', i18n: k('cases.stats') }), errors.el, form, out);
}

// A count for a table cell, in the page's number format.
const countCell = (n) => h('td', { class: 'num' }, raw(formatNumber(Number(n) || 0)));

const kindLabel = (kind) => (KIND_KEYS[kind] ? { i18n: KIND_KEYS[kind] } : { text: kind });
const categoryLabel = (name) => (name === 'none' ? { i18n: k('cases.category_none') } : { vocab: ['categories', name] });
const labelText = (label) => (label.i18n ? t(label.i18n) : label.vocab ? vocabLabel(...label.vocab) : label.text);
const labelNode = (label) => (label.text != null ? raw(label.text) : h('span', label));
const sum = (items) => items.reduce((a, it) => a + it.count, 0);

// One figure: its heading, the chart (or a line saying there is nothing to draw)
// and the table of the same counts.
function figure(dimension, titleKey, chart, tableEl) {
  const id = uid(`stats-${dimension}`);
  return h('section', { class: `stats-figure stats-${dimension}`, dataset: { dimension }, 'aria-labelledby': id },
    h('h3', { id, i18n: titleKey }),
    chart || h('p', { class: 'hint stats-nothing', i18n: k('cases.chart_empty') }),
    tableEl);
}

function barFigure(dimension, titleKey, entries, labelOf, summaryKey, columnKey) {
  const items = barItems(entries).map((it) => ({ ...it, label: labelOf(it.key) }));
  const chart = items.length
    ? barChart({
      items,
      dimension,
      summary: () => t(summaryKey, {
        total: { number: sum(items) },
        n: { number: items.length },
        top: labelText(items[0].label),
        top_count: { number: items[0].count },
      }),
    })
    : null;
  return figure(dimension, titleKey, chart, dataTable({
    captionKey: titleKey,
    columns: [columnKey, k('cases.stats_count')],
    items: entries,
    emptyKey: k('cases.empty'),
    rowFn: ([key, n]) => h('tr', { dataset: { [dimension]: key } }, h('td', {}, labelNode(labelOf(key))), countCell(n)),
  }));
}

function dayFigure(byDay, asked) {
  const days = byDay.map((d) => ({ day: d.day, count: Number(d.reports) || 0 })).filter((d) => d.count > 0);
  const span = dayRange(asked.from, asked.to, days.map((d) => d.day));
  const dateArg = (day) => ({ date: `${day}T00:00:00Z`, offset: 0 });
  let chart = null;
  if (days.length && span.length) {
    const peak = days.reduce((a, d) => (d.count > a.count ? d : a), days[0]);
    chart = dayChart({
      days,
      range: span,
      titleKey: k('cases.chart_day_bar'),
      axisKey: k('cases.chart_day_axis'),
      summary: () => t(k('cases.chart_day_summary'), {
        from: dateArg(span[0]),
        to: dateArg(span[span.length - 1]),
        total: { number: sum(days) },
        days: { number: days.length },
        peak_day: dateArg(peak.day),
        peak: { number: peak.count },
      }),
    });
  }
  const tableEl = dataTable({
    captionKey: k('cases.stats_by_day'),
    columns: [k('cases.stats_day'), k('cases.stats_count')],
    items: days,
    emptyKey: k('cases.empty'),
    rowFn: (d) => h('tr', { dataset: { day: d.day } },
      h('td', {}, h('span', { date: `${d.day}T00:00:00Z`, dataset: { dateOffset: '0' } })), countCell(d.count)),
  });
  return figure('day', k('cases.stats_by_day'), chart,
    h('details', { class: 'stats-day-table' }, h('summary', { i18n: k('cases.stats_day_table') }), tableEl));
}

function statsView(d, asked) {
  const totals = h('p', { class: 'cases-totals', i18n: k('cases.stats_totals'), args: {
    reports: { number: d.reports ?? 0 }, submissions: { number: d.submissions ?? 0 }, overdue: { number: d.overdue ?? 0 },
  } });
  return h('div', {}, totals,
    h('div', { class: 'stats-figures' },
      barFigure('kind', k('cases.stats_by_kind'), Object.entries(d.by_kind || {}), kindLabel,
        k('cases.chart_kind_summary'), k('report.col_kind')),
      barFigure('category', k('cases.stats_by_category'), Object.entries(d.by_category || {}), categoryLabel,
        k('cases.chart_category_summary'), k('cases.col_category'))),
    dayFigure(d.by_day || [], asked));
}
