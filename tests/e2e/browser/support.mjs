// Shared pieces of the browser tests: the catalogue, Chromium, and the checks for
// untranslated text. Not a test file itself (node --test runs *.test.mjs).

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BASE = (process.env.QUELL_URL || '').replace(/\/+$/, '');
export const SHOTS = path.resolve(ROOT, process.env.SCREENSHOT_DIR || 'build/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const catalogue = {
  en: JSON.parse(readFileSync(path.join(ROOT, 'web/i18n/en.json'), 'utf8')),
  zh: JSON.parse(readFileSync(path.join(ROOT, 'web/i18n/zh.json'), 'utf8')),
};

// The catalogue's text for `key` in `lang` (nested keys "a.b.c").
export function text(lang, key) {
  const value = key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), catalogue[lang]);
  assert.equal(typeof value, 'string', `catalogue ${lang} has no key ${key}`);
  return value;
}

// Latin words that may appear in the Chinese interface (as in tests/web/i18n.test.mjs).
const LATIN_ALLOWED = ['STIR/SHAKEN', 'Quell', 'English', 'API', 'SIP', 'DNC', 'E.164', '12321'];

// Headless Debian Chromium with a throw-away profile: {context, page, errors, close()}.
export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'quell-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function goto(page, hash) {
  await page.goto(`${BASE}/${hash}`);
  await page.waitForSelector('html.ready');
}

export async function waitForHeading(page, expected) {
  await page.waitForFunction((t) => document.querySelector('#main h1')?.textContent.trim() === t, expected);
}

// The demo accounts ({username, password, role}), or null when the server is not
// in demo mode.
export async function demoAccounts(page) {
  const res = await page.request.get(`${BASE}/api/v1/demo`);
  if (res.status() !== 200) return null;
  return (await res.json()).accounts || [];
}

// Signs in through the login form in `lang` and waits for the dashboard (signing
// out first whoever is signed in).
export async function signIn(page, lang, account) {
  await goto(page, '#/');
  if (await page.locator('#sign-out').count()) {
    await page.click('#sign-out');
    await page.locator('#sign-out').waitFor({ state: 'detached' });
  }
  await goto(page, '#/login');
  await page.click(`button[data-lang="${lang}"]`);
  await waitForHeading(page, text(lang, 'login.title'));
  await page.getByLabel(text(lang, 'login.username')).fill(account.username);
  await page.getByLabel(text(lang, 'login.password')).fill(account.password);
  await page.click('.login-form button[type="submit"]');
  await waitForHeading(page, text(lang, 'dashboard.title'));
}

export async function signOut(page, lang) {
  await page.click('#sign-out');
  await waitForHeading(page, text(lang, 'landing.hero.title'));
}

// Visible text nodes and label attributes that still hold Latin letters once the
// allowed words are taken out (server data, marked data-raw, is not checked).
export async function latinOffenders(page) {
  return page.evaluate((allowed) => {
    const argsOf = (el) => {
      const holder = el && el.closest('[data-i18n-args]');
      if (!holder) return [];
      try {
        return Object.values(JSON.parse(holder.dataset.i18nArgs)).map(String);
      } catch {
        return [];
      }
    };
    const clean = (s, el) => {
      let out = s;
      for (const word of [...argsOf(el), ...allowed]) if (word) out = out.split(word).join(' ');
      return out;
    };
    const skipped = (el) => !el || el.closest('script, style, noscript, template, [data-raw], [data-i18n-skip]');
    const describe = (el) => {
      const parts = [];
      for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const cls = e.getAttribute('class');
        parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (cls ? `.${cls.split(' ')[0]}` : ''));
      }
      return parts.join(' > ');
    };
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || skipped(el)) continue;
      if (!el.checkVisibility()) continue;
      if (/[A-Za-z]/.test(clean(node.textContent, el))) found.push(`${describe(el)}: "${node.textContent.trim()}"`);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
      if (skipped(el)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(attr);
        if (v && /[A-Za-z]/.test(clean(v, el))) found.push(`${describe(el)} [${attr}]: "${v}"`);
      }
    }
    if (/[A-Za-z]/.test(clean(document.title))) found.push(`<title>: "${document.title}"`);
    return found;
  }, LATIN_ALLOWED);
}

export async function assertChineseOnly(page, where) {
  assert.deepEqual(await latinOffenders(page), [], `untranslated (Latin) text on ${where} in 简体中文`);
}

// Text that looks like an untranslated catalogue key ("landing.hero.title").
export async function assertNoRawKeys(page, where) {
  const keys = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const s = n.textContent.trim();
      if (/^[a-z_]+(\.[a-z0-9_]+)+$/.test(s) && !n.parentElement.closest('[data-raw]')) out.push(s);
    }
    return out;
  });
  assert.deepEqual(keys, [], `catalogue keys shown instead of text on ${where}`);
}

// Fails the test when the browser test runs without a server or a browser.
export function requireEnv(page) {
  assert.ok(BASE, 'QUELL_URL is not set: this test needs a running `quell serve --demo` (tests/e2e/run-browser.mjs sets it)');
  assert.ok(page, 'the browser did not start');
}

// The demo account of `role`, or null with the test skipped (no demo server).
export async function demoAccount(page, t, role) {
  const accounts = await demoAccounts(page);
  if (!accounts) {
    t.skip('the server is not in demo mode');
    return null;
  }
  const found = accounts.find((a) => a.role === role);
  if (!found) t.skip(`no ${role} demo account`);
  return found || null;
}

// Switches the portal's language with its toggle and waits for it.
export async function useLang(page, lang) {
  await page.click(`button[data-lang="${lang}"]`);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang === 'zh' ? 'zh-CN' : 'en');
}
