// #/ledger: the enforcement ledger (docs/formats/ledger.md), for every
// organisation role (not citizens).
//
// - The head (GET /api/v1/ledger/head): sequence, hash, size, the operator key.
// - The keys that may sign (GET /api/v1/ledger/keys), revoked ones marked.
// - The records, newest first, a page at a time (GET /api/v1/ledger?after=N&limit=L
//   serves them oldest first: the page is read backwards from the head), each
//   with its kind, signer, times, hash, payload and the hash of the record
//   before — drawn as a chain, each link checked against the record below it.
//   #/ledger/{seq} starts the chain at that record.
// - Analysts and administrators: this server's replica of another party's ledger
//   (GET /api/v1/ledger/replica; 404: it is not a replica), with a red warning
//   when the primary's ledger was found to differ.

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { pageHeader, messageArea, dataTable, loading } from '../components.js';

export const title = k('ledger.doc_title');

const LEDGER = '/api/v1/ledger';
const STAFF = ['analyst', 'admin'];
export const PAGE_SIZE = 20;

const KIND_KEYS = {
  genesis: k('ledger.kinds.genesis'),
  key: k('ledger.kinds.key'),
  violation: k('ledger.kinds.violation'),
  traceback: k('ledger.kinds.traceback'),
  sanction: k('ledger.kinds.sanction'),
  appeal: k('ledger.kinds.appeal'),
  breach: k('ledger.kinds.breach'),
  complaint: k('ledger.kinds.complaint'),
};
export { KIND_KEYS };

// --- helpers (unit-tested in tests/web/ledger.test.mjs) -------------------------

// The request for the page of up to `size` records ending at record `top`
// (newest first on screen): {after, limit}, or null when there is none.
export function pageBefore(top, size = PAGE_SIZE) {
  const last = Math.floor(Number(top));
  if (!Number.isFinite(last) || last < 1) return null;
  const after = Math.max(0, last - size);
  return { after, limit: last - after };
}

// Records (any order) -> newest first, each with `link`: 'ok' when its prev is
// the hash of the record before it on the page, 'broken' when it is not,
// 'genesis' for record 1 (prev all zeros), 'unknown' when the record before is
// not on the page (the next page checks it).
export function chain(records) {
  const sorted = [...records].sort((a, b) => b.seq - a.seq);
  const bySeq = new Map(sorted.map((r) => [r.seq, r]));
  return sorted.map((r) => {
    let link;
    if (r.seq === 1) link = /^0+$/.test(r.prev || '') ? 'genesis' : 'broken';
    else if (bySeq.has(r.seq - 1)) link = bySeq.get(r.seq - 1).hash === r.prev ? 'ok' : 'broken';
    else link = 'unknown';
    return { ...r, link };
  });
}

// key id -> {organisation, revoked_seq}, from GET /api/v1/ledger/keys.
export function keyIndex(keys) {
  const out = new Map();
  for (const key of keys || []) out.set(key.key_id, key);
  return out;
}

// Was this key revoked before record `seq`? (A key signs nothing after its revocation.)
export function revokedBefore(key, seq) {
  return !!(key && key.revoked_seq && key.revoked_seq < seq);
}

// A short form of a long hash or key: the first and last characters.
export function shortHash(hex, keep = 10) {
  const s = String(hex || '');
  return s.length <= keep * 2 + 1 ? s : `${s.slice(0, keep)}…${s.slice(-keep)}`;
}

export function prettyJson(payload) {
  if (typeof payload === 'string') {
    try {
      return JSON.stringify(JSON.parse(payload), null, 2);
    } catch {
      return payload;
    }
  }
  return JSON.stringify(payload, null, 2);
}

const iso = (ms) => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null);

function errorBox(err) {
  const area = messageArea();
  area.error(err);
  return area.el;
}

// --- the page -------------------------------------------------------------------

export function render(ctx) {
  const staff = STAFF.includes(ctx.user.role);
  const seq = Number.parseInt(ctx.query.get('id') || '', 10);
  const keys = { map: new Map() };
  const head = h('section', { class: 'card ledger-head', 'aria-labelledby': 'ledger-head-title' }, h('h2', { id: 'ledger-head-title', i18n: k('ledger.head') }), loading());
  const keysCard = h('section', { class: 'card ledger-keys', 'aria-labelledby': 'ledger-keys-title' }, h('h2', { id: 'ledger-keys-title', i18n: k('ledger.keys') }), loading());
  const records = recordsSection(Number.isFinite(seq) && seq > 0 ? seq : null, keys, staff);

  // The keys name each record's organisation: load them before the records.
  const keysLoaded = api(`${LEDGER}/keys`).then((data) => {
    keys.map = keyIndex(data.keys);
    keysCard.replaceChildren(keysCard.firstChild, h('p', { class: 'hint', i18n: k('ledger.keys_lead') }), keysTable(data.keys || []));
  }).catch((err) => keysCard.replaceChildren(keysCard.firstChild, errorBox(err)));
  api(`${LEDGER}/head`).then((data) => {
    head.replaceChildren(head.firstChild, headFacts(data));
    keysLoaded.finally(() => records.start(data.seq));
  }).catch((err) => {
    head.replaceChildren(head.firstChild, errorBox(err));
    records.fail(err);
  });

  return h(
    'div',
    { class: 'ledger-page' },
    pageHeader(k('ledger.title'), k('ledger.lead')),
    h('p', { class: 'ledger-explain', i18n: k('ledger.explain') }),
    staff ? replicaSection() : null,
    head,
    records.el,
    keysCard,
  );
}

function headFacts(d) {
  const dl = h('dl', { class: 'ledger-facts', dataset: { seq: String(d.seq) } });
  const fact = (key, value) => dl.append(h('dt', { i18n: key }), h('dd', {}, value));
  fact(k('ledger.head_seq'), raw(String(d.seq), 'span', { class: 'ledger-head-seq' }));
  fact(k('ledger.head_hash'), raw(d.hash, 'code', { class: 'hash' }));
  fact(k('ledger.operator_key'), raw(d.operator_key, 'code', { class: 'hash' }));
  if (d.bytes != null) fact(k('ledger.size'), h('span', { i18n: k('ledger.bytes'), args: { bytes: { number: d.bytes } } }));
  fact(k('ledger.role'), h('span', { i18n: d.replica ? k('ledger.is_replica') : k('ledger.is_primary') }));
  return dl;
}

function keysTable(keys) {
  return dataTable({
    captionKey: k('ledger.keys'),
    columns: [k('ledger.col_key'), k('ledger.col_org'), k('ledger.col_public_key'), k('ledger.col_added'), k('ledger.col_status')],
    items: keys,
    emptyKey: k('ledger.no_keys'),
    rowFn: (key) => h('tr', { class: key.revoked_seq ? 'is-revoked' : null, dataset: { key: key.key_id, revoked: String(!!key.revoked_seq) } },
      h('td', {}, raw(key.key_id, 'code')),
      h('td', {}, raw(key.organisation)),
      h('td', {}, raw(shortHash(key.public_key), 'code', { class: 'hash', title: key.public_key })),
      h('td', {}, recordLink(key.added_seq)),
      h('td', {}, key.revoked_seq
        ? h('span', { class: 'badge badge-danger ledger-revoked', i18n: k('ledger.revoked_at'), args: { seq: key.revoked_seq } })
        : h('span', { class: 'badge badge-ok', i18n: k('ledger.key_valid') }))),
  });
}

function recordLink(seq) {
  return h('a', { href: `#/ledger/${seq}`, i18n: k('ledger.record_n'), args: { seq } });
}

// --- records ------------------------------------------------------------------------

function recordsSection(startAt, keys, staff) {
  const list = h('ol', { class: 'ledger-chain', i18nAriaLabel: k('ledger.records') });
  const status = h('div', { class: 'ledger-records-status' }, loading());
  const more = h('div', { class: 'ledger-more' });
  let shown = [];

  async function loadBelow(top) {
    const page = pageBefore(top);
    more.replaceChildren();
    if (!page) {
      if (shown.length) more.append(h('p', { class: 'hint ledger-start', i18n: k('ledger.chain_start') }));
      return;
    }
    const data = await api(LEDGER, { query: page });
    const fresh = data.records || [];
    shown = [...shown, ...fresh];
    const linked = chain(shown);
    list.replaceChildren(...linked.map((r) => recordItem(r, keys.map, staff, r.seq === startAt)));
    status.replaceChildren();
    if (page.after > 0) {
      const button = h('button', { type: 'button', class: 'button button-secondary button-small', dataset: { action: 'older' }, i18n: k('ledger.older') });
      button.addEventListener('click', () => {
        button.disabled = true;
        loadBelow(page.after).catch((err) => more.replaceChildren(errorBox(err)));
      });
      more.append(button);
    } else {
      more.append(h('p', { class: 'hint ledger-start', i18n: k('ledger.chain_start') }));
    }
  }

  const el = h('section', { class: 'card ledger-records', 'aria-labelledby': 'ledger-records-title' },
    h('h2', { id: 'ledger-records-title', i18n: k('ledger.records') }),
    startAt ? h('p', { class: 'toolbar' }, h('span', { i18n: k('ledger.from_record'), args: { seq: startAt } }), ' ', h('a', { href: '#/ledger', i18n: k('ledger.from_head') })) : null,
    h('p', { class: 'hint', i18n: k('ledger.records_lead') }),
    status, list, more);
  return {
    el,
    start(headSeq) {
      if (!headSeq) {
        status.replaceChildren(h('p', { class: 'hint', i18n: k('ledger.empty') }));
        return;
      }
      const top = startAt ? Math.min(startAt, headSeq) : headSeq;
      loadBelow(top).catch((err) => status.replaceChildren(errorBox(err)));
    },
    fail(err) {
      status.replaceChildren(errorBox(err));
    },
  };
}

const LINK_KEYS = {
  ok: k('ledger.link_ok'),
  broken: k('ledger.link_broken'),
  genesis: k('ledger.link_genesis'),
  unknown: k('ledger.link_unknown'),
};

function recordItem(r, keys, staff, current) {
  const key = keys.get(r.key_id);
  const signer = h('span', { class: 'ledger-signer' },
    raw(r.key_id, 'code'),
    key ? [' · ', raw(key.organisation)] : null,
    revokedBefore(key, r.seq) ? [' ', h('span', { class: 'badge badge-danger', i18n: k('ledger.key_revoked') })] : null);
  const payload = r.payload && typeof r.payload === 'object' ? r.payload : null;
  let related = null;
  if (payload && r.kind === 'sanction' && payload.sanction_id && staff) {
    related = h('a', { class: 'ledger-related', href: `#/sanctions/${payload.sanction_id}`, i18n: k('ledger.see_sanction'), args: { id: payload.sanction_id } });
  } else if (payload && r.kind === 'traceback' && payload.case_id && staff) {
    related = h('a', { class: 'ledger-related', href: `#/traceback/${payload.case_id}`, i18n: k('ledger.see_traceback'), args: { id: payload.case_id } });
  }
  const dl = h('dl', { class: 'ledger-record-facts' });
  const fact = (label, value) => dl.append(h('dt', { i18n: label }), h('dd', {}, value));
  fact(k('ledger.signed_by'), signer);
  fact(k('ledger.signed_at'), iso(r.signed_ms) ? h('span', { time: iso(r.signed_ms) }) : raw('—'));
  fact(k('ledger.appended_at'), iso(r.appended_ms) ? h('span', { time: iso(r.appended_ms) }) : raw('—'));
  fact(k('ledger.hash'), raw(r.hash, 'code', { class: 'hash ledger-hash' }));
  fact(k('ledger.prev'), raw(r.prev, 'code', { class: 'hash ledger-prev' }));
  const kind = KIND_KEYS[r.kind] ? h('span', { class: 'badge badge-info ledger-kind', dataset: { kind: r.kind }, i18n: KIND_KEYS[r.kind] }) : raw(r.kind, 'span', { class: 'badge badge-muted ledger-kind' });
  return h('li', { class: ['ledger-record', current ? 'is-current' : null, `link-${r.link}`], id: `ledger-record-${r.seq}`, dataset: { seq: String(r.seq), kind: r.kind, link: r.link } },
    h('div', { class: 'ledger-record-head' },
      h('strong', { class: 'ledger-seq', i18n: k('ledger.record_n'), args: { seq: r.seq } }), ' ', kind, related ? [' ', related] : null),
    dl,
    h('details', { class: 'ledger-payload', open: current || undefined },
      h('summary', { i18n: k('ledger.payload') }),
      raw(prettyJson(r.payload), 'pre', { class: 'json' })),
    h('p', { class: `ledger-link-note link-${r.link}`, role: r.link === 'broken' ? 'alert' : null, i18n: LINK_KEYS[r.link], args: { seq: r.seq - 1 } }));
}

// --- replica --------------------------------------------------------------------------

function replicaSection() {
  const body = h('div', {}, loading());
  api(`${LEDGER}/replica`).then((d) => body.replaceChildren(replicaView(d))).catch((err) => {
    if (err instanceof ApiError && err.status === 404) {
      body.replaceChildren(h('p', { class: 'ledger-not-replica', i18n: k('ledger.not_replica') }));
    } else {
      body.replaceChildren(errorBox(err));
    }
  });
  return h('section', { class: 'card ledger-replica', 'aria-labelledby': 'ledger-replica-title' },
    h('h2', { id: 'ledger-replica-title', i18n: k('ledger.replica') }), body);
}

function replicaView(d) {
  const out = h('div', { class: 'ledger-replica-state', dataset: { diverged: String(!!d.diverged) } });
  if (d.diverged) {
    out.append(h('div', { class: 'ledger-diverged', role: 'alert' },
      h('p', {}, h('strong', { i18n: k('ledger.diverged_title') })),
      h('p', { i18n: k('ledger.diverged_at'), args: { seq: d.diverged.seq } }),
      raw(d.diverged.reason, 'p', { class: 'ledger-diverged-reason' }),
      iso(d.diverged.detected_ms) ? h('p', { class: 'hint', i18n: k('ledger.diverged_detected'), args: { time: { time: iso(d.diverged.detected_ms) } } }) : null,
      h('p', { class: 'hint', i18n: k('ledger.diverged_advice') }),
      h('p', {}, h('a', { href: `#/ledger/${d.diverged.seq}`, i18n: k('ledger.record_n'), args: { seq: d.diverged.seq } }))));
  } else {
    out.append(h('p', { class: 'notice notice-success ledger-in-step', i18n: k('ledger.replica_ok') }));
  }
  const dl = h('dl', { class: 'ledger-facts' });
  const fact = (label, value) => dl.append(h('dt', { i18n: label }), h('dd', {}, value));
  fact(k('ledger.primary'), raw(d.primary, 'code'));
  fact(k('ledger.replica_head'), headText(d.replica_head));
  fact(k('ledger.primary_head'), headText(d.primary_head));
  fact(k('ledger.last_sync'), iso(d.last_sync_ms) ? h('span', { time: iso(d.last_sync_ms) }) : h('span', { i18n: k('ledger.never') }));
  if (d.last_error) fact(k('ledger.last_error'), raw(d.last_error, 'span', { class: 'ledger-last-error' }));
  fact(k('ledger.audited'), h('span', { i18n: k('ledger.audited_upto'), args: { seq: d.audited_upto || 0 } }),);
  fact(k('ledger.last_audit'), iso(d.last_audit_ms) ? h('span', { time: iso(d.last_audit_ms) }) : h('span', { i18n: k('ledger.never') }));
  out.append(dl);
  return out;
}

function headText(head) {
  if (!head) return raw('—');
  return h('span', {}, h('span', { i18n: k('ledger.record_n'), args: { seq: head.seq } }), ' ', raw(shortHash(head.hash), 'code', { class: 'hash', title: head.hash }));
}
