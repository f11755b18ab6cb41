// Pieces shared by the Do-Not-Call pages: the citizen's page (#/dnc), the
// business's (#/business/dnc) and the registry staff's (#/dnc/registry).
//
// The helpers without DOM at the top are tested in tests/web/modules.test.mjs.

import { h, raw } from '../../dom.js';
import { k, vocabTerms, formatNumber } from '../../i18n.js';
import { api, errorKey } from '../../api.js';
import { dataTable, messageArea, loading } from '../../components.js';
import { nationalNumber, numberQuery } from '../../phone.js';

export const DNC = '/api/v1/dnc';

// The one taxonomy of marketing (the server's vocabulary gives the labels; this
// list is the fallback when it could not be loaded).
export const CATEGORY_NAMES = ['finance', 'insurance', 'real_estate', 'education', 'health', 'food', 'telecom', 'recruitment', 'travel', 'other'];

// Statutory calling hours (the server's default [dnc] calling_hours).
export const CALLING_HOURS = { from: '08:00', to: '21:00' };

// The register's time zone, in minutes east of UTC (the server's default [dnc]
// utc_offset): a date alone, such as an exemption's first or last day, is a date
// there, whatever the browser's time zone.
export const REGISTER_UTC_OFFSET_MINUTES = 8 * 60;

// The largest list a scrub accepts (the server's body limit for /dnc/scrub).
export const MAX_LIST_BYTES = 256 * 1024 * 1024;

export const SCRUB_STATUSES = ['callable', 'protected', 'exempt', 'invalid'];

export const STATUS_KEYS = {
  callable: k('dnc.scrub_status.callable'),
  protected: k('dnc.scrub_status.protected'),
  exempt: k('dnc.scrub_status.exempt'),
  invalid: k('dnc.scrub_status.invalid'),
};
const STATUS_VARIANT = { callable: 'ok', protected: 'danger', exempt: 'info', invalid: 'muted' };

export const CHANNEL_KEYS = {
  web: k('dnc.channel.web'),
  rest: k('dnc.channel.rest'),
  carrier: k('dnc.channel.carrier'),
  import: k('dnc.channel.import'),
  admin: k('dnc.channel.admin'),
};

export const OP_KEYS = {
  register: k('dnc.op.register'),
  remove: k('dnc.op.remove'),
  preferences: k('dnc.op.preferences'),
};

export const STATE_KEYS = {
  none: k('dnc.state.none'),
  grace: k('dnc.state.grace'),
  protected: k('dnc.state.protected'),
  removed: k('dnc.state.removed'),
};
const STATE_VARIANT = { none: 'muted', grace: 'warn', protected: 'ok', removed: 'muted' };

export const SEEN_KEYS = {
  attempt: k('dnc.violations.seen_attempt'),
  completed: k('dnc.violations.seen_completed'),
};

// --- helpers without DOM -----------------------------------------------------------

const two = (n) => String(n).padStart(2, '0');

// 18, 21 -> "18-21" (whole hours, end exclusive; 24 is midnight at the end of
// the day; an end before the start wraps past midnight: 22, 2 -> "22-02").
export function bandName(from, to) {
  return `${two(from)}-${two(to)}`;
}

// "18-21" -> {from: 18, to: 21, hours: 3, wraps: false}; null when it is not a
// band the register accepts (start 00-23, end 00-24, not equal).
export function parseBand(name) {
  const m = /^(\d{2})-(\d{2})$/.exec(String(name ?? '').trim());
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (from > 23 || to > 24 || from === to) return null;
  const hours = ((to % 24) - from + 24) % 24 || 24;
  return { from, to, hours, wraps: to < from };
}

// "18-21" -> "18:00–21:00" (the same in both languages).
export function bandLabel(name) {
  const b = parseBand(name);
  if (!b) return String(name ?? '');
  return `${two(b.from)}:00–${two(b.to)}:00`;
}

// A registration of the citizen's status (null when the number never was on
// the register) -> none | grace | protected | removed.
export function registrationState(reg, now = Date.now()) {
  if (!reg) return 'none';
  if (!reg.registered) return 'removed';
  const from = Date.parse(reg.protected_from);
  return Number.isFinite(from) && from > now ? 'grace' : 'protected';
}

// The preferences form -> the body of PUT /api/v1/dnc/me, or {error: key}.
// all: refuse every category (sent as an empty list); otherwise at least one
// category. bands: [{from, to}] in hours; duplicates are sent once.
export function preferencesBody({ all, categories = [], bands = [] }) {
  const cats = all ? [] : [...new Set(categories)];
  if (!all && !cats.length) return { error: k('dnc.citizen.prefs.error_categories') };
  const names = [];
  for (const b of bands) {
    const name = bandName(Number(b.from), Number(b.to));
    if (!parseBand(name)) return { error: k('dnc.citizen.prefs.error_band') };
    if (!names.includes(name)) names.push(name);
  }
  return { body: { categories: cats, accepted_bands: names } };
}

// X-Quell-Scrub-Counts "total=6, callable=3, protected=1, exempt=1, invalid=1"
// -> {total: 6, callable: 3, ...}; null when the header is missing.
export function parseCounts(header) {
  if (!header) return null;
  const out = {};
  for (const part of String(header).split(',')) {
    const m = /^\s*(\w+)\s*=\s*(\d+)\s*$/.exec(part);
    if (m) out[m[1]] = Number(m[2]);
  }
  return Object.keys(out).length ? out : null;
}

// One CSV line (RFC 4180: "quoted, fields" with "" for a quote) -> fields.
export function parseCsvLine(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

// The first rows of a scrub result ("number,status,detail", then a row a
// number) -> {rows: [{number, status, detail}], more}. With `partial`, `text`
// is the start of a longer answer and a last line without its end is left out.
export function resultPreview(text, { limit = 20, partial = false } = {}) {
  const s = String(text ?? '');
  const lines = s.split(/\r?\n/);
  if (partial && !s.endsWith('\n')) lines.pop();
  const rows = [];
  let more = false;
  let first = true;
  for (const line of lines) {
    if (!line) continue;
    const [number = '', status = '', detail = ''] = parseCsvLine(line);
    const header = first && number === 'number' && status === 'status';
    first = false;
    if (header) continue;
    if (rows.length >= limit) {
      more = true;
      break;
    }
    rows.push({ number, status, detail });
  }
  return { rows, more };
}

// How many numbers a declared range holds ("+862161234000".."+862161234999" ->
// 1000); null when they are not E.164 numbers of the same length.
export function rangeSize(first, last) {
  const a = /^\+(\d{1,15})$/.exec(String(first ?? ''));
  const b = /^\+(\d{1,15})$/.exec(String(last ?? ''));
  if (!a || !b || a[1].length !== b[1].length) return null;
  const n = Number(b[1]) - Number(a[1]) + 1;
  return n > 0 ? n : null;
}

// An exemption -> active | revoked | expired | future.
export function exemptionState(e, now = Date.now()) {
  if (!e) return 'revoked';
  if (e.revoked_at) return 'revoked';
  const expires = Date.parse(e.expires_at);
  if (e.expires_at && Number.isFinite(expires) && expires <= now) return 'expired';
  const starts = Date.parse(e.starts_at);
  if (Number.isFinite(starts) && starts > now) return 'future';
  return 'active';
}

const SIZE_KEYS = [k('dnc.size.bytes'), k('dnc.size.kb'), k('dnc.size.mb'), k('dnc.size.gb')];

// A size in bytes -> {key, args: {n}} in the largest unit that keeps n >= 1
// (one decimal below 10).
export function sizeText(bytes) {
  let n = Math.max(0, Number(bytes) || 0);
  let unit = 0;
  while (n >= 1024 && unit < SIZE_KEYS.length - 1) {
    n /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? n : n < 10 ? Math.round(n * 10) / 10 : Math.round(n);
  return { key: SIZE_KEYS[unit], args: { n: { number: shown } } };
}

// A number as someone typed it, shown in national format when it is a number of
// the home country written in one of the usual ways ("13800138005",
// "+86 138-0013-8005", "0086…", "021 6123 4000"); otherwise as typed.
export function typedNumber(text) {
  const typed = String(text ?? '').trim();
  const q = numberQuery(typed);
  if (!q) return typed;
  let e164 = null;
  if (q.startsWith('+')) e164 = q;
  else if (q.startsWith('0086')) e164 = `+${q.slice(2)}`;
  else if (q.startsWith('0')) e164 = `+86${q.slice(1)}`;
  else if (/^1\d{10}$/.test(q)) e164 = `+86${q}`;
  if (!e164) return typed;
  const shown = nationalNumber(e164);
  return shown === e164 ? typed : shown;
}

// Talk time in seconds -> "0:42", "12:05", "1:02:03" (the same in both languages).
export function talkTime(seconds) {
  const total = Math.max(0, Math.round(Number(seconds) || 0));
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = two(total % 60);
  return hh ? `${hh}:${two(mm)}:${ss}` : `${mm}:${ss}`;
}

// What a violation's outcome was: blocked (refused by the network at set-up),
// through (put through at set-up), answered or unanswered (from the call record).
export function violationOutcome(v) {
  if (!v) return 'through';
  if (v.seen === 'completed') return v.answered ? 'answered' : 'unanswered';
  return v.blocked ? 'blocked' : 'through';
}

// The `before` of the next page of a list paged by id (newest first), or null
// when `items` was the last page.
export function nextBefore(items, limit) {
  if (!Array.isArray(items) || !items.length || items.length < limit) return null;
  const id = Number(items[items.length - 1].id);
  return Number.isFinite(id) && id > 1 ? id : null;
}

// --- shared pieces ---------------------------------------------------------------

export const dash = () => h('span', { class: 'muted', i18n: k('common.dash') });

// A date of the register (an exemption's first or last day): its date in the
// register's time zone.
export function registerDate(iso) {
  return h('time', { date: iso, dataset: { dateOffset: String(REGISTER_UTC_OFFSET_MINUTES) } });
}

// A number in national format where possible, its E.164 form as a tooltip.
export function phone(number) {
  if (number == null || number === '') return dash();
  const shown = nationalNumber(number);
  return raw(shown, 'span', { class: 'tn', title: shown !== number ? number : null, dataset: { e164: number } });
}

// An error in `area`: the translated explanation (`keys` by HTTP status first),
// then the server's own message as data.
export function showProblem(area, err, keys = {}) {
  const args = err && err.retryAfter ? { seconds: err.retryAfter } : undefined;
  const key = (err && keys[err.status]) || errorKey(err);
  area.el.replaceChildren(
    h('p', { class: 'problem' }, h('span', { i18n: key, args }), err && err.detail ? raw(err.detail, 'span', { class: 'server-detail' }) : null),
  );
}

export function scrubStatusBadge(status) {
  return STATUS_KEYS[status]
    ? h('span', { class: `badge badge-${STATUS_VARIANT[status]}`, dataset: { status }, i18n: STATUS_KEYS[status] })
    : raw(status, 'span', { class: 'badge badge-muted' });
}

export function stateBadge(state) {
  return h('span', { class: `badge badge-${STATE_VARIANT[state]} dnc-state`, dataset: { state }, i18n: STATE_KEYS[state] });
}

export function channelLabel(channel) {
  return CHANNEL_KEYS[channel] ? h('span', { i18n: CHANNEL_KEYS[channel] }) : raw(channel, 'code');
}

export function opLabel(op) {
  return OP_KEYS[op] ? h('span', { i18n: OP_KEYS[op] }) : raw(op, 'code');
}

// The refused categories: "all marketing", or one tag per category.
export function categoryTags(categories) {
  const list = Array.isArray(categories) ? categories : [];
  if (!list.length || (list.length === 1 && list[0] === 'all')) {
    return h('span', { class: 'dnc-all', dataset: { categories: 'all' }, i18n: k('dnc.prefs.all') });
  }
  return h(
    'ul',
    { class: 'tag-list', dataset: { categories: list.join(' ') } },
    list.map((name) => h('li', { class: 'badge badge-info', dataset: { category: name }, vocab: ['categories', name] })),
  );
}

// The accepted bands: "none", or one tag per band.
export function bandTags(bands) {
  const list = Array.isArray(bands) ? bands : [];
  if (!list.length) return h('span', { class: 'muted', dataset: { bands: '' }, i18n: k('dnc.prefs.no_bands') });
  return h(
    'ul',
    { class: 'tag-list', dataset: { bands: list.join(' ') } },
    list.map((name) => raw(bandLabel(name), 'li', { class: 'badge badge-muted tn', dataset: { band: name } })),
  );
}

// Checkboxes of the categories, labelled in the page's language.
export function categoryChecks(name, selected = []) {
  const terms = vocabTerms('categories');
  const names = terms.length ? terms.map((t) => t.name) : CATEGORY_NAMES;
  return h(
    'ul',
    { class: 'choice-list' },
    names.map((c) =>
      h(
        'li',
        {},
        h(
          'label',
          {},
          h('input', { type: 'checkbox', name, value: c, checked: selected.includes(c) }),
          ' ',
          h('span', { vocab: ['categories', c] }),
        ),
      ),
    ),
  );
}

export function checkedValues(root, name) {
  return [...root.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

// --- scrub receipts (the business's own, or every business's for the staff) -----

const short = (hash) => (hash ? `${String(hash).slice(0, 12)}…` : '');

// A SHA-256 shown short, in full as a tooltip.
export function hashCell(hash) {
  return hash ? raw(short(hash), 'code', { class: 'hash', title: hash, dataset: { hash } }) : dash();
}

// An organisation by its name when the server gave one, else by its number.
export function orgCell(id, name) {
  return name ? raw(name, 'span', { class: 'org-name' }) : h('span', { class: 'muted', i18n: k('dnc.receipts.org_id'), args: { id: String(id) } });
}

// The table of receipts: [{id, org_id, org_name, actor, at, counts, list_sha256}].
// A titled section of a DNC page (aria-labelledby its heading).
export function section(id, titleKey, leadKey, ...children) {
  return h(
    'section',
    { class: 'section', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title`, i18n: titleKey }),
    leadKey ? h('p', { class: 'section-lead muted', i18n: leadKey }) : null,
    ...children,
  );
}

export function receiptsTable(items, { withOrg = false, highlight = null } = {}) {
  const columns = [
    k('dnc.receipts.col_id'),
    k('dnc.receipts.col_at'),
    withOrg ? k('dnc.receipts.col_org') : null,
    k('dnc.receipts.col_actor'),
    k('dnc.receipts.col_total'),
    k('dnc.scrub_status.callable'),
    k('dnc.scrub_status.protected'),
    k('dnc.scrub_status.exempt'),
    k('dnc.scrub_status.invalid'),
    k('dnc.receipts.col_list'),
  ].filter(Boolean);
  const count = (c, name) => h('td', { class: 'num', dataset: { count: name } }, formatNumber(Number((c || {})[name]) || 0));
  const wrap = dataTable({
    captionKey: k('dnc.receipts.caption'),
    columns,
    items,
    emptyKey: k('dnc.receipts.empty'),
    rowFn: (r) =>
      h(
        'tr',
        { class: r.id === highlight ? 'row-new' : null, dataset: { receipt: r.id, org: String(r.org_id) } },
        h('td', {}, raw(r.id, 'code', { class: 'receipt-id' })),
        h('td', { class: 'nowrap' }, r.at ? h('time', { time: r.at }) : dash()),
        withOrg ? h('td', {}, orgCell(r.org_id, r.org_name)) : null,
        h('td', {}, raw(r.actor)),
        count(r.counts, 'total'),
        count(r.counts, 'callable'),
        count(r.counts, 'protected'),
        count(r.counts, 'exempt'),
        count(r.counts, 'invalid'),
        h('td', {}, hashCell(r.list_sha256)),
      ),
  });
  wrap.querySelector('table').classList.add('compact', 'receipts-table');
  return wrap;
}

// --- violations (the business's own, or every business's for the staff) -------------

const OUTCOME = {
  blocked: [k('dnc.violations.outcome_blocked'), 'warn'],
  through: [k('dnc.violations.outcome_through'), 'danger'],
  answered: [k('dnc.violations.outcome_answered'), 'danger'],
  unanswered: [k('dnc.violations.outcome_unanswered'), 'muted'],
};

// The rows of a violations page.
export const VIOLATIONS_PAGE = 50;

// The table of violations: [{id, org_id, org_name, caller, callee, at, category,
// seen, blocked, answered, talk_seconds, call_id, trunk}].
export function violationsTable(items, { withOrg = false } = {}) {
  const columns = [
    k('dnc.violations.col_at'),
    withOrg ? k('dnc.violations.col_org') : null,
    k('dnc.violations.col_caller'),
    k('dnc.violations.col_callee'),
    k('dnc.violations.col_category'),
    k('dnc.violations.col_seen'),
    k('dnc.violations.col_outcome'),
    k('dnc.violations.col_call'),
  ].filter(Boolean);
  const wrap = dataTable({
    captionKey: k('dnc.violations.caption'),
    columns,
    items,
    emptyKey: k('dnc.violations.empty'),
    rowFn: (v) => {
      const outcome = violationOutcome(v);
      const [outcomeKey, variant] = OUTCOME[outcome];
      return h(
        'tr',
        { dataset: { violation: String(v.id), org: String(v.org_id), seen: v.seen || '', outcome, category: v.category || '', caller: v.caller || '', callee: v.callee || '' } },
        h('td', { class: 'nowrap' }, v.at ? h('time', { time: v.at, dataset: { timeSeconds: '1' } }) : dash()),
        withOrg
          ? h('td', { class: 'violation-org' }, orgCell(v.org_id, v.org_name), v.org_name ? h('div', { class: 'small muted', i18n: k('dnc.violations.org_no'), args: { id: String(v.org_id) } }) : null)
          : null,
        h('td', { class: 'nowrap violation-caller' }, phone(v.caller)),
        h('td', { class: 'nowrap violation-callee' }, phone(v.callee)),
        h('td', {}, v.category ? h('span', { class: 'badge badge-info', dataset: { category: v.category }, vocab: ['categories', v.category] }) : dash()),
        h('td', {}, SEEN_KEYS[v.seen] ? h('span', { i18n: SEEN_KEYS[v.seen] }) : raw(v.seen, 'code')),
        h(
          'td',
          { class: 'nowrap' },
          h('span', { class: `badge badge-${variant} violation-outcome`, i18n: outcomeKey }),
          outcome === 'answered' ? h('div', { class: 'small muted talk-time', i18n: k('dnc.violations.talk'), args: { time: talkTime(v.talk_seconds) } }) : null,
        ),
        h(
          'td',
          { class: 'detail' },
          v.call_id ? raw(v.call_id, 'code', { class: 'call-id' }) : dash(),
          v.trunk ? h('div', { class: 'small muted', i18n: k('dnc.violations.trunk'), args: { trunk: v.trunk } }) : null,
        ),
      );
    },
  });
  wrap.querySelector('table').classList.add('compact', 'violations-table');
  return wrap;
}

// The violations, loaded on request (each answer is audited as a view of
// personal data), newest first, a page at a time: {el, show(query)} where
// show() loads the first page for `query` ({org_id} or nothing) again.
export function violationsList({ withOrg = false } = {}) {
  const errors = messageArea();
  const status = h('p', { class: 'small muted violations-status', role: 'status', 'aria-live': 'polite' });
  const slot = h('div', { class: 'violations-slot' });
  const more = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'more-violations' }, i18n: k('dnc.violations.more'), hidden: true });
  let items = [];
  let query = {};
  let before = null;
  let seq = 0;

  async function load(append) {
    const mine = ++seq;
    more.disabled = true;
    if (!append) slot.setAttribute('aria-busy', 'true');
    if (!append && !items.length) slot.replaceChildren(loading());
    try {
      const data = await api(`${DNC}/violations`, { query: { ...query, limit: VIOLATIONS_PAGE, before: append ? before : null } });
      if (mine !== seq) return;
      const page = (data && data.violations) || [];
      items = append ? items.concat(page) : page;
      before = nextBefore(page, VIOLATIONS_PAGE);
      errors.clear();
      slot.replaceChildren(violationsTable(items, { withOrg }));
      status.replaceChildren(h('span', { i18n: k('dnc.violations.shown'), args: { count: { number: items.length } } }));
      more.hidden = before == null;
    } catch (err) {
      if (mine !== seq) return;
      if (!append) {
        items = [];
        slot.replaceChildren();
        status.replaceChildren();
        more.hidden = true;
      }
      showProblem(errors, err);
    } finally {
      if (mine === seq) {
        more.disabled = false;
        slot.removeAttribute('aria-busy');
      }
    }
  }
  more.addEventListener('click', () => load(true));
  return {
    el: h('div', { class: 'violations' }, errors.el, status, slot, h('div', { class: 'pager' }, more)),
    show(q = {}) {
      query = q;
      return load(false);
    },
  };
}

