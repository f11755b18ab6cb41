// Checks the portal's text catalogue (web/i18n/*.json) against the pages and
// scripts that use it. Run with: node --test tests/web/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEB = path.join(ROOT, 'web');

// Latin words allowed inside Chinese text (product and standard names).
const LATIN_ALLOWED_IN_ZH = ['STIR/SHAKEN', 'Quell', 'English', 'API', 'SIP', 'DNC', 'E.164', '12321'];
// Text allowed in HTML without data-i18n: the brand name.
const BRAND = 'Quell';

function walk(dir, ext) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, ext));
    else if (full.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

function flatten(node, prefix = '', out = {}) {
  for (const [key, value] of Object.entries(node)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value, full, out);
    else out[full] = value;
  }
  return out;
}

const load = (lang) => JSON.parse(readFileSync(path.join(WEB, 'i18n', `${lang}.json`), 'utf8'));
const en = flatten(load('en'));
const zh = flatten(load('zh'));
const namespaces = new Set(Object.keys(load('en')));
const rel = (f) => path.relative(ROOT, f);

// --- HTML ---------------------------------------------------------------------

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style']);

function parseAttrs(src) {
  const attrs = {};
  const re = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (let m = re.exec(src); m; m = re.exec(src)) attrs[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  return attrs;
}

// A small tokenizer: enough for the portal's own hand-written pages.
function scanHtml(html) {
  const elements = []; // {tag, attrs, texts: [], children: n, line}
  const stack = [];
  const src = html.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' ')).replace(/<!doctype[^>]*>/i, '');
  const re = /<(\/?)([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|([^<]+)/g;
  const lineOf = (i) => src.slice(0, i).split('\n').length;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const [, closing, tagName, attrSrc, text] = m;
    if (text !== undefined) {
      if (text.trim()) {
        const parent = stack[stack.length - 1];
        if (parent) parent.texts.push(text.trim());
        else elements.push({ tag: '#root', attrs: {}, texts: [text.trim()], ancestors: [], line: lineOf(m.index) });
      }
      continue;
    }
    const tag = tagName.toLowerCase();
    if (closing) {
      const idx = stack.map((e) => e.tag).lastIndexOf(tag);
      if (idx >= 0) stack.length = idx;
      continue;
    }
    const el = { tag, attrs: parseAttrs(attrSrc), texts: [], childTags: 0, ancestors: [...stack], line: lineOf(m.index) };
    if (stack.length) stack[stack.length - 1].childTags += 1;
    elements.push(el);
    if (RAW_TEXT.has(tag)) {
      const end = src.toLowerCase().indexOf(`</${tag}`, re.lastIndex);
      re.lastIndex = end < 0 ? src.length : end;
      el.raw = true;
      continue;
    }
    if (!VOID.has(tag) && !/\/\s*$/.test(attrSrc)) stack.push(el);
  }
  return elements;
}

const htmlFiles = walk(WEB, '.html');

// --- JS -------------------------------------------------------------------------

function stripComments(js) {
  return js.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const jsFiles = walk(WEB, '.js');
const jsSources = jsFiles.map((f) => ({ file: f, src: stripComments(readFileSync(f, 'utf8')) }));

// Keys used explicitly: t('key'), k('key'), i18n: 'key', i18nPlaceholder: 'key', ...
function explicitKeys(src) {
  const keys = [];
  for (const re of [/\b[tk]\(\s*(['"`])([^'"`$]+)\1/g, /\bi18n(?:Placeholder|Title|AriaLabel|Alt)?\s*:\s*(['"])([^'"]+)\1/g]) {
    for (let m = re.exec(src); m; m = re.exec(src)) keys.push(m[2]);
  }
  return keys;
}

// Every string literal that looks like a key of one of the catalogue's namespaces.
function keyLikeLiterals(src) {
  const out = [];
  const re = /(['"])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\1/g;
  for (let m = re.exec(src); m; m = re.exec(src)) if (namespaces.has(m[2].split('.')[0])) out.push(m[2]);
  return out;
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

// --- tests ----------------------------------------------------------------------

test('en.json and zh.json have the same keys', () => {
  const missingInZh = Object.keys(en).filter((k) => !(k in zh));
  const missingInEn = Object.keys(zh).filter((k) => !(k in en));
  assert.deepEqual(missingInZh, [], 'keys in en.json missing from zh.json');
  assert.deepEqual(missingInEn, [], 'keys in zh.json missing from en.json');
});

test('every value is a non-empty string', () => {
  for (const [lang, cat] of [['en', en], ['zh', zh]]) {
    for (const [key, value] of Object.entries(cat)) {
      assert.equal(typeof value, 'string', `${lang}.json ${key} is not a string`);
      assert.ok(value.trim().length > 0, `${lang}.json ${key} is empty`);
    }
  }
});

test('both languages use the same {parameters} in each text', () => {
  for (const key of Object.keys(en)) {
    if (!(key in zh)) continue;
    assert.deepEqual(placeholders(zh[key]), placeholders(en[key]), `parameters of ${key}`);
  }
});

test('Chinese texts hold no Latin words except the allowed names', () => {
  const bad = [];
  for (const [key, value] of Object.entries(zh)) {
    let rest = value.replace(/\{\w+\}/g, ' ');
    for (const word of LATIN_ALLOWED_IN_ZH) rest = rest.split(word).join(' ');
    if (/[A-Za-z]/.test(rest)) bad.push(`${key}: ${value}`);
  }
  assert.deepEqual(bad, []);
});

test('every data-i18n key in the HTML exists in en.json', () => {
  assert.ok(htmlFiles.length > 0, 'no HTML files found under web/');
  const missing = [];
  for (const file of htmlFiles) {
    for (const el of scanHtml(readFileSync(file, 'utf8'))) {
      for (const attr of ['data-i18n', 'data-i18n-placeholder', 'data-i18n-title', 'data-i18n-aria-label', 'data-i18n-alt']) {
        const key = el.attrs[attr];
        if (key !== undefined && !(key in en)) missing.push(`${rel(file)}:${el.line} ${attr}="${key}"`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('every key used by the scripts exists in en.json', () => {
  assert.ok(jsFiles.length > 0, 'no scripts found under web/');
  const missing = [];
  for (const { file, src } of jsSources) {
    for (const key of [...explicitKeys(src), ...keyLikeLiterals(src)]) {
      if (!(key in en)) missing.push(`${rel(file)}: ${key}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every catalogue key is used somewhere', () => {
  const used = new Set();
  for (const { src } of jsSources) for (const key of [...explicitKeys(src), ...keyLikeLiterals(src)]) used.add(key);
  for (const file of htmlFiles) {
    for (const el of scanHtml(readFileSync(file, 'utf8'))) {
      for (const [attr, value] of Object.entries(el.attrs)) if (attr.startsWith('data-i18n')) used.add(value);
    }
  }
  assert.deepEqual(Object.keys(en).filter((k) => !used.has(k)), [], 'unused keys (remove them or use them)');
});

test('the HTML has no visible text outside the catalogue', () => {
  const bad = [];
  for (const file of htmlFiles) {
    for (const el of scanHtml(readFileSync(file, 'utf8'))) {
      if (el.raw) continue;
      const skipped = 'data-i18n-skip' in el.attrs || el.ancestors.some((a) => 'data-i18n-skip' in a.attrs);
      if (skipped) continue;
      const where = `${rel(file)}:${el.line} <${el.tag}>`;
      for (const text of el.texts) {
        if (text === BRAND) continue;
        if (!('data-i18n' in el.attrs)) bad.push(`${where} text "${text}" has no data-i18n`);
      }
      if ('data-i18n' in el.attrs && el.childTags > 0) bad.push(`${where} has data-i18n and child elements (they would be replaced)`);
      for (const [attr, i18nAttr] of [
        ['placeholder', 'data-i18n-placeholder'],
        ['title', 'data-i18n-title'],
        ['aria-label', 'data-i18n-aria-label'],
        ['alt', 'data-i18n-alt'],
      ]) {
        if (el.attrs[attr] && !(i18nAttr in el.attrs)) bad.push(`${where} ${attr}="${el.attrs[attr]}" has no ${i18nAttr}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('the HTML scanner itself finds untranslated text', () => {
  const els = scanHtml('<main><p>Hello</p><p data-i18n="x">Hi</p><span data-i18n-skip>English</span><b>Quell</b><input placeholder="Name"><script>var a = "<p>x</p>";</script></main>');
  const p = els.find((e) => e.tag === 'p');
  assert.deepEqual(p.texts, ['Hello']);
  assert.ok(!('data-i18n' in p.attrs));
  assert.equal(els.find((e) => e.tag === 'input').attrs.placeholder, 'Name');
  assert.deepEqual(els.find((e) => e.tag === 'script').texts, []);
  assert.equal(els.filter((e) => e.tag === 'p').length, 2, 'script content is not parsed as HTML');
});
