// Browser test of the portal shell against a running Quell server.
//
// Needs: QUELL_URL (base URL of `quell serve --demo`), QUELL_ADMIN_USER and
// QUELL_ADMIN_PASSWORD (an administrator's login). Optional: SCREENSHOT_DIR
// (default build/screenshots). Drives Debian's Chromium (/usr/bin/chromium)
// through playwright-core; no browser is downloaded.
//
//   QUELL_URL=http://127.0.0.1:8080 QUELL_ADMIN_USER=admin QUELL_ADMIN_PASSWORD=... \
//     node --test tests/e2e/browser/

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BASE = (process.env.QUELL_URL || '').replace(/\/+$/, '');
const ADMIN_USER = process.env.QUELL_ADMIN_USER || '';
const ADMIN_PASSWORD = process.env.QUELL_ADMIN_PASSWORD || '';
const SHOTS = path.resolve(ROOT, process.env.SCREENSHOT_DIR || 'build/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 90_000;

const catalogue = {
  en: JSON.parse(readFileSync(path.join(ROOT, 'web/i18n/en.json'), 'utf8')),
  zh: JSON.parse(readFileSync(path.join(ROOT, 'web/i18n/zh.json'), 'utf8')),
};
function text(lang, key) {
  const value = key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), catalogue[lang]);
  assert.equal(typeof value, 'string', `catalogue ${lang} has no key ${key}`);
  return value;
}

// Latin words that may appear in the Chinese interface. Server data (usernames,
// organisation names, ...) is marked data-raw by the portal and not checked.
const LATIN_ALLOWED = ['STIR/SHAKEN', 'Quell', 'English', 'API', 'SIP', 'DNC', 'E.164', '12321'];

let context;
let page;
let userDataDir;
const pageErrors = [];

function requireEnv() {
  assert.ok(
    BASE,
    'QUELL_URL is not set: this test needs a running `quell serve --demo` (the e2e harness sets QUELL_URL, QUELL_ADMIN_USER and QUELL_ADMIN_PASSWORD)',
  );
  assert.ok(context, 'the browser did not start');
}

before(async () => {
  if (!BASE) return;
  mkdirSync(SHOTS, { recursive: true });
  userDataDir = mkdtempSync(path.join(tmpdir(), 'quell-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
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
  page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(String(err)));
});

after(async () => {
  if (context) await context.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

function assertNoPageErrors() {
  assert.deepEqual(pageErrors, [], 'JavaScript errors on the page');
}

async function goto(hash) {
  await page.goto(`${BASE}/${hash}`);
  await page.waitForSelector('html.ready');
}

async function waitForHeading(expected) {
  await page.waitForFunction((t) => document.querySelector('#main h1')?.textContent.trim() === t, expected);
}

// Visible text nodes and label attributes that still hold Latin letters once the
// allowed words are taken out.
async function latinOffenders() {
  return page.evaluate((allowed) => {
    // Parameters of a translated text (data-i18n-args) are data, e.g. a username
    // in "Fill in the form with {username}".
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
        parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''));
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

async function assertChineseOnly(where) {
  const offenders = await latinOffenders();
  assert.deepEqual(offenders, [], `untranslated (Latin) text on ${where} in 简体中文`);
}

// Text that looks like an untranslated catalogue key ("landing.hero.title").
async function assertNoRawKeys(where) {
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

async function vocabulary() {
  const res = await page.request.get(`${BASE}/api/v1/vocabulary`);
  assert.equal(res.status(), 200, 'GET /api/v1/vocabulary');
  return res.json();
}

test('landing page in English', { timeout: TIMEOUT }, async () => {
  requireEnv();
  await goto('');
  await waitForHeading(text('en', 'landing.hero.title'));
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal((await page.textContent('.brand-name')).trim(), 'Quell');
  assert.equal((await page.textContent('.brand-tagline')).trim(), text('en', 'shell.tagline'));
  const main = await page.textContent('#main');
  for (const key of ['landing.what.title', 'landing.layers.title', 'landing.layers.auth.title', 'landing.layers.network.title', 'landing.layers.terminal.title', 'landing.actions.title']) {
    assert.ok(main.includes(text('en', key)), `landing page shows "${text('en', key)}"`);
  }
  for (const href of ['#/dnc', '#/report', '#/check']) {
    assert.ok(await page.locator(`#main .action-card a[href="${href}"]`).count(), `an action card links to ${href}`);
  }
  // Nuisance kinds come from the server's vocabulary, in the page's language.
  const vocab = await vocabulary();
  assert.ok(vocab.nuisance_kinds.length > 0, 'the vocabulary has nuisance kinds');
  const kinds = await page.locator('.kind-list dt').allTextContents();
  assert.deepEqual(kinds.map((s) => s.trim()), vocab.nuisance_kinds.map((t) => t.en));
  assert.equal(await page.getAttribute('button[data-lang="en"]', 'aria-pressed'), 'true');
  await assertNoRawKeys('the landing page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-landing-en.png'), fullPage: true });
  assertNoPageErrors();
});

test('switching to 简体中文 translates everything, without a reload, and persists', { timeout: TIMEOUT }, async () => {
  requireEnv();
  await goto('#/');
  await waitForHeading(text('en', 'landing.hero.title'));
  // Mark the window: it must survive the switch (no reload).
  await page.evaluate(() => {
    window.__noReload = true;
  });
  await page.click('button[data-lang="zh"]');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await waitForHeading(text('zh', 'landing.hero.title'));
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the language switch must not reload the page');
  assert.equal(await page.getAttribute('button[data-lang="zh"]', 'aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => localStorage.getItem('quell.lang')), 'zh');
  assert.equal((await page.textContent('.brand-tagline')).trim(), text('zh', 'shell.tagline'));
  const nav = (await page.locator('#nav-list a').allTextContents()).map((s) => s.trim());
  assert.deepEqual(nav, ['nav.home', 'nav.dnc', 'nav.report', 'nav.check', 'nav.sanctions_public', 'nav.scorecards'].map((k) => text('zh', k)));
  const vocab = await vocabulary();
  const kinds = await page.locator('.kind-list dt').allTextContents();
  assert.deepEqual(kinds.map((s) => s.trim()), vocab.nuisance_kinds.map((t) => t.zh));
  await assertChineseOnly('the landing page');
  await assertNoRawKeys('the landing page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-landing-zh.png'), fullPage: true });

  // The choice survives a reload.
  await page.reload();
  await page.waitForSelector('html.ready');
  await waitForHeading(text('zh', 'landing.hero.title'));
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');

  // The citizen pages and the error page, in Chinese.
  for (const [hash, key] of [
    ['#/dnc', 'info.dnc.title'],
    ['#/report', 'info.report.title'],
    ['#/check', 'info.check.title'],
    ['#/no/such/page', 'errors.page.not_found_title'],
  ]) {
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await waitForHeading(text('zh', key));
    await assertChineseOnly(hash);
    await assertNoRawKeys(hash);
  }
  assertNoPageErrors();
});

test('wrong credentials show a translated error', { timeout: TIMEOUT }, async () => {
  requireEnv();
  await goto('#/login');
  await waitForHeading(text('zh', 'login.title'));
  await page.getByLabel(text('zh', 'login.username')).fill('no-such-user-e2e');
  await page.getByLabel(text('zh', 'login.password')).fill('not-the-password');
  await page.click('.login-form button[type="submit"]');
  const alert = page.locator('.login-form [role="alert"] p');
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), text('zh', 'login.error_credentials'));
  await assertChineseOnly('the login page with an error');
  assertNoPageErrors();
});

test('an administrator signs in, sees the admin pages in Chinese, and signs out', { timeout: TIMEOUT }, async () => {
  requireEnv();
  assert.ok(ADMIN_USER && ADMIN_PASSWORD, 'QUELL_ADMIN_USER and QUELL_ADMIN_PASSWORD must be set');
  await goto('#/admin/users');
  // Signed out: the admin page asks for a login first.
  await waitForHeading(text('zh', 'login.title'));
  assert.match(page.url(), /#\/login\?next=/);
  await page.getByLabel(text('zh', 'login.username')).fill(ADMIN_USER);
  await page.getByLabel(text('zh', 'login.password')).fill(ADMIN_PASSWORD);
  await page.click('.login-form button[type="submit"]');

  // Back to the page that was asked for.
  await waitForHeading(text('zh', 'admin.users.title'));
  const vocab = await vocabulary();
  const adminLabel = vocab.roles.find((r) => r.name === 'admin');
  assert.ok(adminLabel, 'the vocabulary has the admin role');
  assert.equal((await page.textContent('.account-role')).trim(), adminLabel.zh, 'the user menu shows the role in Chinese');
  assert.equal((await page.textContent('.nav-role')).trim(), adminLabel.zh, 'the navigation shows the role in Chinese');
  const nav = (await page.locator('#nav-list a').allTextContents()).map((s) => s.trim());
  for (const key of ['nav.dashboard', 'nav.admin_users', 'nav.admin_orgs', 'nav.admin_keys', 'nav.admin_audit', 'nav.admin_notices']) {
    assert.ok(nav.includes(text('zh', key)), `admin navigation has "${text('zh', key)}"`);
  }
  assert.equal(await page.getAttribute('#nav-list a[href="#/admin/users"]', 'aria-current'), 'page');
  assert.equal(await page.locator('#nav-list a[href="#/carrier/shaken"]').count(), 0, 'STIR/SHAKEN is for carriers only');

  // A reload restores the session (GET /api/v1/session) and stays on the page.
  await page.reload();
  await page.waitForSelector('html.ready');
  await waitForHeading(text('zh', 'admin.users.title'));
  assert.equal(await page.locator('.account-menu').count(), 1, 'still signed in after a reload');

  // The users table lists the administrator.
  await page.locator('#main table.data-table tbody tr', { hasText: ADMIN_USER }).first().waitFor();
  await assertChineseOnly('the users page');
  await assertNoRawKeys('the users page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-admin-zh.png'), fullPage: true });

  // The other admin pages load without an error, in Chinese.
  for (const [hash, key] of [
    ['#/dashboard', 'dashboard.title'],
    ['#/admin/orgs', 'admin.orgs.title'],
    ['#/admin/keys', 'admin.keys.title'],
    ['#/admin/audit', 'admin.audit.title'],
    ['#/admin/notices', 'admin.notices.title'],
  ]) {
    await page.click(`#nav-list a[href="${hash}"]`);
    await waitForHeading(text('zh', key));
    await page.waitForFunction(() => !document.querySelector('#main .loading'));
    const errors = await page.locator('#main .message-error p').allTextContents();
    assert.deepEqual(errors, [], `${hash} shows no error`);
    await assertChineseOnly(hash);
    await assertNoRawKeys(hash);
  }

  // Sign out: DELETE /api/v1/session carries the CSRF token.
  const del = page.waitForRequest((r) => r.url().endsWith('/api/v1/session') && r.method() === 'DELETE');
  await page.click('#sign-out');
  const request = await del;
  assert.ok((await request.headerValue('x-csrf-token'))?.length > 0, 'the sign-out request carries X-CSRF-Token');
  await waitForHeading(text('zh', 'landing.hero.title'));
  await page.locator('#flash p', { hasText: text('zh', 'account.signed_out') }).waitFor();
  const status = await page.evaluate(async () => (await fetch('/api/v1/session', { credentials: 'same-origin' })).status);
  assert.equal(status, 401, 'the session is gone after signing out');
  assert.equal(await page.locator('.account-menu').count(), 0, 'no user menu after signing out');
  assertNoPageErrors();
});

test('a non-admin demo account gets the "not allowed" page for admin routes', { timeout: TIMEOUT }, async (t) => {
  requireEnv();
  const res = await page.request.get(`${BASE}/api/v1/demo`);
  if (res.status() !== 200) return t.skip('the server is not in demo mode');
  const { accounts = [] } = await res.json();
  const other = accounts.find((a) => a.role !== 'admin');
  if (!other) return t.skip('no non-admin demo account');
  await goto('#/login');
  await waitForHeading(text('zh', 'login.title'));
  // The demo table fills the form.
  const row = page.locator('.demo-card tbody tr', { hasText: other.username }).first();
  await row.locator('button').click();
  assert.equal(await page.getByLabel(text('zh', 'login.username')).inputValue(), other.username);
  await page.click('.login-form button[type="submit"]');
  await waitForHeading(text('zh', 'dashboard.title'));
  assert.equal(await page.locator('#nav-list a[href="#/admin/users"]').count(), 0, 'no admin navigation for this role');
  await assertChineseOnly(`the ${other.role} dashboard`);
  await page.evaluate(() => {
    location.hash = '#/admin/users';
  });
  await waitForHeading(text('zh', 'errors.page.forbidden_title'));
  await assertChineseOnly('the not-allowed page');
  if (other.role !== 'carrier') {
    assert.equal(await page.locator('#nav-list a[href="#/carrier/shaken"]').count(), 0, 'STIR/SHAKEN is for carriers only');
    await page.evaluate(() => {
      location.hash = '#/carrier/shaken';
    });
    await waitForHeading(text('zh', 'errors.page.forbidden_title'));
  }
  await page.click('#sign-out');
  await waitForHeading(text('zh', 'landing.hero.title'));
  assertNoPageErrors();
});

test('a carrier keeps its STIR/SHAKEN table, signs and verifies a call, in English and in Chinese', { timeout: TIMEOUT }, async (t) => {
  requireEnv();
  const res = await page.request.get(`${BASE}/api/v1/demo`);
  if (res.status() !== 200) return t.skip('the server is not in demo mode');
  const { accounts = [] } = await res.json();
  const carrier = accounts.find((a) => a.role === 'carrier');
  if (!carrier) return t.skip('no carrier demo account');

  // In English first (the tests above left the portal in Chinese).
  await goto('#/login');
  await page.click('button[data-lang="en"]');
  await waitForHeading(text('en', 'login.title'));
  await page.getByLabel(text('en', 'login.username')).fill(carrier.username);
  await page.getByLabel(text('en', 'login.password')).fill(carrier.password);
  await page.click('.login-form button[type="submit"]');
  await waitForHeading(text('en', 'dashboard.title'));

  // The section is in the carrier's navigation and on its dashboard, and only there.
  const link = page.locator('#nav-list a[href="#/carrier/shaken"]');
  assert.equal((await link.textContent()).trim(), text('en', 'nav.shaken'));
  assert.equal(await page.locator('#nav-list a[href^="#/admin/"]').count(), 0, 'no admin pages for a carrier');
  assert.equal(await page.locator('#main .tool-card a[href="#/carrier/shaken"]').count(), 1, 'the dashboard links to STIR/SHAKEN');
  await link.click();
  await waitForHeading(text('en', 'shaken.title'));
  assert.equal(await link.getAttribute('aria-current'), 'page');
  const legend = await page.textContent('#main .attest-legend');
  for (const key of ['shaken.level.a', 'shaken.level.b', 'shaken.level.c']) assert.ok(legend.includes(text('en', key)), `the legend explains ${key}`);

  // The three demo customers, gateway marked as such.
  for (const id of ['demo-finance', 'demo-callcentre', 'intl-gateway']) {
    await page.locator(`#main tr[data-customer="${id}"]`).waitFor();
  }
  assert.equal((await page.locator('#main tr[data-customer="intl-gateway"] td').nth(2).textContent()).trim(), text('en', 'shaken.kind.gateway'));
  assert.equal((await page.locator('#main tr[data-customer="demo-finance"] td').nth(1).textContent()).trim(), 'Demo Finance Ltd');
  assert.equal(await page.locator('#main .paged-table > .pager button').first().isVisible(), false, 'no "show more" without a next page');

  // The demo customer's numbers, in E.164 with '+'.
  await page.click('#main tr[data-customer="demo-finance"] button[data-action="numbers"]');
  const financeRanges = page.locator('#main tr[data-ranges-of="demo-finance"]');
  await financeRanges.locator('tr[data-first="8613800138000"]').waitFor();
  assert.match(await financeRanges.locator('tr[data-first="8613800138000"]').textContent(), /\+8613800138000.*\+8613800138999/);
  await page.click('#main tr[data-customer="demo-finance"] button[data-action="numbers"]');
  assert.equal(await financeRanges.count(), 0, 'the numbers fold away again');

  // Add a customer (unique, so that the test can run against a long-lived server).
  const suffix = Date.now().toString(36);
  const id = `e2e-shop-${suffix}`;
  const block = String(Date.now() % 10000).padStart(4, '0');
  const first = `86755${block}000`;
  const last = `86755${block}099`;
  await page.click(`#main summary:has-text("${text('en', 'shaken.customers.add_title')}")`);
  const addForm = page.locator('#main details.form-card form');
  await addForm.getByLabel(text('en', 'shaken.customers.id')).fill(id);
  await addForm.getByLabel(text('en', 'shaken.customers.name')).fill('E2E Shop Ltd');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/shaken/customers') && r.request().method() === 'POST');
  await addForm.locator('button[type="submit"]').click();
  assert.equal((await created).status(), 201);
  const row = page.locator(`#main tr[data-customer="${id}"]`);
  await row.waitFor();
  await page.locator('#main .message-area p.is-success', { hasText: id }).waitFor();

  // ... and a range of numbers for it.
  await row.locator('button[data-action="numbers"]').click();
  const panel = page.locator(`#main tr[data-ranges-of="${id}"]`);
  await panel.locator('td.empty').waitFor();
  await panel.getByLabel(text('en', 'shaken.ranges.first')).fill(first);
  await panel.getByLabel(text('en', 'shaken.ranges.last')).fill(last);
  await panel.getByLabel(text('en', 'shaken.ranges.note')).fill('e2e test numbers');
  await panel.locator('form button[type="submit"]').click();
  const rangeRow = panel.locator(`tr[data-first="${first}"]`);
  await rangeRow.waitFor();
  assert.match(await rangeRow.textContent(), new RegExp(`\\+${first}.*\\+${last}.*100`));

  // The new customer's number is attested A; another customer's number B; no customer C.
  const tryForm = page.locator('#main .try-form');
  const previewFor = async (customerId, orig) => {
    await tryForm.getByLabel(text('en', 'shaken.try.customer')).fill(customerId);
    await tryForm.getByLabel(text('en', 'shaken.try.orig')).fill(orig);
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/shaken/attestation?'));
    await tryForm.locator('button[data-action="preview"]').click();
    await answered;
    const card = page.locator('#main .preview-card .attestation');
    await card.waitFor();
    return card.getAttribute('data-attest');
  };
  assert.equal(await previewFor(id, `86755${block}042`), 'A');
  assert.equal(await previewFor('demo-callcentre', '8613800138001'), 'B');
  assert.equal(await previewFor('', '8613800138001'), 'C');

  // Sign for demo-finance: attestation A, with its reason and the Identity header.
  await tryForm.getByLabel(text('en', 'shaken.try.customer')).fill('demo-finance');
  await tryForm.getByLabel(text('en', 'shaken.try.orig')).fill('8613800138001');
  await tryForm.getByLabel(text('en', 'shaken.try.dest')).fill('8613900139000');
  const signing = page.waitForRequest((r) => r.url().endsWith('/stir/v1/signing'));
  await tryForm.locator('button[data-action="sign"]').click();
  const signRequest = await signing;
  assert.ok((await signRequest.headerValue('x-csrf-token'))?.length > 0, 'the signing request carries X-CSRF-Token');
  const sent = signRequest.postDataJSON().signingRequest;
  assert.equal(sent.attest, 'A');
  assert.deepEqual(sent.orig, { tn: '8613800138001' });
  assert.deepEqual(sent.dest, { tn: ['8613900139000'] });
  assert.equal(sent.customer, 'demo-finance');
  assert.match(sent.origid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(Math.abs(sent.iat - Date.now() / 1000) < 30, 'iat is now, in seconds');
  const signed = page.locator('#main .signed-card');
  await signed.locator('.attestation[data-attest="A"]').waitFor();
  assert.ok((await signed.textContent()).includes(text('en', 'shaken.level.a_name')));
  assert.match(await signed.locator('.attest-reason').textContent(), /demo-finance/);
  assert.match(await signed.locator('textarea.identity-value').inputValue(), /^[\w-]+\.[\w-]+\.[\w-]+;info=<[^>]+>;alg=ES256;ppt=shaken$/);

  // Verify: passed. Verify the same identity again: refused as a replay (438), labelled as expected.
  await signed.locator('button[data-action="verify"]').click();
  const results = signed.locator('.verify-result');
  await results.nth(0).waitFor();
  assert.equal(await results.nth(0).getAttribute('data-verstat'), 'TN-Validation-Passed');
  assert.match(await results.nth(0).textContent(), /TN-Validation-Passed/);
  assert.ok((await results.nth(0).textContent()).includes(text('en', 'shaken.verify.passed')));
  assert.equal(await results.nth(0).locator('.replay-note').count(), 0);
  await signed.locator('button[data-action="verify"]').click();
  await results.nth(1).waitFor();
  assert.equal(await results.nth(1).getAttribute('data-verstat'), 'TN-Validation-Failed');
  assert.equal(await results.nth(1).getAttribute('data-replay'), '1');
  const replay = await results.nth(1).textContent();
  assert.match(replay, /TN-Validation-Failed/);
  assert.match(replay, /438/);
  assert.ok(replay.includes(text('en', 'shaken.verify.replay_expected')), 'the replay is labelled as expected');
  await assertNoRawKeys('the STIR/SHAKEN page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-shaken-en.png'), fullPage: true });

  // 简体中文: the same page, translated in place (server data stays as it is).
  await page.click('button[data-lang="zh"]');
  await waitForHeading(text('zh', 'shaken.title'));
  assert.equal((await link.textContent()).trim(), text('zh', 'nav.shaken'));
  assert.ok((await results.nth(1).textContent()).includes(text('zh', 'shaken.verify.replay_expected')));
  assert.ok((await results.nth(0).textContent()).includes(text('zh', 'shaken.verify.passed')));
  assert.equal((await page.locator('#main tr[data-customer="intl-gateway"] td').nth(2).textContent()).trim(), text('zh', 'shaken.kind.gateway'));
  await assertChineseOnly('the STIR/SHAKEN page');
  await assertNoRawKeys('the STIR/SHAKEN page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-shaken-zh.png'), fullPage: true });

  // An ATIS-1000082 error: messageId and text, with %1 filled in.
  await tryForm.getByLabel(text('zh', 'shaken.try.dest')).fill('not-a-number');
  await tryForm.locator('button[data-action="sign"]').click();
  const problem = page.locator('#main .try-form .message-error p');
  await problem.waitFor();
  const problemText = await problem.textContent();
  assert.ok(problemText.includes(text('zh', 'shaken.refused')), problemText);
  assert.match(problemText, /SVC4005/);
  assert.match(problemText, /Invalid value for parameter 'dest\.tn'/);
  assert.doesNotMatch(problemText, /%\d/);
  await assertChineseOnly('the STIR/SHAKEN page with a signing error');

  // An API error: the translated explanation and the server's message.
  await addForm.getByLabel(text('zh', 'shaken.customers.id')).fill('demo-finance');
  await addForm.getByLabel(text('zh', 'shaken.customers.name')).fill('Duplicate');
  await addForm.locator('button[type="submit"]').click();
  const conflict = addForm.locator('.message-error p');
  await conflict.waitFor();
  assert.ok((await conflict.textContent()).includes(text('zh', 'errors.conflict')));
  assert.match(await conflict.locator('.server-detail').textContent(), /demo-finance/);

  // Remove the range, rename the customer to a gateway, delete it.
  await rangeRow.locator('button[data-action="remove-range"]').click();
  const removed = page.waitForResponse((r) => r.url().includes(`/ranges/${first}?last=${last}`) && r.request().method() === 'DELETE');
  await page.click('dialog button[value="ok"]');
  assert.equal((await removed).status(), 204);
  await panel.locator('td.empty').waitFor();

  await row.locator('button[data-action="edit"]').click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByLabel(text('zh', 'shaken.customers.name')).fill('E2E Shop (renamed)');
  await dialog.getByLabel(text('zh', 'shaken.customers.kind')).selectOption('gateway');
  const patched = page.waitForResponse((r) => r.url().endsWith(`/api/v1/shaken/customers/${id}`) && r.request().method() === 'PATCH');
  await dialog.locator('button[type="submit"]').click();
  assert.equal((await patched).status(), 200);
  await page.locator(`#main tr[data-customer="${id}"] td:has-text("E2E Shop (renamed)")`).waitFor();
  assert.equal((await row.locator('td').nth(2).textContent()).trim(), text('zh', 'shaken.kind.gateway'));

  await row.locator('button[data-action="delete"]').click();
  const deleted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/shaken/customers/${id}`) && r.request().method() === 'DELETE');
  await page.click('dialog button[value="ok"]');
  assert.equal((await deleted).status(), 204);
  await row.waitFor({ state: 'detached' });
  await assertChineseOnly('the STIR/SHAKEN page after the changes');

  await page.click('#sign-out');
  await waitForHeading(text('zh', 'landing.hero.title'));
  assertNoPageErrors();
});
