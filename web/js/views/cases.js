// #/cases: the complaint centre's case queue (docs/complaints.md).
//
// - Analysts and administrators: every case (GET /api/v1/cases, filtered by
//   state and overdue), forwarded to an organisation (POST .../forward {org}) and
//   closed with an outcome and a note for the reporter (POST .../close); and the
//   statistics (GET /api/v1/reports/stats, JSON shown, CSV downloaded).
// - Carriers: the cases forwarded to their organisation, answered
//   (POST .../answer {text}).

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { api, buildUrl } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading } from '../components.js';
import { nationalNumber } from '../phone.js';
import { KIND_KEYS, STATE_KEYS, OUTCOME_KEYS, kindCell, stateBadge } from './report.js';

export const title = k('cases.doc_title');

const CASES = '/api/v1/cases';
const STATS = '/api/v1/reports/stats';
const STAFF = ['analyst', 'admin'];

export function render(ctx) {
  const staff = STAFF.includes(ctx.user.role);
  return h(
    'div',
    { class: 'cases-page' },
    pageHeader(k('cases.title'), staff ? k('cases.lead_staff') : k('cases.lead_carrier')),
    queue(staff),
    staff ? stats() : null,
  );
}

// --- the queue ---------------------------------------------------------------

function queue(staff) {
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

  async function refresh() {
    list.replaceChildren(loading());
    try {
      const data = await api(CASES, { query: { state: state.value || null, overdue: overdue.checked ? 'true' : null } });
      list.replaceChildren(table(data.cases || [], staff, refresh));
    } catch (err) {
      const area = messageArea();
      area.error(err);
      list.replaceChildren(area.el);
    }
  }
  refresh();
  return h('section', { class: 'card', 'aria-labelledby': 'cases-queue' },
    h('h2', { id: 'cases-queue', i18n: k('cases.queue') }), filters, list);
}

function table(items, staff, refresh) {
  return dataTable({
    captionKey: k('cases.queue'),
    columns: [k('report.col_case'), k('report.col_number'), k('report.col_kind'), k('cases.col_category'),
      k('report.col_received'), k('report.col_state'), k('cases.col_deadline'), k('common.actions')],
    items,
    emptyKey: k('cases.empty'),
    rowFn: (c) => {
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
      if (staff) {
        if (c.state === 'received' || c.state === 'forwarded') actions.append(opener(k('cases.forward'), 'forward', () => forwardPanel(c, refresh)));
        if (c.state !== 'closed') actions.append(opener(k('cases.close'), 'close', () => closePanel(c, refresh)));
      } else if (c.state === 'forwarded') {
        actions.append(opener(k('cases.answer'), 'answer', () => answerPanel(c, refresh)));
      }
      return row;
    },
  });
}

// A button that puts a panel in its place.
function opener(labelKey, action, panel) {
  const button = h('button', { type: 'button', class: 'button button-small', dataset: { action }, i18n: labelKey });
  button.addEventListener('click', () => {
    const el = panel();
    button.replaceWith(el);
    const first = el.querySelector('input, select, textarea');
    if (first) first.focus();
  });
  return button;
}

// A small form in a row: fields, one submit button, errors shown above.
function panel(cls, fields, submitKey, action, send) {
  const errors = messageArea();
  const submit = h('button', { type: 'submit', class: 'button button-small', dataset: { action }, i18n: submitKey });
  const form = h('form', { class: `form case-panel ${cls}`, novalidate: true }, errors.el, fields, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    submit.disabled = true;
    try {
      await send(errors);
    } catch (err) {
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
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

const isoDay = (d) => d.toISOString().slice(0, 10);

function stats() {
  const now = new Date();
  const from = h('input', { type: 'date', value: isoDay(new Date(now.getTime() - 92 * 86_400_000)) });
  const to = h('input', { type: 'date', value: isoDay(now) });
  const show = h('button', { type: 'submit', class: 'button', dataset: { action: 'stats' }, i18n: k('cases.stats_show') });
  const csv = h('a', { class: 'button button-secondary cases-csv', download: 'complaints.csv', i18n: k('cases.stats_csv') });
  const out = h('div', { class: 'cases-stats' });
  const errors = messageArea();
  const range = () => ({ from: from.value || null, to: to.value || null });
  const syncLink = () => csv.setAttribute('href', buildUrl(STATS, { ...range(), format: 'csv' }));
  from.addEventListener('input', syncLink);
  to.addEventListener('input', syncLink);
  syncLink();
  const form = h('form', { class: 'filter-bar toolbar cases-stats-form', novalidate: true },
    field({ label: k('cases.stats_from'), name: 'from', control: from }),
    field({ label: k('cases.stats_to'), name: 'to', control: to }),
    h('div', { class: 'form-actions' }, show, ' ', csv));
  async function load() {
    errors.clear();
    out.replaceChildren(loading());
    try {
      const data = await api(STATS, { query: range() });
      out.replaceChildren(statsView(data));
    } catch (err) {
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

function statsView(d) {
  const totals = h('p', { class: 'cases-totals', i18n: k('cases.stats_totals'), args: {
    reports: d.reports ?? 0, submissions: d.submissions ?? 0, overdue: d.overdue ?? 0,
  } });
  const kinds = Object.entries(d.by_kind || {});
  return h('div', {}, totals, dataTable({
    captionKey: k('cases.stats_by_kind'),
    columns: [k('report.col_kind'), k('cases.stats_count')],
    items: kinds,
    emptyKey: k('cases.empty'),
    rowFn: ([kind, n]) => h('tr', { dataset: { kind } },
      h('td', {}, KIND_KEYS[kind] ? h('span', { i18n: KIND_KEYS[kind] }) : raw(kind)),
      h('td', {}, raw(String(n)))),
  }));
}
