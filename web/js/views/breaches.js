// #/breaches: personal-data breach notices (docs/breach.md).
//
// - Data controllers: file a notice (POST /api/v1/breaches) — what happened,
//   when it began and was discovered, people affected, categories of data,
//   measures, entity type, numbers — and follow their own with the reporting
//   deadline and lateness; answer the regulator's questions (POST .../supplement)
//   and tell affected people (POST .../notify-affected).
// - Analysts and administrators: every notice, late ones first, with the
//   follow-up: review, request information, notify affected people, close.
// Entity types and their clocks come from GET /api/v1/breaches/options.

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading, opener, actionForm } from '../components.js';
import { nationalNumber } from '../phone.js';
import { localInputValue } from './report.js';

export const title = k('breaches.doc_title');

const BREACHES = '/api/v1/breaches';
const STAFF = ['analyst', 'admin'];

export const GRADE_KEYS = {
  general: k('breaches.grades.general'),
  major: k('breaches.grades.major'),
  serious: k('breaches.grades.serious'),
  especially_serious: k('breaches.grades.especially_serious'),
};

export const STATE_KEYS = {
  filed: k('breaches.states.filed'),
  under_review: k('breaches.states.under_review'),
  info_requested: k('breaches.states.info_requested'),
  closed: k('breaches.states.closed'),
};

export const CATEGORY_KEYS = {
  identity: k('breaches.categories.identity'),
  contact: k('breaches.categories.contact'),
  location: k('breaches.categories.location'),
  financial: k('breaches.categories.financial'),
  health: k('breaches.categories.health'),
  biometric: k('breaches.categories.biometric'),
  communications: k('breaches.categories.communications'),
  credentials: k('breaches.categories.credentials'),
  minors: k('breaches.categories.minors'),
};

// The default entity types; others configured in quell.toml show their name.
const ENTITY_KEYS = {
  cii: k('breaches.entity.cii'),
  processor: k('breaches.entity.processor'),
};

const HISTORY_KEYS = {
  filed: k('breaches.history_actions.filed'),
  escalated: k('breaches.history_actions.escalated'),
  review: k('breaches.history_actions.review'),
  info_requested: k('breaches.history_actions.info_requested'),
  supplemented: k('breaches.history_actions.supplemented'),
  closed: k('breaches.history_actions.closed'),
  notified: k('breaches.history_actions.notified'),
  numbers_purged: k('breaches.history_actions.numbers_purged'),
};

const ESCALATION_KEYS = {
  late: k('breaches.escalation.late'),
  follow_up_overdue: k('breaches.escalation.follow_up_overdue'),
};

// --- helpers (unit-tested in tests/web/breaches.test.mjs) ----------------------

// Late (or overdue follow-up) notices first, open before closed, then newest.
export function sortLateFirst(items) {
  const urgent = (b) => (b.late || b.follow_up_overdue ? 0 : 1);
  const open = (b) => (b.state === 'closed' ? 1 : 0);
  return [...items].sort((a, b) => urgent(a) - urgent(b) || open(a) - open(b) || b.id - a.id);
}

// {hours, minutes} of a number of minutes.
export function splitMinutes(total) {
  const m = Math.max(0, Math.round(total || 0));
  return { hours: Math.floor(m / 60), minutes: m % 60 };
}

// One number per line (or separated by commas or semicolons), blanks dropped.
export function numbersFromText(text, role) {
  return String(text || '')
    .split(/[\n,;，；]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((number) => ({ number, role }));
}

// The request body of the filing form's values.
export function noticeBody(v) {
  const body = {
    description: v.description.trim(),
    measures: v.measures.trim(),
    entity_type: v.entity_type,
    discovered_at: v.discovered_at ? new Date(v.discovered_at).toISOString() : '',
    people_affected: Number.parseInt(v.people_affected, 10),
    categories: v.categories,
    numbers: [...numbersFromText(v.affected, 'affected'), ...numbersFromText(v.used, 'used')],
  };
  if (v.occurred_at) body.occurred_at = new Date(v.occurred_at).toISOString();
  return body;
}

function gradeBadge(grade) {
  const variant = { general: 'info', major: 'warn', serious: 'danger', especially_serious: 'danger' }[grade] || 'muted';
  return GRADE_KEYS[grade] ? h('span', { class: `badge badge-${variant} breach-grade`, dataset: { grade }, i18n: GRADE_KEYS[grade] }) : raw(grade);
}

function stateBadge(state) {
  const variant = { filed: 'warn', under_review: 'info', info_requested: 'warn', closed: 'ok' }[state] || 'muted';
  return STATE_KEYS[state] ? h('span', { class: `badge badge-${variant}`, dataset: { state }, i18n: STATE_KEYS[state] }) : raw(state);
}

function entityLabel(name) {
  return ENTITY_KEYS[name] ? h('span', { i18n: ENTITY_KEYS[name] }) : raw(name);
}

function lateness(b) {
  const cell = h('div', { class: 'breach-timing' });
  if (b.deadline) cell.append(h('div', { class: 'hint', i18n: k('breaches.deadline_at'), args: { time: { time: b.deadline } } }));
  if (b.late) {
    cell.append(h('span', { class: 'badge badge-danger breach-late', i18n: k('breaches.late_by'), args: splitMinutes(b.late_by_minutes) }));
  } else {
    cell.append(h('span', { class: 'badge badge-ok breach-on-time', i18n: k('breaches.on_time') }));
  }
  if (b.follow_up_overdue) cell.append(' ', h('span', { class: 'badge badge-danger breach-overdue', i18n: k('breaches.follow_up_overdue') }));
  if (b.escalated) cell.append(' ', h('span', { class: 'badge badge-warn breach-escalated', i18n: k('breaches.escalated') }));
  return cell;
}

export function render(ctx) {
  const staff = STAFF.includes(ctx.user.role);
  const list = listSection(staff);
  return h(
    'div',
    { class: 'breaches-page' },
    pageHeader(k('breaches.title'), staff ? k('breaches.lead_staff') : k('breaches.lead_controller')),
    staff ? null : fileForm(() => list.refresh()),
    list.el,
  );
}

// --- filing (data controllers) ----------------------------------------------

function fileForm(onFiled) {
  const errors = messageArea();
  const result = h('div', { class: 'breach-filed-slot' });
  const description = h('textarea', { rows: '3', maxlength: '8000' });
  const occurred = h('input', { type: 'datetime-local' });
  const discovered = h('input', { type: 'datetime-local', value: localInputValue(new Date()) });
  const people = h('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  // No type is preselected: the controller says which it is (it sets the clock).
  const choose = () => h('option', { value: '', i18n: k('breaches.entity_choose') });
  const entity = h('select', {}, choose(), Object.entries(ENTITY_KEYS).map(([name, key]) => h('option', { value: name, i18n: key })));
  const measures = h('textarea', { rows: '2', maxlength: '8000' });
  const affected = h('textarea', { rows: '2', spellcheck: 'false', placeholder: '138 0013 8000' });
  const used = h('textarea', { rows: '2', spellcheck: 'false', placeholder: '170 0000 0666' });
  const checks = h('ul', { class: 'choice-list' }, Object.entries(CATEGORY_KEYS).map(([name, key]) =>
    h('li', {}, h('label', {}, h('input', { type: 'checkbox', name: 'breach-category', value: name }), ' ', h('span', { i18n: key })))));
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'file' }, i18n: k('breaches.file_submit') });

  // The configured entity types (the defaults are offered until they load).
  api(`${BREACHES}/options`).then((o) => {
    const types = (o.entity_types || []).map((t) => t.name);
    if (!types.length) return;
    const chosen = entity.value;
    entity.replaceChildren(choose(), ...types.map((name) => (ENTITY_KEYS[name]
      ? h('option', { value: name, i18n: ENTITY_KEYS[name] })
      : h('option', { value: name, raw: true }, name))));
    entity.value = types.includes(chosen) ? chosen : '';
  }).catch(() => {});

  const form = h('form', { class: 'form form-grid breach-form', novalidate: true },
    errors.el,
    h('div', { class: 'field-wide' }, field({ label: k('breaches.description'), name: 'description', required: true, hint: k('breaches.description_hint'), control: description })),
    field({ label: k('breaches.occurred_at'), name: 'occurred_at', hint: k('breaches.occurred_hint'), control: occurred }),
    field({ label: k('breaches.discovered_at'), name: 'discovered_at', required: true, hint: k('breaches.discovered_hint'), control: discovered }),
    field({ label: k('breaches.people'), name: 'people_affected', required: true, control: people }),
    field({ label: k('breaches.entity_type'), name: 'entity_type', required: true, hint: k('breaches.entity_hint'), control: entity }),
    h('fieldset', { class: 'choice-group field-wide' }, h('legend', { i18n: k('breaches.categories_legend') }), checks),
    h('div', { class: 'field-wide' }, field({ label: k('breaches.measures'), name: 'measures', hint: k('breaches.measures_hint'), control: measures })),
    field({ label: k('breaches.affected_numbers'), name: 'affected', hint: k('breaches.numbers_hint'), control: affected }),
    field({ label: k('breaches.used_numbers'), name: 'used', hint: k('breaches.used_hint'), control: used }),
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    result.replaceChildren();
    const categories = [...form.querySelectorAll('input[name="breach-category"]:checked')].map((c) => c.value);
    if (!description.value.trim()) return errors.show(k('breaches.error_description'));
    if (!discovered.value) return errors.show(k('breaches.error_discovered'));
    if (!/^\d+$/.test(people.value.trim())) return errors.show(k('breaches.error_people'));
    if (!entity.value) return errors.show(k('breaches.error_entity'));
    if (!categories.length) return errors.show(k('breaches.error_categories'));
    submit.disabled = true;
    try {
      const body = noticeBody({
        description: description.value, measures: measures.value, entity_type: entity.value,
        occurred_at: occurred.value, discovered_at: discovered.value, people_affected: people.value.trim(),
        categories, affected: affected.value, used: used.value,
      });
      const data = await api(BREACHES, { method: 'POST', body });
      result.replaceChildren(filedNotice(data.breach));
      form.reset();
      discovered.value = localInputValue(new Date());
      onFiled();
    } catch (err) {
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'breach-file' },
    h('h2', { id: 'breach-file', i18n: k('breaches.file') }), h('p', { class: 'hint', i18n: k('breaches.file_lead') }), form, result);
}

function filedNotice(b) {
  return h('div', { class: `breach-filed notice ${b.late ? 'notice-info' : 'notice-success'}`, role: 'status', dataset: { breach: String(b.id) } },
    h('p', { i18n: k('breaches.filed'), args: { id: b.id } }),
    h('p', {}, gradeBadge(b.grade), ' ', h('span', { i18n: k('breaches.clock'), args: splitMinutes(b.clock_minutes) })),
    lateness(b));
}

// --- the list ---------------------------------------------------------------

function listSection(staff) {
  const list = h('div', { class: 'breaches-list' });
  const state = h('select', {},
    h('option', { value: '', i18n: k('breaches.all_states') }),
    Object.entries(STATE_KEYS).map(([name, key]) => h('option', { value: name, i18n: key })));
  const lateOnly = h('input', { type: 'checkbox' });
  const filters = h('form', { class: 'filter-bar toolbar breaches-filter', novalidate: true, role: 'search' },
    field({ label: k('breaches.filter_state'), name: 'state', control: state }),
    h('label', { class: 'inline-check' }, lateOnly, ' ', h('span', { i18n: k('breaches.late_only') })));
  filters.addEventListener('submit', (e) => e.preventDefault());
  state.addEventListener('change', () => refresh());
  lateOnly.addEventListener('change', () => refresh());

  async function refresh() {
    list.replaceChildren(loading());
    try {
      const data = await api(BREACHES, { query: { state: state.value || null, late: lateOnly.checked ? 'true' : null } });
      list.replaceChildren(table(sortLateFirst(data.breaches || []), staff, refresh));
    } catch (err) {
      const area = messageArea();
      area.error(err);
      list.replaceChildren(area.el);
    }
  }
  refresh();
  const el = h('section', { class: 'card', 'aria-labelledby': 'breaches-queue' },
    h('h2', { id: 'breaches-queue', i18n: staff ? k('breaches.queue') : k('breaches.mine') }), filters, list);
  return { el, refresh };
}

function table(items, staff, refresh) {
  return dataTable({
    captionKey: staff ? k('breaches.queue') : k('breaches.mine'),
    columns: [k('breaches.col_notice'), k('breaches.col_org'), k('breaches.col_grade'), k('breaches.col_people'),
      k('breaches.col_discovered'), k('breaches.col_deadline'), k('breaches.col_state'), k('common.actions')],
    items,
    emptyKey: k('breaches.empty'),
    rowFn: (b) => {
      const actions = h('td', { class: 'breach-actions' });
      const row = h('tr', { dataset: { breach: String(b.id), state: b.state, late: String(!!b.late) } },
        h('td', {}, raw(String(b.id))),
        h('td', {}, raw(b.org && b.org.name), h('div', { class: 'hint' }, entityLabel(b.entity_type))),
        h('td', {}, gradeBadge(b.grade)),
        h('td', {}, raw(Number(b.people_affected || 0).toLocaleString())),
        h('td', {}, h('span', { time: b.discovered_at })),
        h('td', {}, lateness(b)),
        h('td', {}, stateBadge(b.state)),
        actions);
      actions.append(opener(k('breaches.details'), 'details', () => details(b.id, staff, refresh)));
      return row;
    },
  });
}

// The row forms of this page: actionForm with the page's panel class.
function panel(cls, fields, submitKey, action, send) {
  return actionForm(`breach-panel ${cls}`, fields, submitKey, action, send);
}

// The notice in full, with the follow-up its reader may take.
function details(id, staff, refresh) {
  const box = h('div', { class: 'breach-details' }, loading());
  api(`${BREACHES}/${id}`).then((b) => box.replaceChildren(detailView(b, staff, refresh))).catch((err) => {
    const area = messageArea();
    area.error(err);
    box.replaceChildren(area.el);
  });
  return box;
}

function detailView(b, staff, refresh) {
  const dl = h('dl', { class: 'breach-facts' });
  const fact = (key, value) => dl.append(h('dt', { i18n: key }), h('dd', {}, value));
  fact(k('breaches.description'), raw(b.description, 'p'));
  if (b.occurred_at) fact(k('breaches.occurred_at'), h('span', { time: b.occurred_at }));
  fact(k('breaches.discovered_at'), h('span', { time: b.discovered_at }));
  fact(k('breaches.filed_at'), h('span', { time: b.filed_at }));
  fact(k('breaches.clock_label'), h('span', { i18n: k('breaches.clock'), args: splitMinutes(b.clock_minutes) }));
  fact(k('breaches.categories_legend'), h('span', {}, (b.categories || []).map((c, i) => [i ? ', ' : null, CATEGORY_KEYS[c] ? h('span', { i18n: CATEGORY_KEYS[c] }) : raw(c)])));
  if (b.measures) fact(k('breaches.measures'), raw(b.measures, 'p'));
  if ((b.escalations || []).length) {
    fact(k('breaches.escalated'), h('span', {}, b.escalations.map((e, i) => [i ? ', ' : null, ESCALATION_KEYS[e] ? h('span', { i18n: ESCALATION_KEYS[e] }) : raw(e)])));
  }
  if (b.info_request) fact(k('breaches.info_request'), h('div', {}, raw(b.info_request, 'p'), b.info_due ? h('p', { class: 'hint', i18n: k('breaches.info_due'), args: { time: { time: b.info_due } } }) : null));
  if (b.supplement) fact(k('breaches.supplement'), raw(b.supplement, 'p'));
  if (b.closing_note) fact(k('breaches.closing_note'), raw(b.closing_note, 'p'));
  fact(k('breaches.notified'), h('span', { class: 'breach-notified', i18n: k('breaches.notified_count'), args: { count: b.notified || 0 } }));
  if (b.ledger_seq) fact(k('breaches.ledger'), h('span', { i18n: k('breaches.ledger_record'), args: { seq: b.ledger_seq } }));

  const numbers = b.numbers_purged
    ? h('p', { class: 'hint', i18n: k('breaches.numbers_purged') })
    : dataTable({
      captionKey: k('breaches.numbers'),
      columns: [k('breaches.col_number'), k('breaches.col_role'), k('breaches.col_complaints'), k('breaches.col_notified')],
      items: b.numbers || [],
      emptyKey: k('breaches.no_numbers'),
      rowFn: (n) => h('tr', { dataset: { number: n.number, role: n.role } },
        h('td', {}, raw(nationalNumber(n.number))),
        h('td', { i18n: n.role === 'used' ? k('breaches.role_used') : k('breaches.role_affected') }),
        h('td', { class: 'breach-complaints' }, n.complaints == null ? raw('—') : raw(String(n.complaints))),
        h('td', { i18n: n.notified ? k('breaches.yes') : k('breaches.no') })),
    });

  const actions = h('div', { class: 'breach-followup toolbar' });
  const done = () => refresh();
  if (staff) {
    if (b.state === 'filed') actions.append(actionButton(k('breaches.review'), 'review', () => api(`${BREACHES}/${b.id}/review`, { method: 'POST', body: {} }).then(done)));
    if (b.state === 'filed' || b.state === 'under_review') actions.append(opener(k('breaches.request_info'), 'request-info', () => requestPanel(b, done)));
    if (b.state !== 'closed') actions.append(opener(k('breaches.close'), 'close', () => closePanel(b, done)));
  } else if (b.state === 'info_requested') {
    actions.append(opener(k('breaches.supplement_open'), 'supplement', () => supplementPanel(b, done)));
  }
  if (!b.numbers_purged && (b.numbers || []).some((n) => n.role === 'affected' && !n.notified)) {
    actions.append(actionButton(k('breaches.notify'), 'notify-affected', () => api(`${BREACHES}/${b.id}/notify-affected`, { method: 'POST', body: {} }).then(done)));
  }

  const history = h('ol', { class: 'breach-history' }, (b.history || []).map((e) =>
    h('li', {}, h('span', { time: e.at }), ' ', HISTORY_KEYS[e.action] ? h('strong', { i18n: HISTORY_KEYS[e.action] }) : raw(e.action), e.actor ? [' · ', raw(e.actor)] : null, e.note ? [' — ', raw(e.note)] : null)));
  return h('div', { class: 'breach-detail', dataset: { breach: String(b.id) } },
    dl,
    h('h3', { i18n: k('breaches.numbers') }), numbers,
    h('h3', { i18n: k('breaches.history') }), history,
    actions);
}

// A button that runs `send`, showing an error beside it when it fails.
function actionButton(labelKey, action, send) {
  const errors = messageArea();
  const button = h('button', { type: 'button', class: 'button button-small', dataset: { action }, i18n: labelKey });
  button.addEventListener('click', async () => {
    errors.clear();
    button.disabled = true;
    try {
      await send();
    } catch (err) {
      errors.error(err);
      button.disabled = false;
    }
  });
  return h('span', { class: 'breach-action' }, button, errors.el);
}

function requestPanel(b, done) {
  const question = h('textarea', { rows: '2', maxlength: '4000' });
  return panel('breach-request', [field({ label: k('breaches.question'), name: 'question', required: true, hint: k('breaches.question_hint'), control: question })],
    k('breaches.request_submit'), 'request-submit', async (errors) => {
      if (!question.value.trim()) return errors.show(k('breaches.error_question'));
      await api(`${BREACHES}/${b.id}/request-info`, { method: 'POST', body: { question: question.value.trim() } });
      done();
    });
}

function closePanel(b, done) {
  const note = h('textarea', { rows: '2', maxlength: '4000' });
  return panel('breach-close', [field({ label: k('breaches.closing_note'), name: 'note', hint: k('breaches.close_hint'), control: note })],
    k('breaches.close_submit'), 'close-submit', async () => {
      await api(`${BREACHES}/${b.id}/close`, { method: 'POST', body: { note: note.value.trim() } });
      done();
    });
}

function supplementPanel(b, done) {
  const text = h('textarea', { rows: '3', maxlength: '8000' });
  const measures = h('textarea', { rows: '2', maxlength: '8000' });
  return panel('breach-supplement', [
    field({ label: k('breaches.supplement'), name: 'text', required: true, hint: k('breaches.supplement_hint'), control: text }),
    field({ label: k('breaches.more_measures'), name: 'measures', control: measures }),
  ], k('breaches.supplement_submit'), 'supplement-submit', async (errors) => {
    if (!text.value.trim()) return errors.show(k('breaches.error_supplement'));
    await api(`${BREACHES}/${b.id}/supplement`, { method: 'POST', body: { text: text.value.trim(), measures: measures.value.trim() } });
    done();
  });
}
