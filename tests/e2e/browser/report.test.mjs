// Browser test of the complaint centre (#/report, #/cases) against
// `quell serve --demo` (docs/complaints.md):
// - the demo citizen reports a fraud call from +86 170 0000 0666 and sees it in
//   "My reports" as received;
// - the demo analyst sees the case (the page in Chinese too), with the
//   statistics drawn as charts (a bar per kind and category with cases, a column
//   per day with cases, as the statistics API counts them) and the quarter
//   presets filling the range (and the CSV link following it); the queue fits one
//   page, so there is no "Load more";
// - the analyst forwards the case to Demo Telecom; the demo carrier reads its
//   history (without actors) and answers it; the analyst closes it as confirmed and reads its history (received,
//   forwarded, answered, closed, in English and in Chinese);
// - with #/cases?limit=2 the queue comes two cases at a time and "Load more"
//   brings the rest, as many as the API lists, until there is no next page;
// - the citizen sees the case closed, with the note.
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

// YYYY-MM-DD of a local date (the browser runs in the same time zone as node).
function localDay(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// The API's JSON for `url`, with the browser's session.
async function apiJson(url) {
  const res = await page.request.get(`${BASE}${url}`);
  assert.equal(res.status(), 200, `GET ${url}`);
  return res.json();
}

// The charts of the statistics card drawn for the range in its form: one SVG
// (role="img", with a summary) per chart, with as many bars as the statistics
// API counts kinds, categories and days with cases. Returns the statistics.
async function checkCharts() {
  const card = page.locator('section[aria-labelledby="cases-stats"]');
  const from = await card.locator('input[name="from"]').inputValue();
  const to = await card.locator('input[name="to"]').inputValue();
  const stats = await apiJson(`/api/v1/reports/stats?from=${from}&to=${to}`);
  const kinds = Object.values(stats.by_kind).filter((n) => n > 0).length;
  const categories = Object.values(stats.by_category).filter((n) => n > 0).length;
  const days = stats.by_day.filter((d) => d.reports > 0).length;
  assert.ok(kinds > 0 && days > 0, `the demo has cases from ${from} to ${to}`);
  await card.locator('.stats-day svg.stats-chart').waitFor();
  for (const [dimension, bars, selector] of [['kind', kinds, 'g.stats-hbar'], ['category', categories, 'g.stats-hbar'], ['day', days, 'g.stats-col']]) {
    const chart = card.locator(`.stats-${dimension} svg.stats-chart`);
    assert.equal(await chart.count(), bars ? 1 : 0, `one ${dimension} chart`);
    if (!bars) continue;
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.ok((await chart.getAttribute('aria-label')).length > 20, `the ${dimension} chart has a summary`);
    assert.equal(await chart.locator(`${selector} rect.stats-bar`).count(), bars, `${dimension}: a bar per ${dimension} with cases`);
    assert.ok((await card.locator(`.stats-${dimension} table tbody tr`).count()) >= bars, `${dimension}: the table beside the chart`);
  }
  // The columns' tooltips and the date axis (at least its first and last day).
  assert.equal(await card.locator('.stats-day g.stats-col > title').count(), days);
  assert.ok((await card.locator('.stats-day .stats-axis text').count()) >= 2, 'a date axis');
  const biggest = Math.max(...Object.values(stats.by_kind));
  const top = card.locator(`.stats-kind g.stats-hbar[data-count="${biggest}"]`).first();
  assert.equal(await top.locator('.stats-hbar-count').textContent(), String(biggest));
  return stats;
}

// Clicks a range preset and checks the dates, the CSV link and the charts.
async function choosePreset(preset, expected) {
  const card = page.locator('section[aria-labelledby="cases-stats"]');
  await card.locator(`button[data-preset="${preset}"]`).click();
  assert.equal(await card.locator('input[name="from"]').inputValue(), expected.from, `${preset}: from`);
  assert.equal(await card.locator('input[name="to"]').inputValue(), expected.to, `${preset}: to`);
  assert.equal(await card.locator(`button[data-preset="${preset}"]`).getAttribute('aria-pressed'), 'true');
  const href = await card.locator('a.cases-csv').getAttribute('href');
  assert.equal(href, `/api/v1/reports/stats?from=${expected.from}&to=${expected.to}&format=csv`, `${preset}: the CSV link`);
  await card.locator('.cases-stats .cases-totals').waitFor();
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
  // One page holds the demo's queue: no "Load more".
  await page.locator('.cases-shown span').waitFor();
  assert.ok(await page.locator('button[data-action="more"]').isHidden(), 'no "Load more" without a next page');

  // Statistics: charts for the default range, then the presets.
  await checkCharts();
  const now = new Date();
  const q = Math.floor(now.getMonth() / 3) * 3;
  await choosePreset('last_quarter', {
    from: localDay(new Date(now.getFullYear(), q - 3, 1)),
    to: localDay(new Date(now.getFullYear(), q, 0)),
  });
  await choosePreset('last_30_days', {
    from: localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 29)),
    to: localDay(now),
  });
  await checkCharts();
  await choosePreset('this_quarter', { from: localDay(new Date(now.getFullYear(), q, 1)), to: localDay(now) });
  const quarter = await checkCharts();
  assert.ok(quarter.by_kind.fraud >= 1, 'this quarter counts the fraud report just filed');
  const statsCard = page.locator('section[aria-labelledby="cases-stats"]');
  await statsCard.screenshot({ path: path.join(SHOTS, 'cases-stats-en.png') });
  await page.setViewportSize({ width: 390, height: 900 });
  await statsCard.screenshot({ path: path.join(SHOTS, 'cases-stats-narrow-en.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'cases.title'));
  await page.locator('.cases-stats .stats-kind table').waitFor();
  await assertChineseOnly(page, '#/cases (analyst)');
  await assertNoRawKeys(page, '#/cases (analyst)');
  await page.screenshot({ path: path.join(SHOTS, 'cases-zh.png'), fullPage: true });
  await statsCard.screenshot({ path: path.join(SHOTS, 'cases-stats-zh.png') });
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
  // The carrier reads the history too, without who did what.
  await row.locator('button[data-action="history"]').click();
  const carrierHistory = page.locator(`.cases-list tr[data-history-of="${id}"]`);
  await carrierHistory.locator('.case-event').first().waitFor();
  assert.deepEqual(await carrierHistory.locator('.case-event').evaluateAll((els) => els.map((el) => el.dataset.action)), ['received', 'forwarded']);
  assert.equal(await carrierHistory.locator('.case-event-actor').count(), 0, 'carriers see no actors');
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

  // Its history: the states in order, with times, actors and the note.
  await row.locator('button[data-action="history"]').click();
  assert.equal(await row.locator('button[data-action="history"]').getAttribute('aria-expanded'), 'true');
  const history = page.locator(`.cases-list tr[data-history-of="${id}"]`);
  await history.locator('.case-event').first().waitFor();
  const actions = await history.locator('.case-event').evaluateAll((els) => els.map((el) => el.dataset.action));
  assert.deepEqual(actions, ['received', 'forwarded', 'answered', 'closed'], 'the history lists the states in order');
  const events = history.locator('.case-event');
  assert.match(await events.nth(0).textContent(), new RegExp(text('en', 'cases.history_actions.received')));
  assert.match(await events.nth(0).textContent(), new RegExp(citizen.username));
  assert.match(await events.nth(1).textContent(), /Demo Telecom/);
  assert.match(await events.nth(1).textContent(), new RegExp(analyst.username));
  assert.match(await events.nth(2).textContent(), /suspended pending a real-name check/);
  assert.ok((await events.nth(3).textContent()).includes(NOTE), 'the closing note is in the history');
  assert.match(await events.nth(3).textContent(), /Confirmed/);
  assert.equal(await history.locator('.case-event time[datetime]').count(), 4, 'each state has its time');
  await page.screenshot({ path: path.join(SHOTS, 'cases-en.png'), fullPage: true });
  await useLang(page, 'zh');
  await waitForHeading(page, text('zh', 'cases.title'));
  assert.match(await events.nth(3).textContent(), new RegExp(text('zh', 'cases.history_actions.closed')));
  await assertChineseOnly(page, '#/cases (a case\'s history)');
  await assertNoRawKeys(page, '#/cases (a case\'s history)');
  await history.screenshot({ path: path.join(SHOTS, 'cases-history-zh.png') });
  await useLang(page, 'en');
  await row.locator('button[data-action="history"]').click();
  await history.waitFor({ state: 'detached' });

  // Two cases a page: "Load more" brings the rest, in order, then goes away.
  const all = (await apiJson('/api/v1/cases')).cases.map((c) => String(c.id));
  assert.ok(all.length > 2, 'the demo queue is longer than a page of two');
  await goto(page, '#/cases?limit=2');
  await page.waitForFunction(() => document.querySelectorAll('.cases-list tr[data-case]').length === 2);
  const more = page.locator('button[data-action="more"]');
  const rows = () => page.locator('.cases-list tr[data-case]').count();
  for (let pages = 1; await more.isVisible(); pages += 1) {
    assert.ok(pages <= all.length, 'the pages come to an end');
    const before = await rows();
    await more.click();
    await page.waitForFunction((n) => {
      const button = document.querySelector('button[data-action="more"]');
      return !button.disabled && (button.hidden || document.querySelectorAll('.cases-list tr[data-case]').length > n);
    }, before);
  }
  const listed = await page.locator('.cases-list tr[data-case]').evaluateAll((els) => els.map((el) => el.dataset.case));
  assert.deepEqual(listed, all, 'the pages together list every case once, newest first');
  assert.ok(await more.isHidden());

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
