// Browser test of the Do-Not-Call pages against `quell serve --demo`:
// - a citizen (no account) registers a number with the code read from the demo
//   SMS outbox, chooses categories and an hour band, sees the status, and removes
//   the number again, in English and in Chinese;
// - before its code is entered, a registered number looks like any other;
// - a business scrubs a list and finds the receipt, declares and removes a
//   calling range, adds and revokes an exemption (its days are the register's
//   dates), and sees the violations of the demo traffic's marketing calls;
// - an analyst looks up a number's history, sees every business's violations
//   with the organisation's name, finds the business's receipt among every
//   business's and checks the list against it.
//
// Needs QUELL_URL (set by tests/e2e/run-browser.mjs); the demo parts skip
// without a demo server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BASE,
  SHOTS,
  text,
  launch,
  goto,
  waitForHeading,
  demoAccounts,
  signIn,
  signOut,
  assertChineseOnly,
  assertNoRawKeys,
  requireEnv,
  demoAccount,
  useLang,
} from './support.mjs';

const TIMEOUT = 120_000;
const CITIZEN_NUMBER = '13800138099';
const SCRUB_LIST = ['13800138005', '13800138006', '13600136000', '13900139000', '13800138100', 'hello'];

// A violation of the demo traffic: Demo Finance's range calling the numbers
// the demo register protects (numbers vary from call to call).
const DEMO_VIOLATION = 'tr[data-caller^="+8621612345"][data-callee^="+861380013"]';
async function demoNumbers(row) {
  return { caller: await row.getAttribute('data-caller'), callee: await row.getAttribute('data-callee') };
}
// "+862161234567" -> "021 6123 4567"; "+8613800138105" -> "138 0013 8105".
const nationalLandline = (e164) => `0${e164.slice(3, 5)} ${e164.slice(5, 9)} ${e164.slice(9)}`;
const nationalMobile = (e164) => `${e164.slice(3, 6)} ${e164.slice(6, 10)} ${e164.slice(10)}`;

let browser;
let page;
// What the business test leaves for the analyst's: {id, list} of its scrub.
let scrubbed = null;

before(async () => {
  if (!BASE) return;
  browser = await launch();
  page = browser.page;
});

after(async () => {
  if (browser) await browser.close();
});




// Sends a code to `number` on #/dnc and returns it as read from the demo panel.
async function codeFromOutbox(number, lang) {
  const service = page.locator('#main .dnc-service');
  await service.getByLabel(text(lang, 'dnc.citizen.number')).fill(number);
  const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/dnc/codes') && r.method() === 'POST');
  await service.locator('button[data-action="send-code"]').click();
  const request = await sent;
  assert.deepEqual(request.postDataJSON(), { number });
  assert.equal(await request.headerValue('x-csrf-token'), null, 'no CSRF token on the public DNC requests');
  assert.equal((await (await request.response()).status()), 202);
  const sms = service.locator('.demo-sms .sms-text').first();
  await sms.waitFor();
  const m = /\b(\d{6})\b/.exec(await sms.textContent());
  assert.ok(m, 'the demo SMS holds a 6-digit code');
  return m[1];
}

// The label of a vocabulary term in `lang`, as the server gives it.
async function vocabLabel(kind, name, lang) {
  const vocab = await (await page.request.get(`${BASE}/api/v1/vocabulary`)).json();
  const term = (vocab[kind] || []).find((x) => x.name === name);
  assert.ok(term, `the vocabulary has ${kind} ${name}`);
  return term[lang];
}

// Presses `button` in `section` (the violations, loaded on request) until the
// ids of the rows shown (newest first) satisfy `enough` (by default: one row),
// for up to ~20 s: the demo traffic places a violating marketing call a few
// times a minute. -> the rows.
async function showViolations(section, button, enough = (ids) => ids.length > 0) {
  const rows = section.locator('.violations-table tbody tr[data-violation]');
  const ids = () => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.violation)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/dnc/violations'));
    await section.locator(button).click();
    assert.equal((await answered).status(), 200);
    await section.locator('.violations-slot:not([aria-busy]) table').waitFor();
    if (enough(await ids()) || Date.now() > deadline) break;
    await page.waitForTimeout(1000);
  }
  assert.ok(enough(await ids()), `violations within 20 s of demo traffic: ${await ids()}`);
  return rows;
}

test('a citizen registers a number with the code from the demo outbox, sets choices, and removes it, in English and Chinese', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  if (!(await demoAccounts(page))) return t.skip('the server is not in demo mode');
  await goto(page, '#/dnc');
  await useLang(page, 'en');
  await waitForHeading(page, text('en', 'info.dnc.title'));
  const main = page.locator('#main');
  // The explanation stays under the service.
  for (const key of ['info.about', 'info.how', 'info.dnc.step_3', 'info.dnc.note_4']) assert.ok((await main.textContent()).includes(text('en', key)), key);
  const service = main.locator('.dnc-service');
  assert.equal(await service.locator('[aria-current="step"]').textContent(), text('en', 'dnc.citizen.steps.number'));

  // Step 1: no number, then the number; the demo panel shows the SMS.
  await service.locator('button[data-action="send-code"]').click();
  await service.locator('.message-error p', { hasText: text('en', 'dnc.citizen.error_number_missing') }).waitFor();
  const code = await codeFromOutbox(CITIZEN_NUMBER, 'en');
  assert.ok((await service.locator('.sent-slot').textContent()).includes('138 0013 8099'), 'the number in national format');
  const demo = service.locator('.demo-sms');
  assert.equal((await demo.locator('.demo-flag').textContent()).trim(), text('en', 'dnc.citizen.demo.flag'));
  assert.ok((await demo.locator('h3').textContent()).includes('138 0013 8099'));
  assert.equal(await service.locator('.dnc-manage').count(), 0, 'nothing about the number before the code');
  assert.equal(await service.locator('[aria-current="step"]').textContent(), text('en', 'dnc.citizen.steps.code'));

  // Step 2: a wrong code, then the right one.
  const codeInput = service.getByLabel(text('en', 'dnc.citizen.code'));
  await codeInput.fill(code === '000000' ? '111111' : '000000');
  await service.locator('button[data-action="verify"]').click();
  await service.locator('.dnc-code-form .message-error p', { hasText: text('en', 'dnc.citizen.error_code') }).waitFor();
  await codeInput.fill(code);
  await service.locator('button[data-action="verify"]').click();
  const manage = service.locator('.dnc-manage[data-state="none"]');
  await manage.waitFor();
  assert.equal(await demo.count(), 0, 'the demo panel goes once the code is confirmed');
  assert.ok((await manage.locator('.dnc-status-title').textContent()).includes('138 0013 8099'), 'the number in national format');
  assert.equal((await manage.locator('.dnc-state').textContent()).trim(), text('en', 'dnc.state.none'));
  assert.equal(await manage.locator('button[data-action="remove"]').count(), 0, 'nothing to remove');

  // Step 3: only finance and education, still accepted 18:00-21:00.
  const form = manage.locator('.dnc-prefs-form');
  await form.getByLabel(text('en', 'dnc.citizen.prefs.scope_some')).check();
  await form.locator('input[name="category"][value="finance"]').check();
  await form.locator('input[name="category"][value="education"]').check();
  await form.locator('button[data-action="add-band"]').click();
  await form.locator('.band-row .band-from').selectOption('18');
  await form.locator('.band-row .band-to').selectOption('21');
  const put = page.waitForRequest((r) => r.url().endsWith('/api/v1/dnc/me') && r.method() === 'PUT');
  await form.locator('button[data-action="register"]').click();
  const request = await put;
  assert.deepEqual(request.postDataJSON(), { categories: ['finance', 'education'], accepted_bands: ['18-21'] });
  assert.equal(await request.headerValue('x-quell-client'), 'portal');
  assert.ok((await request.headerValue('x-quell-dnc-token'))?.length > 0, 'the number token');
  assert.equal(await request.headerValue('x-csrf-token'), null);

  // Registered, in its grace period: protected 31 days later.
  const registered = service.locator('.dnc-manage[data-state="grace"]');
  await registered.waitFor();
  assert.equal((await registered.locator('.dnc-notice').textContent()).trim(), text('en', 'dnc.citizen.registered'));
  assert.equal((await registered.locator('.dnc-state').textContent()).trim(), text('en', 'dnc.state.grace'));
  const facts = registered.locator('.dnc-facts');
  assert.deepEqual(await facts.locator('[data-category]').evaluateAll((els) => els.map((e) => e.dataset.category)), ['finance', 'education']);
  assert.deepEqual((await facts.locator('[data-band]').allTextContents()).map((s) => s.trim()), ['18:00–21:00']);
  assert.ok((await facts.textContent()).includes(text('en', 'dnc.channel.web')), 'registered through the website');
  const line = await registered.locator('.dnc-status-line').textContent();
  const days = await page.evaluate(() => {
    const times = [...document.querySelectorAll('#main .dnc-facts time')].map((el) => Date.parse(el.getAttribute('datetime')));
    return Math.round((times[1] - times[0]) / 86_400_000);
  });
  assert.equal(days, 31, 'protection starts 31 days after registration');
  assert.match(line, /protection starts on/);
  const history = registered.locator('.dnc-history tbody tr');
  assert.equal(await history.count(), 1);
  assert.equal(await history.first().getAttribute('data-op'), 'register');
  // The form keeps the choices.
  assert.equal(await registered.locator('input[name="category"][value="finance"]').isChecked(), true);
  assert.equal(await registered.locator('.band-row .band-from').inputValue(), '18');
  await assertNoRawKeys(page, 'the citizen DNC page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-citizen-en.png'), fullPage: true });

  // 简体中文, in place: status, choices and history.
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'info.dnc.title'));
  assert.equal((await registered.locator('.dnc-state').textContent()).trim(), text('zh', 'dnc.state.grace'));
  assert.match(await registered.locator('.dnc-status-line').textContent(), /\d{4}年\d{1,2}月\d{1,2}日/, 'dates in Chinese');
  assert.ok((await registered.locator('.dnc-history').textContent()).includes(text('zh', 'dnc.op.register')));
  await assertChineseOnly(page, 'the citizen DNC page');
  await assertNoRawKeys(page, 'the citizen DNC page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-citizen-zh.png'), fullPage: true });

  // Change the choices (all marketing), then remove the number, in Chinese.
  await registered.getByLabel(text('zh', 'dnc.citizen.prefs.scope_all')).check();
  assert.equal(await registered.locator('input[name="category"]:checked').count(), 0, '"all" clears the categories');
  await registered.locator('button[data-action="remove-band"]').click();
  await registered.locator('button[data-action="save"]').click();
  const saved = service.locator('.dnc-manage[data-state="grace"] .dnc-notice', { hasText: text('zh', 'dnc.citizen.saved') });
  await saved.waitFor();
  assert.equal(await service.locator('.dnc-facts [data-categories="all"]').count(), 1);
  await service.locator('button[data-action="remove"]').click();
  const dialog = page.locator('dialog.dialog');
  await dialog.waitFor();
  assert.ok((await dialog.textContent()).includes('138 0013 8099'));
  await assertChineseOnly(page, 'the removal confirmation');
  await dialog.locator('button[value="ok"]').click();
  const removed = service.locator('.dnc-manage[data-state="removed"]');
  await removed.waitFor();
  assert.equal((await removed.locator('.dnc-notice').textContent()).trim(), text('zh', 'dnc.citizen.removed'));
  assert.deepEqual(await removed.locator('.dnc-history tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.op)), ['remove', 'preferences', 'register']);
  assert.equal(await removed.locator('button[data-action="register"]').count(), 1, 'it can be registered again');
  await assertChineseOnly(page, 'the citizen DNC page after removal');
  await assertNoRawKeys(page, 'the citizen DNC page after removal');
  await useLang(page, 'en');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test('before its code is entered, a registered number looks like any other (in Chinese)', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  if (!(await demoAccounts(page))) return t.skip('the server is not in demo mode');
  await goto(page, '#/');
  await goto(page, '#/dnc');
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'info.dnc.title'));
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/dnc/codes'));
  await codeFromOutbox('13800138005', 'zh');
  const body = await (await answer).json();
  assert.deepEqual(Object.keys(body).sort(), ['message', 'sent'], 'the answer says nothing about the registration');
  const service = page.locator('#main .dnc-service');
  assert.equal(await service.locator('.dnc-manage, .dnc-state').count(), 0);
  assert.equal((await service.locator('.sent-slot').textContent()).trim(), text('zh', 'dnc.citizen.code_sent').replace('{number}', '138 0013 8005'));
  await assertChineseOnly(page, 'the citizen DNC page with the demo outbox');
  await assertNoRawKeys(page, 'the citizen DNC page with the demo outbox');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-code-zh.png'), fullPage: true });
  // Another number: back to step 1.
  await service.locator('button[data-action="other-number"]').click();
  await service.locator('.dnc-number-form').waitFor({ state: 'visible' });
  assert.equal(await service.locator('.demo-sms').count(), 0);
  await useLang(page, 'en');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test('a business scrubs a list, sees the counts and the receipt, and downloads the result', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const business = await demoAccount(page, t, 'business');
  if (!business) return;
  await signIn(page, 'en', business);
  const link = page.locator('#nav-list a[href="#/business/dnc"]');
  assert.equal((await link.textContent()).trim(), text('en', 'nav.dnc_business'));
  assert.equal(await page.locator('#main .tool-card a[href="#/business/dnc"]').count(), 1, 'the dashboard links to the DNC tools');
  assert.equal(await page.locator('#nav-list a[href="#/dnc/registry"]').count(), 0);
  await link.click();
  await waitForHeading(page, text('en', 'dnc.business.title'));
  assert.equal(await link.getAttribute('aria-current'), 'page');

  const section = page.locator('#dnc-scrub');
  await section.locator('button[data-action="scrub"]').click();
  await section.locator('.message-error p', { hasText: text('en', 'dnc.business.scrub.error_empty') }).waitFor();
  await section.getByLabel(text('en', 'dnc.business.scrub.paste')).fill(SCRUB_LIST.join('\n'));
  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/dnc/scrub') && r.method() === 'POST');
  await section.locator('button[data-action="scrub"]').click();
  const request = await posted;
  assert.match(await request.headerValue('content-type'), /^text\/csv/);
  assert.ok((await request.headerValue('x-csrf-token'))?.length > 0, 'the scrub carries X-CSRF-Token');
  assert.equal(request.postData(), `${SCRUB_LIST.join('\n')}\n`);
  const response = await request.response();
  const receiptId = await response.headerValue('x-quell-scrub-receipt');
  assert.match(receiptId, /\S/);

  const result = section.locator(`.scrub-result[data-receipt="${receiptId}"]`);
  await result.waitFor();
  const counts = await result.locator('.scrub-counts li').evaluateAll((lis) => Object.fromEntries(lis.map((li) => [li.dataset.status, Number(li.dataset.count)])));
  assert.deepEqual(counts, { total: 6, callable: 2, protected: 2, exempt: 1, invalid: 1 });
  assert.equal((await result.locator('.receipt-id').textContent()).trim(), receiptId);
  assert.equal((await result.locator('.hash-full').textContent()).trim(), await response.headerValue('x-quell-list-sha256'));
  const rows = await result.locator('.preview-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent.trim(), tr.dataset.status]));
  assert.deepEqual(rows, [
    ['138 0013 8005', 'protected'],
    ['138 0013 8006', 'exempt'],
    ['136 0013 6000', 'callable'],
    ['139 0013 9000', 'callable'],
    ['138 0013 8100', 'protected'],
    ['hello', 'invalid'],
  ]);
  assert.ok((await result.locator('tr[data-status="protected"]').first().textContent()).includes(text('en', 'dnc.scrub_status.protected')));
  assert.match(await result.locator('tr', { has: page.locator('[data-e164="+8613900139000"]') }).textContent(), /protected from \d{4}-\d{2}-\d{2}/, 'in its grace period: callable, with the date');
  // The whole result, as a file.
  const download = result.locator('a[data-action="download"]');
  assert.equal(await download.getAttribute('download'), 'result.csv');
  assert.match(await download.getAttribute('href'), /^blob:/);
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  assert.equal(file.suggestedFilename(), 'result.csv');
  const csv = readFileSync(await file.path(), 'utf8');
  assert.equal(csv.split('\n')[0], 'number,status,detail');
  assert.equal(csv.trim().split('\n').length, 7);

  // The receipt is listed, marked as the new one.
  const row = page.locator(`#dnc-receipts tr[data-receipt="${receiptId}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('class'), 'row-new');
  const cells = await row.locator('td[data-count]').evaluateAll((tds) => Object.fromEntries(tds.map((td) => [td.dataset.count, Number(td.textContent)])));
  assert.deepEqual(cells, { total: 6, callable: 2, protected: 2, exempt: 1, invalid: 1 });
  scrubbed = { id: receiptId, list: request.postData() };

  // A file with a header row, in any format.
  await section.locator('button[data-action="clear"]').click();
  await section.getByLabel(text('en', 'dnc.business.scrub.file')).setInputFiles({
    name: 'list.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('number,name\n"+86 138-0013-8005",Li\n0086 136 0013 6000,Wang\n'),
  });
  await section.locator('.file-info', { hasText: 'list.csv' }).waitFor();
  await section.locator('button[data-action="scrub"]').click();
  await page.waitForFunction(() => Number(document.querySelector('#dnc-scrub .scrub-counts li[data-status="total"]')?.dataset.count) === 2);
  assert.equal(await section.locator('.scrub-counts li[data-status="protected"]').getAttribute('data-count'), '1');
  // The receipts are listed again once the result is shown.
  await page.waitForFunction(() => document.querySelectorAll('#dnc-receipts tbody tr[data-receipt]').length === 2);
  await assertNoRawKeys(page, 'the business DNC page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-business-en.png'), fullPage: true });

  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'dnc.business.title'));
  assert.equal((await section.locator('.scrub-counts li[data-status="exempt"] .stat-label').textContent()).trim(), text('zh', 'dnc.scrub_status.exempt'));
  await assertChineseOnly(page, 'the business DNC page');
  await assertNoRawKeys(page, 'the business DNC page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-business-zh.png'), fullPage: true });
  await useLang(page, 'en');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test('a business declares and removes a calling range, and adds and revokes an exemption', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const business = await demoAccount(page, t, 'business');
  if (!business) return;
  await signIn(page, 'en', business);
  await page.click('#nav-list a[href="#/business/dnc"]');
  await waitForHeading(page, text('en', 'dnc.business.title'));

  // The demo's declared numbers: a marketing range of 1,000 and a service number.
  const ranges = page.locator('#dnc-ranges');
  const demoRange = ranges.locator('tr[data-first="+862161234000"]');
  await demoRange.waitFor();
  assert.ok((await demoRange.textContent()).includes('021 6123 4000'));
  assert.equal((await demoRange.locator('td').nth(1).textContent()).trim(), '1,000');
  assert.ok((await demoRange.textContent()).includes(text('en', 'dnc.business.ranges.purpose_marketing')));
  assert.deepEqual(await demoRange.locator('[data-category]').evaluateAll((els) => els.map((e) => e.dataset.category)), ['finance', 'insurance']);
  assert.equal(await ranges.locator('tr[data-purpose="service"]').count(), 1);

  // Declare 021 6123 7000-7099 for education.
  await ranges.locator('summary').click();
  const form = ranges.locator('.range-form');
  await form.locator('button[data-action="declare"]').click();
  await form.locator('.message-error p', { hasText: text('en', 'dnc.business.ranges.error_first') }).waitFor();
  await form.getByLabel(text('en', 'dnc.business.ranges.first')).fill('021 6123 7000');
  await form.getByLabel(text('en', 'dnc.business.ranges.last')).fill('021 6123 7099');
  await form.locator('button[data-action="declare"]').click();
  await form.locator('.message-error p', { hasText: text('en', 'dnc.business.ranges.error_categories') }).waitFor();
  await form.locator('input[name="range-category"][value="education"]').check();
  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/dnc/ranges') && r.method() === 'POST');
  await form.locator('button[data-action="declare"]').click();
  assert.deepEqual((await posted).postDataJSON(), { first: '021 6123 7000', last: '021 6123 7099', purpose: 'marketing', categories: ['education'] });
  const added = ranges.locator('tr[data-first="+862161237000"]');
  await added.waitFor();
  assert.equal((await added.locator('td').nth(1).textContent()).trim(), '100');
  await ranges.locator('.message-area p.is-success').waitFor();
  // An overlapping range is refused, with the reason.
  await form.getByLabel(text('en', 'dnc.business.ranges.first')).fill('02161237050');
  await form.locator('input[name="range-category"][value="education"]').check();
  await form.locator('button[data-action="declare"]').click();
  await form.locator('.message-error p', { hasText: text('en', 'dnc.business.ranges.error_overlap') }).waitFor();

  // Remove it again.
  await added.locator('button[data-action="remove-range"]').click();
  const dialog = page.locator('dialog.dialog');
  await dialog.waitFor();
  assert.ok((await dialog.textContent()).includes('021 6123 7000'));
  const deleted = page.waitForResponse((r) => /\/api\/v1\/dnc\/ranges\/\d+$/.test(r.url()) && r.request().method() === 'DELETE');
  await dialog.locator('button[value="ok"]').click();
  assert.equal((await deleted).status(), 204);
  await added.waitFor({ state: 'detached' });
  assert.equal(await demoRange.count(), 1);

  // Exemptions: the demo's consent, then a purchase added and revoked.
  const exemptions = page.locator('#dnc-exemptions');
  const consent = exemptions.locator('tr[data-number="+8613800138006"]');
  await consent.waitFor();
  assert.equal(await consent.getAttribute('data-state'), 'active');
  assert.ok((await consent.textContent()).includes(text('en', 'dnc.business.exemptions.basis_consent')));
  await exemptions.locator('summary').click();
  const eform = exemptions.locator('.exemption-form');
  await eform.getByLabel(text('en', 'dnc.business.exemptions.number')).fill('138 0013 8007');
  await eform.getByLabel(text('en', 'dnc.business.exemptions.basis')).selectOption('purchase');
  await eform.getByLabel(text('en', 'dnc.business.exemptions.note')).fill('order 1234');
  // Days alone are the register's dates (+08:00), shown as such whatever the
  // browser's time zone.
  await eform.getByLabel(text('en', 'dnc.business.exemptions.starts')).fill('2025-06-01');
  await eform.getByLabel(text('en', 'dnc.business.exemptions.expires')).fill('2099-12-31');
  const exempted = page.waitForResponse((r) => r.url().endsWith('/api/v1/dnc/exemptions') && r.request().method() === 'POST');
  await eform.locator('button[data-action="add-exemption"]').click();
  const answer = await exempted;
  assert.deepEqual(answer.request().postDataJSON(), { number: '138 0013 8007', basis: 'purchase', starts_at: '2025-06-01', expires_at: '2099-12-31', note: 'order 1234' });
  assert.equal(Date.parse((await answer.json()).starts_at), Date.parse('2025-06-01T00:00:00+08:00'), "midnight in the register's time zone");
  const purchase = exemptions.locator('tr[data-number="+8613800138007"][data-state="active"]');
  await purchase.waitFor();
  assert.ok((await purchase.textContent()).includes('order 1234'));
  assert.deepEqual((await purchase.locator('time').allTextContents()).map((s) => s.trim()), ['1 June 2025', '31 December 2099']);
  await purchase.locator('button[data-action="revoke"]').click();
  await dialog.waitFor();
  await dialog.locator('button[value="ok"]').click();
  await exemptions.locator('tr[data-number="+8613800138007"][data-state="revoked"]').waitFor();
  await assertNoRawKeys(page, 'the business DNC page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-business-numbers-en.png'), fullPage: true });

  // Staff pages are not for businesses.
  await goto(page, '#/dnc/registry');
  await waitForHeading(page, text('en', 'errors.page.forbidden_title'));
  await signOut(page, 'en');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test('a business sees the violations of its marketing calls from the demo traffic, in English and Chinese', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const business = await demoAccount(page, t, 'business');
  if (!business) return;
  await signIn(page, 'en', business);
  await page.click('#nav-list a[href="#/business/dnc"]');
  await waitForHeading(page, text('en', 'dnc.business.title'));
  const section = page.locator('#dnc-violations');
  assert.equal((await section.locator('h2').textContent()).trim(), text('en', 'dnc.business.violations.title'));
  // A view of personal data: nothing is loaded before it is asked for.
  assert.equal(await section.locator('.violations-table').count(), 0);
  const show = section.locator('button[data-action="show-violations"]');
  assert.equal((await show.textContent()).trim(), text('en', 'dnc.business.violations.show'));

  const asked = page.waitForRequest((r) => r.url().includes('/api/v1/dnc/violations'));
  const rows = await showViolations(section, 'button[data-action="show-violations"]');
  const query = new URL((await asked).url()).searchParams;
  assert.equal(query.get('limit'), '50');
  assert.equal(query.get('before'), null, 'the newest first');
  assert.equal(query.get('org_id'), null, 'a business sees its own organisation only');
  assert.equal((await show.textContent()).trim(), text('en', 'dnc.business.violations.refresh'));
  // Older ones are offered when a whole page came back (paging: tests/web).
  const shown = await rows.count();
  assert.equal(await section.locator('button[data-action="more-violations"]').isVisible(), shown >= 50);
  assert.equal(await section.locator('.violations-status [data-i18n]').getAttribute('data-i18n-args'), JSON.stringify({ count: { number: shown } }));
  // The demo's marketing calls from its range (+86 21 6123 45xx) to numbers it
  // protects (+86 138 0013 81xx-84xx).
  const demoCall = section.locator(DEMO_VIOLATION).first();
  await demoCall.waitFor();
  const { caller, callee } = await demoNumbers(demoCall);
  assert.equal((await demoCall.locator('.violation-caller').textContent()).trim(), nationalLandline(caller), 'the caller in national format');
  assert.equal((await demoCall.locator('.violation-callee').textContent()).trim(), nationalMobile(callee), 'the callee in national format');
  assert.equal(await demoCall.locator('.violation-caller .tn').getAttribute('title'), caller);
  assert.equal(await demoCall.getAttribute('data-category'), 'finance');
  const finance = await vocabLabel('categories', 'finance', 'en');
  assert.equal((await demoCall.locator('[data-category="finance"]').textContent()).trim(), finance);
  assert.match((await demoCall.locator('time').textContent()).trim(), /\d{2}:\d{2}:\d{2}/, 'the time, to the second');
  const seen = await demoCall.getAttribute('data-seen');
  assert.ok(['attempt', 'completed'].includes(seen));
  assert.ok((await demoCall.textContent()).includes(text('en', `dnc.violations.seen_${seen}`)));
  const outcome = await demoCall.getAttribute('data-outcome');
  assert.equal((await demoCall.locator('.violation-outcome').textContent()).trim(), text('en', `dnc.violations.outcome_${outcome}`));
  // Set-up attempts to a protected number are refused by the network.
  assert.ok((await section.locator('tr[data-seen="attempt"][data-outcome="blocked"]').count()) >= 1, 'a blocked attempt');
  assert.equal(await section.locator('th', { hasText: text('en', 'dnc.violations.col_org') }).count(), 0, 'its own organisation only: no organisation column');
  await assertNoRawKeys(page, 'the business DNC page with violations');
  await section.screenshot({ path: path.join(SHOTS, 'portal-dnc-violations-business-en.png') });

  // 简体中文, in place.
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'dnc.business.title'));
  assert.equal((await section.locator('h2').textContent()).trim(), text('zh', 'dnc.business.violations.title'));
  assert.equal((await show.textContent()).trim(), text('zh', 'dnc.business.violations.refresh'));
  assert.ok((await demoCall.textContent()).includes(text('zh', `dnc.violations.seen_${seen}`)));
  assert.equal((await demoCall.locator('[data-category="finance"]').textContent()).trim(), await vocabLabel('categories', 'finance', 'zh'));
  assert.equal((await demoCall.locator('.violation-caller').textContent()).trim(), nationalLandline(caller));
  await assertChineseOnly(page, 'the business DNC page with violations');
  await assertNoRawKeys(page, 'the business DNC page with violations');
  await section.screenshot({ path: path.join(SHOTS, 'portal-dnc-violations-business-zh.png') });
  await useLang(page, 'en');
  await signOut(page, 'en');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test("an analyst looks up a number's history and checks a business's receipt", { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const analyst = await demoAccount(page, t, 'analyst');
  if (!analyst) return;
  await signIn(page, 'en', analyst);
  const link = page.locator('#nav-list a[href="#/dnc/registry"]');
  assert.equal((await link.textContent()).trim(), text('en', 'nav.dnc_registry'));
  assert.equal(await page.locator('#main .tool-card a[href="#/dnc/registry"]').count(), 1);
  await link.click();
  await waitForHeading(page, text('en', 'dnc.registry.title'));

  // The register's figures.
  const protectedStat = page.locator('#dnc-stats li[data-stat="protected_numbers"]');
  await protectedStat.waitFor();
  assert.ok(Number(await protectedStat.getAttribute('data-value')) > 50, 'the demo registrations are counted');
  assert.ok(Number(await page.locator('#dnc-stats li[data-stat="pending_numbers"]').getAttribute('data-value')) >= 1, '139 0013 9000 is in its grace period');

  // A number's history (audited).
  const lookup = page.locator('#dnc-lookup');
  const viewed = page.waitForResponse((r) => r.url().includes('/api/v1/dnc/numbers/'));
  await lookup.getByLabel(text('en', 'dnc.registry.lookup.number')).fill('+8613800138005');
  await lookup.locator('button[data-action="lookup"]').click();
  assert.equal((await viewed).status(), 200);
  const card = lookup.locator('.number-card[data-number="+8613800138005"]');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-state'), 'protected');
  assert.ok((await card.locator('h3').textContent()).includes('138 0013 8005'));
  const history = card.locator('.history-table tbody tr');
  assert.ok((await history.count()) >= 1);
  const first = (await history.last().locator('td').allTextContents()).map((s) => s.trim());
  assert.equal(first[2], text('en', 'dnc.op.register'));
  assert.equal(first[3], text('en', 'dnc.channel.web'));
  assert.equal(first[4], 'sms-code');
  assert.equal(first[6], text('en', 'dnc.prefs.all'));
  // A number never registered.
  await lookup.getByLabel(text('en', 'dnc.registry.lookup.number')).fill('13800138001');
  await lookup.locator('button[data-action="lookup"]').click();
  await lookup.locator('.lookup-never').waitFor();

  // Every business's violations, with the organisation's name; then one
  // organisation's, none, and a filter that is not a number.
  const violations = page.locator('#dnc-violations');
  assert.equal(await violations.locator('.violations-table').count(), 0, 'loaded on request only');
  const all = page.waitForRequest((r) => r.url().includes('/api/v1/dnc/violations'));
  const vrows = await showViolations(violations, 'button[data-action="filter-violations"]');
  assert.equal(new URL((await all).url()).searchParams.get('org_id'), null);
  const demoCall = violations.locator(DEMO_VIOLATION).first();
  await demoCall.waitFor();
  assert.equal((await demoCall.locator('.violation-org .org-name').textContent()).trim(), 'Demo Finance Ltd');
  const { caller, callee } = await demoNumbers(demoCall);
  assert.equal((await demoCall.locator('.violation-caller').textContent()).trim(), nationalLandline(caller));
  assert.equal((await demoCall.locator('.violation-callee').textContent()).trim(), nationalMobile(callee));
  const orgId = await demoCall.getAttribute('data-org');
  const orgField = violations.getByLabel(text('en', 'dnc.registry.receipts.org'));
  await orgField.fill(orgId);
  const one = page.waitForRequest((r) => r.url().includes('/api/v1/dnc/violations'));
  await violations.locator('button[data-action="filter-violations"]').click();
  assert.equal(new URL((await one).url()).searchParams.get('org_id'), orgId);
  await violations.locator('.violations-slot:not([aria-busy]) table').waitFor();
  assert.ok((await vrows.count()) >= 1);
  assert.deepEqual([...new Set(await vrows.evaluateAll((trs) => trs.map((tr) => tr.dataset.org)))], [orgId]);
  await orgField.fill('999999');
  await violations.locator('button[data-action="filter-violations"]').click();
  await violations.locator('td.empty', { hasText: text('en', 'dnc.violations.empty') }).waitFor();
  await orgField.fill('Demo');
  await violations.locator('button[data-action="filter-violations"]').click();
  await violations.locator('.message-error p', { hasText: text('en', 'dnc.registry.receipts.error_org') }).waitFor();
  await orgField.fill('');
  await showViolations(violations, 'button[data-action="filter-violations"]');
  await assertNoRawKeys(page, 'the DNC registry page with violations');

  // The business's receipt among every business's, checked against its list.
  if (scrubbed) {
    const row = page.locator(`#dnc-all-receipts tr[data-receipt="${scrubbed.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('td[data-count="protected"]').textContent(), '2');
    assert.equal((await row.locator('.org-name').textContent()).trim(), 'Demo Finance Ltd', 'the organisation by its name');
    const check = page.locator('#dnc-check');
    await check.getByLabel(text('en', 'dnc.registry.check.id')).fill(scrubbed.id);
    await check.locator('button[data-action="check-receipt"]').click();
    const receipt = check.locator(`.receipt-card[data-receipt="${scrubbed.id}"]`);
    await receipt.waitFor();
    assert.equal((await receipt.locator('.org-name').textContent()).trim(), 'Demo Finance Ltd');
    await receipt.getByLabel(text('en', 'dnc.registry.check.file')).setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(scrubbed.list) });
    await receipt.locator('.file-match[data-match="list"]').waitFor();
    await receipt.getByLabel(text('en', 'dnc.registry.check.file')).setInputFiles({ name: 'other.csv', mimeType: 'text/csv', buffer: Buffer.from('13800138005\n') });
    await receipt.locator('.file-match[data-match="none"]').waitFor();
  }
  await assertNoRawKeys(page, 'the DNC registry page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-registry-en.png'), fullPage: true });

  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'dnc.registry.title'));
  await lookup.getByLabel(text('zh', 'dnc.registry.lookup.number')).fill('+8613800138005');
  await lookup.locator('button[data-action="lookup"]').click();
  await card.waitFor();
  assert.equal((await history.last().locator('td').nth(2).textContent()).trim(), text('zh', 'dnc.op.register'));
  // The violations, in place: labels, category and organisation number in Chinese.
  assert.equal((await violations.locator('h2').textContent()).trim(), text('zh', 'dnc.registry.violations.title'));
  const zhCall = violations.locator(DEMO_VIOLATION).first();
  assert.equal((await zhCall.locator('[data-category="finance"]').textContent()).trim(), await vocabLabel('categories', 'finance', 'zh'));
  assert.ok((await zhCall.textContent()).includes(text('zh', `dnc.violations.seen_${await zhCall.getAttribute('data-seen')}`)));
  assert.ok((await zhCall.locator('.violation-org').textContent()).includes('Demo Finance Ltd'));
  await assertChineseOnly(page, 'the DNC registry page');
  await assertNoRawKeys(page, 'the DNC registry page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-dnc-registry-zh.png'), fullPage: true });

  // Signed in, a wrong code on the public page does not end the session: the
  // citizen's requests go without it.
  await goto(page, '#/dnc');
  await waitForHeading(page, text('zh', 'info.dnc.title'));
  await codeFromOutbox('13800138098', 'zh');
  const service = page.locator('#main .dnc-service');
  await service.getByLabel(text('zh', 'dnc.citizen.code')).fill('000000');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/dnc/verify'));
  await service.locator('button[data-action="verify"]').click();
  assert.equal((await refused).status(), 401);
  await service.locator('.dnc-code-form .message-error p', { hasText: text('zh', 'dnc.citizen.error_code') }).waitFor();
  assert.equal(await page.locator('#sign-out').count(), 1, 'still signed in');
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/session')).status), 200);
  await goto(page, '#/business/dnc');
  await waitForHeading(page, text('zh', 'errors.page.forbidden_title'));
  await useLang(page, 'en');
  await signOut(page, 'en');
  // Signed out, the staff page asks for a login first.
  await goto(page, '#/dnc/registry');
  await waitForHeading(page, text('en', 'login.title'));
  assert.match(page.url(), /#\/login\?next=%2Fdnc%2Fregistry$/);
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});
