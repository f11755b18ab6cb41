// Traceback (docs/traceback.md): two pages.
//
// - #/traceback (analysts, administrators): the cases, filtered by state and
//   carrier (GET /api/v1/traceback); the form that opens one (POST
//   /api/v1/traceback); a case at #/traceback/{id} (GET .../{id}) with its path
//   drawn from the terminating carrier towards the origin, each hop's request,
//   deadline and answer, and an answer on a carrier's behalf for a waiting hop
//   (POST /api/v1/traceback/requests/{id}/answer); the statistics
//   (GET /api/v1/traceback/stats). A finished case links its ledger record.
// - #/traceback/requests (carriers): the carrier's queue
//   (GET /api/v1/traceback/requests), an answer form per waiting request, and
//   the upload of its CDRs for automatic answers (POST /api/v1/traceback/cdrs).

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { api, apiText } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading } from '../components.js';
import { nationalNumber, numberQuery } from '../phone.js';
import { creditCodeProblem, normaliseCreditCode, ledgerLink } from './sanctions.js';

export const title = k('traceback.doc_title');
export const requestsTitle = k('traceback.queue.doc_title');

const TRACEBACK = '/api/v1/traceback';
const REQUESTS = '/api/v1/traceback/requests';
const CARRIERS = '/api/v1/carriers';
const PAGE = 50;

export const STATE_KEYS = {
  open: k('traceback.states.open'),
  origin_found: k('traceback.states.origin_found'),
  foreign_entry: k('traceback.states.foreign_entry'),
  not_found: k('traceback.states.not_found'),
  non_responsive: k('traceback.states.non_responsive'),
};

export const HOP_STATE_KEYS = {
  waiting: k('traceback.hop_states.waiting'),
  answered: k('traceback.hop_states.answered'),
  missed: k('traceback.hop_states.missed'),
};

export const ANSWER_KEYS = {
  upstream: k('traceback.answers.upstream'),
  origin: k('traceback.answers.origin'),
  foreign: k('traceback.answers.foreign'),
  not_found: k('traceback.answers.not_found'),
};

export const SOURCE_KEYS = {
  none: k('traceback.sources.none'),
  complaint: k('traceback.sources.complaint'),
  finding: k('traceback.sources.finding'),
  violation: k('traceback.sources.violation'),
};

// --- helpers (unit-tested in tests/web/traceback.test.mjs) ---------------------

// A number as typed -> E.164 for the server ("138 0013 8000" -> "+8613800138000",
// "021 6123 4567" -> "+862161234567"); what is not a Chinese national number
// keeps its digits (the server reads it, or says why not); null when it is not
// a phone number at all.
export function e164Of(text) {
  const n = numberQuery(text);
  if (!n) return null;
  if (n.startsWith('+')) return n;
  if (/^00\d+$/.test(n)) return `+${n.slice(2)}`;
  if (/^0[1-9]\d{8,10}$/.test(n)) return `+86${n.slice(1)}`;
  if (/^1[3-9]\d{9}$/.test(n)) return `+86${n}`;
  return n;
}

// A <input type="datetime-local"> value read as UTC -> RFC 3339
// ("2026-11-01T23:15" -> "2026-11-01T23:15:00Z"), or '' when it is not one.
export function utcTime(value) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?$/.exec(String(value || '').trim());
  if (!m) return '';
  return `${m[1]}T${m[2]}${m[3] || ':00'}Z`;
}

// The request body of the open-a-case form's values.
export function caseBody(v) {
  const body = {
    caller: e164Of(v.caller) || String(v.caller || '').trim(),
    callee: e164Of(v.callee) || String(v.callee || '').trim(),
    call_time: utcTime(v.call_time),
    campaign: String(v.campaign || '').trim(),
    terminating_org_id: Number(v.terminating),
  };
  if (v.source_kind && v.source_kind !== 'none') body.source = { kind: v.source_kind, id: Number(v.source_id) };
  const origid = String(v.origid || '').trim();
  const spc = String(v.spc || '').trim().toUpperCase();
  if (origid || spc) {
    body.passport = {};
    if (origid) body.passport.origid = origid;
    if (spc) body.passport.spc = spc;
  }
  return body;
}

// The first problem with the open-a-case form's values ({key, args}), or null.
export function caseProblem(v) {
  if (!e164Of(v.caller)) return { key: k('traceback.error_caller') };
  if (!e164Of(v.callee)) return { key: k('traceback.error_callee') };
  if (!utcTime(v.call_time)) return { key: k('traceback.error_time') };
  if (!(Number(v.terminating) > 0)) return { key: k('traceback.error_terminating') };
  if (v.source_kind && v.source_kind !== 'none' && !(Number.isInteger(Number(v.source_id)) && Number(v.source_id) > 0)) {
    return { key: k('traceback.error_source_id') };
  }
  const spc = String(v.spc || '').trim();
  if (spc && !/^[A-Za-z0-9]{1,16}$/.test(spc)) return { key: k('traceback.error_spc') };
  return null;
}

// The body of an answer from the answer form's values.
export function answerBody(v) {
  const body = { answer: v.kind };
  if (v.kind === 'upstream') body.upstream_org_id = Number(v.upstream);
  if (v.kind === 'origin') {
    body.customer = { name: String(v.customer_name || '').trim() };
    const code = normaliseCreditCode(v.credit_code);
    if (code) body.customer.credit_code = code;
    const account = String(v.account || '').trim();
    if (account) body.customer.account = account;
  }
  if (v.kind === 'foreign') {
    body.foreign_carrier = String(v.foreign_carrier || '').trim();
    const country = String(v.foreign_country || '').trim().toUpperCase();
    if (country) body.foreign_country = country;
  }
  const note = String(v.note || '').trim();
  if (note) body.note = note;
  return body;
}

// The first problem with an answer's values ({key, args}), or null.
export function answerProblem(v) {
  if (!ANSWER_KEYS[v.kind]) return { key: k('traceback.error_answer_kind') };
  if (v.kind === 'upstream' && !(Number(v.upstream) > 0)) return { key: k('traceback.error_upstream') };
  if (v.kind === 'origin') {
    if (!String(v.customer_name || '').trim()) return { key: k('traceback.error_customer') };
    const code = normaliseCreditCode(v.credit_code);
    const p = code ? creditCodeProblem(code) : null;
    if (p && p.problem === 'check') return { key: k('traceback.error_credit_check'), args: { expected: p.expected } };
    if (p) return { key: k('traceback.error_credit_code') };
  }
  if (v.kind === 'foreign' && !String(v.foreign_carrier || '').trim()) return { key: k('traceback.error_foreign') };
  return null;
}

// A duration in seconds as a catalogue key with its arguments ("2 h 5 min").
export function durationText(seconds) {
  if (seconds == null || !Number.isFinite(Number(seconds))) return { key: k('traceback.duration_none') };
  const total = Math.max(0, Math.round(Number(seconds) / 60));
  const d = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const m = total % 60;
  if (d > 0) return { key: k('traceback.duration_dh'), args: { d, h: hours } };
  if (hours > 0) return { key: k('traceback.duration_hm'), args: { h: hours, m } };
  return { key: k('traceback.duration_m'), args: { m } };
}

// How long a waiting request has left at `now` (ms): {overdue, seconds}.
export function timeLeft(deadlineIso, now = Date.now()) {
  const t = Date.parse(deadlineIso);
  if (!Number.isFinite(t)) return { overdue: false, seconds: null };
  const s = Math.round((t - now) / 1000);
  return { overdue: s <= 0, seconds: Math.abs(s) };
}

// Whether a hop missed its deadline (marked missed, or still waiting past it).
export function missedDeadline(hop, now = Date.now()) {
  if (hop.state === 'missed') return true;
  return hop.state === 'waiting' && timeLeft(hop.deadline, now).overdue;
}

// Whether the case started at the signer of the call's PASSporT, skipping the
// hops between the terminating carrier and it.
export function startedAtSigner(c) {
  const first = (c.hops || [])[0];
  return !!(c.start_note && first && c.terminating && first.carrier.org_id !== c.terminating.org_id);
}

// The end of the path: {state, key, args} from the case and its last hop.
export function outcomeOf(c) {
  const hops = c.hops || [];
  const last = hops[hops.length - 1];
  const carrier = last ? last.carrier.name : '';
  const answer = last && last.answer;
  switch (c.state) {
    case 'origin_found':
      return { state: c.state, key: k('traceback.outcome.origin_found'), args: { carrier, customer: answer && answer.customer ? answer.customer.name : '' } };
    case 'foreign_entry':
      return { state: c.state, key: k('traceback.outcome.foreign_entry'), args: { carrier, foreign: answer ? answer.foreign_carrier : '' } };
    case 'not_found':
      return { state: c.state, key: k('traceback.outcome.not_found'), args: { carrier } };
    case 'non_responsive':
      return { state: c.state, key: k('traceback.outcome.non_responsive'), args: { carrier } };
    default:
      return { state: 'open', key: k('traceback.outcome.open'), args: { carrier } };
  }
}

// --- shared pieces -----------------------------------------------------------------

export function stateBadge(state) {
  const variant = { open: 'info', origin_found: 'ok', foreign_entry: 'warn', not_found: 'muted', non_responsive: 'danger' }[state] || 'muted';
  return STATE_KEYS[state] ? h('span', { class: `badge badge-${variant} tb-state`, dataset: { state }, i18n: STATE_KEYS[state] }) : raw(state);
}

function hopBadge(hop) {
  const variant = { waiting: 'info', answered: 'ok', missed: 'danger' }[hop.state] || 'muted';
  return HOP_STATE_KEYS[hop.state] ? h('span', { class: `badge badge-${variant} tb-hop-state`, i18n: HOP_STATE_KEYS[hop.state] }) : raw(hop.state);
}

function duration(seconds, props = {}) {
  const d = durationText(seconds);
  return h('span', { ...props, i18n: d.key, args: d.args });
}

function numberText(n) {
  if (!n) return raw('');
  return raw(n.national || nationalNumber(n.number), 'span', { class: 'mono' });
}

function errorBox(err) {
  const area = messageArea();
  area.error(err);
  return area.el;
}

function serverMessage(area, err) {
  const message = err && err.body && err.body.error && err.body.error.message;
  if (message) area.el.append(raw(message, 'p', { class: 'hint tb-server-message' }));
}

function carrierOptions(select, carriers, { exclude = 0, emptyKey }) {
  const chosen = select.value;
  select.replaceChildren(h('option', { value: '', i18n: emptyKey }),
    ...carriers.filter((c) => c.org_id !== exclude).map((c) => raw(c.name, 'option', { value: String(c.org_id) })));
  select.value = chosen;
  if (select.value !== chosen) select.value = '';
}

// "Waiting: 3 h 5 min left" or "Overdue by 2 h", red when overdue.
function deadlineNote(hop) {
  if (hop.state !== 'waiting') return null;
  const left = timeLeft(hop.deadline);
  const d = durationText(left.seconds);
  return h('span', { class: ['tb-time-left', left.overdue ? 'is-overdue' : null], dataset: { overdue: String(left.overdue) } },
    h('span', { i18n: left.overdue ? k('traceback.overdue_by') : k('traceback.time_left') }), ' ',
    h('span', { i18n: d.key, args: d.args }));
}

// --- #/traceback (analysts) ----------------------------------------------------------

export function render(ctx) {
  const id = ctx.query.get('id');
  if (id) return casePage(id);
  const carriers = loadCarriers();
  const list = listSection(ctx.query, carriers);
  return h('div', { class: 'traceback-page' },
    pageHeader(k('traceback.title'), k('traceback.lead')),
    h('p', { class: 'toolbar' },
      h('a', { class: 'button button-secondary button-small', href: '#/carriers', i18n: k('traceback.to_carriers') }), ' ',
      h('a', { class: 'button button-secondary button-small', href: '#/carriers/scorecards', i18n: k('traceback.to_scorecards') })),
    openForm(ctx, carriers),
    list.el,
    statsSection());
}

function loadCarriers() {
  return api(CARRIERS).then((d) => (d.carriers || []).slice().sort((a, b) => a.name.localeCompare(b.name)));
}

function openForm(ctx, carriersPromise) {
  const errors = messageArea();
  const sourceKind = h('select', {}, Object.entries(SOURCE_KEYS).map(([value, key]) => h('option', { value, i18n: key })));
  const sourceId = h('input', { type: 'number', min: '1', step: '1', disabled: true });
  const caller = h('input', { type: 'text', inputmode: 'tel', maxlength: '40', spellcheck: 'false', placeholder: '170 9999 0001' });
  const callee = h('input', { type: 'text', inputmode: 'tel', maxlength: '40', spellcheck: 'false', placeholder: '138 0013 8000' });
  const when = h('input', { type: 'datetime-local', step: '1' });
  const campaign = h('input', { type: 'text', maxlength: '500' });
  const terminating = h('select', {}, h('option', { value: '', i18n: k('common.loading') }));
  const origid = h('input', { type: 'text', maxlength: '80', spellcheck: 'false', class: 'mono', autocomplete: 'off' });
  const spc = h('input', { type: 'text', maxlength: '16', spellcheck: 'false', class: 'mono', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'open-case' }, i18n: k('traceback.open_submit') });
  carriersPromise.then((list) => {
    const term = list.filter((c) => (c.roles || []).includes('terminating'));
    const rest = list.filter((c) => !(c.roles || []).includes('terminating'));
    carrierOptions(terminating, [...term, ...rest], { emptyKey: k('traceback.carrier_choose') });
  }).catch((err) => errors.error(err));
  sourceKind.addEventListener('change', () => {
    sourceId.disabled = sourceKind.value === 'none';
  });

  const form = h('form', { class: 'form form-grid tb-open-form', novalidate: true },
    errors.el,
    field({ label: k('traceback.caller'), name: 'caller', required: true, control: caller }),
    field({ label: k('traceback.callee'), name: 'callee', required: true, control: callee }),
    field({ label: k('traceback.call_time'), name: 'call_time', required: true, hint: k('traceback.call_time_hint'), control: when }),
    field({ label: k('traceback.terminating'), name: 'terminating', required: true, hint: k('traceback.terminating_hint'), control: terminating }),
    h('div', { class: 'field-wide' }, field({ label: k('traceback.campaign'), name: 'campaign', hint: k('traceback.campaign_hint'), control: campaign })),
    field({ label: k('traceback.source_kind'), name: 'source_kind', control: sourceKind }),
    field({ label: k('traceback.source_id'), name: 'source_id', control: sourceId }),
    h('fieldset', { class: 'field-wide tb-passport' },
      h('legend', { i18n: k('traceback.passport') }),
      h('p', { class: 'hint', i18n: k('traceback.passport_hint') }),
      field({ label: k('traceback.origid'), name: 'origid', control: origid }),
      field({ label: k('traceback.spc'), name: 'spc', control: spc })),
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const values = {
      caller: caller.value, callee: callee.value, call_time: when.value, campaign: campaign.value, terminating: terminating.value,
      source_kind: sourceKind.value, source_id: sourceId.value, origid: origid.value, spc: spc.value,
    };
    const problem = caseProblem(values);
    if (problem) {
      errors.show(problem.key, problem.args);
      return;
    }
    submit.disabled = true;
    try {
      const c = await api(TRACEBACK, { method: 'POST', body: caseBody(values) });
      ctx.navigate(`#/traceback/${c.id}`);
    } catch (err) {
      errors.error(err);
      serverMessage(errors, err);
      submit.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'tb-open' },
    h('h2', { id: 'tb-open', i18n: k('traceback.open') }),
    h('p', { class: 'hint', i18n: k('traceback.open_lead') }), form);
}

function listSection(query, carriersPromise) {
  const list = h('div', { class: 'tb-list' });
  const more = h('div', { class: 'tb-more' });
  const state = h('select', {},
    h('option', { value: '', i18n: k('traceback.all_states') }),
    Object.entries(STATE_KEYS).map(([value, key]) => h('option', { value, i18n: key })));
  const carrier = h('select', {}, h('option', { value: '', i18n: k('traceback.all_carriers') }));
  if (STATE_KEYS[query.get('state')]) state.value = query.get('state');
  carriersPromise.then((cs) => carrierOptions(carrier, cs, { emptyKey: k('traceback.all_carriers') })).catch(() => {});
  const filters = h('form', { class: 'filter-bar toolbar tb-filter', novalidate: true, role: 'search' },
    field({ label: k('traceback.filter_state'), name: 'state', control: state }),
    field({ label: k('traceback.filter_carrier'), name: 'org_id', control: carrier }));
  filters.addEventListener('submit', (e) => e.preventDefault());
  state.addEventListener('change', () => refresh());
  carrier.addEventListener('change', () => refresh());

  let rows = [];
  async function load(before) {
    const data = await api(TRACEBACK, { query: { state: state.value || null, org_id: carrier.value || null, before: before || null, limit: PAGE } });
    rows = before ? [...rows, ...(data.cases || [])] : data.cases || [];
    list.replaceChildren(casesTable(rows));
    more.replaceChildren();
    if (data.next_before) {
      const button = h('button', { type: 'button', class: 'button button-secondary button-small', dataset: { action: 'older' }, i18n: k('traceback.older') });
      button.addEventListener('click', () => {
        button.disabled = true;
        load(data.next_before).catch((err) => more.replaceChildren(errorBox(err)));
      });
      more.append(button);
    }
  }
  function refresh() {
    list.replaceChildren(loading());
    more.replaceChildren();
    load(null).catch((err) => list.replaceChildren(errorBox(err)));
  }
  refresh();
  const el = h('section', { class: 'card', 'aria-labelledby': 'tb-list' },
    h('h2', { id: 'tb-list', i18n: k('traceback.list') }), filters, list, more);
  return { el, refresh };
}

function casesTable(items) {
  return dataTable({
    captionKey: k('traceback.list'),
    columns: [k('traceback.col_id'), k('traceback.col_call'), k('traceback.campaign'), k('traceback.col_path'), k('traceback.col_state'),
      k('traceback.col_ledger'), k('common.actions')],
    items,
    emptyKey: k('traceback.empty'),
    rowFn: (c) => h('tr', { dataset: { case: String(c.id), state: c.state } },
      h('td', {}, raw(String(c.id))),
      h('td', {}, h('div', {}, numberText(c.caller), ' → ', numberText(c.callee)), h('div', { class: 'hint', time: c.call_time })),
      h('td', {}, raw(c.campaign)),
      h('td', {}, raw((c.path || []).join(' → '), 'span', { class: 'tb-path-summary' }),
        h('div', { class: 'hint', i18n: k('traceback.hop_count'), args: { count: c.hop_count } })),
      h('td', {}, stateBadge(c.state)),
      h('td', {}, c.ledger_seq ? ledgerLink(c.ledger_seq) : h('span', { class: 'hint', i18n: k('common.dash') })),
      h('td', {}, h('a', { class: 'button button-small', href: `#/traceback/${c.id}`, dataset: { action: 'details' }, i18n: k('traceback.details') }))),
  });
}

// --- statistics --------------------------------------------------------------------

function statsSection() {
  const body = h('div', { class: 'tb-stats-body' }, loading());
  api(`${TRACEBACK}/stats`).then((s) => body.replaceChildren(statsView(s))).catch((err) => body.replaceChildren(errorBox(err)));
  return h('section', { class: 'card tb-stats', 'aria-labelledby': 'tb-stats' },
    h('h2', { id: 'tb-stats', i18n: k('traceback.stats.title') }), body);
}

function statsView(s) {
  const tile = (key, value, name) => h('div', { class: 'tb-stat', dataset: { stat: name } }, h('dt', { i18n: key }), h('dd', {}, value));
  const req = s.requests || {};
  const byOutcome = s.by_outcome || {};
  const tiles = h('dl', { class: 'tb-stat-grid' },
    tile(k('traceback.stats.cases'), raw(String(s.cases)), 'cases'),
    tile(k('traceback.stats.hops_per_case'), h('span', { i18n: k('traceback.stats.hops_value'), args: { mean: Number(s.hops_per_case || 0).toFixed(1), max: s.max_hops } }), 'hops'),
    tile(k('traceback.stats.median'), duration(s.answer_seconds && s.answer_seconds.median), 'median'),
    tile(k('traceback.stats.p90'), duration(s.answer_seconds && s.answer_seconds.p90), 'p90'),
    tile(k('traceback.stats.requests'), h('span', { i18n: k('traceback.stats.requests_value'), args: { total: req.total || 0, answered: req.answered || 0, auto: req.auto_answered || 0, missed: req.missed || 0, waiting: req.waiting || 0 } }), 'requests'));
  const outcomes = dataTable({
    captionKey: k('traceback.stats.by_outcome'),
    columns: [k('traceback.col_state'), k('traceback.stats.count')],
    items: Object.keys(STATE_KEYS),
    emptyKey: k('traceback.empty'),
    rowFn: (state) => h('tr', { dataset: { state } }, h('td', {}, stateBadge(state)), h('td', {}, raw(String(byOutcome[state] || 0)))),
  });
  const misses = dataTable({
    captionKey: k('traceback.stats.non_responsive'),
    columns: [k('traceback.stats.carrier'), k('traceback.stats.missed'), k('traceback.stats.nr_cases')],
    items: s.non_responsive_carriers || [],
    emptyKey: k('traceback.stats.no_misses'),
    rowFn: (m) => h('tr', { dataset: { org: String(m.org_id) } },
      h('td', {}, raw(m.name)), h('td', {}, raw(String(m.missed))), h('td', {}, raw(String(m.non_responsive_cases)))),
  });
  return h('div', {}, tiles,
    h('div', { class: 'tb-stat-tables' },
      h('div', {}, h('h3', { i18n: k('traceback.stats.by_outcome') }), outcomes),
      h('div', {}, h('h3', { i18n: k('traceback.stats.non_responsive') }), misses)));
}

// --- #/traceback/{id} ----------------------------------------------------------------

function casePage(id) {
  const body = h('div', { class: 'tb-case-slot' }, loading());
  const carriers = loadCarriers();
  const show = (c) => body.replaceChildren(caseView(c, carriers, () => load()));
  function load() {
    api(`${TRACEBACK}/${encodeURIComponent(id)}`).then(show).catch((err) => body.replaceChildren(errorBox(err)));
  }
  load();
  return h('div', { class: 'traceback-page tb-case-page' },
    h('nav', { class: 'breadcrumb', i18nAriaLabel: k('common.breadcrumb') }, h('ol', {}, h('li', {}, h('a', { href: '#/traceback', i18n: k('traceback.back') })))),
    pageHeader(k('traceback.case_title'), null, { id }),
    body);
}

function caseView(c, carriers, reload) {
  const dl = h('dl', { class: 'tb-facts' });
  const fact = (key, value) => dl.append(h('dt', { i18n: key }), h('dd', {}, value));
  fact(k('traceback.col_state'), stateBadge(c.state));
  fact(k('traceback.caller'), numberText(c.caller));
  fact(k('traceback.callee'), numberText(c.callee));
  fact(k('traceback.call_time'), h('span', { time: c.call_time }));
  fact(k('traceback.campaign'), c.campaign ? raw(c.campaign) : h('span', { class: 'hint', i18n: k('common.dash') }));
  fact(k('traceback.terminating'), raw(c.terminating.name));
  const src = c.source || { kind: 'none' };
  fact(k('traceback.source_kind'), h('span', {}, SOURCE_KEYS[src.kind] ? h('span', { i18n: SOURCE_KEYS[src.kind] }) : raw(src.kind), src.id ? raw(` #${src.id}`) : null));
  if (c.passport) {
    fact(k('traceback.passport'), h('span', { class: 'tb-passport-facts' },
      c.passport.origid ? [h('span', { i18n: k('traceback.origid') }), ': ', raw(c.passport.origid, 'code')] : null,
      c.passport.spc ? [' · ', h('span', { i18n: k('traceback.spc') }), ': ', raw(c.passport.spc, 'code')] : null,
      c.passport.cert_name ? [' · ', raw(c.passport.cert_name)] : null));
  }
  fact(k('traceback.opened'), h('span', {}, h('span', { time: c.opened_at }), c.opened_by ? [' · ', raw(c.opened_by)] : null));
  if (c.closed_at) fact(k('traceback.closed'), h('span', { time: c.closed_at }));
  fact(k('traceback.col_ledger'), c.ledger_seq ? ledgerLink(c.ledger_seq) : h('span', { class: 'hint', i18n: k('traceback.no_ledger') }));

  return h('div', { class: 'tb-case card', dataset: { case: String(c.id), state: c.state } },
    dl,
    h('h2', { i18n: k('traceback.path') }),
    h('p', { class: 'hint', i18n: k('traceback.path_lead') }),
    pathView(c, carriers, reload));
}

// The path: the carriers from the terminating one towards the origin, then the
// outcome.
export function pathView(c, carriers, reload) {
  const nodes = [];
  if (startedAtSigner(c)) {
    nodes.push(h('li', { class: 'tb-node tb-skipped', dataset: { skipped: 'true' } },
      raw(c.terminating.name, 'strong', { class: 'tb-carrier' }),
      h('p', { class: 'tb-skip-note', i18n: k('traceback.skipped'), args: { signer: c.hops[0].carrier.name, terminating: c.terminating.name } })));
  }
  for (const hop of c.hops || []) nodes.push(hopNode(hop, carriers, reload));
  const out = outcomeOf(c);
  nodes.push(h('li', { class: ['tb-node', 'tb-outcome', `is-${out.state}`], dataset: { state: out.state } },
    h('span', { class: 'tb-outcome-label', i18n: k('traceback.outcome_label') }),
    h('strong', { class: 'tb-outcome-text', i18n: out.key, args: out.args }),
    c.state === 'origin_found' ? customerFacts((c.hops[c.hops.length - 1].answer || {}).customer) : null));
  return h('ol', { class: 'tb-path', i18nAriaLabel: k('traceback.path') }, nodes);
}

function customerFacts(customer) {
  if (!customer) return null;
  return h('div', { class: 'tb-customer' },
    customer.credit_code ? raw(customer.credit_code, 'div', { class: 'mono hint' }) : null,
    customer.account ? raw(customer.account, 'div', { class: 'hint' }) : null);
}

function answerSummary(a) {
  if (!a) return null;
  const parts = [h('span', { class: 'tb-answer-kind', i18n: ANSWER_KEYS[a.kind] || k('traceback.answers.other') })];
  if (a.kind === 'upstream' && a.upstream) parts.push(': ', raw(a.upstream.name, 'strong'));
  if (a.kind === 'origin' && a.customer) parts.push(': ', raw(a.customer.name, 'strong'));
  if (a.kind === 'foreign') parts.push(': ', raw([a.foreign_carrier, a.foreign_country].filter(Boolean).join(', '), 'strong'));
  return h('div', { class: 'tb-answer' }, parts, a.note ? raw(a.note, 'div', { class: 'hint tb-note' }) : null);
}

function hopNode(hop, carriers, reload) {
  const missed = missedDeadline(hop);
  const dl = h('dl', { class: 'tb-hop-facts' });
  const fact = (key, value) => dl.append(h('dt', { i18n: key }), h('dd', {}, value));
  fact(k('traceback.requested'), h('span', { time: hop.requested_at }));
  fact(k('traceback.deadline'), h('span', { class: missed ? 'tb-deadline is-missed' : 'tb-deadline' }, h('span', { time: hop.deadline }), ' ', deadlineNote(hop)));
  if (hop.state === 'answered') {
    fact(k('traceback.answered'), h('span', { time: hop.answered_at }));
    fact(k('traceback.answered_by'), hop.automatic
      ? h('span', { class: 'badge badge-info tb-auto', i18n: k('traceback.auto_cdr'), args: { cdr: hop.answer && hop.answer.cdr_id } })
      : h('span', {}, h('span', { class: 'badge badge-muted tb-manual', i18n: k('traceback.by_hand') }), ' ', raw(hop.answer ? hop.answer.answered_by : '')));
  }
  if (hop.state === 'missed') {
    fact(k('traceback.missed_at'), h('span', { class: 'is-missed' }, h('span', { time: hop.missed_at || hop.deadline })));
  }
  return h('li', { class: ['tb-node', 'tb-hop', missed ? 'is-missed' : null], dataset: { hop: String(hop.hop), request: String(hop.id), state: hop.state, automatic: String(!!hop.automatic) } },
    h('div', { class: 'tb-hop-head' },
      h('span', { class: 'tb-hop-n', i18n: k('traceback.hop_n'), args: { n: hop.hop } }), ' ',
      hopBadge(hop)),
    raw(hop.carrier.name, 'strong', { class: 'tb-carrier' }),
    dl,
    answerSummary(hop.answer),
    hop.state === 'waiting' && carriers
      ? h('details', { class: 'tb-on-behalf' },
        h('summary', { i18n: k('traceback.answer_on_behalf') }),
        answerForm(hop, carriers, () => reload()))
      : null);
}

// --- the answer form (carriers; staff on their behalf) -----------------------------------

export function answerForm(request, carriersPromise, onAnswered) {
  const errors = messageArea();
  const name = `tb-kind-${request.id}`;
  const radios = Object.entries(ANSWER_KEYS).map(([value, key]) => {
    const input = h('input', { type: 'radio', name, value, checked: value === 'upstream' });
    return { value, input, label: h('label', { class: 'inline-check' }, input, ' ', h('span', { i18n: key })) };
  });
  const upstream = h('select', {}, h('option', { value: '', i18n: k('common.loading') }));
  const customer = h('input', { type: 'text', maxlength: '200' });
  const credit = h('input', { type: 'text', maxlength: '24', class: 'mono', spellcheck: 'false', autocomplete: 'off', placeholder: '91440300MA5FDEM01B', raw: true });
  const account = h('input', { type: 'text', maxlength: '200' });
  const foreign = h('input', { type: 'text', maxlength: '200' });
  const country = h('input', { type: 'text', maxlength: '2', class: 'mono', spellcheck: 'false', autocomplete: 'off', placeholder: 'VN', raw: true });
  const note = h('textarea', { rows: '2', maxlength: '1000' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'answer' }, i18n: k('traceback.answer_submit') });
  carriersPromise.then((cs) => carrierOptions(upstream, cs, { exclude: request.carrier.org_id, emptyKey: k('traceback.carrier_choose') }))
    .catch((err) => errors.error(err));

  const groups = {
    upstream: h('div', { class: 'tb-answer-fields', dataset: { kind: 'upstream' } },
      field({ label: k('traceback.upstream'), name: 'upstream', hint: k('traceback.upstream_hint'), control: upstream })),
    origin: h('div', { class: 'tb-answer-fields', dataset: { kind: 'origin' }, hidden: true },
      field({ label: k('traceback.customer_name'), name: 'customer_name', control: customer }),
      field({ label: k('traceback.credit_code'), name: 'credit_code', control: credit }),
      field({ label: k('traceback.account'), name: 'account', hint: k('traceback.account_hint'), control: account })),
    foreign: h('div', { class: 'tb-answer-fields', dataset: { kind: 'foreign' }, hidden: true },
      field({ label: k('traceback.foreign_carrier'), name: 'foreign_carrier', control: foreign }),
      field({ label: k('traceback.foreign_country'), name: 'foreign_country', hint: k('traceback.foreign_country_hint'), control: country })),
    not_found: h('p', { class: 'hint tb-answer-fields', dataset: { kind: 'not_found' }, hidden: true, i18n: k('traceback.not_found_hint') }),
  };
  const kind = () => (radios.find((r) => r.input.checked) || {}).value;
  const sync = () => {
    for (const [value, el] of Object.entries(groups)) el.hidden = value !== kind();
  };
  radios.forEach((r) => r.input.addEventListener('change', sync));

  const form = h('form', { class: 'form tb-answer-form', novalidate: true, dataset: { request: String(request.id) } },
    errors.el,
    h('fieldset', { class: 'choice-group' }, h('legend', { i18n: k('traceback.answer_kind') }), radios.map((r) => [r.label, ' '])),
    Object.values(groups),
    field({ label: k('traceback.note'), name: 'note', control: note }),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const values = {
      kind: kind(), upstream: upstream.value, customer_name: customer.value, credit_code: credit.value, account: account.value,
      foreign_carrier: foreign.value, foreign_country: country.value, note: note.value,
    };
    const problem = answerProblem(values);
    if (problem) {
      errors.show(problem.key, problem.args);
      return;
    }
    submit.disabled = true;
    try {
      const res = await api(`${REQUESTS}/${request.id}/answer`, { method: 'POST', body: answerBody(values) });
      onAnswered(res);
    } catch (err) {
      errors.error(err);
      serverMessage(errors, err);
      submit.disabled = false;
    }
  });
  return form;
}

// --- #/traceback/requests (carriers) ------------------------------------------------------

export function renderRequests() {
  const carriers = loadCarriers();
  const list = h('div', { class: 'tb-queue' });
  const answered = h('div', { class: 'tb-answered-slot', role: 'status', 'aria-live': 'polite' });
  const all = h('input', { type: 'checkbox' });
  async function refresh() {
    list.replaceChildren(loading());
    try {
      const data = await api(REQUESTS, { query: { state: all.checked ? 'all' : 'open' } });
      const items = data.requests || [];
      list.replaceChildren(items.length
        ? h('ul', { class: 'tb-requests' }, items.map((r) => requestItem(r, carriers, onAnswered)))
        : h('p', { class: 'empty tb-queue-empty', i18n: k('traceback.queue.empty') }));
    } catch (err) {
      list.replaceChildren(errorBox(err));
    }
  }
  function onAnswered(res) {
    answered.replaceChildren(h('p', { class: 'notice notice-success tb-answered', dataset: { request: String(res.request_id), caseState: res.case_state } },
      h('span', { i18n: k('traceback.queue.answered'), args: { id: res.request_id } }), ' ',
      STATE_KEYS[res.case_state] ? h('span', { i18n: k('traceback.queue.case_now') }) : null, ' ',
      stateBadge(res.case_state)));
    refresh();
  }
  all.addEventListener('change', refresh);
  refresh();
  return h('div', { class: 'traceback-queue-page' },
    pageHeader(k('traceback.queue.title'), k('traceback.queue.lead')),
    h('section', { class: 'card', 'aria-labelledby': 'tb-queue' },
      h('h2', { id: 'tb-queue', i18n: k('traceback.queue.requests') }),
      h('p', { class: 'toolbar' }, h('label', { class: 'inline-check' }, all, ' ', h('span', { i18n: k('traceback.queue.show_all') }))),
      answered, list),
    cdrSection(refresh));
}

function requestItem(r, carriers, onAnswered) {
  const left = r.state === 'waiting' ? timeLeft(r.deadline) : null;
  const dl = h('dl', { class: 'tb-request-facts' });
  const fact = (key, value) => dl.append(h('dt', { i18n: key }), h('dd', {}, value));
  fact(k('traceback.caller'), numberText(r.caller));
  fact(k('traceback.callee'), numberText(r.callee));
  fact(k('traceback.call_time'), h('span', {}, h('span', { time: r.call_time }), ' ', raw(`(${r.call_time})`, 'span', { class: 'hint mono' })));
  if (r.campaign) fact(k('traceback.campaign'), raw(r.campaign));
  if (r.origid) fact(k('traceback.origid'), raw(r.origid, 'code'));
  fact(k('traceback.requested'), h('span', { time: r.requested_at }));
  fact(k('traceback.deadline'), h('span', { class: left && left.overdue ? 'tb-deadline is-missed' : 'tb-deadline' }, h('span', { time: r.deadline }), ' ', deadlineNote(r)));
  if (r.state === 'answered') fact(k('traceback.answered'), h('span', {}, h('span', { time: r.answered_at }), r.automatic ? [' ', h('span', { class: 'badge badge-info', i18n: k('traceback.auto_cdr'), args: { cdr: r.answer && r.answer.cdr_id } })] : null));
  return h('li', { class: ['card', 'tb-request', left && left.overdue ? 'is-overdue' : null], dataset: { request: String(r.id), state: r.state, case: String(r.case_id) } },
    h('h3', {}, h('span', { i18n: k('traceback.queue.request_title'), args: { id: r.id, hop: r.hop, case: r.case_id } }), ' ', hopBadge(r)),
    dl,
    answerSummary(r.answer),
    r.state === 'waiting' ? answerForm(r, carriers, onAnswered) : null);
}

// The Content-Type of a CDR file by its name (docs/formats/cdr.md).
export function cdrContentType(fileName) {
  const n = String(fileName || '').toLowerCase();
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson')) return 'application/x-ndjson';
  if (n.endsWith('.json')) return 'application/json';
  return 'text/csv';
}

function cdrSection(onDone) {
  const errors = messageArea();
  const result = h('div', { class: 'tb-cdr-result', role: 'status', 'aria-live': 'polite' });
  const file = h('input', { type: 'file', accept: '.csv,.jsonl,.ndjson,.json,text/csv,application/json' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'upload-cdrs' }, i18n: k('traceback.cdrs.submit') });
  const form = h('form', { class: 'form tb-cdr-form', novalidate: true },
    errors.el,
    field({ label: k('traceback.cdrs.file'), name: 'cdrs', hint: k('traceback.cdrs.file_hint'), control: file }),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    result.replaceChildren();
    const f = file.files && file.files[0];
    if (!f) {
      errors.show(k('traceback.cdrs.error_file'));
      return;
    }
    submit.disabled = true;
    try {
      const res = await apiText('/api/v1/traceback/cdrs', { method: 'POST', body: f, contentType: cdrContentType(f.name), accept: 'application/json' });
      result.replaceChildren(cdrResult(JSON.parse(res.body || '{}')));
      onDone();
    } catch (err) {
      errors.error(err);
      serverMessage(errors, err);
      if (err && err.body && 'stored' in err.body) result.replaceChildren(cdrResult(err.body));
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'tb-cdrs' },
    h('h2', { id: 'tb-cdrs', i18n: k('traceback.cdrs.title') }),
    h('p', { class: 'hint', i18n: k('traceback.cdrs.lead') }),
    form, result);
}

function cdrResult(r) {
  const count = (key, value, name) => h('div', { class: 'tb-stat', dataset: { stat: name, value: String(value || 0) } }, h('dt', { i18n: key }), h('dd', {}, raw(String(value || 0))));
  return h('div', { class: 'tb-cdr-counts' },
    h('dl', { class: 'tb-stat-grid' },
      count(k('traceback.cdrs.stored'), r.stored, 'stored'),
      count(k('traceback.cdrs.skipped'), r.skipped, 'skipped'),
      count(k('traceback.cdrs.rejected'), r.rejected, 'rejected'),
      count(k('traceback.cdrs.auto_answered'), r.auto_answered, 'auto_answered')),
    (r.errors || []).length
      ? h('ul', { class: 'tb-cdr-errors' }, r.errors.map((e) => h('li', {}, h('span', { i18n: k('traceback.cdrs.line'), args: { line: e.line } }), ' ', raw(e.reason))))
      : null);
}
