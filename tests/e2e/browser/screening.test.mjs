// Browser test of the call-screening page (#/screening) against `quell serve --demo`:
// a carrier screens a call of its own and finds it in the log and the counts, in
// English and in Chinese; an analyst sees the live view without the try form; other
// roles are kept out.
//
// Needs QUELL_URL (set by tests/e2e/run-browser.mjs); skips without demo accounts.

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
  signOut,
  assertChineseOnly,
  assertNoRawKeys,
  requireEnv,
  demoAccount,
} from './support.mjs';

const TIMEOUT = 120_000;
const ACTIONS = ['allow', 'label', 'block', 'divert'];

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



// The totals as shown: {all, allow, label, block, divert}.
async function totals() {
  return page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('#main .screen-totals li')].map((li) => [li.dataset.action, Number(li.dataset.count)])),
  );
}

const isActivity = (r) => r.url().includes('/api/v1/screen/activity?') && r.request().method() === 'GET';

test('a carrier watches the live view, screens a call, and finds it in the log and the counts, in English and Chinese', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const carrier = await demoAccount(page, t, 'carrier');
  if (!carrier) return;
  await signIn(page, 'en', carrier);

  // In the carrier's navigation and on its dashboard.
  const link = page.locator('#nav-list a[href="#/screening"]');
  assert.equal((await link.textContent()).trim(), text('en', 'nav.screening'));
  assert.equal(await page.locator('#main .tool-card a[href="#/screening"]').count(), 1, 'the dashboard links to call screening');
  assert.ok((await page.textContent('#main')).includes(text('en', 'dashboard.tools.screening')));
  await link.click();
  await waitForHeading(page, text('en', 'screening.title'));
  assert.equal(await link.getAttribute('aria-current'), 'page');

  // The chart: one bar per second of the last minute, and totals that add up.
  await page.locator('#main .screen-chart svg.chart').waitFor();
  assert.equal(await page.locator('#main .screen-chart .chart-bar').count(), 60);
  const first = await totals();
  assert.deepEqual(Object.keys(first).sort(), ['all', ...ACTIONS].sort());
  assert.equal(first.all, ACTIONS.reduce((s, a) => s + first[a], 0), 'the total is the sum of the actions');
  const barsSum = await page.evaluate(() => [...document.querySelectorAll('#main .chart-bar')].reduce((s, g) => s + Number(g.dataset.total), 0));
  assert.equal(barsSum, first.all, 'the bars hold the calls of the totals');

  // It refreshes by itself (every 2 s)...
  let polled = 0;
  const count = (r) => {
    if (isActivity(r)) polled += 1;
  };
  page.on('response', count);
  await page.waitForTimeout(4500);
  assert.ok(polled >= 2, `the activity refreshed ${polled} times in 4.5 s`);

  // The policy in force: the default rules in order, the providers running.
  await page.click(`#main .policy-card summary:has-text("${text('en', 'screening.policy.title')}")`);
  const policy = page.locator('#main .policy-card');
  const invalidRule = policy.locator('tr[data-rule="invalid-caller"]');
  await invalidRule.waitFor();
  assert.match(await invalidRule.textContent(), /caller\.present.*caller\.valid == false/);
  assert.ok((await invalidRule.textContent()).includes(text('en', 'screening.action.block')));
  assert.equal((await invalidRule.locator('td').nth(0).textContent()).trim(), '1', 'invalid-caller is the first rule');
  assert.equal(await invalidRule.locator('.bi-en').isVisible(), true);
  assert.equal((await invalidRule.locator('.bi-en').textContent()).trim(), 'Invalid caller number');
  assert.equal(await invalidRule.locator('.bi-zh').isVisible(), false, 'the label shows in the page language only');
  assert.equal(await policy.locator('.providers-running li[data-provider="numbering"]').count(), 1);
  assert.ok((await policy.locator('.providers-running').textContent()).includes(text('en', 'screening.provider.numbering')));
  const hitsBefore = Number((await invalidRule.locator('td').nth(6).textContent()).replace(/\D/g, ''));

  // Try a call from an invalid number: blocked by invalid-caller, 608, with its reasons.
  const form = page.locator('#main .try-form');
  await form.getByLabel(text('en', 'screening.try.caller')).fill('+8612345');
  await form.getByLabel(text('en', 'screening.try.callee')).fill('13900139000');
  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/screen') && r.method() === 'POST');
  const activityAfter = page.waitForResponse((r) => isActivity(r));
  await form.locator('button[data-action="screen"]').click();
  const request = await posted;
  assert.ok((await request.headerValue('x-csrf-token'))?.length > 0, 'the screening request carries X-CSRF-Token');
  assert.deepEqual(request.postDataJSON(), { caller: '+8612345', callee: '13900139000' });
  const verdict = page.locator('#main .verdict-card');
  await verdict.waitFor();
  assert.equal(await verdict.getAttribute('data-action'), 'block');
  assert.equal(await verdict.getAttribute('data-rule'), 'invalid-caller');
  const verdictText = await verdict.textContent();
  assert.ok(verdictText.includes(text('en', 'screening.action.block')));
  assert.ok(verdictText.includes('SIP 608'));
  assert.ok(verdictText.includes('Invalid caller number'), 'the rule label');
  assert.match(verdictText, /rule invalid-caller: caller\.present=true caller\.valid=false/, "the server's explanation");
  assert.ok(verdictText.includes('139 0013 9000'), 'the called number in national format');
  const validRow = verdict.locator('tr.reason-row[data-signal="caller.valid"]');
  assert.equal((await validRow.locator('td').nth(1).textContent()).trim(), text('en', 'screening.no'));
  assert.equal((await validRow.locator('td').nth(2).textContent()).trim(), text('en', 'screening.provider.numbering'));
  assert.equal(await verdict.locator('tr.reason-row').count(), 2, 'one row per condition of the rule');

  // ... in the recent log (read again after the try), the counts and the policy's hits.
  const logRow = page.locator('#main .log-table tr[data-rule="invalid-caller"]', { has: page.locator('[data-e164="+8613900139000"]') }).first();
  await logRow.waitFor();
  await activityAfter;
  await page.waitForFunction(() => Number(document.querySelector('#main .screen-totals li[data-action="block"]')?.dataset.count) >= 1);
  await page.locator('#main .reason-list li[data-rule="invalid-caller"]').waitFor();
  await page.waitForFunction(
    (before) => Number(document.querySelector('#main .policy-card tr[data-rule="invalid-caller"] td:nth-child(7)')?.textContent.replace(/\D/g, '')) > before,
    hitsBefore,
  );

  // Filter the log: this number, blocked calls only (kept in the address).
  const filter = page.locator('#main .log-filter');
  await filter.getByLabel(text('en', 'screening.log.number')).fill('139 0013 9000');
  const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/screen/recent?') && r.url().includes('number=13900139000') && r.url().includes('action=block'));
  await filter.getByLabel(text('en', 'screening.log.action')).selectOption('block');
  assert.equal((await filtered).status(), 200);
  const rows = page.locator('#main .log-table tbody tr');
  await page.waitForFunction(() => [...document.querySelectorAll('#main .log-table tbody tr')].every((tr) => tr.dataset.action === 'block'));
  const mine = rows.filter({ has: page.locator('[data-e164="+8612345"]') }).first();
  await mine.waitFor();
  const cells = (await mine.locator('td').allTextContents()).map((s) => s.trim());
  assert.equal(cells[2], '139 0013 9000', 'callee in national format');
  assert.equal(cells[3], text('en', 'screening.direction.terminating'));
  assert.equal(cells[4], text('en', 'screening.action.block'));
  assert.equal(cells[5], '608');
  assert.match(cells[6], /^invalid-caller/);
  assert.match(cells[8], new RegExp(text('en', 'screening.verstat.none')));
  assert.match(cells[9], /^\d/, 'the time taken in µs');
  assert.match(page.url(), /#\/screening\?number=13900139000&action=block$/);
  await filter.getByLabel(text('en', 'screening.log.number')).fill('not a number');
  await page.click('#main .log-filter button[type="submit"]');
  await page.locator('#main .message-error p', { hasText: text('en', 'screening.log.number_error') }).waitFor();

  // An emergency call: allowed at once, marked in the log.
  await page.click(`#main .examples button:has-text("${text('en', 'screening.try.example_emergency')}")`);
  await form.locator('button[data-action="screen"]').click();
  await page.locator('#main .verdict-card[data-emergency="1"][data-action="allow"]').waitFor();
  assert.ok((await verdict.textContent()).includes(text('en', 'screening.try.emergency_note')));
  await filter.getByLabel(text('en', 'screening.log.number')).fill('');
  await filter.getByLabel(text('en', 'screening.log.action')).selectOption('allow');
  const emergencyRow = page.locator('#main .log-table tr.row-emergency[data-rule="emergency"]').first();
  await emergencyRow.waitFor();
  assert.ok((await emergencyRow.textContent()).includes(text('en', 'screening.emergency')));
  assert.equal((await emergencyRow.locator('td').nth(2).textContent()).trim(), '110');
  await assertNoRawKeys(page, 'the call-screening page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-screening-en.png'), fullPage: true });

  // 简体中文, in place: the page's text, the labels and the verdict.
  await page.click('button[data-lang="zh"]');
  await waitForHeading(page, text('zh', 'screening.title'));
  assert.equal((await link.textContent()).trim(), text('zh', 'nav.screening'));
  assert.equal(await invalidRule.locator('.bi-zh').isVisible(), true);
  assert.equal((await invalidRule.locator('.bi-zh').textContent()).trim(), '主叫号码无效');
  assert.equal(await invalidRule.locator('.bi-en').isVisible(), false);
  assert.ok((await verdict.textContent()).includes(text('zh', 'screening.try.emergency_note')));
  const headers = (await page.locator('#main .log-table thead th').allTextContents()).map((s) => s.trim());
  assert.deepEqual(headers.slice(0, 5), ['col_time', 'col_caller', 'col_callee', 'col_direction', 'col_action'].map((c) => text('zh', `screening.log.${c}`)));
  assert.ok((await emergencyRow.textContent()).includes(text('zh', 'screening.emergency')));
  assert.equal((await page.locator('#main .screen-totals li[data-action="block"] .stat-label').textContent()).trim(), text('zh', 'screening.action.block'));
  // Screen the invalid caller again in Chinese: the verdict comes in Chinese.
  await page.click(`#main .examples button:has-text("${text('zh', 'screening.try.example_invalid')}")`);
  await form.locator('button[data-action="screen"]').click();
  await page.locator('#main .verdict-card[data-rule="invalid-caller"]').waitFor();
  const zhVerdict = await verdict.textContent();
  assert.ok(zhVerdict.includes(text('zh', 'screening.action.block')));
  assert.ok(zhVerdict.includes('主叫号码无效'));
  assert.ok(zhVerdict.includes(text('zh', 'screening.provider.numbering')));
  // The policy's signals, opened, are Chinese too (their help is server data).
  await page.click(`#main .policy-card details.signals summary`);
  await page.locator('#main .policy-card details.signals tbody tr').first().waitFor();
  await page.click(`#main .verdict-card details.signals summary`);
  await assertChineseOnly(page, 'the call-screening page');
  await assertNoRawKeys(page, 'the call-screening page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-screening-zh.png'), fullPage: true });

  // Leaving the page stops the refresh.
  await page.click('#nav-list a[href="#/dashboard"]');
  await waitForHeading(page, text('zh', 'dashboard.title'));
  await page.waitForTimeout(500);
  polled = 0;
  await page.waitForTimeout(4500);
  page.off('response', count);
  assert.equal(polled, 0, 'no activity request once the page is left');

  await signOut(page, 'zh');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test('an analyst sees the live view and the policy, but cannot screen calls', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const analyst = await demoAccount(page, t, 'analyst');
  if (!analyst) return;
  await signIn(page, 'zh', analyst);
  const link = page.locator('#nav-list a[href="#/screening"]');
  assert.equal((await link.textContent()).trim(), text('zh', 'nav.screening'));
  assert.equal(await page.locator('#main .tool-card a[href="#/screening"]').count(), 1, "the analyst's dashboard links to call screening");
  assert.equal(await page.locator('#nav-list a[href="#/carrier/shaken"]').count(), 0);
  await link.click();
  await waitForHeading(page, text('zh', 'screening.title'));
  await page.locator('#main .screen-chart svg.chart').waitFor();
  await page.locator('#main .log-table').waitFor();
  await page.locator('#main .policy-card').waitFor();
  assert.equal(await page.locator('#main .try-form').count(), 0, 'no try form for an analyst');
  assert.equal(await page.locator('#main #screen-try-title').count(), 0);
  // The server agrees: an analyst may not screen.
  const refused = await page.evaluate(async () => {
    const session = await (await fetch('/api/v1/session')).json();
    const res = await fetch('/api/v1/screen', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
      body: JSON.stringify({ callee: '13900139000' }),
    });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(refused.status, 403);
  assert.match(refused.body.error.message, /analyst/);
  await assertChineseOnly(page, "the analyst's call-screening page");
  await assertNoRawKeys(page, "the analyst's call-screening page");
  await page.screenshot({ path: path.join(SHOTS, 'portal-screening-analyst-zh.png'), fullPage: true });
  await signOut(page, 'zh');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test('roles without the live view get "not allowed" and no link', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const business = await demoAccount(page, t, 'business');
  if (!business) return;
  await signIn(page, 'en', business);
  assert.equal(await page.locator('#nav-list a[href="#/screening"]').count(), 0);
  assert.equal(await page.locator('#main .tool-card a[href="#/screening"]').count(), 0);
  await goto(page, '#/screening');
  await waitForHeading(page, text('en', 'errors.page.forbidden_title'));
  await signOut(page, 'en');
  // Signed out, the page asks for a login first.
  await goto(page, '#/screening');
  await waitForHeading(page, text('en', 'login.title'));
  assert.match(page.url(), /#\/login\?next=%2Fscreening$/);
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});
