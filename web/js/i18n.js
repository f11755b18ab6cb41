// Translation catalogue, vocabulary labels and local-time formatting.
//
// All visible text of the portal comes from web/i18n/<lang>.json. Static HTML marks
// elements with data-i18n="key" (and data-i18n-placeholder / -title / -aria-label /
// -alt for attributes); JS builds elements through dom.js's h(), which sets the same
// attributes, so that switching the language re-translates the page in place
// (applyI18n) without losing what the user typed.
//
// Vocabulary terms (categories, nuisance kinds, roles, organisation kinds) are not in
// the catalogue: they come from GET /api/v1/vocabulary and are shown through
// data-vocab="roles" data-vocab-name="admin".
//
// This module touches no DOM or storage at import time, so node tests can import it.

export const LANGS = ['en', 'zh'];
export const HTML_LANG = { en: 'en', zh: 'zh-CN' };
const INTL_LOCALE = { en: 'en-GB', zh: 'zh-CN' };
const STORAGE_KEY = 'quell.lang';

const catalogues = { en: {}, zh: {} };
let current = 'en';
let vocabulary = null;
const listeners = new Set();

// Marks a string literal as a catalogue key without translating it (for key tables
// such as role -> welcome text). The i18n test checks every k('...') key exists.
export function k(key) {
  return key;
}

export function setCatalogue(lang, data) {
  catalogues[lang] = data || {};
}

export function getLang() {
  return current;
}

// Looks a key up in a nested or flat catalogue ("a.b.c" or {"a":{"b":{"c":..}}}).
export function lookup(catalogue, key) {
  if (!catalogue) return undefined;
  if (Object.prototype.hasOwnProperty.call(catalogue, key) && typeof catalogue[key] === 'string') {
    return catalogue[key];
  }
  let node = catalogue;
  for (const part of key.split('.')) {
    if (node == null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) {
      return undefined;
    }
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

// A parameter's text. Plain values are shown as they are; {date: iso} (with
// offset: minutes east of UTC, the date there), {time: iso} and {number: n} are
// formatted for the current language when the text is made,
// so that a language switch formats them again.
export function argText(value) {
  if (value && typeof value === 'object') {
    if ('date' in value) return formatDate(value.date, { offsetMinutes: value.offset ?? null });
    if ('time' in value) return formatTime(value.time);
    if ('number' in value) return formatNumber(value.number);
  }
  return String(value);
}

export function interpolate(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) && params[name] != null ? argText(params[name]) : whole,
  );
}

const warned = new Set();

// t('key', {name: 'x'}) -> the text for the current language. A key missing from the
// current language falls back to English, then to the key itself (and warns once).
export function t(key, params) {
  let text = lookup(catalogues[current], key);
  if (text === undefined) text = lookup(catalogues.en, key);
  if (text === undefined) {
    if (!warned.has(key)) {
      warned.add(key);
      globalThis.console?.warn?.(`i18n: missing key ${key}`);
    }
    return key;
  }
  return interpolate(text, params);
}

// The language to start with: the stored choice, else the browser's preference.
export function detectLang(stored, navigatorLanguages) {
  if (LANGS.includes(stored)) return stored;
  for (const tag of navigatorLanguages || []) {
    const l = String(tag).toLowerCase();
    if (l.startsWith('zh')) return 'zh';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

// --- vocabulary -------------------------------------------------------------

export const VOCAB_KINDS = ['categories', 'nuisance_kinds', 'roles', 'org_kinds'];

export function setVocabulary(data) {
  vocabulary = data && typeof data === 'object' ? data : null;
}

export function hasVocabulary() {
  return vocabulary != null;
}

// The terms of one kind: [{name, en, zh}, ...] (empty when the server gave none).
export function vocabTerms(kind) {
  const list = vocabulary && Array.isArray(vocabulary[kind]) ? vocabulary[kind] : [];
  return list.filter((term) => term && typeof term.name === 'string');
}

// The label of a term for the current language; the machine name if unknown.
export function vocabLabel(kind, name) {
  const term = vocabTerms(kind).find((x) => x.name === name);
  if (!term) return name == null ? '' : String(name);
  return term[current] || term.en || term.name;
}

// --- time -------------------------------------------------------------------

// An RFC 3339 UTC time shown in the browser's local time zone, in the current language.
export function formatTime(iso, { withSeconds = false } = {}) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const opts = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (withSeconds) opts.second = '2-digit';
  return new Intl.DateTimeFormat(INTL_LOCALE[current], opts).format(date);
}

// The local date of an RFC 3339 time ("30 December 2026", "2026年12月30日").
// With offsetMinutes, the date at that UTC offset instead of the browser's time
// zone (the Do-Not-Call register's dates are dates of its own zone, +08:00).
export function formatDate(iso, { offsetMinutes = null } = {}) {
  if (!iso) return '';
  let date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const opts = { year: 'numeric', month: 'long', day: 'numeric' };
  if (offsetMinutes != null && Number.isFinite(Number(offsetMinutes))) {
    date = new Date(date.getTime() + Number(offsetMinutes) * 60_000);
    opts.timeZone = 'UTC';
  }
  return new Intl.DateTimeFormat(INTL_LOCALE[current], opts).format(date);
}

export function formatNumber(n) {
  return new Intl.NumberFormat(INTL_LOCALE[current]).format(n);
}

// --- DOM --------------------------------------------------------------------

const ATTRS = [
  ['i18nPlaceholder', 'placeholder'],
  ['i18nTitle', 'title'],
  ['i18nAriaLabel', 'aria-label'],
  ['i18nAlt', 'alt'],
];

function argsOf(el) {
  const raw = el.dataset.i18nArgs;
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function translateElement(el) {
  const d = el.dataset;
  if (d.i18n) el.textContent = t(d.i18n, argsOf(el));
  for (const [prop, attr] of ATTRS) {
    if (d[prop]) el.setAttribute(attr, t(d[prop], argsOf(el)));
  }
  if (d.vocab) el.textContent = vocabLabel(d.vocab, d.vocabName);
  if (d.time) el.textContent = formatTime(d.time, { withSeconds: d.timeSeconds === '1' });
  if (d.date) el.textContent = formatDate(d.date, { offsetMinutes: d.dateOffset ?? null });
}

const SELECTOR =
  '[data-i18n],[data-i18n-placeholder],[data-i18n-title],[data-i18n-aria-label],[data-i18n-alt],[data-vocab],[data-time],[data-date]';

// Translates `root` and everything under it in place.
export function applyI18n(root) {
  if (!root) return;
  if (root.nodeType === 1 && root.matches(SELECTOR)) translateElement(root);
  if (root.querySelectorAll) root.querySelectorAll(SELECTOR).forEach(translateElement);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Loads both catalogues (they are small) so a switch needs no network.
export async function loadCatalogues(fetchImpl = globalThis.fetch) {
  await Promise.all(
    LANGS.map(async (lang) => {
      const url = new URL(`../i18n/${lang}.json`, import.meta.url);
      const res = await fetchImpl(url, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`catalogue ${lang}: HTTP ${res.status}`);
      setCatalogue(lang, await res.json());
    }),
  );
}

function storedLang() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function initialLang() {
  const nav = globalThis.navigator;
  return detectLang(storedLang(), nav ? (nav.languages?.length ? nav.languages : [nav.language]) : []);
}

// Switches the language: stores the choice, updates <html lang>, re-translates the page.
export function setLang(lang, { persist = true } = {}) {
  if (!LANGS.includes(lang)) return;
  current = lang;
  if (persist) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, lang);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }
  const doc = globalThis.document;
  if (doc) {
    doc.documentElement.lang = HTML_LANG[lang];
    applyI18n(doc.body);
  }
  for (const fn of listeners) fn(lang);
}
