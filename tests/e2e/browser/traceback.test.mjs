// Browser test of traceback (#/traceback, #/traceback/requests), the carrier
// registry (#/carriers) and the public league table (#/carriers/scorecards)
// against `quell serve --demo` (docs/traceback.md):
// - anyone reaches the league table from the landing page and sees the demo's
//   carriers ranked, with the ranking rule (in Chinese too);
// - the demo analyst sees the demo's cases, their path (the transit hop answered
//   from a CDR, the gateway's missed deadline in red) and the statistics; opens a
//   case and sees its first request; opens one from a verified signature, which
//   starts at the signer with the hops before it skipped, answers it on the
//   carrier's behalf and follows the case's ledger record;
// - the demo carrier answers the request waiting in its queue by naming its
//   upstream carrier, uploads CDRs, and keeps its own contacts in the registry.
//
// Needs QUELL_URL (set by tests/e2e/run-browser.mjs); skips without a demo server
// or when the server runs without traceback.

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

async function available(t) {
  const res = await page.request.get(`${BASE}/api/v1/carriers/scorecards`);
  if (res.status() === 503 || res.status() === 404) {
    t.skip(`the server runs without traceback (${res.status()})`);
    return false;
  }
  return true;
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (lang, key, args = {}) => new RegExp(Object.entries(args).reduce((s, [name, v]) => s.split(esc(`{${name}}`)).join(esc(String(v))), esc(text(lang, key))));

test('anyone sees the carrier league table, from the landing page', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  if (!(await available(t))) return;
  await goto(page, '#/');
  if (await page.locator('#sign-out').count()) await page.click('#sign-out');
  await waitForHeading(page, text('en', 'landing.hero.title'));
  await page.click('#main a[href="#/carriers/scorecards"]');
  await waitForHeading(page, text('en', 'carriers.scores.title'));
  assert.equal(await page.locator('#nav-list a[href="#/carriers/scorecards"]').getAttribute('aria-current'), 'page');
  const first = page.locator('tr.scorecard-ranked[data-rank="1"]');
  await first.waitFor();
  assert.match(await first.textContent(), /Demo Telecom/);
  const ranks = await page.locator('tr.scorecard-ranked').evaluateAll((rows) => rows.map((r) => Number(r.dataset.rank)));
  assert.ok(ranks.length >= 2, 'the demo ranks several carriers');
  assert.deepEqual(ranks, ranks.slice().sort((a, b) => a - b), 'ranked in order');
  const scores = await page.locator('tr.scorecard-ranked .scorecard-score').allTextContents();
  assert.deepEqual(scores.map(Number), scores.map(Number).sort((a, b) => b - a), 'higher scores first');
  assert.match(await first.textContent(), /92\.0%/, 'share of calls with attestation A');
  assert.match(await page.locator('.scorecard-rule').textContent(), /40 ×/);
  await assertNoRawKeys(page, '#/carriers/scorecards');
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'carriers.scores.title'));
  await assertChineseOnly(page, '#/carriers/scorecards');
  await page.screenshot({ path: path.join(SHOTS, 'traceback-scorecards-zh.png'), fullPage: true });
  await useLang(page, 'en');
  assert.deepEqual(browser.errors, []);
});

test('an analyst follows the demo cases, opens cases and answers on a carrier\'s behalf', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const analyst = await demoAccount(page, t, 'analyst');
  if (!analyst) return;
  if (!(await available(t))) return;
  await signIn(page, 'en', analyst);
  await page.click('#nav-list a[href="#/traceback"]');
  await waitForHeading(page, text('en', 'traceback.title'));

  // The statistics name the gateway that never answered.
  await page.locator('.tb-stats tr', { hasText: 'Demo International Gateway' }).waitFor();
  assert.match(await page.locator('.tb-stat[data-stat="cases"]').textContent(), /\d/);

  // The case that found its origin: three hops, the transit one from its CDR.
  const found = page.locator('.tb-list tr[data-state="origin_found"]').first();
  await found.waitFor();
  await found.locator('a[data-action="details"]').click();
  await page.locator('.tb-case[data-state="origin_found"]').waitFor();
  const hops = page.locator('.tb-path .tb-hop');
  assert.equal(await hops.count(), 3);
  assert.deepEqual(await hops.evaluateAll((els) => els.map((e) => e.dataset.automatic)), ['false', 'true', 'false']);
  assert.match(await hops.nth(1).textContent(), pattern('en', 'traceback.auto_cdr', { cdr: 1 }));
  const outcome = page.locator('.tb-outcome[data-state="origin_found"]');
  assert.match(await outcome.textContent(), /Demo Mobile/);
  assert.match(await outcome.textContent(), /91440300MA5FDEM01B/);
  assert.equal(await page.locator('.tb-case a.ledger-link').count(), 1, 'a finished case names its ledger record');
  await assertNoRawKeys(page, 'the case page');
  await useLang(page, 'zh');
  await assertChineseOnly(page, 'the case page');
  await page.screenshot({ path: path.join(SHOTS, 'traceback-case-zh.png'), fullPage: true });
  await useLang(page, 'en');

  // The non-responsive case: the gateway's missed deadline in red.
  await page.click('.breadcrumb a[href="#/traceback"]');
  await waitForHeading(page, text('en', 'traceback.title'));
  await page.locator('.tb-list tr[data-state="non_responsive"] a[data-action="details"]').first().click();
  const missed = page.locator('.tb-hop.is-missed[data-state="missed"]');
  await missed.waitFor();
  assert.match(await missed.textContent(), /Demo International Gateway/);
  assert.equal(await missed.locator('.tb-deadline').evaluate((el) => getComputedStyle(el).color), 'rgb(179, 38, 30)', 'a missed deadline is red');
  assert.match(await page.locator('.tb-outcome').textContent(), pattern('en', 'traceback.outcome.non_responsive', { carrier: 'Demo International Gateway' }));

  // Open a case: it asks the terminating carrier first.
  await page.click('.breadcrumb a[href="#/traceback"]');
  await waitForHeading(page, text('en', 'traceback.title'));
  const form = page.locator('.tb-open-form');
  await form.locator('option', { hasText: 'Demo Telecom' }).first().waitFor({ state: 'attached' });
  await form.locator('button[data-action="open-case"]').click();
  await form.locator('.message-area', { hasText: text('en', 'traceback.error_caller') }).waitFor();
  await form.getByLabel(text('en', 'traceback.caller')).fill('171 2345 6789');
  await form.getByLabel(text('en', 'traceback.callee')).fill('139 0013 9000');
  await form.getByLabel(text('en', 'traceback.call_time')).fill('2026-11-20T10:15:30');
  await form.getByLabel(text('en', 'traceback.terminating')).selectOption({ label: 'Demo Telecom' });
  await form.getByLabel(text('en', 'traceback.campaign')).fill('Fake parcel refunds');
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/traceback');
  await page.screenshot({ path: path.join(SHOTS, 'traceback-cases-zh.png'), fullPage: true });
  await useLang(page, 'en');
  await form.locator('button[data-action="open-case"]').click();
  const opened = page.locator('.tb-case[data-state="open"]');
  await opened.waitFor();
  const id = await opened.getAttribute('data-case');
  await waitForHeading(page, text('en', 'traceback.case_title').replace('{id}', id));
  assert.match(await opened.textContent(), /171 2345 6789/);
  const hop = page.locator('.tb-path .tb-hop[data-hop="1"]');
  assert.equal(await hop.getAttribute('data-state'), 'waiting');
  assert.match(await hop.textContent(), /Demo Telecom/);
  assert.equal(await page.locator('.tb-skipped').count(), 0);
  const c = await (await page.request.get(`${BASE}/api/v1/traceback/${id}`)).json();
  assert.equal(c.caller.number, '+8617123456789', 'numbers are sent as E.164');
  assert.equal(c.call_time, '2026-11-20T10:15:30.000Z', 'the call time is read as UTC');

  // A call signed by Demo Mobile (SPC DEMO2) starts there, hops skipped.
  await page.click('.breadcrumb a[href="#/traceback"]');
  await waitForHeading(page, text('en', 'traceback.title'));
  await form.locator('option', { hasText: 'Demo Telecom' }).first().waitFor({ state: 'attached' });
  await form.getByLabel(text('en', 'traceback.caller')).fill('171 2345 6790');
  await form.getByLabel(text('en', 'traceback.callee')).fill('138 0013 8000');
  await form.getByLabel(text('en', 'traceback.call_time')).fill('2026-11-21T08:00:00');
  await form.getByLabel(text('en', 'traceback.terminating')).selectOption({ label: 'Demo Telecom' });
  await form.getByLabel(text('en', 'traceback.origid')).fill('de305d54-75b4-431b-adb2-eb6b9e546014');
  await form.getByLabel(text('en', 'traceback.spc')).fill('demo2');
  await form.locator('button[data-action="open-case"]').click();
  const skipped = page.locator('.tb-path .tb-skipped');
  await skipped.waitFor();
  assert.match(await skipped.textContent(), pattern('en', 'traceback.skipped', { signer: 'Demo Mobile', terminating: 'Demo Telecom' }));
  const signer = page.locator('.tb-path .tb-hop[data-hop="1"]');
  assert.match(await signer.textContent(), /Demo Mobile/);

  // Staff answer on the signer's behalf: the origin, with its customer.
  await signer.locator('.tb-on-behalf summary').click();
  const answer = signer.locator('.tb-answer-form');
  await answer.getByText(text('en', 'traceback.answers.origin')).click();
  await answer.locator('button[data-action="answer"]').click();
  await answer.locator('.message-area', { hasText: text('en', 'traceback.error_customer') }).waitFor();
  await answer.getByLabel(text('en', 'traceback.customer_name')).fill('Demo Parcel Outbound Co., Ltd.');
  await answer.getByLabel(text('en', 'traceback.credit_code')).fill('91440300MA5FDEM01B');
  await answer.locator('button[data-action="answer"]').click();
  await page.locator('.tb-case[data-state="origin_found"]').waitFor();
  assert.match(await page.locator('.tb-outcome').textContent(), /Demo Parcel Outbound Co\., Ltd\./);
  await assertNoRawKeys(page, 'a case started at the signer');
  await useLang(page, 'zh');
  await assertChineseOnly(page, 'a case started at the signer');
  await useLang(page, 'en');

  // Its ledger record, and back.
  const seq = await page.locator('.tb-case a.ledger-link').getAttribute('data-seq');
  await page.click('.tb-case a.ledger-link');
  await waitForHeading(page, text('en', 'ledger.title'));
  const record = page.locator(`.ledger-record[data-seq="${seq}"]`);
  await record.waitFor();
  assert.equal(await record.getAttribute('data-kind'), 'traceback');
  assert.doesNotMatch(await record.locator('pre.json').textContent(), /17123456790|Demo Parcel Outbound/, 'no numbers or customer names in the ledger');
  await record.locator('a.ledger-related').click();
  await page.locator('.tb-case[data-state="origin_found"]').waitFor();
  assert.deepEqual(browser.errors, []);
});

test('the demo carrier answers its waiting request, uploads CDRs and keeps its contacts', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const carrier = await demoAccount(page, t, 'carrier');
  if (!carrier) return;
  if (!(await available(t))) return;
  await signIn(page, 'en', carrier);
  await page.click('#nav-list a[href="#/traceback/requests"]');
  await waitForHeading(page, text('en', 'traceback.queue.title'));
  // The demo's waiting request: the education-course robocalls.
  const request = page.locator('.tb-request[data-state="waiting"]', { hasText: '171 8888 0042' });
  await request.waitFor();
  const id = await request.getAttribute('data-request');
  assert.match(await request.locator('.tb-time-left').textContent(), new RegExp(esc(text('en', 'traceback.time_left'))));
  await assertNoRawKeys(page, '#/traceback/requests');
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/traceback/requests');
  await page.screenshot({ path: path.join(SHOTS, 'traceback-queue-zh.png'), fullPage: true });
  await useLang(page, 'en');

  // Naming the upstream carrier: chosen from the registry, not itself.
  const form = request.locator('.tb-answer-form');
  const upstream = form.getByLabel(text('en', 'traceback.upstream'));
  await form.locator('option', { hasText: 'Demo Transit Networks' }).waitFor({ state: 'attached' });
  assert.equal(await form.locator('option', { hasText: 'Demo Telecom' }).count(), 0, 'a carrier cannot name itself');
  await form.locator('button[data-action="answer"]').click();
  await form.locator('.message-area', { hasText: text('en', 'traceback.error_upstream') }).waitFor();
  await upstream.selectOption({ label: 'Demo Transit Networks' });
  await form.getByLabel(text('en', 'traceback.note')).fill('Interconnect 4');
  await form.locator('button[data-action="answer"]').click();
  const done = page.locator(`.tb-answered[data-request="${id}"]`);
  await done.waitFor();
  assert.equal(await done.getAttribute('data-case-state'), 'open', 'the case goes on to the upstream carrier');
  await page.locator(`.tb-request[data-request="${id}"]`).waitFor({ state: 'detached' });
  const r = await (await page.request.get(`${BASE}/api/v1/traceback/requests/${id}`)).json();
  assert.equal(r.state, 'answered');
  assert.equal(r.answer.kind, 'upstream');
  assert.equal(r.answer.upstream.name, 'Demo Transit Networks');
  assert.equal(r.answer.note, 'Interconnect 4');
  // Answered requests are listed on request.
  await page.getByText(text('en', 'traceback.queue.show_all')).click();
  await page.locator(`.tb-request[data-request="${id}"][data-state="answered"]`).waitFor();

  // CDRs for automatic answers: one good row, one bad.
  const csv = 'time,caller,callee,trunk\n2026-11-28T09:00:00Z,+8617099990009,+8613800138000,DTN-CORE-3\nyesterday,+8617099990009,+8613800138000,DTN-CORE-3\n';
  await page.locator('.tb-cdr-form input[type="file"]').setInputFiles({ name: 'cdrs.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.click('button[data-action="upload-cdrs"]');
  await page.locator('.tb-cdr-counts').waitFor();
  assert.equal(await page.locator('.tb-stat[data-stat="stored"]').getAttribute('data-value'), '1');
  assert.equal(await page.locator('.tb-stat[data-stat="rejected"]').getAttribute('data-value'), '1');
  assert.match(await page.locator('.tb-cdr-errors').textContent(), pattern('en', 'traceback.cdrs.line', { line: 3 }));
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/traceback/requests (CDRs)');
  await useLang(page, 'en');

  // Its own contacts in the registry; other carriers' contacts stay hidden.
  await page.click('#nav-list a[href="#/carriers"]');
  await waitForHeading(page, text('en', 'carriers.title'));
  const contacts = page.locator('.carrier-contacts-form');
  await contacts.waitFor();
  await contacts.getByLabel(text('en', 'carriers.contacts')).fill('Traceback desk, tb@demo-telecom.example, +86 21 5555 0199');
  await contacts.locator('button[data-action="save-contacts"]').click();
  await contacts.locator('.message-area', { hasText: text('en', 'carriers.contacts_saved') }).waitFor();
  await page.locator('.carriers-list tr', { hasText: 'tb@demo-telecom.example' }).waitFor();
  assert.ok(await page.locator('.carriers-list tr', { hasText: text('en', 'carriers.contacts_hidden') }).count() >= 1);
  await assertNoRawKeys(page, '#/carriers');
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/carriers');
  await useLang(page, 'en');

  // Carriers do not open cases.
  await goto(page, '#/traceback');
  await waitForHeading(page, text('en', 'errors.page.forbidden_title'));
  assert.deepEqual(browser.errors, []);
});

test('an administrator registers a carrier', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const admin = await demoAccount(page, t, 'admin');
  if (!admin) return;
  if (!(await available(t))) return;
  // A new organisation of kind carrier, not yet registered.
  await signIn(page, 'en', admin);
  const { csrf_token: csrf } = await (await page.request.get(`${BASE}/api/v1/session`)).json();
  const name = `E2E Carrier ${Date.now()}`;
  const created = await page.request.post(`${BASE}/api/v1/admin/orgs`, { headers: { 'X-CSRF-Token': csrf }, data: { name, kind: 'carrier' } });
  assert.equal(created.status(), 201, await created.text());
  const free = (((await (await page.request.get(`${BASE}/api/v1/admin/orgs`)).json()).orgs) || []).find((o) => o.name === name);
  assert.ok(free, 'the new organisation is listed');
  await page.click('#nav-list a[href="#/carriers"]');
  await waitForHeading(page, text('en', 'carriers.title'));
  const form = page.locator('.carrier-form');
  await form.getByLabel(text('en', 'carriers.org')).fill(free.name);
  await form.locator('button[data-action="save-carrier"]').click();
  await form.locator('.message-area', { hasText: text('en', 'carriers.error_roles') }).waitFor();
  await form.getByText(text('en', 'carriers.roles.transit')).click();
  await form.getByLabel(text('en', 'carriers.authentication')).selectOption('partial');
  await form.getByLabel(text('en', 'carriers.trunk_aliases')).fill('E2E-TR-9');
  await form.getByLabel(text('en', 'carriers.contacts')).fill('NOC, noc@e2e.example');
  await form.locator('button[data-action="save-carrier"]').click();
  await page.locator(`.carrier-saved[data-org="${free.id}"]`).waitFor();
  const row = page.locator(`.carriers-list tr[data-org="${free.id}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /E2E-TR-9/);
  assert.match(await row.textContent(), /noc@e2e\.example/);
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/carriers (staff)');
  await page.screenshot({ path: path.join(SHOTS, 'traceback-carriers-zh.png'), fullPage: true });
  await useLang(page, 'en');
  // Change it, then remove it.
  await row.locator('button[data-action="edit"]').click();
  await form.getByLabel(text('en', 'carriers.country')).fill('cn');
  await form.locator('button[data-action="save-carrier"]').click();
  await page.locator('.carrier-saved', { hasText: pattern('en', 'carriers.updated', { name: free.name }) }).waitFor();
  await row.locator('button[data-action="remove"]').click();
  await page.locator('dialog button[value="ok"]').click();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(browser.errors, []);
});
