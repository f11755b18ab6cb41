// Browser test of personal-data breach notices (#/breaches) against
// `quell serve --demo` (docs/breach.md):
// - the demo data controller sees its seeded notices (one late, escalated),
//   files a new one on time and sees its grade and deadline (in Chinese too);
// - the demo analyst sees every notice, late ones first, takes the new one
//   under review and asks for information; the controller answers; the analyst
//   has the affected person told by SMS (the demo outbox holds it) and closes it.
//
// Needs QUELL_URL (set by tests/e2e/run-browser.mjs); skips without a demo server
// or when the server runs without breach notices.

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
const WHAT = 'A test export of the loyalty database was left on a shared drive.';

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

// The row of notice `id` in the list, once it is there.
async function row(id) {
  const r = page.locator(`.breaches-list tr[data-breach="${id}"]`);
  await r.waitFor();
  return r;
}

async function openDetails(id) {
  const r = await row(id);
  await r.locator('button[data-action="details"]').click();
  await r.locator('.breach-detail').waitFor();
  return r;
}

test('a controller files a notice; an analyst follows it up to closing', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const controller = await demoAccount(page, t, 'data_controller');
  const analyst = controller && (await demoAccount(page, t, 'analyst'));
  if (!controller || !analyst) return;

  await signIn(page, 'en', controller);
  const options = await page.request.get(`${BASE}/api/v1/breaches/options`);
  if (options.status() === 503) {
    t.skip('the server runs without breach notices');
    return;
  }
  assert.equal(options.status(), 200);

  await goto(page, '#/breaches');
  await waitForHeading(page, text('en', 'breaches.title'));
  // The seeded late notice is listed first, marked late and escalated.
  const first = page.locator('.breaches-list tr[data-breach]').first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-late'), 'true');
  assert.match(await first.textContent(), new RegExp(text('en', 'breaches.escalated')));
  assert.match(await first.textContent(), /Late by \d+ h \d+ min/);

  // File a new notice, discovered now: on time.
  const form = page.locator('.breach-form');
  await form.getByLabel(text('en', 'breaches.description')).fill(WHAT);
  await form.getByLabel(text('en', 'breaches.people')).fill('2400');
  await form.locator('input[name="breach-category"][value="contact"]').check();
  // No entity type chosen yet: the form says so and files nothing.
  await form.locator('button[data-action="file"]').click();
  await form.locator('.message-area', { hasText: text('en', 'breaches.error_entity') }).waitFor();
  await form.getByLabel(text('en', 'breaches.entity_type')).selectOption('processor');
  await form.getByLabel(text('en', 'breaches.measures')).fill('File removed; access logs reviewed.');
  await form.getByLabel(text('en', 'breaches.affected_numbers')).fill('139 0013 9000');
  await form.locator('button[data-action="file"]').click();
  const filed = page.locator('.breach-filed');
  await filed.waitFor();
  const id = await filed.getAttribute('data-breach');
  assert.match(id, /^\d+$/);
  assert.match(await filed.textContent(), /General/);
  assert.match(await filed.textContent(), /On time/);
  const mine = await row(id);
  assert.match(await mine.textContent(), /Filed/);
  await assertNoRawKeys(page, '#/breaches (controller)');
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/breaches (controller)');
  assert.match(await (await row(id)).textContent(), /一般/);
  await page.screenshot({ path: path.join(SHOTS, 'breaches-controller-zh.png'), fullPage: true });
  await useLang(page, 'en');

  // The analyst: every notice, late first; review and ask.
  await signIn(page, 'en', analyst);
  await goto(page, '#/breaches');
  await waitForHeading(page, text('en', 'breaches.title'));
  const top = page.locator('.breaches-list tr[data-breach]').first();
  await top.waitFor();
  assert.equal(await top.getAttribute('data-late'), 'true', 'late notices come first');
  let r = await openDetails(id);
  assert.match(await r.locator('.breach-detail').textContent(), /139 0013 9000/);
  await r.locator('button[data-action="review"]').click();
  await page.locator(`.breaches-list tr[data-breach="${id}"][data-state="under_review"]`).waitFor();
  r = await openDetails(id);
  await r.locator('button[data-action="request-info"]').click();
  await r.locator('.breach-request textarea').fill('How many loyalty accounts had phone numbers?');
  await r.locator('button[data-action="request-submit"]').click();
  await page.locator(`.breaches-list tr[data-breach="${id}"][data-state="info_requested"]`).waitFor();
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/breaches (analyst)');
  await page.screenshot({ path: path.join(SHOTS, 'breaches-analyst-zh.png'), fullPage: true });
  await useLang(page, 'en');

  // The controller answers.
  await signIn(page, 'en', controller);
  await goto(page, '#/breaches');
  r = await openDetails(id);
  assert.match(await r.locator('.breach-detail').textContent(), /How many loyalty accounts/);
  await r.locator('button[data-action="supplement"]').click();
  await r.locator('.breach-supplement textarea').first().fill('All 2,400 of them.');
  await r.locator('button[data-action="supplement-submit"]').click();
  await page.locator(`.breaches-list tr[data-breach="${id}"][data-state="under_review"]`).waitFor();

  // The analyst has the affected person told, then closes the notice.
  await signIn(page, 'en', analyst);
  await goto(page, '#/breaches');
  r = await openDetails(id);
  assert.match(await r.locator('.breach-detail').textContent(), /All 2,400 of them/);
  await r.locator('button[data-action="notify-affected"]').click();
  await page.locator(`.breaches-list tr[data-breach="${id}"]`).waitFor();
  r = await openDetails(id);
  assert.match(await r.locator('.breach-notified').textContent(), /1 told by SMS/);
  await r.locator('button[data-action="close"]').click();
  await r.locator('.breach-close textarea').fill('Measures adequate.');
  await r.locator('button[data-action="close-submit"]').click();
  await page.locator(`.breaches-list tr[data-breach="${id}"][data-state="closed"]`).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'breaches-analyst-en.png'), fullPage: true });

  const res = await page.request.get(`${BASE}/api/v1/breaches/${id}`);
  assert.equal(res.status(), 200);
  const b = await res.json();
  assert.equal(b.state, 'closed');
  assert.equal(b.notified, 1);
  assert.deepEqual(b.history.map((e) => e.action), ['filed', 'review', 'info_requested', 'supplemented', 'notified', 'closed']);
});
