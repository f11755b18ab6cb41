// Browser test of the complaint centre (#/report, #/cases) against
// `quell serve --demo` (docs/complaints.md):
// - the demo citizen reports a fraud call from +86 170 0000 0666 and sees it in
//   "My reports" as received;
// - the demo analyst sees the case (the page in Chinese too) and forwards it to
//   Demo Telecom; the demo carrier answers it; the analyst closes it as
//   confirmed; the citizen sees it closed, with the note.
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

const TIMEOUT = 120_000;
const NOTE = 'The carrier suspended the number. Thank you for your report.';

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

// The case's row in the analyst's or carrier's queue, once it is in `state`.
async function caseRow(id, state) {
  const row = page.locator(`.cases-list tr[data-case="${id}"][data-state="${state}"]`);
  await row.waitFor();
  return row;
}

async function openCases() {
  await goto(page, '#/cases');
  await waitForHeading(page, text('en', 'cases.title'));
}

test('a citizen reports a fraud call; analyst, carrier and analyst again handle the case', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const citizen = await demoAccount(page, t, 'citizen');
  const analyst = citizen && (await demoAccount(page, t, 'analyst'));
  const carrier = analyst && (await demoAccount(page, t, 'carrier'));
  if (!citizen || !analyst || !carrier) return;

  // The citizen reports.
  await signIn(page, 'en', citizen);
  await goto(page, '#/report');
  await waitForHeading(page, text('en', 'info.report.title'));
  const form = page.locator('.report-form');
  await form.getByLabel(text('en', 'report.caller')).fill('170 0000 0666');
  await form.getByLabel(text('en', 'report.callee')).fill('138 0013 8000');
  await form.getByLabel(text('en', 'report.kind')).selectOption('fraud');
  await form.getByLabel(text('en', 'report.description')).fill('Said my bank card was frozen and asked for the code.');
  await form.locator('button[type="submit"]').click();
  const filed = page.locator('.report-filed');
  await filed.waitFor();
  const id = await filed.getAttribute('data-case');
  assert.match(id, /^\d+$/);
  assert.match(await filed.textContent(), new RegExp(text('en', 'report.states.received')));
  const mine = page.locator(`.report-mine tr[data-report="${id}"]`);
  await mine.waitFor();
  const mineText = await mine.textContent();
  assert.match(mineText, /170 0000 0666/);
  assert.match(mineText, /Fraud/);
  assert.match(mineText, /Received/);
  await page.locator('.report-standing').waitFor();
  await assertNoRawKeys(page, '#/report (citizen)');
  await page.screenshot({ path: path.join(SHOTS, 'report-en.png'), fullPage: true });

  // The analyst sees it (in Chinese too) and forwards it to Demo Telecom.
  await signIn(page, 'en', analyst);
  await openCases();
  let row = await caseRow(id, 'received');
  assert.match(await row.textContent(), /170 0000 0666/);
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'cases.title'));
  await page.locator('.cases-stats table').waitFor();
  await assertChineseOnly(page, '#/cases (analyst)');
  await assertNoRawKeys(page, '#/cases (analyst)');
  await page.screenshot({ path: path.join(SHOTS, 'cases-zh.png'), fullPage: true });
  await useLang(page, 'en');
  await row.locator('button[data-action="forward"]').click();
  await row.locator('.case-forward input').fill('Demo Telecom');
  await row.locator('button[data-action="forward-submit"]').click();
  row = await caseRow(id, 'forwarded');
  assert.match(await row.textContent(), /Demo Telecom/);

  // The carrier answers.
  await signIn(page, 'en', carrier);
  await openCases();
  row = await caseRow(id, 'forwarded');
  await row.locator('button[data-action="answer"]').click();
  await row.locator('.case-answer-form textarea').fill('Line 170 0000 0666 suspended pending a real-name check.');
  await row.locator('button[data-action="answer-submit"]').click();
  row = await caseRow(id, 'answered');
  assert.match(await row.textContent(), /suspended pending a real-name check/);

  // The analyst closes it as confirmed.
  await signIn(page, 'en', analyst);
  await openCases();
  row = await caseRow(id, 'answered');
  await row.locator('button[data-action="close"]').click();
  await row.locator('.case-close select').selectOption('confirmed');
  await row.locator('.case-close textarea').fill(NOTE);
  await row.locator('button[data-action="close-submit"]').click();
  row = await caseRow(id, 'closed');
  assert.match(await row.textContent(), /Confirmed/);
  await page.screenshot({ path: path.join(SHOTS, 'cases-en.png'), fullPage: true });

  // The citizen sees the outcome and the note.
  await signIn(page, 'en', citizen);
  await goto(page, '#/report');
  await waitForHeading(page, text('en', 'info.report.title'));
  const closed = page.locator(`.report-mine tr[data-report="${id}"][data-state="closed"]`);
  await closed.waitFor();
  const closedText = await closed.textContent();
  assert.match(closedText, /Closed/);
  assert.match(closedText, /Confirmed/);
  assert.ok(closedText.includes(NOTE), 'the citizen reads the note');
  assert.deepEqual(browser.errors, [], 'no script errors');
});
