// Browser test of sanctions (#/sanctions, #/sanctions/check, #/sanctions/public)
// and the enforcement ledger (#/ledger) against `quell serve --demo`
// (docs/sanctions.md, docs/formats/ledger.md):
// - anyone reaches the public list from the landing page and sees the demo's
//   public joint punishment, without numbers (in Chinese too);
// - the demo analyst imposes a number block (the form catches a wrong credit-code
//   check character first), opens it, follows its ledger record, and lifts it;
// - the demo carrier checks an entity and numbers before granting them;
// - the ledger shows its head, keys and chained records; the replica panel says
//   plainly that this server is not a replica, and shows a red warning when a
//   replica has diverged (that answer is played to the page: one demo server
//   cannot diverge from itself).
//
// Needs QUELL_URL (set by tests/e2e/run-browser.mjs); skips without a demo server
// or when the server runs without sanctions or a ledger.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  BASE,
  SHOTS,
  text,
  launch,
  goto,
  waitForHeading,
  signIn,
  assertChineseOnly,
  assertNoRawKeys,
  requireEnv,
  demoAccount,
  useLang,
} from './support.mjs';

const TIMEOUT = 150_000;
const ENTITY = 'Test Outbound Marketing Co., Ltd.';
const CODE = '91350100M000100Y43';

let browser;
let page;

before(async () => {
  if (!BASE) return;
  browser = await launch();
  page = browser.page;
});

after(async () => {
  if (browser) await browser.close();
});

// Skips the test unless `path` answers (503: not wired in; 404: no such route).
async function available(t, apiPath, what) {
  const res = await page.request.get(`${BASE}${apiPath}`);
  if (res.status() === 503 || res.status() === 404) {
    t.skip(`the server runs without ${what} (${apiPath}: ${res.status()})`);
    return false;
  }
  return true;
}

async function settled() {
  await page.waitForFunction(() => !document.querySelector('#main .loading'));
}

test('anyone sees the public list of sanctions, from the landing page', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  if (!(await available(t, '/api/v1/sanctions/public', 'sanctions'))) return;
  await goto(page, '#/');
  if (await page.locator('#sign-out').count()) await page.click('#sign-out');
  await waitForHeading(page, text('en', 'landing.hero.title'));
  await page.click('#main a[href="#/sanctions/public"]');
  await waitForHeading(page, text('en', 'sanctions.public.title'));
  assert.equal(await page.locator('#nav-list a[href="#/sanctions/public"]').getAttribute('aria-current'), 'page');
  const row = page.locator('.sanctions-public-list tr[data-measure="joint_punishment"]').first();
  await row.waitFor();
  assert.match(await row.textContent(), /91440300MA5FDEM01B/);
  assert.match(await row.textContent(), new RegExp(text('en', 'sanctions.measures.joint_punishment')));
  assert.doesNotMatch(await page.locator('#main').textContent(), /170 9999 0001/, 'no numbers on the public list');
  // The expired public warning shows under its state.
  await page.getByLabel(text('en', 'sanctions.filter_state')).selectOption('expired');
  await page.locator('.sanctions-public-list tr[data-measure="warning"][data-state="expired"]').first().waitFor();
  await assertNoRawKeys(page, '#/sanctions/public');
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'sanctions.public.title'));
  await assertChineseOnly(page, '#/sanctions/public');
  await page.screenshot({ path: path.join(SHOTS, 'sanctions-public-zh.png'), fullPage: true });
  await useLang(page, 'en');
  assert.deepEqual(browser.errors, []);
});

test('an analyst imposes a number block, follows its ledger record and lifts it', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const analyst = await demoAccount(page, t, 'analyst');
  if (!analyst) return;
  if (!(await available(t, '/api/v1/sanctions/public', 'sanctions'))) return;
  await signIn(page, 'en', analyst);
  await page.click('#nav-list a[href="#/sanctions"]');
  await waitForHeading(page, text('en', 'sanctions.title'));
  // The demo's three sanctions are listed; the number block is in force.
  const seeded = page.locator('.sanctions-list tr[data-measure="number_block"][data-state="active"]', { hasText: '021 5098 7601' }).first();
  await seeded.waitFor();
  assert.match(await seeded.textContent(), new RegExp(text('en', 'sanctions.ledger_record').replace('{seq}', '\\d+')));

  const form = page.locator('.sanction-form');
  await form.getByLabel(text('en', 'sanctions.entity_name')).fill(ENTITY);
  await form.getByLabel(text('en', 'sanctions.credit_code')).fill('91350100M000100Y44');
  await form.getByLabel(text('en', 'sanctions.measure')).selectOption('number_block');
  await form.locator('.sanction-effect', { hasText: text('en', 'sanctions.effects.number_block') }).waitFor();
  await form.getByLabel(text('en', 'sanctions.numbers')).fill('139 0013 9555\n+86 21 6123 4567');
  await form.getByLabel(text('en', 'sanctions.legal_basis')).fill('《通信短信息和语音呼叫服务管理规定》第十四条');
  await form.getByLabel(text('en', 'sanctions.reason')).fill('Marketing to registered numbers after a warning');
  await form.locator('button[data-action="impose"]').click();
  // The wrong check character is named before anything is sent.
  await form.locator('.message-area', { hasText: text('en', 'sanctions.error_credit_check').replace('{expected}', '3') }).waitFor();
  await form.getByLabel(text('en', 'sanctions.credit_code')).fill(CODE);
  await form.locator('button[data-action="impose"]').click();
  const imposed = page.locator('.sanction-imposed');
  await imposed.waitFor();
  const id = await imposed.getAttribute('data-sanction');
  assert.match(id, /^\d+$/);
  const seq = await imposed.locator('a.ledger-link').getAttribute('data-seq');
  assert.match(seq, /^\d+$/, 'the new sanction names its ledger record');
  const row = page.locator(`.sanctions-list tr[data-sanction="${id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'active');
  assert.match(await row.textContent(), /139 0013 9555/);
  await assertNoRawKeys(page, '#/sanctions');
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/sanctions');
  await page.screenshot({ path: path.join(SHOTS, 'sanctions-analyst-zh.png'), fullPage: true });
  await useLang(page, 'en');

  // Its page, then the ledger record behind it.
  await row.locator('a[data-action="details"]').click();
  await waitForHeading(page, text('en', 'sanctions.detail_title').replace('{id}', id));
  const detail = page.locator('.sanction-detail');
  await detail.waitFor();
  assert.match(await detail.textContent(), new RegExp(CODE));
  assert.match(await detail.textContent(), /021 6123 4567/);
  await detail.locator(`a.ledger-link[data-seq="${seq}"]`).first().click();
  await waitForHeading(page, text('en', 'ledger.title'));
  const record = page.locator(`.ledger-record[data-seq="${seq}"]`);
  await record.waitFor();
  assert.match(await record.getAttribute('class'), /is-current/);
  assert.equal(await record.getAttribute('data-kind'), 'sanction');
  const payload = await record.locator('pre.json').textContent();
  assert.match(payload, new RegExp(`"sanction_id": ${id}`));
  assert.match(payload, /"number_hashes"/);
  assert.doesNotMatch(payload, /13900139555|139 0013 9555/, 'numbers enter the ledger only as hashes');
  assert.match(await record.textContent(), /operator\/1/);

  // Back to the sanction: lift it, with a reason.
  await record.locator('a.ledger-related').click();
  await waitForHeading(page, text('en', 'sanctions.detail_title').replace('{id}', id));
  const lift = page.locator('.sanction-lift-form');
  await lift.locator('button[data-action="lift"]').click();
  await lift.locator('.message-area', { hasText: text('en', 'sanctions.error_lift_reason') }).waitFor();
  await lift.getByLabel(text('en', 'sanctions.lift_reason')).fill('Rectified; fine paid');
  await lift.locator('button[data-action="lift"]').click();
  await page.locator(`.sanction-detail[data-state="lifted"]`).waitFor();
  assert.match(await page.locator('.sanction-lift').textContent(), /Rectified; fine paid/);
  const links = await page.locator('.sanction-detail a.ledger-link').evaluateAll((as) => as.map((a) => Number(a.dataset.seq)));
  assert.equal(links.length, 2, 'the records of imposing and lifting');
  assert.ok(links[1] > links[0]);
  assert.equal(await page.locator('.sanction-lift-form').count(), 0, 'a lifted sanction cannot be lifted again');
  await useLang(page, 'zh');
  await assertChineseOnly(page, `#/sanctions/${id}`);
  await useLang(page, 'en');

  const res = await page.request.get(`${BASE}/api/v1/sanctions/${id}`);
  const s = await res.json();
  assert.equal(s.state, 'lifted');
  assert.equal(s.entity.credit_code, CODE);
  assert.equal(s.lift.ledger_seq, links[1]);
  assert.deepEqual(browser.errors, []);
});

test('a carrier checks an entity and numbers before granting them', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const carrier = await demoAccount(page, t, 'carrier');
  if (!carrier) return;
  if (!(await available(t, '/api/v1/sanctions/public', 'sanctions'))) return;
  await signIn(page, 'en', carrier);
  await page.click('#nav-list a[href="#/sanctions/check"]');
  await waitForHeading(page, text('en', 'sanctions.check.title'));
  const form = page.locator('.sanction-check-form');
  const verdict = page.locator('.sanction-verdict');

  // The demo's blocked telemarketer, by its credit code (typed loosely).
  await form.getByLabel(text('en', 'sanctions.credit_code')).fill('91310115ma1k4dem05');
  await form.locator('button[data-action="check"]').click();
  await page.locator('.sanction-verdict[data-sanctioned="true"]').waitFor();
  assert.match(await verdict.textContent(), new RegExp(text('en', 'sanctions.check.blocks_calls')));
  assert.ok(await page.locator('.sanction-check-answer tr[data-state="active"]').count());

  // A number in the demo's blocked range, then one under no sanction.
  await form.getByText(text('en', 'sanctions.check.by_number')).click();
  await form.getByLabel(text('en', 'sanctions.check.number')).fill('170 9999 0042');
  await form.locator('button[data-action="check"]').click();
  await page.locator('.sanction-check-answer', { hasText: '170 9999 0042' }).waitFor();
  assert.equal(await verdict.getAttribute('data-sanctioned'), 'true');
  await form.getByLabel(text('en', 'sanctions.check.number')).fill('139 0013 9000');
  await form.locator('button[data-action="check"]').click();
  await page.locator('.sanction-verdict[data-sanctioned="false"]').waitFor();
  await assertNoRawKeys(page, '#/sanctions/check');
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/sanctions/check');
  await page.screenshot({ path: path.join(SHOTS, 'sanctions-check-zh.png'), fullPage: true });
  await useLang(page, 'en');

  // Carriers do not manage sanctions.
  await goto(page, '#/sanctions');
  await waitForHeading(page, text('en', 'errors.page.forbidden_title'));
  assert.deepEqual(browser.errors, []);
});

test('the ledger: head, keys, a checked chain, and the replica state', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const analyst = await demoAccount(page, t, 'analyst');
  const business = analyst && (await demoAccount(page, t, 'business'));
  if (!analyst || !business) return;
  if (!(await available(t, '/api/v1/ledger/keys', 'a ledger'))) return;

  // Every organisation reads it; a business has no replica panel.
  await signIn(page, 'en', business);
  await page.click('#nav-list a[href="#/ledger"]');
  await waitForHeading(page, text('en', 'ledger.title'));
  await page.locator('.ledger-record').first().waitFor();
  assert.equal(await page.locator('.ledger-replica').count(), 0);

  await signIn(page, 'en', analyst);
  await page.click('#nav-list a[href="#/ledger"]');
  await waitForHeading(page, text('en', 'ledger.title'));
  await page.locator('.ledger-not-replica', { hasText: text('en', 'ledger.not_replica') }).waitFor();
  const headSeq = Number(await page.locator('.ledger-facts[data-seq]').getAttribute('data-seq'));
  assert.ok(headSeq >= 2);
  const first = page.locator('.ledger-record').first();
  await first.waitFor();
  assert.equal(Number(await first.getAttribute('data-seq')), headSeq, 'newest first');
  // The keys, the operator's among them.
  await page.locator('.ledger-keys tr[data-key="operator/1"]').waitFor();
  // Every link shown is checked and none is broken; the chain starts at genesis.
  await settled();
  while (await page.locator('button[data-action="older"]').count()) {
    await page.click('button[data-action="older"]');
    await page.locator('.ledger-record[data-seq="1"], button[data-action="older"]:not([disabled])').first().waitFor();
  }
  await page.locator('.ledger-record[data-seq="1"][data-link="genesis"]').waitFor();
  const links = await page.locator('.ledger-record').evaluateAll((els) => els.map((e) => e.dataset.link));
  assert.equal(links.length, headSeq);
  assert.deepEqual(links.filter((l) => l !== 'ok' && l !== 'genesis'), []);
  await assertNoRawKeys(page, '#/ledger');
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/ledger');
  await page.screenshot({ path: path.join(SHOTS, 'ledger-zh.png'), fullPage: false });
  await useLang(page, 'en');

  // A replica that found the primary rewrote a record: a red warning naming it.
  await page.route('**/api/v1/ledger/replica', (route) => route.fulfill({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      primary: 'https://primary.example/',
      replica_head: { seq: 12, hash: 'ab'.repeat(32) },
      primary_head: { seq: 14, hash: 'cd'.repeat(32) },
      last_sync_ms: Date.now() - 5000,
      last_error: '',
      audited_upto: 12,
      last_audit_ms: Date.now() - 5000,
      diverged: { seq: 7, reason: 'record 7 hash differs from the replica', detected_ms: Date.now() - 4000 },
    }),
  }));
  await page.reload();
  await page.waitForSelector('html.ready');
  const warning = page.locator('.ledger-diverged[role="alert"]');
  await warning.waitFor();
  assert.match(await warning.textContent(), new RegExp(text('en', 'ledger.diverged_at').replace('{seq}', '7')));
  assert.match(await warning.textContent(), /record 7 hash differs from the replica/);
  assert.equal(await warning.locator('a[href="#/ledger/7"]').count(), 1);
  assert.equal(await warning.evaluate((el) => getComputedStyle(el).color), 'rgb(179, 38, 30)', 'the warning is red');
  await page.screenshot({ path: path.join(SHOTS, 'ledger-diverged-en.png'), fullPage: false });
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/ledger (diverged)');
  await useLang(page, 'en');
  await page.unroute('**/api/v1/ledger/replica');
  assert.deepEqual(browser.errors, []);
});
