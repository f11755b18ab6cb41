// Browser test of the number check (#/check) against `quell serve --demo`,
// whose demo app users marked a few numbers (docs/reputation.md "Demo"):
// - a signed-in citizen checks +86 170 0000 0666 typed in national format and
//   sees it reported as fraud with its score and the marks behind it, in
//   English and in Chinese;
// - a number nobody marked in an abused block shows no label but the range
//   warning; a delivery rider's number shows its benign label;
// - a malformed number is refused in the form; a guest is asked to sign in.
//
// Needs QUELL_URL (set by tests/e2e/run-browser.mjs); skips without a demo server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  SHOTS,
  text,
  launch,
  goto,
  waitForHeading,
  signIn,
  signOut,
  assertChineseOnly,
  assertNoRawKeys,
  requireEnv,
  demoAccount,
  useLang,
  BASE,
} from './support.mjs';

const TIMEOUT = 90_000;

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

async function check(number) {
  await page.locator('.check-form input').fill(number);
  await page.click('.check-form button[type="submit"]');
}

async function standingOf(e164) {
  const el = page.locator(`.check-standing[data-number="${e164}"]`);
  await el.waitFor();
  return el;
}

test('a citizen checks numbers the demo app users marked, in English and Chinese', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const citizen = await demoAccount(page, t, 'citizen');
  if (!citizen) return;
  await signIn(page, 'en', citizen);
  await goto(page, '#/check');
  await waitForHeading(page, text('en', 'info.check.title'));

  await check('170 0000 0666');
  let s = await standingOf('+8617000000666');
  assert.equal(await s.locator('h3').textContent(), '170 0000 0666');
  assert.equal(await s.locator('.check-label').getAttribute('data-label'), 'fraud');
  assert.match(await s.locator('.check-label').textContent(), /Reported as\s+Fraud/);
  const score = Number((await s.locator('.check-score').textContent()).split('/')[0]);
  assert.ok(score >= 90, `a heavily marked number scores high (${score})`);
  assert.match(await s.textContent(), /App users' marks\s*60/);
  await assertNoRawKeys(page, '#/check');
  await page.screenshot({ path: path.join(SHOTS, 'check-en.png'), fullPage: true });

  await useLang(page, 'zh');
  assert.match(await s.locator('.check-label').textContent(), /被标记为\s*诈骗/);
  await assertChineseOnly(page, '#/check');
  await page.screenshot({ path: path.join(SHOTS, 'check-zh.png'), fullPage: true });
  await useLang(page, 'en');

  // No marks of its own, but four abused neighbours.
  await check('+86 171 0000 0019');
  s = await standingOf('+8617100000019');
  assert.equal(await s.locator('.check-label').getAttribute('class'), 'check-label is-none');
  await s.locator('.check-range').waitFor();

  await check('13500135000');
  s = await standingOf('+8613500135000');
  assert.equal(await s.locator('.check-label').getAttribute('data-label'), 'delivery');
  assert.match(await s.locator('.check-label').textContent(), /Known as\s+Delivery/);

  await check('call me');
  await page.locator('.check-service .message-area p').waitFor();
  assert.equal(
    (await page.locator('.check-service .message-area p').textContent()).trim(),
    text('en', 'check.error_number'),
  );

  await signOut(page, 'en');
  await goto(page, '#/check');
  await page.locator('.check-service a[href="#/login"]').waitFor();
  assert.equal(await page.locator('.check-form').count(), 0);
});
