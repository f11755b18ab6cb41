// Browser test of appeals (#/appeals) against `quell serve --demo`:
// - the demo business proves it holds +86 165 0000 1234 (labelled fraud by the
//   demo app's users) with the code the demo SMS outbox shows, and appeals;
// - an analyst sees it in the queue (in Chinese too), reviews the evidence and
//   clears the number; the business sees the decision; the number has no label.
//
// Needs QUELL_URL (set by tests/e2e/run-browser.mjs); skips without a demo server.

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

const TIMEOUT = 90_000;
const NUMBER = '+8616500001234';

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

test('a business appeals a label by one-time code and an analyst clears it', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const business = await demoAccount(page, t, 'business');
  const analyst = business && (await demoAccount(page, t, 'analyst'));
  if (!business || !analyst) return;

  await signIn(page, 'en', business);
  await goto(page, '#/appeals');
  await waitForHeading(page, text('en', 'appeals.title'));
  await page.locator('.appeals-number-form input').fill('165 0000 1234');
  await page.click('.appeals-number-form button[type="submit"]');
  const sms = page.locator('.demo-sms');
  await sms.waitFor();
  const code = /(\d{6})/.exec(await sms.textContent())[1];
  await page.locator('.appeals-code-form input').fill(code);
  await page.click('.appeals-code-form button[type="submit"]');
  await page.locator('.appeals-reason-form textarea').waitFor();
  await page.locator('.appeals-reason-form textarea').fill('Our collections line; customers call it back.');
  await page.click('.appeals-reason-form button[type="submit"]');
  await page.locator('.appeals-list tr[data-appeal]').first().waitFor();
  const row = page.locator('.appeals-list tr[data-appeal]').first();
  assert.match(await row.textContent(), /165 0000 1234/);
  assert.match(await row.textContent(), /Fraud/);
  assert.match(await row.textContent(), /Open/);
  await assertNoRawKeys(page, '#/appeals (business)');

  await signIn(page, 'en', analyst);
  await goto(page, '#/appeals');
  await waitForHeading(page, text('en', 'appeals.title'));
  const queued = page.locator('.appeals-list tr[data-appeal]', { hasText: '165 0000 1234' });
  await queued.waitFor();
  await useLang(page, 'zh');
  await assertChineseOnly(page, '#/appeals (analyst)');
  await page.screenshot({ path: path.join(SHOTS, 'appeals-zh.png'), fullPage: true });
  await useLang(page, 'en');
  await queued.locator('button[data-action="review"]').click();
  await queued.locator('.appeal-evidence li').first().waitFor();
  assert.match(await queued.locator('.appeal-evidence').textContent(), /mark/);
  await queued.locator('.appeal-review textarea').fill('Verified: the business\'s registered collections line.');
  await queued.locator('button[data-action="clear"]').click();
  await page.locator('.appeals-list tr[data-appeal]', { hasText: '165 0000 1234' }).waitFor({ state: 'detached' });
  await page.locator('.appeals-page input[type="checkbox"]').check();
  const decided = page.locator('.appeals-list tr[data-appeal]', { hasText: '165 0000 1234' });
  await decided.waitFor();
  assert.match(await decided.textContent(), /Cleared/);
  await page.screenshot({ path: path.join(SHOTS, 'appeals-en.png'), fullPage: true });

  // The number starts afresh.
  const res = await page.request.get(`${BASE}/api/v1/numbers/${encodeURIComponent(NUMBER)}`);
  assert.equal(res.status(), 200);
  assert.equal((await res.json()).label, null);
});
