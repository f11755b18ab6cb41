// Browser test of the behavioural-detection findings page (#/findings) against
// `quell serve --demo`:
// - call records posted with a carrier API key (made through the admin API)
//   raise a telemarketing finding (40 unanswered calls in 40 minutes from
//   021 6123 4001 to different mobiles) and call-bombing findings (12 calls in a
//   minute from two numbers to one mobile);
// - an analyst sees them counted per detector and listed with national numbers,
//   filters by detector and by a number typed in national format, opens a
//   finding with every figure labelled and its related numbers, follows a
//   related number to its own findings, sees a new finding arrive without a
//   reload, and reads it all in Chinese; the refresh stops once the page is left;
// - a carrier has the page too; a business does not.
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
  signOut,
  assertChineseOnly,
  assertNoRawKeys,
  requireEnv,
  demoAccount,
  useLang,
} from './support.mjs';

const TIMEOUT = 150_000;
const MARKETER = '+862161234001';
const BOMBERS = ['+862161234002', '+862161234003'];
const VICTIM = '+8613700137777';
const LATE_VICTIM = '+8613700137778';

let browser;
let page;
let carrierKey = null;

before(async () => {
  if (!BASE) return;
  browser = await launch();
  page = browser.page;
});

after(async () => {
  if (browser) await browser.close();
});




// A carrier API key, made once through the admin API (outside the browser, so
// that the browser's own session is not touched).
async function carrierApiKey(admin) {
  if (carrierKey) return carrierKey;
  const login = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: admin.username, password: admin.password }),
  });
  assert.equal(login.status, 200, 'the administrator signs in');
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const { csrf_token: csrf } = await login.json();
  const res = await fetch(`${BASE}/api/v1/admin/keys`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
    body: JSON.stringify({ role: 'carrier', org: 'Demo Telecom', label: 'e2e findings' }),
  });
  assert.equal(res.status, 201, `an API key for the carrier: ${await res.clone().text()}`);
  carrierKey = (await res.json()).key;
  await fetch(`${BASE}/api/v1/session`, { method: 'DELETE', headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
  return carrierKey;
}

const iso = (ms) => new Date(ms).toISOString();

// Call records (docs/formats/cdr.md), unanswered: one call a minute from the
// marketer to 40 different mobiles over the last 40 minutes, and 12 calls
// within a minute from the two bombers to the victim.
function campaignCsv(now) {
  const rows = ['time,caller,callee,kind,answered,ring_ms,talk_ms,release_cause'];
  for (let i = 0; i < 40; i += 1) {
    const callee = `+86139${String(10_000_000 + i * 37_913).padStart(8, '0')}`;
    rows.push(`${iso(now - (40 - i) * 60_000)},021 6123 4001,${callee},completed,0,20000,0,16`);
  }
  rows.push(...bombingRows(now - 90_000, VICTIM));
  return `${rows.join('\n')}\n`;
}

function bombingRows(start, victim) {
  const rows = [];
  for (let i = 0; i < 12; i += 1) rows.push(`${iso(start + i * 5000)},${BOMBERS[i % 2]},${victim},completed,0,15000,0,16`);
  return rows;
}

async function postEvents(key, csv) {
  const res = await fetch(`${BASE}/api/v1/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/csv' },
    body: csv,
  });
  assert.equal(res.status, 200, `call records accepted: ${await res.clone().text()}`);
  const body = await res.json();
  assert.equal(body.rejected, 0, `no bad rows: ${JSON.stringify(body)}`);
  return body;
}

// The findings of `number` (with the carrier key), once `enough` of them are
// stored (the store writes behind the engine), for up to 15 s.
async function findingsOf(key, number, enough) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${BASE}/api/v1/findings?number=${encodeURIComponent(number)}`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200, `GET /api/v1/findings: ${await res.clone().text()}`);
    const list = (await res.json()).findings;
    if (enough(list) || Date.now() > deadline) {
      assert.ok(enough(list), `findings of ${number}: ${JSON.stringify(list)}`);
      return list;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

test('call records raise findings that an analyst lists, filters and opens, in English and Chinese', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const admin = await demoAccount(page, t, 'admin');
  const analyst = admin && (await demoAccount(page, t, 'analyst'));
  if (!admin || !analyst) return;

  // The campaign, through the carrier API.
  const key = await carrierApiKey(admin);
  const now = Date.now();
  const accepted = await postEvents(key, campaignCsv(now));
  assert.equal(accepted.accepted, 52);
  const [marketing] = await findingsOf(key, MARKETER, (l) => l.some((f) => f.detector === 'marketing'));
  assert.equal(marketing.national, '021 6123 4001');
  const victimFindings = await findingsOf(key, VICTIM, (l) => l.some((f) => f.detector === 'bombing'));
  const bombing = victimFindings.find((f) => f.detector === 'bombing');
  assert.equal(bombing.role, 'callee');
  for (const n of BOMBERS) await findingsOf(key, n, (l) => l.some((f) => f.detector === 'bombing' && f.role === 'caller'));

  // The page, from the navigation.
  await signIn(page, 'en', analyst);
  const link = page.locator('#nav-list a[href="#/findings"]');
  assert.equal((await link.textContent()).trim(), text('en', 'nav.findings'));
  assert.equal(await page.locator('#main .tool-card a[href="#/findings"]').count(), 1, 'the dashboard links to the findings');
  await link.click();
  await waitForHeading(page, text('en', 'findings.title'));
  assert.equal(await link.getAttribute('aria-current'), 'page');

  // Counts per detector (last 24 h and all) and the engine's live figures.
  const card = (d) => page.locator(`#findings-summary button[data-detector="${d}"]`);
  await page.waitForFunction(() => Number(document.querySelector('#findings-summary button[data-detector="bombing"]')?.dataset.all) >= 3);
  assert.ok(Number(await card('marketing').getAttribute('data-day')) >= 1);
  assert.ok(Number(await card('bombing').getAttribute('data-day')) >= 3, 'the victim and both callers');
  assert.equal((await card('bombing').locator('.detector-card-name').textContent()).trim(), text('en', 'findings.detector.bombing'));
  const events = page.locator('#findings-summary li[data-stat="events"]');
  await events.waitFor();
  assert.ok(Number(await events.getAttribute('data-value')) >= 52, 'the engine counted the call records');

  // The list: newest first, numbers in national format, localized detector and role.
  const rows = page.locator('#findings-list tr[data-finding]');
  const row = page.locator(`#findings-list tr[data-finding="${marketing.id}"]`);
  await row.waitFor();
  assert.equal((await row.locator('.finding-link').textContent()).trim(), '021 6123 4001');
  assert.equal((await row.locator('.detector-name').textContent()).trim(), text('en', 'findings.detector.marketing'));
  assert.equal(await row.locator('.severity').count(), 1, 'a severity badge');
  assert.equal((await row.locator('[data-role]').textContent()).trim(), text('en', 'findings.role.caller'));
  assert.ok((await row.locator('td.reason').textContent()).trim().length > 0, 'the engine\'s reason');
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.finding)));
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  // The demo starts with simulated findings, so there may be more than a page.
  const older = page.locator('#findings-list button[data-action="older"]');
  assert.equal(await older.isVisible(), (await rows.count()) >= 50, 'an "older" button exactly when the page is full');
  await assertNoRawKeys(page, 'the findings page');

  // Filter by detector, from the form: only call bombing, and the card shows it.
  const list = page.locator('#findings-list');
  await list.getByLabel(text('en', 'findings.filter.detector')).selectOption('bombing');
  let asked = page.waitForRequest((r) => r.url().includes('/api/v1/findings?'));
  await list.locator('button[data-action="filter"]').click();
  assert.equal(new URL((await asked).url()).searchParams.get('detector'), 'bombing');
  await page.waitForFunction(() => {
    const trs = [...document.querySelectorAll('#findings-list tr[data-finding]')];
    return trs.length >= 3 && trs.every((tr) => tr.dataset.detector === 'bombing');
  });
  assert.match(page.url(), /#\/findings\?detector=bombing$/, 'the filter is in the address');
  assert.equal(await card('bombing').getAttribute('aria-pressed'), 'true');

  // And by a number typed in national format: the victim only.
  await list.getByLabel(text('en', 'findings.filter.number')).fill('137 0013 7777');
  asked = page.waitForRequest((r) => r.url().includes('/api/v1/findings?'));
  await list.locator('button[data-action="filter"]').click();
  assert.equal(new URL((await asked).url()).searchParams.get('number'), '13700137777');
  const victimRow = page.locator(`#findings-list tr[data-finding="${bombing.id}"]`);
  await page.waitForFunction((id) => {
    const trs = [...document.querySelectorAll('#findings-list tr[data-finding]')];
    return trs.length >= 1 && trs.every((tr) => tr.dataset.number === '+8613700137777') && trs.some((tr) => tr.dataset.finding === id);
  }, String(bombing.id));
  assert.equal((await victimRow.locator('[data-role]').textContent()).trim(), text('en', 'findings.role.callee'));
  // A number that is not one.
  await list.getByLabel(text('en', 'findings.filter.number')).fill('call me');
  await list.locator('button[data-action="filter"]').click();
  await list.locator('.message-error p', { hasText: text('en', 'findings.filter.error_number') }).waitFor();
  await list.getByLabel(text('en', 'findings.filter.number')).fill('137 0013 7777');

  // The victim's finding: a click anywhere on its row.
  await victimRow.locator('td.reason').click();
  await waitForHeading(page, text('en', 'findings.detail.title').replace('{id}', String(bombing.id)));
  assert.match(page.url(), new RegExp(`#/findings/${bombing.id}$`));
  assert.equal(await link.getAttribute('aria-current'), 'page', 'still the findings page in the navigation');
  const detail = page.locator(`#main .finding-card[data-finding="${bombing.id}"]`);
  await detail.waitFor();
  assert.ok((await detail.locator('.finding-title').textContent()).includes('137 0013 7777'));
  assert.equal((await detail.locator('.detector-help').textContent()).trim(), text('en', 'findings.detector_help.bombing'));
  const figureLabels = async () => (await detail.locator('.figures dt').allTextContents()).map((s) => s.trim());
  assert.deepEqual(await figureLabels(), ['attempts', 'callers', 'repeat', 'unanswered'].map((n) => text('en', `findings.figure.${n}`)));
  assert.equal(await detail.locator('.figure[data-figure="attempts"]').getAttribute('data-value'), '12');
  assert.equal((await detail.locator('.figure[data-figure="callers"] dd').textContent()).trim(), '2');
  assert.equal((await detail.locator('.figure[data-figure="repeat"] dd').textContent()).trim(), '6');
  assert.equal((await detail.locator('[data-fact="window"] dd').textContent()).trim(), text('en', 'findings.window.minutes').replace('{n}', '5'));
  for (const fact of ['first_seen', 'last_seen']) assert.equal(await detail.locator(`[data-fact="${fact}"] time`).count(), 1, fact);
  assert.equal((await detail.locator('h3').nth(1).textContent()).trim(), text('en', 'findings.detail.related_callers'));
  assert.deepEqual((await detail.locator('.related-list a').allTextContents()).map((s) => s.trim()).sort(), ['021 6123 4002', '021 6123 4003']);
  await assertNoRawKeys(page, 'a finding');
  await page.screenshot({ path: path.join(SHOTS, 'portal-finding-en.png'), fullPage: true });

  // Back: the list as it was filtered.
  await page.goBack();
  await waitForHeading(page, text('en', 'findings.title'));
  assert.equal(await list.getByLabel(text('en', 'findings.filter.detector')).inputValue(), 'bombing');
  assert.equal(await list.getByLabel(text('en', 'findings.filter.number')).inputValue(), '137 0013 7777');
  await victimRow.waitFor();
  // Days: from today (the browser's), then from tomorrow (none yet), and an order that is wrong.
  const day = (offset) => page.evaluate((o) => {
    const d = new Date();
    d.setDate(d.getDate() + o);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }, offset);
  const since = list.getByLabel(text('en', 'findings.filter.since'), { exact: true });
  const until = list.getByLabel(text('en', 'findings.filter.until'), { exact: true });
  await since.fill(await day(0));
  asked = page.waitForRequest((r) => r.url().includes('/api/v1/findings?'));
  await list.locator('button[data-action="filter"]').click();
  const sinceSent = new URL((await asked).url()).searchParams.get('since');
  assert.equal(new Date(sinceSent).getTime(), await page.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).getTime()), 'the start of the browser\'s day');
  await list.locator('.findings-slot:not([aria-busy])').waitFor();
  await victimRow.waitFor();
  await since.fill(await day(1));
  await list.locator('button[data-action="filter"]').click();
  await list.locator('td.empty', { hasText: text('en', 'findings.list.empty') }).waitFor();
  await until.fill(await day(0));
  await list.locator('button[data-action="filter"]').click();
  await list.locator('.message-error p', { hasText: text('en', 'findings.filter.error_order') }).waitFor();
  await since.fill('');
  await until.fill('');
  await list.locator('button[data-action="filter"]').click();
  await victimRow.waitFor();
  await victimRow.locator('.finding-link').click();
  await detail.waitFor();

  // A related number's own findings: the caller side of the bombing.
  await detail.locator('.related-list a', { hasText: '021 6123 4002' }).click();
  await waitForHeading(page, text('en', 'findings.title'));
  assert.equal(await list.getByLabel(text('en', 'findings.filter.number')).inputValue(), '+862161234002');
  await page.waitForFunction(() => {
    const trs = [...document.querySelectorAll('#findings-list tr[data-finding]')];
    return trs.length >= 1 && trs.every((tr) => tr.dataset.number === '+862161234002');
  });
  assert.equal(await page.locator('#findings-list tr[data-detector="bombing"][data-role="caller"]').count(), 1);

  // The marketer's finding, from a card: every figure labelled.
  await page.locator('#findings-list button[data-action="clear"]').click();
  await card('marketing').click();
  await page.waitForFunction(() => {
    const trs = [...document.querySelectorAll('#findings-list tr[data-finding]')];
    return trs.length >= 1 && trs.every((tr) => tr.dataset.detector === 'marketing');
  });
  assert.equal(await card('marketing').getAttribute('aria-pressed'), 'true');
  await row.locator('.finding-link').click();
  const mdetail = page.locator(`#main .finding-card[data-finding="${marketing.id}"]`);
  await mdetail.waitFor();
  const mfigures = await mdetail.locator('.figure').evaluateAll((els) => els.map((e) => e.dataset.figure));
  for (const name of ['attempts_hour', 'distinct_callees', 'asr']) assert.ok(mfigures.includes(name), `figure ${name}`);
  assert.equal(await mdetail.locator('.figure-name').count(), 0, 'every figure has a label');
  assert.equal((await mdetail.locator('.figure[data-figure="asr"] dd').textContent()).trim(), '0%');
  assert.equal((await mdetail.locator('.figure[data-figure="asr"] dt').textContent()).trim(), text('en', 'findings.figure.asr'));
  assert.equal((await mdetail.locator('.related-list').count()), 0, 'no related numbers');

  // 简体中文, in place.
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'findings.detail.title').replace('{id}', String(marketing.id)));
  assert.equal((await mdetail.locator('.detector-name').textContent()).trim(), text('zh', 'findings.detector.marketing'));
  assert.equal((await mdetail.locator('.figure[data-figure="asr"] dt').textContent()).trim(), text('zh', 'findings.figure.asr'));
  assert.match(await mdetail.locator('[data-fact="first_seen"] time').textContent(), /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/, 'a time in Chinese');
  await assertChineseOnly(page, 'a finding');
  await assertNoRawKeys(page, 'a finding');
  await page.screenshot({ path: path.join(SHOTS, 'portal-finding-zh.png'), fullPage: true });

  // The number's other findings, then the whole list, in Chinese.
  await mdetail.locator('a[data-action="number-findings"]').click();
  await waitForHeading(page, text('zh', 'findings.title'));
  assert.match(page.url(), /#\/findings\?number=%2B862161234001$/);
  await row.waitFor();
  assert.equal((await row.locator('.detector-name').textContent()).trim(), text('zh', 'findings.detector.marketing'));
  assert.equal((await row.locator('[data-role]').textContent()).trim(), text('zh', 'findings.role.caller'));
  await page.locator('#findings-list button[data-action="clear"]').click();
  await page.waitForFunction(() => document.querySelectorAll('#findings-list tr[data-finding]').length >= 4);
  await page.waitForFunction(() => Number(document.querySelector('#findings-summary li[data-stat="events"]')?.dataset.value) >= 52);
  await assertChineseOnly(page, 'the findings page');
  await assertNoRawKeys(page, 'the findings page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-findings-zh.png'), fullPage: true });

  // A new finding arrives while the page is open: no reload, marked as new.
  await page.evaluate(() => {
    window.__noReload = true;
  });
  await postEvents(key, `time,caller,callee,kind,answered,ring_ms,talk_ms,release_cause\n${bombingRows(Date.now() - 80_000, LATE_VICTIM).join('\n')}\n`);
  const late = page.locator(`#findings-list tr[data-number="${LATE_VICTIM}"][data-role="callee"]`);
  await late.waitFor({ timeout: 25_000 });
  assert.match(await late.getAttribute('class'), /\brow-new\b/);
  assert.equal((await late.locator('.finding-link').textContent()).trim(), '137 0013 7778');
  assert.equal(await page.evaluate(() => window.__noReload), true, 'refreshed in place');
  await useLang(page, 'en');

  // Away from the page, the refresh stops.
  let polled = 0;
  const count = (r) => {
    if (r.url().includes('/api/v1/findings')) polled += 1;
  };
  await page.click('#nav-list a[href="#/dashboard"]');
  await waitForHeading(page, text('en', 'dashboard.title'));
  page.on('request', count);
  await page.waitForTimeout(11_000);
  page.off('request', count);
  assert.equal(polled, 0, 'no requests for findings once the page is left');

  // A finding that does not exist.
  await goto(page, '#/findings/999999999');
  await page.locator('#main .finding-missing').waitFor();
  await signOut(page, 'en');
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});

test('a carrier has the findings page; a business does not', { timeout: TIMEOUT }, async (t) => {
  requireEnv(page);
  const carrier = await demoAccount(page, t, 'carrier');
  const business = carrier && (await demoAccount(page, t, 'business'));
  if (!carrier || !business) return;
  await signIn(page, 'en', carrier);
  await page.click('#nav-list a[href="#/findings"]');
  await waitForHeading(page, text('en', 'findings.title'));
  await page.locator('#findings-list table.findings-table').waitFor();
  await page.locator('#findings-summary li[data-stat="events"]').waitFor();
  await signOut(page, 'en');

  await signIn(page, 'en', business);
  assert.equal(await page.locator('#nav-list a[href="#/findings"]').count(), 0);
  assert.equal(await page.locator('#main .tool-card a[href="#/findings"]').count(), 0);
  await goto(page, '#/findings');
  await waitForHeading(page, text('en', 'errors.page.forbidden_title'));
  await signOut(page, 'en');
  // Signed out, the page asks for a login first.
  await goto(page, '#/findings');
  await waitForHeading(page, text('en', 'login.title'));
  assert.match(page.url(), /#\/login\?next=%2Ffindings$/);
  assert.deepEqual(browser.errors, [], 'JavaScript errors on the page');
});
