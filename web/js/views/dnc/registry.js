// #/dnc/registry: the Do-Not-Call register for its staff (analysts,
// administrators).
//
// - The register: GET /api/v1/dnc/stats (numbers protected, in their grace
//   period, with their own preferences, versions, index size).
// - A number: GET /api/v1/dnc/numbers/{number}, its registration and every
//   change with channel, proof of ownership and actor. Each look-up is audited
//   as a view of personal data, so it is made only on request.
// - Violations of every business (GET /api/v1/dnc/violations, ?org_id=):
//   marketing calls to numbers protected from their category, without an
//   exemption. Audited as a view of personal data, so loaded on request.
// - Scrub receipts of every business (GET /api/v1/dnc/receipts, ?org_id=), and
//   one receipt checked against a file (GET /api/v1/dnc/receipts/{id}): the
//   SHA-256 of a list a business shows is computed here and compared with the
//   one the register recorded when it was scrubbed.

import { h, raw } from '../../dom.js';
import { k, formatNumber } from '../../i18n.js';
import { api } from '../../api.js';
import { pageHeader, field, messageArea, dataTable, loading } from '../../components.js';
import { nationalNumber } from '../../phone.js';
import {
  DNC,
  section,
  SCRUB_STATUSES,
  STATUS_KEYS,
  registrationState,
  sizeText,
  dash,
  showProblem,
  stateBadge,
  channelLabel,
  opLabel,
  categoryTags,
  bandTags,
  orgCell,
  receiptsTable,
  typedNumber,
  violationsList,
} from './common.js';

export const title = k('dnc.registry.doc_title');

const LOOKUP_ERRORS = { 400: k('dnc.registry.lookup.error_number') };
const RECEIPT_ERRORS = { 404: k('dnc.registry.check.not_found') };

// --- helpers without DOM (tested in tests/web/modules.test.mjs) -----------------

// Lower-case hex of an ArrayBuffer.
export function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// What a file's SHA-256 is to a receipt: list (the list that was scrubbed),
// result (the result the register gave) or none.
export function fileMatch(sha, receipt) {
  const s = String(sha || '').toLowerCase();
  if (!s || !receipt) return 'none';
  if (s === String(receipt.list_sha256 || '').toLowerCase()) return 'list';
  if (s === String(receipt.result_sha256 || '').toLowerCase()) return 'result';
  return 'none';
}

// --- the page -------------------------------------------------------------------

export function render() {
  return h(
    'div',
    { class: 'admin-page dnc-registry-page' },
    pageHeader(k('dnc.registry.title'), k('dnc.registry.lead')),
    statsSection(),
    lookupSection(),
    violationsSection(),
    receiptsSection(),
    checkSection(),
  );
}

// --- the register in numbers ---------------------------------------------------------

function statsSection() {
  const errors = messageArea();
  const list = h('div', { class: 'stats-slot' }, loading());
  const refresh = h('button', { type: 'button', class: 'button button-small button-secondary', dataset: { action: 'refresh-stats' }, i18n: k('dnc.registry.stats.refresh') });
  async function reload() {
    try {
      const s = (await api(`${DNC}/stats`)) || {};
      errors.clear();
      const size = sizeText(s.index_bytes);
      const stat = (name, labelKey, value) =>
        h('li', { class: 'stat', dataset: { stat: name, value: String(s[name] ?? '') } }, h('span', { class: 'stat-label', i18n: labelKey }), value);
      const n = (name) => h('span', { class: 'stat-value' }, formatNumber(Number(s[name]) || 0));
      list.replaceChildren(
        h(
          'ul',
          { class: 'stat-list dnc-stats', i18nAriaLabel: k('dnc.registry.stats.title') },
          stat('protected_numbers', k('dnc.registry.stats.protected'), n('protected_numbers')),
          stat('pending_numbers', k('dnc.registry.stats.pending'), n('pending_numbers')),
          stat('custom_preferences', k('dnc.registry.stats.custom'), n('custom_preferences')),
          stat('version', k('dnc.registry.stats.version'), n('version')),
          stat('snapshot_version', k('dnc.registry.stats.snapshot'), n('snapshot_version')),
          stat('index_bytes', k('dnc.registry.stats.index'), h('span', { class: 'stat-value', i18n: size.key, args: size.args })),
        ),
      );
    } catch (err) {
      list.replaceChildren();
      showProblem(errors, err);
    }
  }
  refresh.addEventListener('click', reload);
  reload();
  return section(
    'dnc-stats',
    k('dnc.registry.stats.title'),
    k('dnc.registry.stats.lead'),
    errors.el,
    list,
    h('div', { class: 'form-actions' }, refresh),
  );
}

// --- one number ---------------------------------------------------------------------------

function lookupSection() {
  const errors = messageArea();
  const result = h('div', { class: 'lookup-slot', 'aria-live': 'polite' });
  const number = h('input', { type: 'search', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '138 0013 8005' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'lookup' }, i18n: k('dnc.registry.lookup.submit') });
  const form = h(
    'form',
    { class: 'filter-bar inline-form lookup-form', novalidate: true, role: 'search' },
    field({ label: k('dnc.registry.lookup.number'), name: 'number', required: true, hint: k('dnc.registry.lookup.number_hint'), control: number }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const text = number.value.trim();
    if (!text) {
      errors.show(k('dnc.registry.lookup.error_missing'));
      number.focus();
      return;
    }
    submit.disabled = true;
    result.setAttribute('aria-busy', 'true');
    try {
      const data = await api(`${DNC}/numbers/${encodeURIComponent(text)}`);
      result.replaceChildren(numberCard(data || {}));
    } catch (err) {
      if (err && err.status === 404) {
        result.replaceChildren(h('p', { class: 'notice notice-info lookup-never', i18n: k('dnc.registry.lookup.never'), args: { number: typedNumber(text) } }));
      } else {
        result.replaceChildren();
        showProblem(errors, err, LOOKUP_ERRORS);
      }
    } finally {
      submit.disabled = false;
      result.removeAttribute('aria-busy');
    }
  });
  return section(
    'dnc-lookup',
    k('dnc.registry.lookup.title'),
    k('dnc.registry.lookup.lead'),
    h('div', { class: 'card try-card' }, form, h('p', { class: 'small muted', i18n: k('dnc.registry.lookup.audited') })),
    errors.el,
    result,
  );
}

function numberCard(r) {
  const st = registrationState(r);
  const shown = nationalNumber(r.number) || r.national || '';
  const history = Array.isArray(r.history) ? r.history.slice().reverse() : [];
  const prefs = r.preferences || {};
  const fact = (key, value) => h('div', {}, h('dt', { i18n: key }), h('dd', {}, value));
  const historyTable = dataTable({
    captionKey: k('dnc.registry.lookup.history'),
    columns: [
      k('dnc.registry.lookup.col_version'),
      k('dnc.registry.lookup.col_at'),
      k('dnc.registry.lookup.col_op'),
      k('dnc.registry.lookup.col_channel'),
      k('dnc.registry.lookup.col_verification'),
      k('dnc.registry.lookup.col_actor'),
      k('dnc.registry.lookup.col_refuses'),
      k('dnc.registry.lookup.col_accepts'),
      k('dnc.registry.lookup.col_protected_from'),
    ],
    items: history,
    emptyKey: k('common.none'),
    rowFn: (c) =>
      h(
        'tr',
        { dataset: { op: c.op || '', version: String(c.version ?? '') } },
        h('td', { class: 'num' }, c.version != null ? String(c.version) : dash()),
        h('td', { class: 'nowrap' }, c.at ? h('time', { time: c.at }) : dash()),
        h('td', {}, opLabel(c.op)),
        h('td', {}, channelLabel(c.channel)),
        h('td', {}, c.verification ? raw(c.verification, 'code') : dash()),
        h('td', {}, c.actor ? raw(c.actor) : dash()),
        h('td', {}, c.op === 'remove' ? dash() : categoryTags(c.preferences && c.preferences.categories)),
        h('td', {}, c.op === 'remove' ? dash() : bandTags(c.preferences && c.preferences.accepted_bands)),
        h('td', { class: 'nowrap' }, c.protected_from ? h('time', { date: c.protected_from }) : dash()),
      ),
  });
  historyTable.querySelector('table').classList.add('compact', 'history-table');
  return h(
    'section',
    { class: 'card number-card', 'aria-labelledby': 'dnc-number-title', dataset: { number: r.number || '', state: st } },
    h('h3', { id: 'dnc-number-title' }, raw(shown, 'span', { class: 'tn', title: r.number }), ' ', stateBadge(st)),
    h(
      'dl',
      { class: 'facts' },
      fact(k('dnc.registry.lookup.registered_at'), r.registered_at ? h('time', { time: r.registered_at }) : dash()),
      fact(k('dnc.registry.lookup.protected_from'), r.protected_from ? h('time', { time: r.protected_from }) : dash()),
      r.removed_at ? fact(k('dnc.registry.lookup.removed_at'), h('time', { time: r.removed_at })) : null,
      fact(k('dnc.registry.lookup.channel'), channelLabel(r.channel)),
      fact(k('dnc.registry.lookup.verification'), r.verification ? raw(r.verification, 'code') : dash()),
      st !== 'removed' ? fact(k('dnc.registry.lookup.refuses'), categoryTags(prefs.categories)) : null,
      st !== 'removed' ? fact(k('dnc.registry.lookup.accepts'), bandTags(prefs.accepted_bands)) : null,
    ),
    h('h4', { i18n: k('dnc.registry.lookup.history') }),
    historyTable,
  );
}

// --- violations of every business -------------------------------------------------------------

function violationsSection() {
  const errors = messageArea();
  const list = violationsList({ withOrg: true });
  const org = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', maxlength: '19' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'filter-violations' }, i18n: k('dnc.registry.violations.show') });
  const form = h(
    'form',
    { class: 'filter-bar inline-form violations-filter', novalidate: true, role: 'search' },
    field({ label: k('dnc.registry.receipts.org'), name: 'org_id', hint: k('dnc.registry.receipts.org_hint'), control: org }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const v = org.value.trim();
    if (v && !/^\d+$/.test(v)) {
      errors.show(k('dnc.registry.receipts.error_org'));
      org.focus();
      return;
    }
    submit.disabled = true;
    try {
      await list.show(v ? { org_id: v } : {});
    } finally {
      submit.disabled = false;
    }
  });
  return section(
    'dnc-violations',
    k('dnc.registry.violations.title'),
    k('dnc.registry.violations.lead'),
    h('div', { class: 'card try-card' }, form, h('p', { class: 'small muted', i18n: k('dnc.violations.audited') })),
    errors.el,
    list.el,
  );
}

// --- receipts of every business ---------------------------------------------------------------

function receiptsSection() {
  const errors = messageArea();
  const slot = h('div', { class: 'receipts-slot' }, loading());
  const org = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', maxlength: '19' });
  const apply = h('button', { type: 'submit', class: 'button', dataset: { action: 'filter-receipts' }, i18n: k('dnc.registry.receipts.filter') });
  let query = {};
  let seq = 0;
  async function reload() {
    const mine = ++seq;
    try {
      const data = await api(`${DNC}/receipts`, { query: { ...query, limit: 200 } });
      if (mine !== seq) return;
      errors.clear();
      slot.replaceChildren(receiptsTable((data && data.receipts) || [], { withOrg: true }));
    } catch (err) {
      if (mine !== seq) return;
      slot.replaceChildren();
      showProblem(errors, err);
    }
  }
  const form = h(
    'form',
    { class: 'filter-bar inline-form receipts-filter', novalidate: true, role: 'search' },
    field({ label: k('dnc.registry.receipts.org'), name: 'org_id', hint: k('dnc.registry.receipts.org_hint'), control: org }),
    h('div', { class: 'form-actions' }, apply),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = org.value.trim();
    if (v && !/^\d+$/.test(v)) {
      errors.show(k('dnc.registry.receipts.error_org'));
      org.focus();
      return;
    }
    query = v ? { org_id: v } : {};
    reload();
  });
  reload();
  return section('dnc-all-receipts', k('dnc.registry.receipts.title'), k('dnc.registry.receipts.lead'), form, errors.el, slot);
}

// --- check one receipt ---------------------------------------------------------------------------

const MATCH = {
  list: [k('dnc.registry.check.match_list'), 'ok'],
  result: [k('dnc.registry.check.match_result'), 'ok'],
  none: [k('dnc.registry.check.match_none'), 'danger'],
};

function checkSection() {
  const errors = messageArea();
  const result = h('div', { class: 'check-slot', 'aria-live': 'polite' });
  const id = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '100' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'check-receipt' }, i18n: k('dnc.registry.check.submit') });
  const form = h(
    'form',
    { class: 'filter-bar inline-form check-form', novalidate: true },
    field({ label: k('dnc.registry.check.id'), name: 'receipt', required: true, hint: k('dnc.registry.check.id_hint'), control: id }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const v = id.value.trim();
    if (!v) {
      errors.show(k('dnc.registry.check.error_missing'));
      id.focus();
      return;
    }
    submit.disabled = true;
    try {
      const r = await api(`${DNC}/receipts/${encodeURIComponent(v)}`);
      result.replaceChildren(receiptCard(r || {}));
    } catch (err) {
      result.replaceChildren();
      showProblem(errors, err, RECEIPT_ERRORS);
    } finally {
      submit.disabled = false;
    }
  });
  return section('dnc-check', k('dnc.registry.check.title'), k('dnc.registry.check.lead'), h('div', { class: 'card try-card' }, form), errors.el, result);
}

function receiptCard(r) {
  const c = r.counts || {};
  const fact = (key, value) => h('div', {}, h('dt', { i18n: key }), h('dd', {}, value));
  const outcome = h('div', { class: 'file-check-slot', 'aria-live': 'polite' });
  const canHash = Boolean(globalThis.crypto && globalThis.crypto.subtle);
  let fileField = null;
  if (canHash) {
    const file = h('input', { type: 'file', accept: '.csv,.txt,text/csv,text/plain' });
    fileField = field({ label: k('dnc.registry.check.file'), name: 'file', hint: k('dnc.registry.check.file_hint'), control: file });
    file.addEventListener('change', async () => {
      const f = file.files && file.files[0];
      if (!f) {
        outcome.replaceChildren();
        return;
      }
      outcome.replaceChildren(loading());
      try {
        const sha = hex(await globalThis.crypto.subtle.digest('SHA-256', await f.arrayBuffer()));
        const match = fileMatch(sha, r);
        const [key, variant] = MATCH[match];
        outcome.replaceChildren(
          h(
            'p',
            { class: `file-match file-match-${match}`, dataset: { match } },
            h('span', { class: `badge badge-${variant}`, i18n: key }),
            ' ',
            h('span', { class: 'small muted', i18n: k('dnc.registry.check.file_sha') }),
            ' ',
            raw(sha, 'code', { class: 'hash-full' }),
          ),
        );
      } catch {
        outcome.replaceChildren(h('p', { class: 'notice', i18n: k('dnc.registry.check.file_error') }));
      }
    });
  }
  return h(
    'section',
    { class: 'card receipt-card', 'aria-labelledby': 'dnc-receipt-title', dataset: { receipt: r.id || '' } },
    h('h3', { id: 'dnc-receipt-title' }, h('span', { i18n: k('dnc.registry.check.receipt') }), ' ', raw(r.id, 'code')),
    h(
      'dl',
      { class: 'facts' },
      fact(k('dnc.receipts.col_at'), r.at ? h('time', { time: r.at, dataset: { timeSeconds: '1' } }) : dash()),
      fact(k('dnc.receipts.col_org'), orgCell(r.org_id, r.org_name)),
      fact(k('dnc.receipts.col_actor'), r.actor ? raw(r.actor) : dash()),
      fact(
        k('dnc.receipts.col_total'),
        h(
          'span',
          { class: 'receipt-counts' },
          h('strong', {}, formatNumber(Number(c.total) || 0)),
          SCRUB_STATUSES.map((s) => [' · ', h('span', { i18n: STATUS_KEYS[s] }), ' ', formatNumber(Number(c[s]) || 0)]),
        ),
      ),
      fact(k('dnc.registry.check.list_sha'), r.list_sha256 ? raw(r.list_sha256, 'code', { class: 'hash-full' }) : dash()),
      fact(k('dnc.registry.check.result_sha'), r.result_sha256 ? raw(r.result_sha256, 'code', { class: 'hash-full' }) : dash()),
    ),
    fileField ? h('div', { class: 'form file-check' }, fileField, outcome) : h('p', { class: 'small muted', i18n: k('dnc.registry.check.no_hash') }),
  );
}

