// #/business/dnc: the Do-Not-Call list for a business (role business).
//
// - Scrub a list: POST /api/v1/dnc/scrub with a file or pasted numbers as
//   text/csv; the answer is the list again, a status per number, and the
//   receipt's id, the list's SHA-256 and the counts in response headers. The
//   page shows the counts, the receipt and the first rows, and offers the whole
//   result as result.csv (a Blob URL: a large result is never turned into text).
// - Receipts: GET /api/v1/dnc/receipts, the organisation's proof of its scrubs.
// - Calling numbers: the numbers and ranges the organisation calls from, with
//   the categories it calls about (/api/v1/dnc/ranges): list, declare, remove.
// - Exemptions: numbers it may call although they are protected (a purchase, an
//   enquiry, consent) (/api/v1/dnc/exemptions): list, add, revoke. Their days
//   are dates of the register's time zone, and shown as such.
// - Violations: marketing calls from its declared marketing numbers to numbers
//   protected from that category, without an exemption (GET
//   /api/v1/dnc/violations), seen at call set-up or in the call record. Each
//   answer is audited as a view of personal data, so they are loaded on request.
//
// Statuses, bases and purposes are translated; a scrub row's detail is the
// server's English text and is shown as data.

import { h, raw } from '../../dom.js';
import { k, formatNumber, applyI18n } from '../../i18n.js';
import { api, apiText } from '../../api.js';
import { pageHeader, field, messageArea, dataTable, loading, confirmDialog } from '../../components.js';
import {
  DNC,
  section,
  MAX_LIST_BYTES,
  SCRUB_STATUSES,
  STATUS_KEYS,
  parseCounts,
  resultPreview,
  rangeSize,
  exemptionState,
  sizeText,
  dash,
  phone,
  showProblem,
  scrubStatusBadge,
  categoryTags,
  categoryChecks,
  checkedValues,
  receiptsTable,
  registerDate,
  violationsList,
} from './common.js';

export const title = k('dnc.business.doc_title');

// Rows of the result shown on the page (the download holds them all).
export const PREVIEW_ROWS = 20;
// The part of a result read for the preview.
const PREVIEW_BYTES = 64 * 1024;

export const PURPOSES = ['marketing', 'service'];
export const BASES = ['purchase', 'enquiry', 'consent'];

const PURPOSE_KEYS = { marketing: k('dnc.business.ranges.purpose_marketing'), service: k('dnc.business.ranges.purpose_service') };
const BASIS_KEYS = {
  purchase: k('dnc.business.exemptions.basis_purchase'),
  enquiry: k('dnc.business.exemptions.basis_enquiry'),
  consent: k('dnc.business.exemptions.basis_consent'),
};
const EXEMPTION_STATE = {
  active: [k('dnc.business.exemptions.state_active'), 'ok'],
  future: [k('dnc.business.exemptions.state_future'), 'info'],
  expired: [k('dnc.business.exemptions.state_expired'), 'muted'],
  revoked: [k('dnc.business.exemptions.state_revoked'), 'muted'],
};

const SCRUB_ERRORS = { 413: k('dnc.business.scrub.error_size') };
const RANGE_ERRORS = { 409: k('dnc.business.ranges.error_overlap') };

// --- helpers without DOM (tested in tests/web/modules.test.mjs) -----------------

// The declare form -> the body of POST /api/v1/dnc/ranges, or {error: key}.
export function rangeBody({ first, last, purpose, categories }) {
  const body = { first: String(first ?? '').trim() };
  if (!body.first) return { error: k('dnc.business.ranges.error_first') };
  const end = String(last ?? '').trim();
  if (end) body.last = end;
  body.purpose = PURPOSES.includes(purpose) ? purpose : 'marketing';
  body.categories = [...new Set(categories || [])];
  if (!body.categories.length) return { error: k('dnc.business.ranges.error_categories') };
  return { body };
}

// The exemption form -> the body of POST /api/v1/dnc/exemptions, or {error: key}.
// Dates are YYYY-MM-DD (as <input type="date"> gives them).
export function exemptionBody({ number, basis, starts, expires, note }) {
  const body = { number: String(number ?? '').trim(), basis };
  if (!body.number) return { error: k('dnc.business.exemptions.error_number') };
  if (!BASES.includes(basis)) return { error: k('dnc.business.exemptions.error_basis') };
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (starts) {
    if (!date.test(starts)) return { error: k('dnc.business.exemptions.error_date') };
    body.starts_at = starts;
  }
  if (expires) {
    if (!date.test(expires)) return { error: k('dnc.business.exemptions.error_date') };
    if (starts && expires <= starts) return { error: k('dnc.business.exemptions.error_order') };
    body.expires_at = expires;
  }
  const n = String(note ?? '').trim();
  if (n) body.note = n;
  return { body };
}

// --- the page -------------------------------------------------------------------

export function render() {
  const receipts = receiptsSection();
  return h(
    'div',
    { class: 'admin-page dnc-business-page' },
    pageHeader(k('dnc.business.title'), k('dnc.business.lead')),
    scrubSection((id) => receipts.reload(id)),
    receipts.el,
    violationsSection(),
    rangesSection(),
    exemptionsSection(),
  );
}

// --- scrub a list -------------------------------------------------------------------

function scrubSection(onScrubbed) {
  const errors = messageArea();
  const file = h('input', { type: 'file', accept: '.csv,.txt,text/csv,text/plain' });
  const fileInfo = h('p', { class: 'hint file-info', 'aria-live': 'polite' });
  const paste = h('textarea', { class: 'mono', rows: '6', spellcheck: 'false', autocomplete: 'off', placeholder: '13800138005\n+86 138 0013 8006' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'scrub' }, i18n: k('dnc.business.scrub.submit') });
  const clear = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'clear' }, i18n: k('dnc.business.scrub.clear') });
  const working = h('div', { class: 'scrub-working', role: 'status', 'aria-live': 'polite' });
  const result = h('div', { class: 'scrub-result-slot' });
  let url = null;

  const fileField = field({ label: k('dnc.business.scrub.file'), name: 'file', hint: k('dnc.business.scrub.file_hint'), control: file });
  fileField.appendChild(fileInfo);
  const pasteField = field({ label: k('dnc.business.scrub.paste'), name: 'paste', hint: k('dnc.business.scrub.paste_hint'), control: paste });

  file.addEventListener('change', () => {
    const f = file.files && file.files[0];
    if (!f) {
      fileInfo.replaceChildren();
      return;
    }
    const size = sizeText(f.size);
    fileInfo.replaceChildren(h('span', { i18n: k('dnc.business.scrub.file_chosen') }), ' ', raw(f.name, 'strong'), ' ', h('span', { i18n: size.key, args: size.args }));
  });
  clear.addEventListener('click', () => {
    file.value = '';
    fileInfo.replaceChildren();
    paste.value = '';
    errors.clear();
  });

  const form = h(
    'form',
    { class: 'form scrub-form', novalidate: true },
    errors.el,
    h('div', { class: 'form-grid' }, fileField, pasteField),
    h('div', { class: 'form-actions' }, submit, clear),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const chosen = file.files && file.files[0];
    let body;
    let bytes;
    if (chosen) {
      if (chosen.size > MAX_LIST_BYTES) {
        errors.show(k('dnc.business.scrub.error_size'));
        return;
      }
      if (!chosen.size) {
        errors.show(k('dnc.business.scrub.error_empty'));
        return;
      }
      body = chosen;
      bytes = chosen.size;
    } else {
      const text = paste.value;
      if (!text.trim()) {
        errors.show(k('dnc.business.scrub.error_empty'));
        paste.focus();
        return;
      }
      body = text.endsWith('\n') ? text : `${text}\n`;
      bytes = new Blob([body]).size;
    }
    const size = sizeText(bytes);
    submit.disabled = true;
    result.setAttribute('aria-busy', 'true');
    working.replaceChildren(
      h(
        'div',
        { class: 'working' },
        h('progress', { i18nAriaLabel: k('dnc.business.scrub.working') }),
        h('span', { i18n: k('dnc.business.scrub.working') }),
        ' ',
        h('span', { class: 'muted', i18n: size.key, args: size.args }),
      ),
    );
    try {
      const res = await apiText(`${DNC}/scrub`, { method: 'POST', body, contentType: 'text/csv', accept: 'text/csv', as: 'blob' });
      const blob = res.body;
      const partial = blob.size > PREVIEW_BYTES;
      const head = await blob.slice(0, PREVIEW_BYTES).text();
      const preview = resultPreview(head, { limit: PREVIEW_ROWS, partial });
      const counts = parseCounts(res.headers.get('X-Quell-Scrub-Counts')) || {};
      const receipt = res.headers.get('X-Quell-Scrub-Receipt') || '';
      const listSha = res.headers.get('X-Quell-List-SHA256') || '';
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(new Blob([blob], { type: 'text/csv' }));
      working.replaceChildren(h('p', { class: 'visually-hidden', i18n: k('dnc.business.scrub.done') }));
      result.replaceChildren(resultView({ counts, receipt, listSha, preview, url, bytes: blob.size }));
      result.querySelector('h3').focus();
      onScrubbed(receipt);
    } catch (err) {
      working.replaceChildren();
      showProblem(errors, err, SCRUB_ERRORS);
    } finally {
      submit.disabled = false;
      result.removeAttribute('aria-busy');
    }
  });

  return section(
    'dnc-scrub',
    k('dnc.business.scrub.title'),
    k('dnc.business.scrub.lead'),
    h('div', { class: 'card try-card' }, form),
    working,
    result,
  );
}

function resultView({ counts, receipt, listSha, preview, url, bytes }) {
  const size = sizeText(bytes);
  const stat = (name, labelKey) =>
    h(
      'li',
      { class: `stat scrub-stat stat-${name}`, dataset: { status: name, count: String(Number(counts[name]) || 0) } },
      h('span', { class: 'stat-label', i18n: labelKey }),
      h('span', { class: 'stat-value' }, formatNumber(Number(counts[name]) || 0)),
    );
  const shown = preview.rows.length;
  return h(
    'section',
    { class: 'card scrub-result', 'aria-labelledby': 'scrub-result-title', dataset: { receipt } },
    h('h3', { id: 'scrub-result-title', tabindex: '-1', i18n: k('dnc.business.scrub.result_title') }),
    h(
      'ul',
      { class: 'stat-list scrub-counts', i18nAriaLabel: k('dnc.business.scrub.counts') },
      stat('total', k('dnc.business.scrub.count_total')),
      SCRUB_STATUSES.map((s) => stat(s, STATUS_KEYS[s])),
    ),
    h(
      'dl',
      { class: 'facts receipt-facts' },
      h('div', {}, h('dt', { i18n: k('dnc.business.scrub.receipt') }), h('dd', {}, raw(receipt, 'code', { class: 'receipt-id' }))),
      h('div', {}, h('dt', { i18n: k('dnc.business.scrub.list_sha') }), h('dd', {}, raw(listSha, 'code', { class: 'hash-full' }))),
    ),
    h('p', { class: 'small muted', i18n: k('dnc.business.scrub.receipt_note') }),
    h(
      'p',
      { class: 'form-actions' },
      h('a', { class: 'button', href: url, download: 'result.csv', dataset: { action: 'download' } }, h('span', { i18n: k('dnc.business.scrub.download') })),
      h('span', { class: 'muted download-size', i18n: size.key, args: size.args }),
    ),
    h('h4', { i18n: k('dnc.business.scrub.preview_title') }),
    h('p', { class: 'small muted', i18n: preview.more || (counts.total || 0) > shown ? k('dnc.business.scrub.preview_some') : k('dnc.business.scrub.preview_all'), args: { count: String(shown) } }),
    (() => {
      const wrap = dataTable({
        captionKey: k('dnc.business.scrub.preview_title'),
        columns: [k('dnc.business.scrub.col_number'), k('dnc.business.scrub.col_status'), k('dnc.business.scrub.col_detail')],
        items: preview.rows,
        emptyKey: k('dnc.business.scrub.preview_empty'),
        rowFn: (r) =>
          h(
            'tr',
            { dataset: { status: r.status } },
            h('td', { class: 'nowrap' }, /^\+\d+$/.test(r.number) ? phone(r.number) : raw(r.number, 'code')),
            h('td', {}, scrubStatusBadge(r.status)),
            h('td', { class: 'detail' }, r.detail ? raw(r.detail, 'span', { class: 'server-detail', lang: 'en' }) : dash()),
          ),
      });
      wrap.querySelector('table').classList.add('compact', 'preview-table');
      return wrap;
    })(),
  );
}

// --- receipts -------------------------------------------------------------------------

function receiptsSection() {
  const errors = messageArea();
  const slot = h('div', { class: 'receipts-slot' }, loading());
  const refresh = h('button', { type: 'button', class: 'button button-small button-secondary', dataset: { action: 'refresh-receipts' }, i18n: k('dnc.business.receipts.refresh') });
  let seq = 0;
  async function reload(highlight = null) {
    const mine = ++seq;
    try {
      const data = await api(`${DNC}/receipts`, { query: { limit: 100 } });
      if (mine !== seq) return;
      errors.clear();
      slot.replaceChildren(receiptsTable((data && data.receipts) || [], { highlight }));
    } catch (err) {
      if (mine !== seq) return;
      slot.replaceChildren();
      showProblem(errors, err);
    }
  }
  refresh.addEventListener('click', () => reload());
  reload();
  const el = section(
    'dnc-receipts',
    k('dnc.business.receipts.title'),
    k('dnc.business.receipts.lead'),
    h('div', { class: 'toolbar' }, h('p', { class: 'small muted', i18n: k('dnc.business.receipts.note') }), refresh),
    errors.el,
    slot,
  );
  return { el, reload };
}

// --- violations ------------------------------------------------------------------------

function violationsSection() {
  const list = violationsList();
  const show = h('button', { type: 'button', class: 'button button-small', dataset: { action: 'show-violations' }, i18n: k('dnc.business.violations.show') });
  show.addEventListener('click', async () => {
    show.disabled = true;
    try {
      await list.show();
    } finally {
      show.disabled = false;
      // Once shown, the same button loads the newest again.
      show.dataset.i18n = k('dnc.business.violations.refresh');
      show.classList.add('button-secondary');
      applyI18n(show);
    }
  });
  return section(
    'dnc-violations',
    k('dnc.business.violations.title'),
    k('dnc.business.violations.lead'),
    h('div', { class: 'toolbar' }, h('p', { class: 'small muted', i18n: k('dnc.violations.audited') }), show),
    list.el,
  );
}

// --- calling numbers (declared ranges) -------------------------------------------------

function rangesSection() {
  const messages = messageArea();
  const slot = h('div', { class: 'ranges-slot' }, loading());

  async function reload() {
    try {
      const data = await api(`${DNC}/ranges`);
      const items = (data && data.ranges) || [];
      slot.replaceChildren(
        dataTable({
          captionKey: k('dnc.business.ranges.caption'),
          columns: [
            k('dnc.business.ranges.col_numbers'),
            k('dnc.business.ranges.col_size'),
            k('dnc.business.ranges.col_purpose'),
            k('dnc.business.ranges.col_categories'),
            k('dnc.business.ranges.col_added'),
            k('common.actions'),
          ],
          items,
          emptyKey: k('dnc.business.ranges.empty'),
          rowFn: (r) => rangeRow(r, messages, reload),
        }),
      );
    } catch (err) {
      slot.replaceChildren();
      showProblem(messages, err);
    }
  }

  const errors = messageArea();
  const first = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '021 6123 6000' });
  const last = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '021 6123 6999' });
  const purpose = h('select', {}, PURPOSES.map((p) => h('option', { value: p, i18n: PURPOSE_KEYS[p] })));
  const checks = categoryChecks('range-category');
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'declare' }, i18n: k('dnc.business.ranges.submit') });
  const form = h(
    'form',
    { class: 'form form-grid range-form', novalidate: true },
    errors.el,
    field({ label: k('dnc.business.ranges.first'), name: 'first', required: true, hint: k('dnc.business.ranges.first_hint'), control: first }),
    field({ label: k('dnc.business.ranges.last'), name: 'last', hint: k('dnc.business.ranges.last_hint'), control: last }),
    field({ label: k('dnc.business.ranges.purpose'), name: 'purpose', required: true, hint: k('dnc.business.ranges.purpose_hint'), control: purpose }),
    h('fieldset', { class: 'choice-group field-wide' }, h('legend', { i18n: k('dnc.business.ranges.categories') }), checks),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    messages.clear();
    const { body, error } = rangeBody({ first: first.value, last: last.value, purpose: purpose.value, categories: checkedValues(checks, 'range-category') });
    if (error) {
      errors.show(error);
      return;
    }
    submit.disabled = true;
    try {
      const added = await api(`${DNC}/ranges`, { method: 'POST', body });
      form.reset();
      messages.success(k('dnc.business.ranges.added'), { range: rangeText(added || body) });
      reload();
    } catch (err) {
      showProblem(errors, err, RANGE_ERRORS);
    } finally {
      submit.disabled = false;
    }
  });

  reload();
  return section(
    'dnc-ranges',
    k('dnc.business.ranges.title'),
    k('dnc.business.ranges.lead'),
    h('details', { class: 'card form-card' }, h('summary', { i18n: k('dnc.business.ranges.add_title') }), form),
    messages.el,
    slot,
  );
}

function rangeText(r) {
  const a = phone(r.first).textContent;
  const b = phone(r.last || r.first).textContent;
  return a === b ? a : `${a} – ${b}`;
}

function rangeRow(r, messages, reload) {
  const size = rangeSize(r.first, r.last);
  const range = rangeText(r);
  const remove = h('button', {
    type: 'button',
    class: 'button button-small button-danger-outline',
    dataset: { action: 'remove-range' },
    i18n: k('dnc.business.ranges.remove'),
    i18nAriaLabel: k('dnc.business.ranges.remove_label'),
    args: { range },
  });
  remove.addEventListener('click', async () => {
    messages.clear();
    const ok = await confirmDialog({
      titleKey: k('dnc.business.ranges.confirm_title'),
      bodyKey: k('dnc.business.ranges.confirm_body'),
      args: { range },
      confirmKey: k('dnc.business.ranges.remove'),
      danger: true,
    });
    if (!ok) return;
    try {
      await api(`${DNC}/ranges/${encodeURIComponent(r.id)}`, { method: 'DELETE' });
      messages.success(k('dnc.business.ranges.removed'), { range });
      reload();
    } catch (err) {
      showProblem(messages, err);
    }
  });
  return h(
    'tr',
    { dataset: { range: String(r.id), first: r.first, purpose: r.purpose } },
    h('td', { class: 'nowrap' }, phone(r.first), r.last && r.last !== r.first ? [h('span', { 'aria-hidden': 'true' }, ' – '), phone(r.last)] : null),
    h('td', { class: 'num' }, size ? formatNumber(size) : dash()),
    h('td', {}, PURPOSE_KEYS[r.purpose] ? h('span', { class: `badge badge-${r.purpose === 'service' ? 'muted' : 'info'}`, i18n: PURPOSE_KEYS[r.purpose] }) : raw(r.purpose, 'code')),
    h('td', {}, categoryTags(r.categories)),
    h('td', { class: 'nowrap' }, r.created_at ? h('time', { date: r.created_at }) : dash()),
    h('td', {}, remove),
  );
}

// --- exemptions --------------------------------------------------------------------------

function exemptionsSection() {
  const messages = messageArea();
  const slot = h('div', { class: 'exemptions-slot' }, loading());

  async function reload() {
    try {
      const data = await api(`${DNC}/exemptions`, { query: { limit: 1000 } });
      const items = (data && data.exemptions) || [];
      slot.replaceChildren(
        dataTable({
          captionKey: k('dnc.business.exemptions.caption'),
          columns: [
            k('dnc.business.exemptions.col_number'),
            k('dnc.business.exemptions.col_basis'),
            k('dnc.business.exemptions.col_from'),
            k('dnc.business.exemptions.col_until'),
            k('dnc.business.exemptions.col_note'),
            k('dnc.business.exemptions.col_state'),
            k('common.actions'),
          ],
          items,
          emptyKey: k('dnc.business.exemptions.empty'),
          rowFn: (e) => exemptionRow(e, messages, reload),
        }),
      );
    } catch (err) {
      slot.replaceChildren();
      showProblem(messages, err);
    }
  }

  const errors = messageArea();
  const number = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '138 0013 8000' });
  const basis = h('select', {}, BASES.map((b) => h('option', { value: b, i18n: BASIS_KEYS[b] })));
  const starts = h('input', { type: 'date' });
  const expires = h('input', { type: 'date' });
  const note = h('input', { type: 'text', autocomplete: 'off', maxlength: '500' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'add-exemption' }, i18n: k('dnc.business.exemptions.submit') });
  const form = h(
    'form',
    { class: 'form form-grid exemption-form', novalidate: true },
    errors.el,
    field({ label: k('dnc.business.exemptions.number'), name: 'number', required: true, control: number }),
    field({ label: k('dnc.business.exemptions.basis'), name: 'basis', required: true, hint: k('dnc.business.exemptions.basis_hint'), control: basis }),
    field({ label: k('dnc.business.exemptions.starts'), name: 'starts', hint: k('dnc.business.exemptions.starts_hint'), control: starts }),
    field({ label: k('dnc.business.exemptions.expires'), name: 'expires', hint: k('dnc.business.exemptions.expires_hint'), control: expires }),
    field({ label: k('dnc.business.exemptions.note'), name: 'note', control: note }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    messages.clear();
    const { body, error } = exemptionBody({ number: number.value, basis: basis.value, starts: starts.value, expires: expires.value, note: note.value });
    if (error) {
      errors.show(error);
      return;
    }
    submit.disabled = true;
    try {
      const added = await api(`${DNC}/exemptions`, { method: 'POST', body });
      form.reset();
      messages.success(k('dnc.business.exemptions.added'), { number: phone((added && added.number) || body.number).textContent });
      reload();
    } catch (err) {
      showProblem(errors, err);
    } finally {
      submit.disabled = false;
    }
  });

  reload();
  return section(
    'dnc-exemptions',
    k('dnc.business.exemptions.title'),
    k('dnc.business.exemptions.lead'),
    h('details', { class: 'card form-card' }, h('summary', { i18n: k('dnc.business.exemptions.add_title') }), form),
    messages.el,
    slot,
  );
}

function exemptionRow(e, messages, reload) {
  const state = exemptionState(e);
  const [stateKey, variant] = EXEMPTION_STATE[state];
  const shown = phone(e.number).textContent;
  let revoke = null;
  if (state === 'active' || state === 'future') {
    revoke = h('button', {
      type: 'button',
      class: 'button button-small button-danger-outline',
      dataset: { action: 'revoke' },
      i18n: k('dnc.business.exemptions.revoke'),
      i18nAriaLabel: k('dnc.business.exemptions.revoke_label'),
      args: { number: shown },
    });
    revoke.addEventListener('click', async () => {
      messages.clear();
      const ok = await confirmDialog({
        titleKey: k('dnc.business.exemptions.confirm_title'),
        bodyKey: k('dnc.business.exemptions.confirm_body'),
        args: { number: shown },
        confirmKey: k('dnc.business.exemptions.revoke'),
        danger: true,
      });
      if (!ok) return;
      try {
        await api(`${DNC}/exemptions/${encodeURIComponent(e.id)}`, { method: 'DELETE' });
        messages.success(k('dnc.business.exemptions.revoked'), { number: shown });
        reload();
      } catch (err) {
        showProblem(messages, err);
      }
    });
  }
  return h(
    'tr',
    { class: state === 'revoked' || state === 'expired' ? 'row-muted' : null, dataset: { exemption: String(e.id), number: e.number, state } },
    h('td', { class: 'nowrap' }, phone(e.number)),
    h('td', {}, BASIS_KEYS[e.basis] ? h('span', { i18n: BASIS_KEYS[e.basis] }) : raw(e.basis, 'code')),
    h('td', { class: 'nowrap' }, e.starts_at ? registerDate(e.starts_at) : dash()),
    h('td', { class: 'nowrap' }, e.expires_at ? registerDate(e.expires_at) : h('span', { class: 'muted', i18n: k('dnc.business.exemptions.no_expiry') })),
    h('td', { class: 'detail' }, e.note ? raw(e.note) : dash()),
    h('td', {}, h('span', { class: `badge badge-${variant}`, i18n: stateKey }), e.revoked_at ? h('div', { class: 'small muted' }, h('time', { date: e.revoked_at })) : null),
    h('td', {}, revoke || dash()),
  );
}
