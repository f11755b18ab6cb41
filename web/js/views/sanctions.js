// Sanctions (联合惩戒, docs/sanctions.md): three pages.
//
// - #/sanctions (analysts, administrators): the list, filtered by state and
//   measure, newest first with paging (GET /api/v1/sanctions); a sanction in
//   full at #/sanctions/{id} (GET .../{id}) with its lifting (POST .../lift
//   {reason}); the form that imposes one (POST /api/v1/sanctions). Every
//   sanction names the ledger records of its creation and lifting (#/ledger/{seq}).
// - #/sanctions/check (carriers, analysts, administrators): is this entity, or
//   this number, under sanction? (GET /api/v1/sanctions/check)
// - #/sanctions/public (anyone): the public list (GET /api/v1/sanctions/public),
//   without numbers, reasons or names of staff.

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading } from '../components.js';
import { nationalNumber, numberQuery } from '../phone.js';
import { REGISTER_UTC_OFFSET_MINUTES } from './dnc/common.js';

export const title = k('sanctions.doc_title');
export const publicTitle = k('sanctions.public.doc_title');
export const checkTitle = k('sanctions.check.doc_title');

const SANCTIONS = '/api/v1/sanctions';
const PAGE = 50;

// Least to most severe, as the API names them.
export const MEASURE_KEYS = {
  warning: k('sanctions.measures.warning'),
  marketing_suspension: k('sanctions.measures.marketing_suspension'),
  number_block: k('sanctions.measures.number_block'),
  joint_punishment: k('sanctions.measures.joint_punishment'),
};

export const STATE_KEYS = {
  scheduled: k('sanctions.states.scheduled'),
  active: k('sanctions.states.active'),
  expired: k('sanctions.states.expired'),
  lifted: k('sanctions.states.lifted'),
};

// What each measure does to calls (docs/sanctions.md "Measures").
const EFFECT_KEYS = {
  warning: k('sanctions.effects.warning'),
  marketing_suspension: k('sanctions.effects.marketing_suspension'),
  number_block: k('sanctions.effects.number_block'),
  joint_punishment: k('sanctions.effects.joint_punishment'),
};

// --- helpers (unit-tested in tests/web/sanctions.test.mjs) --------------------

// The characters of a unified social credit code (GB 32100-2015): no I, O, S, V, Z.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// A credit code as the server reads it: upper case, spaces removed.
export function normaliseCreditCode(text) {
  return String(text || '').replace(/[\s\u3000]+/g, '').toUpperCase();
}

// Checks a unified social credit code: null when it is valid, else
// {problem: 'length' | 'chars'} or {problem: 'check', expected: 'X'}.
export function creditCodeProblem(text) {
  const code = normaliseCreditCode(text);
  if (code.length !== 18) return { problem: 'length' };
  const values = [...code].map((c) => CREDIT_CHARS.indexOf(c));
  if (values.some((v) => v < 0)) return { problem: 'chars' };
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i += 1) {
    sum += values[i] * weight;
    weight = (weight * 3) % 31;
  }
  const expected = CREDIT_CHARS[(31 - (sum % 31)) % 31];
  return code[17] === expected ? null : { problem: 'check', expected };
}

// One item per line (or separated by commas or semicolons), blanks dropped.
export function linesOf(text) {
  return String(text || '')
    .split(/[\n,;，；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// A range as the API wants it: "+86 21 6123" -> "+86216123"; a range typed
// without + keeps its digits and is refused by the server with its reason.
export function rangeText(text) {
  return String(text || '').replace(/[\s\-.()]/g, '');
}

// The request body of the form's values (dates as YYYY-MM-DD: the server reads
// them at the register's offset, an end date taking in the whole day).
export function sanctionBody(v) {
  const body = {
    measure: v.measure,
    entity_name: v.entity_name.trim(),
    legal_basis: v.legal_basis.trim(),
    public: !!v.public,
    numbers: linesOf(v.numbers).map((n) => numberQuery(n) || n),
    ranges: linesOf(v.ranges).map(rangeText),
  };
  const code = normaliseCreditCode(v.credit_code);
  if (code) body.credit_code = code;
  if (v.start) body.start = v.start;
  if (v.end) body.end = v.end;
  if (v.reason && v.reason.trim()) body.reason = v.reason.trim();
  return body;
}

// The first problem with the form's values, as a catalogue key (with args), or
// null when it may be sent.
export function formProblem(v) {
  if (!v.entity_name.trim()) return { key: k('sanctions.error_entity') };
  const code = normaliseCreditCode(v.credit_code);
  if (code) {
    const p = creditCodeProblem(code);
    if (p && p.problem === 'check') return { key: k('sanctions.error_credit_check'), args: { expected: p.expected } };
    if (p) return { key: k('sanctions.error_credit_code') };
  }
  if (!MEASURE_KEYS[v.measure]) return { key: k('sanctions.error_measure') };
  if (v.measure === 'number_block' && !linesOf(v.numbers).length && !linesOf(v.ranges).length) {
    return { key: k('sanctions.error_block_needs_numbers') };
  }
  const badRange = linesOf(v.ranges).map(rangeText).find((r) => !/^\+\d{6,14}$/.test(r));
  if (badRange) return { key: k('sanctions.error_range'), args: { range: badRange } };
  if (v.start && v.end && v.end < v.start) return { key: k('sanctions.error_dates') };
  if (!v.legal_basis.trim()) return { key: k('sanctions.error_basis') };
  return null;
}

// --- shared pieces ---------------------------------------------------------------

export function measureBadge(measure, text) {
  const variant = { warning: 'info', marketing_suspension: 'warn', number_block: 'danger', joint_punishment: 'danger' }[measure] || 'muted';
  if (MEASURE_KEYS[measure]) return h('span', { class: `badge badge-${variant} sanction-measure`, dataset: { measure }, i18n: MEASURE_KEYS[measure] });
  return raw(text ? text.en : measure, 'span', { class: 'badge badge-muted sanction-measure' });
}

export function stateBadge(state) {
  const variant = { scheduled: 'info', active: 'danger', expired: 'muted', lifted: 'ok' }[state] || 'muted';
  return STATE_KEYS[state] ? h('span', { class: `badge badge-${variant} sanction-state`, dataset: { state }, i18n: STATE_KEYS[state] }) : raw(state);
}

// "#/ledger/41" as a link naming the record, or a dash when there is none.
export function ledgerLink(seq) {
  if (!seq) return h('span', { class: 'hint', i18n: k('sanctions.no_ledger') });
  return h('a', { class: 'ledger-link', href: `#/ledger/${seq}`, dataset: { seq: String(seq) }, i18n: k('sanctions.ledger_record'), args: { seq } });
}

// The last day a sanction is in force: the server's end is the instant it stops
// (a bare end date is the end of that day), so its day is the one before.
export function lastDay(endIso) {
  const t = Date.parse(endIso);
  return Number.isFinite(t) ? new Date(t - 1).toISOString() : endIso;
}

// A day of the register's time zone (where bare dates are read), whatever the
// browser's.
function registerDay(iso) {
  return h('time', { date: iso, dataset: { dateOffset: String(REGISTER_UTC_OFFSET_MINUTES) } });
}

function period(s) {
  return h('span', { class: 'sanction-period' },
    registerDay(s.start), ' – ',
    s.end ? registerDay(lastDay(s.end)) : h('span', { i18n: k('sanctions.until_lifted') }));
}

function entityCell(entity) {
  return [raw(entity.name, 'div', { class: 'sanction-entity' }),
    entity.credit_code ? raw(entity.credit_code, 'div', { class: 'hint mono sanction-code' }) : null];
}

function errorBox(err) {
  const area = messageArea();
  area.error(err);
  return area.el;
}

// --- #/sanctions (analysts) -------------------------------------------------------

export function render(ctx) {
  const id = ctx.query.get('id');
  if (id) return detailPage(id);
  const list = listSection(ctx.query);
  return h(
    'div',
    { class: 'sanctions-page' },
    pageHeader(k('sanctions.title'), k('sanctions.lead')),
    h('p', { class: 'toolbar' },
      h('a', { class: 'button button-secondary button-small', href: '#/sanctions/check', i18n: k('sanctions.to_check') }), ' ',
      h('a', { class: 'button button-secondary button-small', href: '#/sanctions/public', i18n: k('sanctions.to_public') })),
    imposeForm(() => list.refresh()),
    list.el,
  );
}

function imposeForm(onImposed) {
  const errors = messageArea();
  const result = h('div', { class: 'sanction-imposed-slot' });
  const name = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const code = h('input', { type: 'text', maxlength: '24', spellcheck: 'false', autocomplete: 'off', class: 'mono', placeholder: '91350100M000100Y43', raw: true });
  const measure = h('select', {},
    h('option', { value: '', i18n: k('sanctions.measure_choose') }),
    Object.entries(MEASURE_KEYS).map(([value, key]) => h('option', { value, i18n: key })));
  const effect = h('p', { class: 'hint sanction-effect' });
  const numbers = h('textarea', { rows: '3', spellcheck: 'false', placeholder: '021 5098 7601' });
  const ranges = h('textarea', { rows: '2', spellcheck: 'false', placeholder: '+86216123' });
  const start = h('input', { type: 'date' });
  const end = h('input', { type: 'date' });
  const basis = h('textarea', { rows: '2', maxlength: '1000' });
  const isPublic = h('input', { type: 'checkbox', name: 'public' });
  const reason = h('textarea', { rows: '2', maxlength: '2000' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'impose' }, i18n: k('sanctions.impose_submit') });

  measure.addEventListener('change', () => {
    if (EFFECT_KEYS[measure.value]) effect.replaceChildren(h('span', { i18n: EFFECT_KEYS[measure.value] }));
    else effect.replaceChildren();
  });

  const form = h('form', { class: 'form form-grid sanction-form', novalidate: true },
    errors.el,
    field({ label: k('sanctions.entity_name'), name: 'entity_name', required: true, hint: k('sanctions.entity_hint'), control: name }),
    field({ label: k('sanctions.credit_code'), name: 'credit_code', hint: k('sanctions.credit_hint'), control: code }),
    h('div', { class: 'field-wide' }, field({ label: k('sanctions.measure'), name: 'measure', required: true, control: measure }), effect),
    field({ label: k('sanctions.numbers'), name: 'numbers', hint: k('sanctions.numbers_hint'), control: numbers }),
    field({ label: k('sanctions.ranges'), name: 'ranges', hint: k('sanctions.ranges_hint'), control: ranges }),
    field({ label: k('sanctions.start'), name: 'start', hint: k('sanctions.start_hint'), control: start }),
    field({ label: k('sanctions.end'), name: 'end', hint: k('sanctions.end_hint'), control: end }),
    h('div', { class: 'field-wide' }, field({ label: k('sanctions.legal_basis'), name: 'legal_basis', required: true, hint: k('sanctions.basis_hint'), control: basis })),
    h('div', { class: 'field-wide' }, field({ label: k('sanctions.reason'), name: 'reason', hint: k('sanctions.reason_hint'), control: reason })),
    h('label', { class: 'inline-check field-wide' }, isPublic, ' ', h('span', { i18n: k('sanctions.public_flag') })),
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    result.replaceChildren();
    const values = {
      entity_name: name.value, credit_code: code.value, measure: measure.value, numbers: numbers.value, ranges: ranges.value,
      start: start.value, end: end.value, legal_basis: basis.value, public: isPublic.checked, reason: reason.value,
    };
    const problem = formProblem(values);
    if (problem) {
      errors.show(problem.key, problem.args);
      return;
    }
    submit.disabled = true;
    try {
      const s = await api(SANCTIONS, { method: 'POST', body: sanctionBody(values) });
      result.replaceChildren(imposedNotice(s));
      form.reset();
      effect.replaceChildren();
      onImposed();
    } catch (err) {
      errors.error(err);
      const message = err && err.body && err.body.error && err.body.error.message;
      if (message) errors.el.append(raw(message, 'p', { class: 'hint sanction-server-message' }));
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'sanction-impose' },
    h('h2', { id: 'sanction-impose', i18n: k('sanctions.impose') }),
    h('p', { class: 'hint', i18n: k('sanctions.impose_lead') }), form, result);
}

function imposedNotice(s) {
  return h('div', { class: 'sanction-imposed notice notice-success', role: 'status', dataset: { sanction: String(s.id) } },
    h('p', {}, h('span', { i18n: k('sanctions.imposed'), args: { id: s.id } }), ' ', stateBadge(s.state)),
    h('p', {}, h('a', { href: `#/sanctions/${s.id}`, i18n: k('sanctions.details') }), ' · ', ledgerLink(s.ledger_seq)));
}

function listSection(query) {
  const list = h('div', { class: 'sanctions-list' });
  const more = h('div', { class: 'sanctions-more' });
  const state = h('select', {},
    h('option', { value: '', i18n: k('sanctions.all_states') }),
    Object.entries(STATE_KEYS).map(([value, key]) => h('option', { value, i18n: key })));
  const measure = h('select', {},
    h('option', { value: '', i18n: k('sanctions.all_measures') }),
    Object.entries(MEASURE_KEYS).map(([value, key]) => h('option', { value, i18n: key })));
  const name = h('input', { type: 'search', maxlength: '200' });
  if (STATE_KEYS[query.get('state')]) state.value = query.get('state');
  if (MEASURE_KEYS[query.get('measure')]) measure.value = query.get('measure');
  const filters = h('form', { class: 'filter-bar toolbar sanctions-filter', novalidate: true, role: 'search' },
    field({ label: k('sanctions.filter_state'), name: 'state', control: state }),
    field({ label: k('sanctions.filter_measure'), name: 'measure', control: measure }),
    field({ label: k('sanctions.filter_name'), name: 'name', control: name }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-small', i18n: k('sanctions.search') })));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  state.addEventListener('change', () => refresh());
  measure.addEventListener('change', () => refresh());

  let rows = [];
  async function load(before) {
    const data = await api(SANCTIONS, {
      query: { state: state.value || null, measure: measure.value || null, name: name.value.trim() || null, before: before || null, limit: PAGE },
    });
    rows = before ? [...rows, ...(data.sanctions || [])] : data.sanctions || [];
    list.replaceChildren(table(rows));
    more.replaceChildren();
    if (data.next_before) {
      const button = h('button', { type: 'button', class: 'button button-secondary button-small', dataset: { action: 'older' }, i18n: k('sanctions.older') });
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await load(data.next_before);
        } catch (err) {
          more.replaceChildren(errorBox(err));
        }
      });
      more.append(button);
    }
  }
  async function refresh() {
    list.replaceChildren(loading());
    more.replaceChildren();
    try {
      await load(null);
    } catch (err) {
      list.replaceChildren(errorBox(err));
    }
  }
  refresh();
  const el = h('section', { class: 'card', 'aria-labelledby': 'sanctions-list' },
    h('h2', { id: 'sanctions-list', i18n: k('sanctions.list') }), filters, list, more);
  return { el, refresh };
}

function table(items) {
  return dataTable({
    captionKey: k('sanctions.list'),
    columns: [k('sanctions.col_id'), k('sanctions.col_entity'), k('sanctions.col_measure'), k('sanctions.col_numbers'),
      k('sanctions.col_period'), k('sanctions.col_state'), k('sanctions.col_ledger'), k('common.actions')],
    items,
    emptyKey: k('sanctions.empty'),
    rowFn: (s) => h('tr', { dataset: { sanction: String(s.id), state: s.state, measure: s.measure } },
      h('td', {}, raw(String(s.id))),
      h('td', {}, entityCell(s.entity), s.public ? h('span', { class: 'badge badge-info', i18n: k('sanctions.public_badge') }) : null),
      h('td', {}, measureBadge(s.measure, s.measure_text)),
      h('td', {}, numbersSummary(s)),
      h('td', {}, period(s)),
      h('td', {}, stateBadge(s.state)),
      h('td', {}, ledgerLink(s.ledger_seq), s.lift && s.lift.ledger_seq ? h('div', { class: 'hint' }, h('span', { i18n: k('sanctions.lifted_in') }), ' ', ledgerLink(s.lift.ledger_seq)) : null),
      h('td', {}, h('a', { class: 'button button-small', href: `#/sanctions/${s.id}`, dataset: { action: 'details' }, i18n: k('sanctions.details') }))),
  });
}

function numbersSummary(s) {
  const numbers = s.numbers || [];
  const ranges = s.ranges || [];
  if (!numbers.length && !ranges.length) return h('span', { class: 'hint', i18n: k('sanctions.entity_only') });
  const shown = numbers.slice(0, 2).map((n) => raw(n.national || nationalNumber(n.number), 'div', { class: 'mono' }));
  const rest = numbers.length - shown.length;
  return [shown,
    rest > 0 ? h('div', { class: 'hint', i18n: k('sanctions.more_numbers'), args: { count: rest } }) : null,
    ranges.length ? h('div', { class: 'hint', i18n: k('sanctions.range_count'), args: { count: ranges.length } }) : null];
}

// --- #/sanctions/{id} -----------------------------------------------------------

function detailPage(id) {
  const body = h('div', { class: 'sanction-detail-slot' }, loading());
  const show = (s) => body.replaceChildren(detailView(s, show));
  api(`${SANCTIONS}/${encodeURIComponent(id)}`).then(show).catch((err) => body.replaceChildren(errorBox(err)));
  return h('div', { class: 'sanctions-page sanction-page' },
    h('nav', { class: 'breadcrumb', i18nAriaLabel: k('common.breadcrumb') }, h('ol', {}, h('li', {}, h('a', { href: '#/sanctions', i18n: k('sanctions.back') })))),
    pageHeader(k('sanctions.detail_title'), null, { id }),
    body);
}

function detailView(s, show) {
  const dl = h('dl', { class: 'sanction-facts' });
  const fact = (key, value) => dl.append(h('dt', { i18n: key }), h('dd', {}, value));
  fact(k('sanctions.entity_name'), raw(s.entity.name));
  fact(k('sanctions.credit_code'), s.entity.credit_code ? raw(s.entity.credit_code, 'span', { class: 'mono' }) : h('span', { class: 'hint', i18n: k('sanctions.no_code') }));
  if (s.entity.org_id) fact(k('sanctions.org_id'), raw(String(s.entity.org_id)));
  fact(k('sanctions.measure'), h('span', {}, measureBadge(s.measure, s.measure_text), ' ', EFFECT_KEYS[s.measure] ? h('span', { class: 'hint', i18n: EFFECT_KEYS[s.measure] }) : null));
  fact(k('sanctions.col_state'), stateBadge(s.state));
  fact(k('sanctions.col_period'), period(s));
  fact(k('sanctions.legal_basis'), raw(s.legal_basis, 'p'));
  fact(k('sanctions.public_label'), h('span', { i18n: s.public ? k('sanctions.yes') : k('sanctions.no') }));
  if (s.reason) fact(k('sanctions.reason'), raw(s.reason, 'p'));
  fact(k('sanctions.recorded'), h('span', {}, h('span', { time: s.created_at }), s.created_by ? [' · ', raw(s.created_by)] : null));
  fact(k('sanctions.ledger'), ledgerLink(s.ledger_seq));
  if (s.lift) {
    fact(k('sanctions.lifted_at'), h('span', { class: 'sanction-lift' }, h('span', { time: s.lift.at }), s.lift.by ? [' · ', raw(s.lift.by)] : null,
      s.lift.reason ? [' — ', raw(s.lift.reason)] : null));
    fact(k('sanctions.lift_ledger'), ledgerLink(s.lift.ledger_seq));
  }

  const numbers = dataTable({
    captionKey: k('sanctions.numbers'),
    columns: [k('sanctions.col_number')],
    items: s.numbers || [],
    emptyKey: k('sanctions.no_numbers'),
    rowFn: (n) => h('tr', { dataset: { number: n.number } }, h('td', {}, raw(n.national || nationalNumber(n.number), 'span', { class: 'mono' }))),
  });
  const ranges = (s.ranges || []).length
    ? h('ul', { class: 'sanction-ranges' }, s.ranges.map((r) => h('li', {}, raw(r, 'span', { class: 'mono' }))))
    : h('p', { class: 'hint', i18n: k('sanctions.no_ranges') });

  return h('div', { class: 'sanction-detail card', dataset: { sanction: String(s.id), state: s.state } },
    dl,
    h('h2', { i18n: k('sanctions.numbers') }), numbers,
    h('h2', { i18n: k('sanctions.ranges') }), ranges,
    s.lift ? null : liftForm(s, show));
}

function liftForm(s, show) {
  const errors = messageArea();
  const reason = h('textarea', { rows: '2', maxlength: '2000' });
  const submit = h('button', { type: 'submit', class: 'button button-danger', dataset: { action: 'lift' }, i18n: k('sanctions.lift_submit') });
  const form = h('form', { class: 'form sanction-lift-form', novalidate: true },
    h('h2', { i18n: k('sanctions.lift') }),
    h('p', { class: 'hint', i18n: k('sanctions.lift_lead') }),
    errors.el,
    field({ label: k('sanctions.lift_reason'), name: 'reason', required: true, control: reason }),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    if (!reason.value.trim()) {
      errors.show(k('sanctions.error_lift_reason'));
      reason.focus();
      return;
    }
    submit.disabled = true;
    try {
      show(await api(`${SANCTIONS}/${s.id}/lift`, { method: 'POST', body: { reason: reason.value.trim() } }));
    } catch (err) {
      errors.error(err);
      submit.disabled = false;
    }
  });
  return form;
}

// --- #/sanctions/check (carriers) -------------------------------------------------

export function renderCheck() {
  const errors = messageArea();
  const result = h('div', { class: 'sanction-check-result', role: 'status', 'aria-live': 'polite' });
  const code = h('input', { type: 'text', maxlength: '24', spellcheck: 'false', autocomplete: 'off', class: 'mono', placeholder: '91350100M000100Y43', raw: true });
  const name = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const number = h('input', { type: 'text', inputmode: 'tel', spellcheck: 'false', maxlength: '40', placeholder: '021 5098 7601' });
  const byEntity = h('input', { type: 'radio', name: 'check-by', value: 'entity', checked: true });
  const byNumber = h('input', { type: 'radio', name: 'check-by', value: 'number' });
  const entityFields = h('div', { class: 'sanction-check-entity' },
    field({ label: k('sanctions.credit_code'), name: 'credit_code', control: code }),
    field({ label: k('sanctions.entity_name'), name: 'name', hint: k('sanctions.check.name_hint'), control: name }));
  const numberFields = h('div', { class: 'sanction-check-number', hidden: true },
    field({ label: k('sanctions.check.number'), name: 'number', hint: k('sanctions.check.number_hint'), control: number }));
  const sync = () => {
    entityFields.hidden = !byEntity.checked;
    numberFields.hidden = !byNumber.checked;
  };
  byEntity.addEventListener('change', sync);
  byNumber.addEventListener('change', sync);
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'check' }, i18n: k('sanctions.check.submit') });
  const form = h('form', { class: 'form sanction-check-form', novalidate: true },
    errors.el,
    h('fieldset', { class: 'choice-group' }, h('legend', { i18n: k('sanctions.check.by') }),
      h('label', { class: 'inline-check' }, byEntity, ' ', h('span', { i18n: k('sanctions.check.by_entity') })), ' ',
      h('label', { class: 'inline-check' }, byNumber, ' ', h('span', { i18n: k('sanctions.check.by_number') }))),
    entityFields, numberFields,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    let query;
    if (byNumber.checked) {
      const n = numberQuery(number.value);
      if (!n) {
        errors.show(k('sanctions.check.error_number'));
        number.focus();
        return;
      }
      query = { number: n };
    } else {
      const c = normaliseCreditCode(code.value);
      if (!c && !name.value.trim()) {
        errors.show(k('sanctions.check.error_entity'));
        code.focus();
        return;
      }
      query = { credit_code: c || null, name: name.value.trim() || null };
    }
    submit.disabled = true;
    try {
      result.replaceChildren(checkAnswer(await api(`${SANCTIONS}/check`, { query })));
    } catch (err) {
      result.replaceChildren();
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'sanctions-check-page' },
    pageHeader(k('sanctions.check.title'), k('sanctions.check.lead')),
    h('section', { class: 'card' }, form, result));
}

function checkAnswer(d) {
  const verdict = d.sanctioned
    ? h('p', { class: 'sanction-verdict is-sanctioned', dataset: { sanctioned: 'true' } },
      h('strong', { i18n: k('sanctions.check.sanctioned') }), ' ',
      h('span', { i18n: d.blocks_calls ? k('sanctions.check.blocks_calls') : k('sanctions.check.no_block') }))
    : h('p', { class: 'sanction-verdict is-clear', dataset: { sanctioned: 'false' } },
      h('strong', { i18n: k('sanctions.check.clear') }), ' ',
      (d.sanctions || []).length ? h('span', { i18n: k('sanctions.check.scheduled_only') }) : null);
  const q = d.query || {};
  const asked = q.number
    ? raw(q.number.national || nationalNumber(q.number.number), 'span', { class: 'mono' })
    : raw([q.credit_code, q.name].filter(Boolean).join(' · '));
  return h('div', { class: 'sanction-check-answer' },
    verdict,
    h('p', { class: 'hint' }, h('span', { i18n: k('sanctions.check.asked') }), ' ', asked, ' · ',
      h('span', { i18n: k('sanctions.check.checked_at'), args: { time: { time: d.checked_at } } })),
    (d.sanctions || []).length
      ? dataTable({
        captionKey: k('sanctions.check.found'),
        columns: [k('sanctions.col_entity'), k('sanctions.col_measure'), k('sanctions.col_period'), k('sanctions.col_state'), k('sanctions.legal_basis'), k('sanctions.col_ledger')],
        items: d.sanctions,
        emptyKey: k('sanctions.empty'),
        rowFn: (s) => h('tr', { dataset: { sanction: String(s.id), state: s.state } },
          h('td', {}, entityCell(s.entity)),
          h('td', {}, measureBadge(s.measure, s.measure_text)),
          h('td', {}, period(s)),
          h('td', {}, stateBadge(s.state)),
          h('td', {}, raw(s.legal_basis)),
          h('td', {}, ledgerLink(s.ledger_seq))),
      })
      : null);
}

// --- #/sanctions/public (anyone) -------------------------------------------------

export const PUBLIC_STATES = ['active', 'scheduled', 'expired', 'lifted', 'all'];

export function renderPublic() {
  const list = h('div', { class: 'sanctions-public-list' });
  const more = h('div', { class: 'sanctions-more' });
  const state = h('select', {},
    Object.entries(STATE_KEYS).map(([value, key]) => h('option', { value, i18n: key })),
    h('option', { value: 'all', i18n: k('sanctions.all_states') }));
  state.value = 'active';
  const name = h('input', { type: 'search', maxlength: '200' });
  const filters = h('form', { class: 'filter-bar toolbar sanctions-filter', novalidate: true, role: 'search' },
    field({ label: k('sanctions.filter_state'), name: 'state', control: state }),
    field({ label: k('sanctions.filter_name'), name: 'name', control: name }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-small', i18n: k('sanctions.search') })));
  let rows = [];
  async function load(before) {
    const data = await api(`${SANCTIONS}/public`, { session: false, query: { state: state.value, name: name.value.trim() || null, before: before || null, limit: PAGE } });
    rows = before ? [...rows, ...(data.sanctions || [])] : data.sanctions || [];
    list.replaceChildren(publicTable(rows));
    more.replaceChildren();
    if (data.next_before) {
      const button = h('button', { type: 'button', class: 'button button-secondary button-small', dataset: { action: 'older' }, i18n: k('sanctions.older') });
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
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  state.addEventListener('change', refresh);
  refresh();
  return h('div', { class: 'sanctions-public-page' },
    pageHeader(k('sanctions.public.title'), k('sanctions.public.lead')),
    h('section', { class: 'card' }, filters, list, more),
    h('p', { class: 'hint', i18n: k('sanctions.public.note') }));
}

function publicTable(items) {
  return dataTable({
    captionKey: k('sanctions.public.title'),
    columns: [k('sanctions.col_entity'), k('sanctions.col_measure'), k('sanctions.public.col_numbers'), k('sanctions.col_period'), k('sanctions.legal_basis'), k('sanctions.col_state')],
    items,
    emptyKey: k('sanctions.public.empty'),
    rowFn: (s) => h('tr', { dataset: { sanction: String(s.id), state: s.state, measure: s.measure } },
      h('td', {}, entityCell(s.entity)),
      h('td', {}, measureBadge(s.measure, s.measure_text)),
      h('td', {}, raw(String(s.number_count || 0))),
      h('td', {}, period(s), s.lifted_at ? h('div', { class: 'hint', i18n: k('sanctions.public.lifted_on'), args: { time: { time: s.lifted_at } } }) : null),
      h('td', {}, raw(s.legal_basis)),
      h('td', {}, stateBadge(s.state))),
  });
}
