// #/appeals: appeals against a number's label (docs/reputation.md "Appeals").
//
// - Businesses: prove they hold the number with a one-time code sent to it
//   (POST /api/v1/dnc/codes, /api/v1/dnc/verify — the demo shows the SMS), give
//   the reason (POST /api/v1/appeals with the proof token), and follow their
//   organisation's appeals (GET /api/v1/appeals).
// - Analysts and administrators: the queue of open appeals, each with the
//   evidence behind the label (GET /api/v1/numbers/{number}/evidence) and the
//   decision — upheld or cleared — with a note (POST .../decision).

import { h, raw } from '../dom.js';
import { k, formatTime } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading } from '../components.js';
import { nationalNumber, numberQuery } from '../phone.js';
import { LABELS as LABEL_KEYS } from './check.js';

export const title = k('appeals.doc_title');

const APPEALS = '/api/v1/appeals';
const STAFF = ['analyst', 'admin'];

const STATE_KEYS = {
  open: k('appeals.state.open'),
  upheld: k('appeals.state.upheld'),
  cleared: k('appeals.state.cleared'),
};

function labelCell(label) {
  return label && LABEL_KEYS[label] ? h('span', { i18n: LABEL_KEYS[label] }) : raw(label || '—');
}

export function render(ctx) {
  const staff = STAFF.includes(ctx.user.role);
  return h(
    'div',
    { class: 'appeals-page' },
    pageHeader(k('appeals.title'), staff ? k('appeals.lead_staff') : k('appeals.lead_business')),
    staff ? queue() : fileForm(),
  );
}

// --- businesses -------------------------------------------------------------

function fileForm() {
  const state = { number: null, token: null };
  const errors = messageArea();
  const list = h('div', { class: 'appeals-list' });

  const number = h('input', { type: 'text', inputmode: 'tel', spellcheck: 'false', maxlength: '40', placeholder: '165 0000 1234' });
  const send = h('button', { type: 'submit', class: 'button', dataset: { action: 'send-code' }, i18n: k('appeals.send_code') });
  const numberForm = h('form', { class: 'form appeals-number-form', novalidate: true },
    field({ label: k('appeals.number'), name: 'number', required: true, hint: k('appeals.number_hint'), control: number }),
    h('div', { class: 'form-actions' }, send));

  const code = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', class: 'code-input' });
  const demoSms = h('div', { class: 'demo-sms-slot' });
  const confirm = h('button', { type: 'submit', class: 'button', dataset: { action: 'verify' }, i18n: k('appeals.confirm') });
  const codeForm = h('form', { class: 'form appeals-code-form', novalidate: true, hidden: true },
    field({ label: k('appeals.code'), name: 'code', required: true, hint: k('appeals.code_hint'), control: code }),
    demoSms, h('div', { class: 'form-actions' }, confirm));

  const reason = h('textarea', { rows: '4', maxlength: '2000' });
  const contact = h('input', { type: 'text', maxlength: '200' });
  const file = h('button', { type: 'submit', class: 'button', dataset: { action: 'file' }, i18n: k('appeals.file') });
  const proven = h('p', { class: 'notice notice-info' });
  const reasonForm = h('form', { class: 'form appeals-reason-form', novalidate: true, hidden: true },
    proven,
    field({ label: k('appeals.reason'), name: 'reason', required: true, hint: k('appeals.reason_hint'), control: reason }),
    field({ label: k('appeals.contact'), name: 'contact', control: contact }),
    h('div', { class: 'form-actions' }, file));

  numberForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const typed = numberQuery(number.value);
    if (!typed) return errors.show(k('check.error_number'));
    try {
      await api('/api/v1/dnc/codes', { method: 'POST', body: { number: typed }, session: false });
      state.number = typed;
      codeForm.hidden = false;
      code.focus();
      showDemoSms(typed, demoSms);
    } catch (err) {
      errors.error(err);
    }
  });
  codeForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    try {
      const data = await api('/api/v1/dnc/verify', { method: 'POST', body: { number: state.number, code: code.value.trim() }, session: false });
      state.token = data.token;
      numberForm.hidden = true;
      codeForm.hidden = true;
      reasonForm.hidden = false;
      proven.replaceChildren(h('span', { i18n: k('appeals.proven') }), ' ', raw(nationalNumber(data.number || state.number)));
      reason.focus();
    } catch (err) {
      errors.error(err);
    }
  });
  reasonForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    if (!reason.value.trim()) return errors.show(k('appeals.error_reason'));
    try {
      await api(APPEALS, { method: 'POST', body: { reason: reason.value.trim(), contact: contact.value.trim() }, headers: { 'X-Quell-Dnc-Token': state.token } });
      errors.success(k('appeals.filed'));
      reasonForm.hidden = true;
      numberForm.hidden = false;
      number.value = '';
      reason.value = '';
      refresh();
    } catch (err) {
      if (err && err.status === 409) errors.show(k('appeals.error_conflict'));
      else errors.error(err);
    }
  });

  async function refresh() {
    list.replaceChildren(loading());
    try {
      const data = await api(APPEALS);
      list.replaceChildren(table(data.appeals || [], false, refresh));
    } catch (err) {
      const area = messageArea();
      area.error(err);
      list.replaceChildren(area.el);
    }
  }
  refresh();

  return h('div', {},
    h('section', { class: 'card', 'aria-labelledby': 'appeal-new' },
      h('h2', { id: 'appeal-new', i18n: k('appeals.new') }), errors.el, numberForm, codeForm, reasonForm),
    h('section', { class: 'card', 'aria-labelledby': 'appeal-mine' },
      h('h2', { id: 'appeal-mine', i18n: k('appeals.mine') }), list));
}

async function showDemoSms(number, slot) {
  try {
    const data = await api('/api/v1/demo/sms', { query: { number }, session: false });
    const latest = (data.messages || [])[0];  // newest first
    if (latest) slot.replaceChildren(h('p', { class: 'demo-sms' }, h('span', { i18n: k('appeals.demo_sms') }), ' ', raw(latest.text)));
  } catch {
    /* not a demo server */
  }
}

// --- analysts ---------------------------------------------------------------

function queue() {
  const list = h('div', { class: 'appeals-list' });
  const all = h('input', { type: 'checkbox' });
  all.addEventListener('change', () => refresh());
  async function refresh() {
    list.replaceChildren(loading());
    try {
      const data = await api(APPEALS, { query: { state: all.checked ? null : 'open' } });
      list.replaceChildren(table(data.appeals || [], true, refresh));
    } catch (err) {
      const area = messageArea();
      area.error(err);
      list.replaceChildren(area.el);
    }
  }
  refresh();
  return h('section', { class: 'card', 'aria-labelledby': 'appeal-queue' },
    h('h2', { id: 'appeal-queue', i18n: k('appeals.queue') }),
    h('label', { class: 'inline-check' }, all, ' ', h('span', { i18n: k('appeals.show_all') })),
    list);
}

function table(items, staff, refresh) {
  return dataTable({
    captionKey: staff ? k('appeals.queue') : k('appeals.mine'),
    columns: [k('appeals.col_number'), k('appeals.col_label'), k('appeals.col_reason'), k('appeals.col_filed'), k('appeals.col_state'), k('common.actions')],
    items,
    emptyKey: k('appeals.empty'),
    rowFn: (a) => {
      const actions = h('td', {});
      const row = h('tr', { dataset: { appeal: String(a.id) } },
        h('td', {}, raw(nationalNumber(a.number))),
        h('td', {}, labelCell(a.at_filing && a.at_filing.label), raw(` · ${a.at_filing ? a.at_filing.score : 0}`)),
        h('td', {}, raw(a.reason)),
        h('td', {}, raw(formatTime(a.filed_at))),
        h('td', {}, h('span', { class: `badge badge-${a.state}`, i18n: STATE_KEYS[a.state] }),
          a.decision ? h('div', { class: 'hint' }, raw(a.decision.note)) : null),
        actions);
      if (staff && a.state === 'open') actions.append(reviewButton(a, refresh));
      return row;
    },
  });
}

function reviewButton(a, refresh) {
  const button = h('button', { type: 'button', class: 'button button-small', dataset: { action: 'review' }, i18n: k('appeals.review') });
  button.addEventListener('click', () => {
    const panel = review(a, refresh);
    button.replaceWith(panel);
  });
  return button;
}

function review(a, refresh) {
  const errors = messageArea();
  const evidence = h('ul', { class: 'appeal-evidence' }, loading());
  const note = h('textarea', { rows: '2', maxlength: '2000' });
  const uphold = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'uphold' }, i18n: k('appeals.uphold') });
  const clear = h('button', { type: 'button', class: 'button', dataset: { action: 'clear' }, i18n: k('appeals.clear') });
  const decide = async (decision) => {
    errors.clear();
    if (!note.value.trim()) return errors.show(k('appeals.error_note'));
    try {
      await api(`${APPEALS}/${a.id}/decision`, { method: 'POST', body: { decision, note: note.value.trim() } });
      refresh();
    } catch (err) {
      errors.error(err);
    }
  };
  uphold.addEventListener('click', () => decide('upheld'));
  clear.addEventListener('click', () => decide('cleared'));
  api(`/api/v1/numbers/${encodeURIComponent(a.number)}/evidence`, { query: { limit: 20 } })
    .then((d) => {
      evidence.replaceChildren(...(d.evidence || []).map((e) =>
        h('li', {}, raw(`${formatTime(e.at)} · ${e.source} · ${e.label || (e.legit ? 'not spam' : '')} · ${e.weight.toFixed(2)}`),
          e.detail ? h('div', { class: 'hint' }, raw(e.detail)) : null)));
    })
    .catch((err) => {
      const area = messageArea();
      area.error(err);
      evidence.replaceChildren(area.el);
    });
  return h('div', { class: 'appeal-review' },
    h('h3', { i18n: k('appeals.evidence') }), evidence, errors.el,
    field({ label: k('appeals.note'), name: 'note', required: true, control: note }),
    h('div', { class: 'form-actions' }, uphold, clear));
}
