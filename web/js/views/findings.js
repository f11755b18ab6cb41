// #/findings: what behavioural detection finds (analysts, administrators,
// carriers). See docs/detection.md.
//
// - Summary: one card per detector with its findings last seen in the last
//   24 hours and in all (GET /api/v1/findings/summary, with and without
//   ?since=), and the engine's live figures. A card filters the list by its
//   detector.
// - The list (GET /api/v1/findings): filters by detector, number (any format)
//   and days (the browser's own days), newest first, a page at a time
//   ("Older findings", ?before=). The filters are kept in the address
//   (#/findings?detector=bombing&number=...), so that the way back from a
//   finding, a bookmark or a link from elsewhere shows the same list.
// - #/findings/{id}: one finding (GET /api/v1/findings/{id}), every figure
//   labelled, first and last seen, the related numbers, and links to the other
//   findings of each number.
//
// Both views refresh every 10 seconds while they are shown (not while the
// browser tab is hidden); the loop ends when the router replaces the page.
// A refresh that brings nothing new leaves the page alone, so focus and
// selection survive it. The engine's reasons are English sentences from the
// server: they are shown as data, next to the localized detector and figures.

import { h, raw } from '../dom.js';
import { k, formatNumber } from '../i18n.js';
import { api, errorKey } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading } from '../components.js';
import { nationalNumber, numberQuery } from '../phone.js';

export const title = k('findings.doc_title');

const FINDINGS = '/api/v1/findings';
export const REFRESH_MS = 10_000;
export const PAGE = 50;
// The most the list asks for at once (the server's limit).
const MAX_LIMIT = 1000;

export const DETECTORS = ['marketing', 'robocall', 'bombing', 'one_ring', 'simbox', 'spoofing'];

export const DETECTOR_KEYS = {
  marketing: k('findings.detector.marketing'),
  robocall: k('findings.detector.robocall'),
  bombing: k('findings.detector.bombing'),
  one_ring: k('findings.detector.one_ring'),
  simbox: k('findings.detector.simbox'),
  spoofing: k('findings.detector.spoofing'),
};

const DETECTOR_HELP = {
  marketing: k('findings.detector_help.marketing'),
  robocall: k('findings.detector_help.robocall'),
  bombing: k('findings.detector_help.bombing'),
  one_ring: k('findings.detector_help.one_ring'),
  simbox: k('findings.detector_help.simbox'),
  spoofing: k('findings.detector_help.spoofing'),
};

const SEVERITY = {
  1: [k('findings.severity.low'), 'info'],
  2: [k('findings.severity.medium'), 'warn'],
  3: [k('findings.severity.high'), 'danger'],
};

const ROLE_KEYS = {
  caller: k('findings.role.caller'),
  callee: k('findings.role.callee'),
};

// How a figure is shown: count (a whole number), ratio (0..1, as a percentage),
// seconds, decimal (one decimal), flag (1/0 as yes/no), id (digits as they are).
const FIGURES = {
  attempts_minute: [k('findings.figure.attempts_minute'), 'count'],
  attempts_hour: [k('findings.figure.attempts_hour'), 'count'],
  attempts_day: [k('findings.figure.attempts_day'), 'count'],
  distinct_callees: [k('findings.figure.distinct_callees'), 'count'],
  asr: [k('findings.figure.asr'), 'ratio'],
  acd_s: [k('findings.figure.acd_s'), 'seconds'],
  sequential: [k('findings.figure.sequential'), 'count'],
  answered: [k('findings.figure.answered'), 'count'],
  under60_share: [k('findings.figure.under60_share'), 'ratio'],
  abandoned: [k('findings.figure.abandoned'), 'count'],
  international: [k('findings.figure.international'), 'flag'],
  numbers_on_imei: [k('findings.figure.numbers_on_imei'), 'count'],
  calls_on_imei_hour: [k('findings.figure.calls_on_imei_hour'), 'count'],
  imei: [k('findings.figure.imei'), 'id'],
  cell: [k('findings.figure.cell'), 'id'],
  domestic_on_international: [k('findings.figure.domestic_on_international'), 'count'],
  failed_verification: [k('findings.figure.failed_verification'), 'count'],
  region_conflicts: [k('findings.figure.region_conflicts'), 'count'],
  sim_changes: [k('findings.figure.sim_changes'), 'count'],
  attempts: [k('findings.figure.attempts'), 'count'],
  callers: [k('findings.figure.callers'), 'count'],
  repeat: [k('findings.figure.repeat'), 'decimal'],
  unanswered: [k('findings.figure.unanswered'), 'count'],
  attempts_to_victim: [k('findings.figure.attempts_to_victim'), 'count'],
};
// The order figures are listed in (the server sends them by name).
const FIGURE_ORDER = Object.keys(FIGURES);

const SUMMARY_ENGINE = [
  ['events', k('findings.summary.events')],
  ['active_numbers', k('findings.summary.active_numbers')],
  ['findings_raised', k('findings.summary.findings_raised')],
  ['joined', k('findings.summary.joined')],
];

const PROBLEM_KEYS = {
  503: k('findings.unavailable'),
};

// --- helpers without DOM (tested in tests/web/modules.test.mjs) -----------------

// A finding's number as people read it: numbers of the home country in
// national format (the server's `national`, else our own), others in E.164.
export function displayNumber(number, national) {
  const n = String(number ?? '');
  if (n.startsWith('+86') && national) return String(national);
  return nationalNumber(n);
}

// A figure's value for display: {key, args} (text from the catalogue), {text}
// (a number formatted for the current language) or {code} (an identifier,
// digits as they are).
export function figureValue(name, value) {
  const v = Number(value);
  if (!Number.isFinite(v)) return { code: String(value ?? '') };
  const kind = FIGURES[name] ? FIGURES[name][1] : 'other';
  switch (kind) {
    case 'count':
      return { text: formatNumber(Math.round(v)) };
    case 'ratio':
      return { key: k('findings.value.percent'), args: { n: { number: Math.round(v * 1000) / 10 } } };
    case 'seconds':
      return { key: k('findings.value.seconds'), args: { n: { number: Math.round(v * 10) / 10 } } };
    case 'decimal':
      return { text: formatNumber(Math.round(v * 10) / 10) };
    case 'flag':
      return { key: v ? k('findings.value.yes') : k('findings.value.no') };
    case 'id':
      return { code: v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 }) };
    default:
      return { text: formatNumber(Math.round(v * 1000) / 1000) };
  }
}

// The catalogue key of a figure's label, or null for a figure this page does
// not know (shown by its name).
export function figureLabelKey(name) {
  return FIGURES[name] ? FIGURES[name][0] : null;
}

// {name: value} -> [[name, value]]: the known figures in a reading order, then
// the others by name.
export function orderedFigures(figures) {
  const entries = figures && typeof figures === 'object' ? Object.entries(figures) : [];
  const rank = (name) => {
    const i = FIGURE_ORDER.indexOf(name);
    return i < 0 ? FIGURE_ORDER.length : i;
  };
  return entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

// The window a finding's figures were measured over -> {key, args}.
export function windowText(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (!s) return { key: k('findings.window.none') };
  if (s % 86400 === 0) return { key: k('findings.window.days'), args: { n: { number: s / 86400 } } };
  if (s % 3600 === 0) return { key: k('findings.window.hours'), args: { n: { number: s / 3600 } } };
  if (s % 60 === 0) return { key: k('findings.window.minutes'), args: { n: { number: s / 60 } } };
  return { key: k('findings.window.seconds'), args: { n: { number: s } } };
}

// What a finding's related numbers are to it: the callers of a call-bombing
// victim, the victim of a call bomber, the other numbers behind a SIM box's
// IMEI, or just related numbers.
export function relatedKey(finding) {
  const f = finding || {};
  if (f.detector === 'bombing') return f.role === 'callee' ? k('findings.detail.related_callers') : k('findings.detail.related_victim');
  if (f.detector === 'simbox') return k('findings.detail.related_imei');
  return k('findings.detail.related');
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// A local day "2026-11-29" -> the Date of its local midnight, or null.
function localMidnight(day) {
  const m = DAY.exec(String(day ?? ''));
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return date.getFullYear() === Number(m[1]) && date.getMonth() === Number(m[2]) - 1 && date.getDate() === Number(m[3]) ? date : null;
}

// The filters (as the form or the address holds them) -> {query} for
// GET /api/v1/findings, or {error: key}. Days are the browser's own: `since`
// is the start of its first day, `until` the end of its last (the server
// keeps findings last seen at or after `since` and first seen before `until`).
export function findingsQuery({ detector = '', number = '', since = '', until = '' } = {}) {
  const query = {};
  if (detector) {
    if (!DETECTORS.includes(detector)) return { error: k('findings.filter.error_detector') };
    query.detector = detector;
  }
  const typed = String(number ?? '').trim();
  if (typed) {
    const n = numberQuery(typed);
    if (!n) return { error: k('findings.filter.error_number') };
    query.number = n;
  }
  let from = null;
  let to = null;
  if (since) {
    from = localMidnight(since);
    if (!from) return { error: k('findings.filter.error_day') };
    query.since = from.toISOString();
  }
  if (until) {
    to = localMidnight(until);
    if (!to) return { error: k('findings.filter.error_day') };
    to = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
    query.until = to.toISOString();
  }
  if (from && to && from >= to) return { error: k('findings.filter.error_order') };
  return { query };
}

const FILTER_NAMES = ['detector', 'number', 'since', 'until'];

// The filters in an address's query (URLSearchParams) -> {detector, number,
// since, until} (empty strings for those not given).
export function filtersFromQuery(params) {
  const out = {};
  for (const name of FILTER_NAMES) out[name] = (params && params.get(name)) || '';
  return out;
}

// The address of the list with `filters`: "#/findings?detector=bombing".
export function listHash(filters = {}) {
  const qs = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const v = String(filters[name] ?? '').trim();
    if (v) qs.set(name, v);
  }
  const s = qs.toString();
  return s ? `#/findings?${s}` : '#/findings';
}

// The address of one finding.
export function findingHash(id) {
  return `#/findings/${encodeURIComponent(String(id))}`;
}

// How many findings a refresh asks for: as many as are shown (so that the
// older pages the user opened stay), at least a page, at most the server's limit.
export function refreshLimit(shown) {
  return Math.min(MAX_LIMIT, Math.max(PAGE, Number(shown) || 0));
}

// The ids in `items` that `known` (a Set of ids) did not have.
export function newIds(known, items) {
  if (!known) return new Set();
  return new Set((items || []).map((f) => f.id).filter((id) => !known.has(id)));
}

// --- shared pieces ---------------------------------------------------------------

// The list's address the detail page leads back to (the last one shown).
let lastList = '#/findings';

const dash = () => h('span', { class: 'muted', i18n: k('common.dash') });

function showProblem(area, err) {
  const args = err && err.retryAfter ? { seconds: err.retryAfter } : undefined;
  const key = (err && PROBLEM_KEYS[err.status]) || errorKey(err);
  area.el.replaceChildren(
    h('p', { class: 'problem' }, h('span', { i18n: key, args }), err && err.detail ? raw(err.detail, 'span', { class: 'server-detail' }) : null),
  );
}

// Shows `err` in `area` unless it is the one already shown (a failing refresh
// must not announce itself every 10 s). -> the new signature.
function showOnce(area, err, shown) {
  const now = `${err && err.status} ${errorKey(err)} ${(err && err.detail) || ''}`;
  if (now !== shown) showProblem(area, err);
  return now;
}

function phone(number, national, { link = false } = {}) {
  if (number == null || number === '') return dash();
  const shown = displayNumber(number, national);
  const props = { class: 'tn', title: shown !== number ? number : null, dataset: { e164: number } };
  if (link) return raw(shown, 'a', { ...props, href: listHash({ number }) });
  return raw(shown, 'span', props);
}

export function detectorName(name) {
  return DETECTOR_KEYS[name] ? h('span', { class: 'detector-name', dataset: { detector: name }, i18n: DETECTOR_KEYS[name] }) : raw(name, 'code');
}

function severityBadge(severity) {
  const s = SEVERITY[Number(severity)];
  if (!s) return raw(String(severity ?? ''), 'span', { class: 'badge badge-muted severity' });
  return h('span', { class: `badge badge-${s[1]} severity severity-${Number(severity)}`, dataset: { severity: String(severity) }, i18n: s[0] });
}

function roleLabel(role) {
  return ROLE_KEYS[role] ? h('span', { dataset: { role }, i18n: ROLE_KEYS[role] }) : raw(role, 'code');
}

// Calls run() every REFRESH_MS while `root` is in the page: the router replaces
// the page on navigation, which ends the loop. Nothing while the tab is hidden;
// one run at a time.
function refreshWhileShown(root, run) {
  const tick = async () => {
    if (!root.isConnected) return;
    if (!document.hidden) {
      try {
        await run();
      } catch (err) {
        console.error(err);
      }
    }
    if (root.isConnected) setTimeout(tick, REFRESH_MS);
  };
  setTimeout(tick, REFRESH_MS);
}

// --- the page ---------------------------------------------------------------------

export function render(ctx) {
  const id = ctx.query && ctx.query.get('id');
  return id ? renderDetail(id) : renderList(ctx);
}

// --- the list -----------------------------------------------------------------------

function renderList(ctx) {
  let filters = filtersFromQuery(ctx.query);
  lastList = listHash(filters);
  let list;
  const summary = summarySection((detector) => {
    // A card filters by its detector (a second press shows every detector).
    const next = { ...filters, detector: filters.detector === detector ? '' : detector };
    list.setFilters(next);
  });
  list = listSection(filters, (next) => {
    filters = next;
    lastList = listHash(filters);
    history.replaceState(null, '', lastList);
    summary.mark(filters.detector);
  });
  summary.mark(filters.detector);

  const root = h(
    'div',
    { class: 'admin-page findings-page', dataset: { refreshMs: String(REFRESH_MS) } },
    pageHeader(k('findings.title'), k('findings.lead')),
    h('p', { class: 'small muted live-note' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), h('span', { i18n: k('findings.live') })),
    summary.el,
    list.el,
  );
  summary.refresh();
  list.load();
  refreshWhileShown(root, () => Promise.all([summary.refresh(), list.refresh()]));
  return root;
}

// --- summary: per detector, and the engine ------------------------------------------------

function summarySection(onPick) {
  const errors = messageArea();
  const cards = new Map();
  const grid = h(
    'ul',
    { class: 'detector-cards', i18nAriaLabel: k('findings.summary.title') },
    DETECTORS.map((d) => {
      const day = h('span', { class: 'stat-value detector-day' }, '–');
      const all = h('span', { class: 'detector-all small muted' });
      const button = h(
        'button',
        {
          type: 'button',
          class: `detector-card detector-${d}`,
          'aria-pressed': 'false',
          dataset: { detector: d, action: 'pick-detector' },
          on: { click: () => onPick(d) },
        },
        h('span', { class: 'detector-card-name', i18n: DETECTOR_KEYS[d] }),
        day,
        h('span', { class: 'detector-day-label small muted', i18n: k('findings.summary.last_day') }),
        all,
      );
      cards.set(d, { button, day, all });
      return h('li', {}, button);
    }),
  );
  const engine = h('ul', { class: 'stat-list engine-stats', i18nAriaLabel: k('findings.summary.engine'), hidden: true });
  let problem = '';

  async function refresh() {
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    try {
      const [day, all] = await Promise.all([api(`${FINDINGS}/summary`, { query: { since: dayAgo } }), api(`${FINDINGS}/summary`)]);
      problem = '';
      errors.clear();
      const dayBy = (day && day.by_detector) || {};
      const allBy = (all && all.by_detector) || {};
      for (const [d, c] of cards) {
        const nDay = Number(dayBy[d]) || 0;
        const nAll = Number(allBy[d]) || 0;
        c.button.dataset.day = String(nDay);
        c.button.dataset.all = String(nAll);
        c.button.classList.toggle('has-findings', nDay > 0);
        c.day.textContent = formatNumber(nDay);
        c.all.replaceChildren(h('span', { i18n: k('findings.summary.all'), args: { n: { number: nAll } } }));
      }
      const e = (all && all.engine) || (day && day.engine);
      if (e) {
        engine.hidden = false;
        engine.replaceChildren(
          ...SUMMARY_ENGINE.map(([name, key]) =>
            h(
              'li',
              { class: 'stat', dataset: { stat: name, value: String(e[name] ?? '') } },
              h('span', { class: 'stat-label', i18n: key }),
              h('span', { class: 'stat-value' }, formatNumber(Number(e[name]) || 0)),
            ),
          ),
        );
      } else {
        engine.hidden = true;
      }
    } catch (err) {
      problem = showOnce(errors, err, problem);
    }
  }

  function mark(detector) {
    for (const [d, c] of cards) c.button.setAttribute('aria-pressed', String(d === detector));
  }

  const el = h(
    'section',
    { class: 'section findings-summary', id: 'findings-summary', 'aria-labelledby': 'findings-summary-title' },
    h('h2', { id: 'findings-summary-title', i18n: k('findings.summary.title') }),
    h('p', { class: 'section-lead muted', i18n: k('findings.summary.lead') }),
    errors.el,
    grid,
    h('h3', { class: 'engine-title', i18n: k('findings.summary.engine') }),
    h('p', { class: 'small muted', i18n: k('findings.summary.engine_lead') }),
    engine,
  );
  return { el, refresh, mark };
}

// --- filters and the table ------------------------------------------------------------------

function listSection(initial, onFilters) {
  const formErrors = messageArea();
  const errors = messageArea();
  const count = h('span', { class: 'findings-count' });
  const stamp = h('span', { class: 'updated' });
  const status = h('p', { class: 'small muted findings-status' }, h('span', { role: 'status', 'aria-live': 'polite' }, count), ' ', stamp);
  const slot = h('div', { class: 'findings-slot' }, loading());
  const more = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'older' }, i18n: k('findings.list.older'), hidden: true });

  const detector = h('select', {}, h('option', { value: '', i18n: k('findings.filter.all') }), DETECTORS.map((d) => h('option', { value: d, i18n: DETECTOR_KEYS[d] })));
  const number = h('input', { type: 'search', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', placeholder: '021 6123 4001' });
  const since = h('input', { type: 'date' });
  const until = h('input', { type: 'date' });
  const apply = h('button', { type: 'submit', class: 'button', dataset: { action: 'filter' }, i18n: k('findings.filter.submit') });
  const clear = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'clear' }, i18n: k('findings.filter.clear') });
  const form = h(
    'form',
    { class: 'filter-bar inline-form findings-filter', novalidate: true, role: 'search' },
    field({ label: k('findings.filter.detector'), name: 'detector', control: detector }),
    field({ label: k('findings.filter.number'), name: 'number', hint: k('findings.filter.number_hint'), control: number }),
    field({ label: k('findings.filter.since'), name: 'since', control: since }),
    field({ label: k('findings.filter.until'), name: 'until', hint: k('findings.filter.days_hint'), control: until }),
    h('div', { class: 'form-actions' }, apply, ' ', clear),
  );

  let filters = { ...initial };
  let query = {};
  let items = [];
  let before = null;
  let known = null; // ids shown before the last refresh
  let signature = '';
  let seq = 0;
  let busy = false;
  let problem = '';

  function fillForm() {
    detector.value = DETECTORS.includes(filters.detector) ? filters.detector : '';
    number.value = filters.number || '';
    since.value = filters.since || '';
    until.value = filters.until || '';
  }

  function filtered() {
    return FILTER_NAMES.some((n) => filters[n]);
  }

  function draw(fresh) {
    // Keep keyboard focus on the finding it was on.
    const active = document.activeElement;
    const focusedId = active && slot.contains(active) ? active.closest('tr[data-finding]')?.dataset.finding : null;
    slot.replaceChildren(table(items, fresh, filtered()));
    // The count is a live region: told again only when it changes.
    if (count.dataset.count !== String(items.length)) {
      count.dataset.count = String(items.length);
      count.replaceChildren(h('span', { i18n: k('findings.list.shown'), args: { count: { number: items.length } } }));
    }
    more.hidden = before == null;
    if (focusedId) slot.querySelector(`tr[data-finding="${CSS.escape(focusedId)}"] a.finding-link`)?.focus({ preventScroll: true });
  }

  // Loads the list: the first page again (append: false), the next older page
  // (append: true), or, for a refresh, as many as are shown.
  async function fetchList({ append = false, refresh = false } = {}) {
    const mine = ++seq;
    busy = true;
    if (!refresh) more.disabled = true;
    if (!append && !refresh) slot.setAttribute('aria-busy', 'true');
    try {
      const limit = refresh ? refreshLimit(items.length) : PAGE;
      const data = await api(FINDINGS, { query: { ...query, limit, before: append ? before : null } });
      if (mine !== seq) return;
      const page = (data && Array.isArray(data.findings) && data.findings) || [];
      const next = data && data.next_before != null ? data.next_before : null;
      problem = '';
      errors.clear();
      stamp.replaceChildren(h('span', { i18n: k('findings.list.updated') }), ' ', h('time', { time: new Date().toISOString(), dataset: { timeSeconds: '1' } }));
      if (append) {
        items = items.concat(page);
        before = next;
        signature = JSON.stringify(items);
        known = new Set(items.map((f) => f.id));
        draw(new Set());
        return;
      }
      const sig = JSON.stringify(page);
      if (refresh && sig === signature && next === before) return;
      const fresh = refresh ? newIds(known, page) : new Set();
      items = page;
      before = next;
      signature = sig;
      known = new Set(items.map((f) => f.id));
      draw(fresh);
    } catch (err) {
      if (mine !== seq) return;
      if (!append && !refresh) {
        items = [];
        signature = '';
        slot.replaceChildren();
        count.replaceChildren();
        delete count.dataset.count;
        stamp.replaceChildren();
        more.hidden = true;
      }
      problem = showOnce(errors, err, problem);
    } finally {
      if (mine === seq) {
        busy = false;
        more.disabled = false;
        slot.removeAttribute('aria-busy');
      }
    }
  }

  // Shows the list for `next` filters (from the form or a summary card).
  function setFilters(next) {
    const { query: q, error } = findingsQuery(next);
    if (error) {
      formErrors.show(error);
      return false;
    }
    formErrors.clear();
    filters = { ...next };
    query = q;
    fillForm();
    items = [];
    known = null;
    onFilters(filters);
    fetchList();
    return true;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = { detector: detector.value, number: number.value.trim(), since: since.value, until: until.value };
    if (!setFilters(next)) {
      const { error } = findingsQuery(next);
      if (error === k('findings.filter.error_number')) number.focus();
      else if (error === k('findings.filter.error_order') || error === k('findings.filter.error_day')) since.focus();
    }
  });
  clear.addEventListener('click', () => {
    setFilters({ detector: '', number: '', since: '', until: '' });
  });
  more.addEventListener('click', () => fetchList({ append: true }));

  fillForm();

  function load() {
    const { query: q, error } = findingsQuery(filters);
    if (error) {
      // A hand-made address with a bad filter: say so, and show every finding.
      formErrors.show(error);
      filters = { detector: '', number: '', since: '', until: '' };
      fillForm();
      query = {};
      onFilters(filters);
    } else {
      query = q;
    }
    return fetchList();
  }

  async function refresh() {
    if (busy) return;
    await fetchList({ refresh: true });
  }

  const el = h(
    'section',
    { class: 'section findings-list', id: 'findings-list', 'aria-labelledby': 'findings-list-title' },
    h('h2', { id: 'findings-list-title', i18n: k('findings.list.title') }),
    h('p', { class: 'section-lead muted', i18n: k('findings.list.lead') }),
    h('div', { class: 'card try-card' }, formErrors.el, form),
    errors.el,
    status,
    slot,
    h('div', { class: 'pager' }, more),
  );
  return { el, load, refresh, setFilters };
}

function table(items, fresh, filtered) {
  const wrap = dataTable({
    captionKey: k('findings.list.caption'),
    columns: [
      k('findings.list.col_last_seen'),
      k('findings.list.col_number'),
      k('findings.list.col_detector'),
      k('findings.list.col_role'),
      k('findings.list.col_reason'),
      k('findings.list.col_calls'),
    ],
    items,
    emptyKey: filtered ? k('findings.list.empty') : k('findings.list.empty_all'),
    rowFn: (f) =>
      h(
        'tr',
        {
          class: ['finding-row', fresh.has(f.id) ? 'row-new' : null],
          dataset: { finding: String(f.id), detector: f.detector || '', number: f.number || '', role: f.role || '', severity: String(f.severity ?? '') },
          on: {
            click: (event) => {
              if (event.target.closest('a, button')) return;
              location.hash = findingHash(f.id);
            },
          },
        },
        h('td', { class: 'nowrap' }, f.last_seen ? h('time', { time: f.last_seen }) : dash()),
        h(
          'td',
          { class: 'nowrap' },
          raw(displayNumber(f.number, f.national), 'a', {
            class: 'tn finding-link',
            href: findingHash(f.id),
            title: f.number,
            dataset: { e164: f.number || '' },
          }),
        ),
        h('td', { class: 'nowrap' }, detectorName(f.detector), ' ', severityBadge(f.severity)),
        h('td', {}, roleLabel(f.role)),
        h('td', { class: 'reason' }, f.reason ? raw(f.reason, 'span', { class: 'engine-reason', lang: 'en' }) : dash()),
        h('td', { class: 'num' }, formatNumber(Number(f.calls) || 0)),
      ),
  });
  wrap.querySelector('table').classList.add('compact', 'findings-table');
  return wrap;
}

// --- one finding ---------------------------------------------------------------------------------

function renderDetail(id) {
  const errors = messageArea();
  const slot = h('div', { class: 'finding-slot', 'aria-live': 'polite' }, loading());
  const back = h('a', { class: 'back-link', href: lastList, dataset: { action: 'back' }, i18n: k('findings.detail.back') });
  let signature = '';
  let problem = '';

  async function load() {
    try {
      const f = await api(`${FINDINGS}/${encodeURIComponent(id)}`);
      problem = '';
      errors.clear();
      const sig = JSON.stringify(f);
      if (sig === signature) return;
      signature = sig;
      slot.replaceChildren(findingCard(f || {}));
    } catch (err) {
      if (err && (err.status === 404 || err.status === 400)) {
        signature = '';
        slot.replaceChildren(h('p', { class: 'notice notice-info finding-missing', i18n: k('findings.detail.not_found'), args: { id: String(id) } }));
        return;
      }
      if (!signature) slot.replaceChildren();
      problem = showOnce(errors, err, problem);
    }
  }

  const root = h(
    'div',
    { class: 'admin-page findings-page finding-detail-page', dataset: { finding: String(id), refreshMs: String(REFRESH_MS) } },
    h('p', { class: 'back' }, back),
    pageHeader(k('findings.detail.title'), null, { id: String(id) }),
    errors.el,
    slot,
  );
  load();
  refreshWhileShown(root, load);
  return root;
}

function findingCard(f) {
  const fact = (key, value, name) => h('div', { dataset: { fact: name } }, h('dt', { i18n: key }), h('dd', {}, value));
  const win = windowText(f.window_seconds);
  const figures = orderedFigures(f.figures);
  const related = Array.isArray(f.related) ? f.related.filter((r) => r && r.e164) : [];
  const shown = displayNumber(f.number, f.national);

  const figureList = figures.length
    ? h(
        'dl',
        { class: 'facts figures' },
        figures.map(([name, value]) => {
          const labelKey = figureLabelKey(name);
          const v = figureValue(name, value);
          let valueEl;
          if (v.key) valueEl = h('span', { i18n: v.key, args: v.args });
          else if (v.code !== undefined) valueEl = raw(v.code, 'code');
          else valueEl = h('span', {}, v.text);
          return h(
            'div',
            { class: 'figure', dataset: { figure: name, value: String(value) } },
            h('dt', {}, labelKey ? h('span', { i18n: labelKey }) : raw(name, 'code', { class: 'figure-name' })),
            h('dd', {}, valueEl),
          );
        }),
      )
    : h('p', { class: 'muted', i18n: k('findings.detail.figures_none') });

  const relatedList = related.length
    ? h(
        'ul',
        { class: 'related-list' },
        related.map((r) => h('li', { dataset: { e164: r.e164 } }, phone(r.e164, r.national, { link: true }))),
      )
    : h('p', { class: 'muted', i18n: k('common.none') });

  return h(
    'section',
    {
      class: `card finding-card finding-${f.detector || 'unknown'}`,
      'aria-labelledby': 'finding-number-title',
      dataset: { finding: String(f.id ?? ''), detector: f.detector || '', number: f.number || '', severity: String(f.severity ?? '') },
    },
    h(
      'h2',
      { id: 'finding-number-title', class: 'finding-title' },
      raw(shown, 'span', { class: 'tn', title: f.number }),
      ' ',
      detectorName(f.detector),
      ' ',
      severityBadge(f.severity),
    ),
    DETECTOR_HELP[f.detector] ? h('p', { class: 'detector-help', i18n: DETECTOR_HELP[f.detector] }) : null,
    h(
      'p',
      { class: 'finding-reason' },
      h('span', { class: 'muted', i18n: k('findings.detail.reason') }),
      ' ',
      f.reason ? raw(f.reason, 'span', { class: 'engine-reason', lang: 'en' }) : dash(),
    ),
    h(
      'dl',
      { class: 'facts finding-facts' },
      fact(k('findings.detail.number'), h('span', {}, raw(shown, 'span', { class: 'tn' }), shown !== f.number ? [' ', raw(f.number, 'code', { class: 'e164' })] : null), 'number'),
      fact(k('findings.detail.role'), roleLabel(f.role), 'role'),
      fact(k('findings.detail.first_seen'), f.first_seen ? h('time', { time: f.first_seen, dataset: { timeSeconds: '1' } }) : dash(), 'first_seen'),
      fact(k('findings.detail.last_seen'), f.last_seen ? h('time', { time: f.last_seen, dataset: { timeSeconds: '1' } }) : dash(), 'last_seen'),
      fact(k('findings.detail.window'), h('span', { i18n: win.key, args: win.args }), 'window'),
      fact(k('findings.detail.calls'), h('span', {}, formatNumber(Number(f.calls) || 0)), 'calls'),
      fact(k('findings.detail.recorded_at'), f.recorded_at ? h('time', { time: f.recorded_at, dataset: { timeSeconds: '1' } }) : dash(), 'recorded_at'),
    ),
    h('h3', { i18n: k('findings.detail.figures') }),
    figureList,
    h('h3', { i18n: relatedKey(f) }),
    relatedList,
    f.number
      ? h(
          'p',
          { class: 'other-findings' },
          h('a', { href: listHash({ number: f.number }), class: 'button button-secondary', dataset: { action: 'number-findings' }, i18n: k('findings.detail.other_findings'), args: { number: shown } }),
        )
      : null,
  );
}
