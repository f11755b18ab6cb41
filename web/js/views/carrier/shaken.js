// #/carrier/shaken: STIR/SHAKEN for a carrier.
//
// - Customers and numbers: the TN-ownership table that decides attestation
//   (/api/v1/shaken/customers and /{id}/ranges): list, add, edit, delete, and
//   each customer's number ranges.
// - Try it: an attestation preview (/api/v1/shaken/attestation), signing
//   (POST /stir/v1/signing) and verification (POST /stir/v1/verification) of a
//   call with this server's real signer and verifier (ATIS-1000082).
//
// Numbers are entered as E.164 digits without '+' (as PASSporTs carry them) and
// shown in E.164 with '+' (the portal has no national-format helper yet).
// Server texts (attestation reasons, verification reasons, ATIS error texts) are
// English data: they are shown marked as data, next to translated labels.

import { h, raw, uid } from '../../dom.js';
import { k, formatNumber } from '../../i18n.js';
import { api, errorKey } from '../../api.js';
import { pageHeader, field, messageArea, loading, confirmDialog } from '../../components.js';
import { time } from '../admin/common.js';

export const title = k('shaken.doc_title');

const CUSTOMERS = '/api/v1/shaken/customers';
const PASSED = 'TN-Validation-Passed';
const FAILED = 'TN-Validation-Failed';

const KIND_KEYS = { customer: k('shaken.kind.customer'), gateway: k('shaken.kind.gateway') };
const KIND_VARIANT = { customer: 'info', gateway: 'muted' };

const LEVEL_KEYS = { A: k('shaken.level.a_name'), B: k('shaken.level.b_name'), C: k('shaken.level.c_name') };
const LEVEL_VARIANT = { A: 'ok', B: 'warn', C: 'muted' };
const REQUEST_KEYS = { A: k('shaken.try.ask_a'), B: k('shaken.try.ask_b'), C: k('shaken.try.ask_c') };

// SIP codes of a failed verification (RFC 8224 §6.2.2) -> what they mean.
const CODE_KEYS = {
  403: k('shaken.verify.code_403'),
  428: k('shaken.verify.code_428'),
  436: k('shaken.verify.code_436'),
  437: k('shaken.verify.code_437'),
  438: k('shaken.verify.code_438'),
};

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

// --- helpers without DOM (tested in tests/web/modules.test.mjs) -----------------

// E.164 digits as the API gives them -> "+8613800138000" for display.
export function displayTn(tn) {
  const s = tn == null ? '' : String(tn);
  return /^\d+$/.test(s) ? `+${s}` : s;
}

// An ATIS-1000082 error body {"requestError":{"serviceException"|"policyException":
// {"messageId","text","variables"}}} -> {messageId, text} with %1, %2, ...
// replaced by the variables; null for any other body.
export function atisError(body) {
  const re = body && typeof body === 'object' ? body.requestError : null;
  if (!re || typeof re !== 'object') return null;
  const ex = re.serviceException || re.policyException;
  if (!ex || typeof ex !== 'object') return null;
  const vars = Array.isArray(ex.variables) ? ex.variables : [];
  const text = String(ex.text || '').replace(/%(\d+)/g, (whole, n) => (vars[n - 1] != null ? String(vars[n - 1]) : whole));
  return { messageId: String(ex.messageId || ''), text };
}

// A failed verification of an identity this page has already seen pass, or one
// the server calls a replay: the expected result of verifying twice.
export function isReplay(response, seenPassing) {
  if (!response || response.verstat === PASSED || Number(response.reasoncode) !== 438) return false;
  return Boolean(seenPassing) || /replay/i.test(String(response.reasondesc || ''));
}

// A v4 UUID for origid: crypto.randomUUID where the page is a secure context,
// else built from crypto.getRandomValues (plain HTTP on a non-loopback host).
export function newOrigid(c = globalThis.crypto) {
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const enc = encodeURIComponent;
const dash = () => h('span', { class: 'muted', i18n: k('common.dash') });

// --- shared pieces ----------------------------------------------------------------

// An error in `area`: ATIS errors as messageId + text, API errors as the
// translated explanation followed by the server's own message.
function showProblem(area, err) {
  const atis = err && atisError(err.body);
  if (atis) {
    area.el.replaceChildren(
      h(
        'p',
        { class: 'problem' },
        h('span', { i18n: k('shaken.refused') }),
        ' ',
        raw(atis.messageId, 'code'),
        ' ',
        raw(atis.text, 'span', { class: 'server-detail' }),
      ),
    );
    return;
  }
  const args = err && err.retryAfter ? { seconds: err.retryAfter } : undefined;
  area.el.replaceChildren(
    h(
      'p',
      { class: 'problem' },
      h('span', { i18n: errorKey(err), args }),
      err && err.detail ? raw(err.detail, 'span', { class: 'server-detail' }) : null,
    ),
  );
}

function levelBadge(level) {
  return raw(level, 'span', { class: `badge badge-${LEVEL_VARIANT[level] || 'muted'} attest-level` });
}

function kindBadge(kind) {
  return KIND_KEYS[kind]
    ? h('span', { class: `badge badge-${KIND_VARIANT[kind]}`, i18n: KIND_KEYS[kind] })
    : raw(kind, 'code');
}

// The attestation level with its name, and the server's reason for it.
function attestation(level, reason) {
  return h(
    'div',
    { class: 'attestation', dataset: { attest: level || '' } },
    h('p', { class: 'attest-line' }, levelBadge(level), ' ', LEVEL_KEYS[level] ? h('strong', { i18n: LEVEL_KEYS[level] }) : null),
    reason ? h('p', { class: 'attest-reason' }, h('span', { class: 'muted', i18n: k('shaken.reason') }), ' ', raw(reason)) : null,
  );
}

// One line on what A, B and C mean.
function legend() {
  return h(
    'p',
    { class: 'attest-legend' },
    h('strong', { i18n: k('shaken.level.legend') }),
    ' ',
    levelBadge('A'),
    ' ',
    h('span', { i18n: k('shaken.level.a') }),
    h('span', { class: 'legend-sep', 'aria-hidden': 'true' }, '·'),
    levelBadge('B'),
    ' ',
    h('span', { i18n: k('shaken.level.b') }),
    h('span', { class: 'legend-sep', 'aria-hidden': 'true' }, '·'),
    levelBadge('C'),
    ' ',
    h('span', { i18n: k('shaken.level.c') }),
  );
}

// A table filled page by page: fetchPage(token) -> {items, next}.
function pagedTable({ captionKey, args, columns, emptyKey, fetchPage, rowFn, onLoaded, errors }) {
  const tbody = h('tbody', {});
  const more = h('button', { type: 'button', class: 'button button-secondary', i18n: k('shaken.more'), hidden: true });
  const table = h(
    'div',
    { class: 'table-wrap', role: 'region', tabindex: '0', i18nAriaLabel: captionKey, args },
    h(
      'table',
      { class: 'data-table' },
      h('caption', { class: 'visually-hidden', i18n: captionKey, args }),
      h('thead', {}, h('tr', {}, columns.map((col) => h('th', { scope: 'col', i18n: col })))),
      tbody,
    ),
  );
  let next = null;
  let items = [];
  async function load(token) {
    more.disabled = true;
    if (!token) {
      tbody.replaceChildren(h('tr', {}, h('td', { colspan: String(columns.length) }, loading())));
      items = [];
    }
    try {
      const page = await fetchPage(token);
      if (!token) tbody.replaceChildren();
      for (const item of page.items) tbody.appendChild(rowFn(item));
      items = items.concat(page.items);
      if (!items.length) tbody.replaceChildren(h('tr', {}, h('td', { colspan: String(columns.length), class: 'empty', i18n: emptyKey })));
      next = page.next || null;
      more.hidden = !next;
      if (onLoaded) onLoaded(items);
    } catch (err) {
      if (!token) tbody.replaceChildren();
      showProblem(errors, err);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => load(next));
  return { el: h('div', { class: 'paged-table' }, table, h('div', { class: 'pager' }, more)), reload: () => load(null) };
}

function kindSelect(value) {
  const select = h(
    'select',
    {},
    h('option', { value: 'customer', i18n: KIND_KEYS.customer }),
    h('option', { value: 'gateway', i18n: KIND_KEYS.gateway }),
  );
  if (value) select.value = value;
  return select;
}

// --- the page -------------------------------------------------------------------

export function render() {
  const datalistId = uid('shaken-customers');
  const datalist = h('datalist', { id: datalistId });
  const listMessages = messageArea();

  const customers = pagedTable({
    captionKey: k('shaken.customers.caption'),
    columns: [
      k('shaken.customers.col_id'),
      k('shaken.customers.col_name'),
      k('shaken.customers.col_kind'),
      k('shaken.customers.col_updated'),
      k('common.actions'),
    ],
    emptyKey: k('shaken.customers.empty'),
    errors: listMessages,
    fetchPage: async (token) => {
      const data = await api(CUSTOMERS, { query: { page_token: token } });
      return { items: (data && data.customers) || [], next: data && data.next_page_token };
    },
    rowFn: (c) => customerRow(c, listMessages, () => customers.reload()),
    onLoaded: (items) => datalist.replaceChildren(...items.map((c) => h('option', { value: c.id, raw: true }, c.name))),
  });
  customers.reload();

  return h(
    'div',
    { class: 'admin-page shaken-page' },
    pageHeader(k('shaken.title'), k('shaken.lead')),
    legend(),
    h(
      'section',
      { class: 'section', 'aria-labelledby': 'shaken-customers-title' },
      h('h2', { id: 'shaken-customers-title', i18n: k('shaken.customers.title') }),
      h('p', { class: 'section-lead muted', i18n: k('shaken.customers.lead') }),
      createCustomerForm(listMessages, () => customers.reload()),
      listMessages.el,
      customers.el,
    ),
    tryIt(datalist, datalistId),
  );
}

// --- customers ------------------------------------------------------------------

function createCustomerForm(listMessages, onCreated) {
  const errors = messageArea();
  const id = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '64' });
  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '200' });
  const kind = kindSelect('customer');
  const submit = h('button', { type: 'submit', class: 'button', i18n: k('shaken.customers.create') });
  const form = h(
    'form',
    { class: 'form form-grid', novalidate: true },
    errors.el,
    field({ label: k('shaken.customers.id'), name: 'id', required: true, hint: k('shaken.customers.id_hint'), control: id }),
    field({ label: k('shaken.customers.name'), name: 'name', required: true, control: name }),
    field({ label: k('shaken.customers.kind'), name: 'kind', required: true, hint: k('shaken.customers.kind_hint'), control: kind }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    listMessages.clear();
    const body = { id: id.value.trim(), name: name.value.trim(), kind: kind.value };
    if (!CUSTOMER_ID.test(body.id)) {
      errors.show(k('shaken.customers.error_id'));
      id.focus();
      return;
    }
    if (!body.name) {
      errors.show(k('shaken.customers.error_name'));
      name.focus();
      return;
    }
    submit.disabled = true;
    try {
      const created = await api(CUSTOMERS, { method: 'POST', body });
      form.reset();
      listMessages.success(k('shaken.customers.created'), { id: (created && created.id) || body.id });
      onCreated();
    } catch (err) {
      showProblem(errors, err);
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'card form-card' }, h('summary', { i18n: k('shaken.customers.add_title') }), form);
}

function customerRow(c, messages, reload) {
  const args = { id: c.id };
  const panelId = uid('ranges');
  const numbers = h('button', {
    type: 'button',
    class: 'button button-small button-secondary',
    dataset: { action: 'numbers' },
    'aria-expanded': 'false',
    'aria-controls': panelId,
    i18n: k('shaken.customers.numbers'),
    i18nAriaLabel: k('shaken.customers.numbers_label'),
    args,
  });
  const edit = h('button', {
    type: 'button',
    class: 'button button-small button-secondary',
    dataset: { action: 'edit' },
    i18n: k('shaken.customers.edit'),
    i18nAriaLabel: k('shaken.customers.edit_label'),
    args,
  });
  const remove = h('button', {
    type: 'button',
    class: 'button button-small button-danger-outline',
    dataset: { action: 'delete' },
    i18n: k('shaken.customers.delete'),
    i18nAriaLabel: k('shaken.customers.delete_label'),
    args,
  });
  const row = h(
    'tr',
    { dataset: { customer: c.id } },
    h('td', {}, raw(c.id, 'code')),
    h('td', {}, raw(c.name)),
    h('td', {}, kindBadge(c.kind)),
    h('td', {}, time(c.updated_at || c.created_at)),
    h('td', {}, h('div', { class: 'row-actions' }, numbers, edit, remove)),
  );

  let detail = null;
  numbers.addEventListener('click', () => {
    if (detail) {
      detail.remove();
      detail = null;
      numbers.setAttribute('aria-expanded', 'false');
      return;
    }
    detail = h('tr', { class: 'detail-row', dataset: { rangesOf: c.id } }, h('td', { colspan: '5', id: panelId }, rangesPanel(c)));
    row.after(detail);
    numbers.setAttribute('aria-expanded', 'true');
  });
  edit.addEventListener('click', async () => {
    messages.clear();
    const updated = await editDialog(c);
    if (!updated) return;
    messages.success(k('shaken.customers.saved'), args);
    reload();
  });
  remove.addEventListener('click', async () => {
    messages.clear();
    const ok = await confirmDialog({
      titleKey: k('shaken.customers.confirm_title'),
      bodyKey: k('shaken.customers.confirm_body'),
      args,
      confirmKey: k('shaken.customers.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await api(`${CUSTOMERS}/${enc(c.id)}`, { method: 'DELETE' });
      messages.success(k('shaken.customers.deleted'), args);
      reload();
    } catch (err) {
      showProblem(messages, err);
    }
  });
  return row;
}

// Renames a customer or changes its kind. Resolves to the updated customer, or
// null when nothing was saved.
function editDialog(c) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const errors = messageArea();
    const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '200', value: c.name });
    const kind = kindSelect(c.kind);
    const save = h('button', { type: 'submit', class: 'button', i18n: k('shaken.customers.save') });
    const cancel = h('button', { type: 'button', class: 'button button-secondary', i18n: k('common.cancel') });
    let result = null;
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      h('h2', { id: titleId, i18n: k('shaken.customers.edit_title'), args: { id: c.id } }),
      errors.el,
      field({ label: k('shaken.customers.name'), name: 'name', required: true, control: name }),
      field({ label: k('shaken.customers.kind'), name: 'kind', required: true, hint: k('shaken.customers.kind_hint'), control: kind }),
      h('div', { class: 'actions' }, cancel, save),
    );
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      errors.clear();
      const body = {};
      if (name.value.trim() !== c.name) body.name = name.value.trim();
      if (kind.value !== c.kind) body.kind = kind.value;
      if ('name' in body && !body.name) {
        errors.show(k('shaken.customers.error_name'));
        name.focus();
        return;
      }
      if (!Object.keys(body).length) {
        dialog.close();
        return;
      }
      save.disabled = true;
      try {
        result = await api(`${CUSTOMERS}/${enc(c.id)}`, { method: 'PATCH', body });
        dialog.close();
      } catch (err) {
        showProblem(errors, err);
      } finally {
        save.disabled = false;
      }
    });
    dialog.addEventListener('close', () => {
      resolve(result);
      dialog.remove();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    name.focus();
  });
}

// --- number ranges of one customer -------------------------------------------------

function rangesPanel(c) {
  const messages = messageArea();
  const path = `${CUSTOMERS}/${enc(c.id)}/ranges`;
  const table = pagedTable({
    captionKey: k('shaken.ranges.caption'),
    args: { id: c.id },
    columns: [
      k('shaken.ranges.col_first'),
      k('shaken.ranges.col_last'),
      k('shaken.ranges.col_size'),
      k('shaken.ranges.col_note'),
      k('shaken.ranges.col_added'),
      k('common.actions'),
    ],
    emptyKey: c.kind === 'gateway' ? k('shaken.ranges.empty_gateway') : k('shaken.ranges.empty'),
    errors: messages,
    fetchPage: async (token) => {
      const data = await api(path, { query: { page_token: token } });
      return { items: (data && data.ranges) || [], next: data && data.next_page_token };
    },
    rowFn: (r) => rangeRow(c, r, messages, () => table.reload()),
  });
  table.reload();

  const errors = messageArea();
  const first = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '8613800138000' });
  const last = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '8613800138999' });
  const note = h('input', { type: 'text', autocomplete: 'off', maxlength: '500' });
  const submit = h('button', { type: 'submit', class: 'button', i18n: k('shaken.ranges.add') });
  const form = h(
    'form',
    { class: 'form form-grid range-form', novalidate: true },
    errors.el,
    field({ label: k('shaken.ranges.first'), name: 'first', required: true, hint: k('shaken.number_hint'), control: first }),
    field({ label: k('shaken.ranges.last'), name: 'last', hint: k('shaken.ranges.last_hint'), control: last }),
    field({ label: k('shaken.ranges.note'), name: 'note', control: note }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    messages.clear();
    const body = { first: first.value.trim() };
    if (last.value.trim()) body.last = last.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    if (!body.first) {
      errors.show(k('shaken.ranges.error_first'));
      first.focus();
      return;
    }
    submit.disabled = true;
    try {
      const data = await api(path, { method: 'POST', body });
      const added = (data && data.ranges && data.ranges[0]) || { first: body.first, last: body.last || body.first, size: 1 };
      form.reset();
      messages.success(k('shaken.ranges.added'), {
        range: `${displayTn(added.first)} – ${displayTn(added.last)}`,
        count: formatNumber(Number(added.size) || 0),
      });
      table.reload();
    } catch (err) {
      showProblem(errors, err);
    } finally {
      submit.disabled = false;
    }
  });

  return h(
    'div',
    { class: 'ranges-panel' },
    h('h3', { i18n: k('shaken.ranges.title'), args: { name: c.name } }),
    h('p', { class: 'small muted', i18n: c.kind === 'gateway' ? k('shaken.ranges.lead_gateway') : k('shaken.ranges.lead') }),
    messages.el,
    table.el,
    h('h4', { i18n: k('shaken.ranges.add_title') }),
    form,
  );
}

function rangeRow(c, r, messages, reload) {
  const range = r.first === r.last ? displayTn(r.first) : `${displayTn(r.first)} – ${displayTn(r.last)}`;
  const remove = h('button', {
    type: 'button',
    class: 'button button-small button-danger-outline',
    dataset: { action: 'remove-range' },
    i18n: k('shaken.ranges.remove'),
    i18nAriaLabel: k('shaken.ranges.remove_label'),
    args: { range },
    on: {
      click: async () => {
        messages.clear();
        const ok = await confirmDialog({
          titleKey: k('shaken.ranges.confirm_title'),
          bodyKey: k('shaken.ranges.confirm_body'),
          args: { range, id: c.id },
          confirmKey: k('shaken.ranges.remove'),
          danger: true,
        });
        if (!ok) return;
        try {
          await api(`${CUSTOMERS}/${enc(c.id)}/ranges/${enc(r.first)}`, { method: 'DELETE', query: { last: r.last } });
          messages.success(k('shaken.ranges.removed'), { range });
          reload();
        } catch (err) {
          showProblem(messages, err);
        }
      },
    },
  });
  return h(
    'tr',
    { dataset: { first: r.first } },
    h('td', { class: 'nowrap' }, raw(displayTn(r.first), 'span', { class: 'tn' })),
    h('td', { class: 'nowrap' }, raw(displayTn(r.last), 'span', { class: 'tn' })),
    h('td', { class: 'num' }, formatNumber(Number(r.size) || 0)),
    h('td', {}, r.note ? raw(r.note) : dash()),
    h('td', {}, time(r.created_at)),
    h('td', {}, remove),
  );
}

// --- try it: preview, sign, verify ---------------------------------------------------

function tryIt(datalist, datalistId) {
  const errors = messageArea();
  const customer = h('input', { type: 'text', list: datalistId, autocomplete: 'off', spellcheck: 'false', maxlength: '64' });
  const orig = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '8613800138001' });
  const dest = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '8613900139000' });
  const attest = h(
    'select',
    {},
    ['A', 'B', 'C'].map((level) => h('option', { value: level, i18n: REQUEST_KEYS[level], args: { level } })),
  );
  const preview = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'preview' }, i18n: k('shaken.try.preview') });
  const sign = h('button', { type: 'submit', class: 'button', dataset: { action: 'sign' }, i18n: k('shaken.try.sign') });
  const previewSlot = h('div', { class: 'preview-slot', 'aria-live': 'polite' });
  const signedSlot = h('div', { class: 'signed-slot' });

  const form = h(
    'form',
    { class: 'form form-grid try-form', novalidate: true },
    errors.el,
    field({ label: k('shaken.try.customer'), name: 'customer', hint: k('shaken.try.customer_hint'), control: customer }),
    field({ label: k('shaken.try.orig'), name: 'orig', required: true, hint: k('shaken.number_hint'), control: orig }),
    field({ label: k('shaken.try.dest'), name: 'dest', required: true, hint: k('shaken.number_hint'), control: dest }),
    field({ label: k('shaken.try.attest'), name: 'attest', required: true, hint: k('shaken.try.attest_hint'), control: attest }),
    h('div', { class: 'form-actions' }, preview, sign),
  );

  preview.addEventListener('click', async () => {
    errors.clear();
    const o = orig.value.trim();
    if (!o) {
      errors.show(k('shaken.try.error_orig'));
      orig.focus();
      return;
    }
    preview.disabled = true;
    try {
      const data = await api('/api/v1/shaken/attestation', { query: { orig: o, customer: customer.value.trim() } });
      previewSlot.replaceChildren(
        h('div', { class: 'card preview-card' }, h('h3', { i18n: k('shaken.try.preview_title') }), attestation(data && data.attest, data && data.reason)),
      );
    } catch (err) {
      previewSlot.replaceChildren();
      showProblem(errors, err);
    } finally {
      preview.disabled = false;
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const call = { orig: orig.value.trim(), dest: dest.value.trim(), customer: customer.value.trim() };
    if (!call.orig) {
      errors.show(k('shaken.try.error_orig'));
      orig.focus();
      return;
    }
    if (!call.dest) {
      errors.show(k('shaken.try.error_dest'));
      dest.focus();
      return;
    }
    const request = {
      attest: attest.value,
      dest: { tn: [call.dest] },
      iat: nowSeconds(),
      orig: { tn: call.orig },
      origid: newOrigid(),
    };
    if (call.customer) request.customer = call.customer;
    sign.disabled = true;
    try {
      const data = await api('/stir/v1/signing', { method: 'POST', body: { signingRequest: request } });
      const signed = (data && data.signingResponse) || {};
      previewSlot.replaceChildren();
      signedSlot.replaceChildren(signedPanel(signed, call));
      signedSlot.querySelector('h3').focus();
    } catch (err) {
      signedSlot.replaceChildren();
      showProblem(errors, err);
    } finally {
      sign.disabled = false;
    }
  });

  return h(
    'section',
    { class: 'section', 'aria-labelledby': 'shaken-try-title' },
    h('h2', { id: 'shaken-try-title', i18n: k('shaken.try.title') }),
    h('p', { class: 'section-lead muted', i18n: k('shaken.try.lead') }),
    h('div', { class: 'card try-card' }, form),
    datalist,
    previewSlot,
    signedSlot,
  );
}

// The signed call: attestation, the Identity header, and verification.
function signedPanel(signed, call) {
  const titleId = uid('signed');
  const errors = messageArea();
  const log = h('ol', { class: 'verify-log', 'aria-live': 'polite' });
  const identity = h('textarea', {
    class: 'identity-value mono',
    readonly: true,
    rows: '5',
    spellcheck: 'false',
    raw: true,
    'aria-labelledby': `${titleId}-identity`,
  });
  identity.value = signed.identity || '';
  const verify = h('button', { type: 'button', class: 'button', dataset: { action: 'verify' }, i18n: k('shaken.verify.button') });
  let attempts = 0;
  let passed = false;

  verify.addEventListener('click', async () => {
    errors.clear();
    verify.disabled = true;
    try {
      const data = await api('/stir/v1/verification', {
        method: 'POST',
        body: {
          verificationRequest: {
            from: { tn: call.orig },
            to: { tn: [call.dest] },
            time: nowSeconds(),
            identity: signed.identity,
          },
        },
      });
      const v = (data && data.verificationResponse) || {};
      attempts += 1;
      const replay = isReplay(v, passed);
      if (v.verstat === PASSED) passed = true;
      log.appendChild(verifyResult(v, attempts, replay));
    } catch (err) {
      showProblem(errors, err);
    } finally {
      verify.disabled = false;
    }
  });

  return h(
    'section',
    { class: 'card signed-card', 'aria-labelledby': titleId },
    h('h3', { id: titleId, tabindex: '-1', i18n: k('shaken.sign.title') }),
    h(
      'p',
      { class: 'small muted' },
      h('span', { i18n: k('shaken.sign.call') }),
      ' ',
      raw(displayTn(call.orig), 'span', { class: 'tn' }),
      ' → ',
      raw(displayTn(call.dest), 'span', { class: 'tn' }),
    ),
    attestation(signed.attest, signed.attestReason),
    h('p', { class: 'identity-label', id: `${titleId}-identity` }, h('strong', { i18n: k('shaken.sign.identity') })),
    identity,
    h('p', { class: 'hint', i18n: k('shaken.sign.identity_hint') }),
    h('div', { class: 'form-actions verify-actions' }, verify),
    h('p', { class: 'small muted', i18n: k('shaken.verify.note') }),
    errors.el,
    log,
  );
}

function verifyResult(v, n, replay) {
  const verstat = String(v.verstat || '');
  const state = verstat === PASSED ? 'passed' : verstat === FAILED ? 'failed' : 'none';
  const label = { passed: k('shaken.verify.passed'), failed: k('shaken.verify.failed'), none: k('shaken.verify.not_validated') }[state];
  const variant = { passed: 'ok', failed: 'danger', none: 'warn' }[state];
  const details =
    state === 'passed'
      ? h(
          'dl',
          { class: 'facts' },
          h('div', {}, h('dt', { i18n: k('shaken.verify.attest') }), h('dd', {}, levelBadge(v.attest), ' ', LEVEL_KEYS[v.attest] ? h('span', { i18n: LEVEL_KEYS[v.attest] }) : null)),
          h('div', {}, h('dt', { i18n: k('shaken.verify.origid') }), h('dd', {}, v.origid ? raw(v.origid, 'code') : dash())),
          h('div', {}, h('dt', { i18n: k('shaken.verify.signer') }), h('dd', {}, v.signer ? raw(v.signer) : dash())),
        )
      : h(
          'div',
          { class: 'verify-reason' },
          h(
            'p',
            {},
            h('span', { class: 'muted', i18n: k('shaken.reason') }),
            ' ',
            raw([v.reasoncode, v.reasontext].filter((x) => x != null && x !== '').join(' '), 'strong', { class: 'reason-code' }),
            v.reasondesc ? h('br', {}) : null,
            v.reasondesc ? raw(v.reasondesc, 'span', { class: 'server-detail' }) : null,
          ),
          CODE_KEYS[v.reasoncode] ? h('p', { class: 'small', i18n: CODE_KEYS[v.reasoncode] }) : null,
        );
  return h(
    'li',
    { class: `verify-result verify-${state}`, dataset: { verstat, replay: replay ? '1' : '0' } },
    h('p', { class: 'verify-attempt small muted', i18n: k('shaken.verify.attempt'), args: { n } }),
    h(
      'p',
      { class: 'verstat' },
      h('span', { class: `badge badge-${variant}`, i18n: label }),
      ' ',
      raw(verstat, 'span', { class: 'verstat-value' }),
    ),
    replay ? h('p', { class: 'notice notice-info replay-note', i18n: k('shaken.verify.replay_expected') }) : null,
    details,
  );
}
