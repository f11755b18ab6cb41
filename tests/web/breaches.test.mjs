// Unit tests of the breach-notice page's helpers (web/js/views/breaches.js) and
// its place in the navigation (web/js/nav.js). The page in a browser is tested
// by tests/e2e/browser/breaches.test.mjs. Run with: node --test tests/web/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sortLateFirst, splitMinutes, numbersFromText, noticeBody, GRADE_KEYS, STATE_KEYS, CATEGORY_KEYS } from '../../web/js/views/breaches.js';
import { workspacePages, BREACH_ROLES } from '../../web/js/nav.js';

const en = JSON.parse(readFileSync(new URL('../../web/i18n/en.json', import.meta.url), 'utf8'));
const zh = JSON.parse(readFileSync(new URL('../../web/i18n/zh.json', import.meta.url), 'utf8'));
const lookup = (cat, key) => key.split('.').reduce((n, p) => (n == null ? undefined : n[p]), cat);

test('late notices come first, then open before closed, then newest', () => {
  const items = [
    { id: 1, late: false, state: 'filed' },
    { id: 2, late: true, state: 'closed' },
    { id: 3, late: false, state: 'closed' },
    { id: 4, late: true, state: 'filed' },
    { id: 5, late: false, follow_up_overdue: true, state: 'info_requested' },
    { id: 6, late: false, state: 'under_review' },
  ];
  assert.deepEqual(sortLateFirst(items).map((b) => b.id), [5, 4, 2, 6, 1, 3]);
  assert.deepEqual(items.map((b) => b.id), [1, 2, 3, 4, 5, 6], 'the input is not reordered');
});

test('lateness is shown in hours and minutes', () => {
  assert.deepEqual(splitMinutes(125), { hours: 2, minutes: 5 });
  assert.deepEqual(splitMinutes(0), { hours: 0, minutes: 0 });
  assert.deepEqual(splitMinutes(undefined), { hours: 0, minutes: 0 });
  assert.deepEqual(splitMinutes(-3), { hours: 0, minutes: 0 });
});

test('numbers are read one per line, by commas or Chinese punctuation', () => {
  assert.deepEqual(numbersFromText('138 0013 8000\n\n +86 139 0013 9000 ，170 0000 0666；', 'affected').map((n) => n.number),
    ['138 0013 8000', '+86 139 0013 9000', '170 0000 0666']);
  assert.deepEqual(numbersFromText('', 'used'), []);
  assert.equal(numbersFromText('13800138000', 'used')[0].role, 'used');
});

test('the filing form becomes the API body', () => {
  const body = noticeBody({
    description: '  leak ', measures: '', entity_type: 'cii', occurred_at: '', discovered_at: '2025-09-30T08:00',
    people_affected: '1200', categories: ['contact'], affected: '13800138000', used: '17000000666',
  });
  assert.equal(body.description, 'leak');
  assert.equal(body.people_affected, 1200);
  assert.equal(body.entity_type, 'cii');
  assert.ok(!('occurred_at' in body), 'an unknown start is left out');
  assert.equal(body.discovered_at, new Date('2025-09-30T08:00').toISOString());
  assert.deepEqual(body.numbers, [{ number: '13800138000', role: 'affected' }, { number: '17000000666', role: 'used' }]);
});

test('grades, states and categories match the API names and are translated', () => {
  assert.deepEqual(Object.keys(GRADE_KEYS), ['general', 'major', 'serious', 'especially_serious']);
  assert.deepEqual(Object.keys(STATE_KEYS), ['filed', 'under_review', 'info_requested', 'closed']);
  assert.deepEqual(Object.keys(CATEGORY_KEYS), ['identity', 'contact', 'location', 'financial', 'health', 'biometric', 'communications', 'credentials', 'minors']);
  assert.equal(lookup(zh, GRADE_KEYS.especially_serious), '特别重大');
  assert.equal(lookup(zh, GRADE_KEYS.major), '较大');
  for (const key of [...Object.values(GRADE_KEYS), ...Object.values(STATE_KEYS), ...Object.values(CATEGORY_KEYS)]) {
    assert.equal(typeof lookup(en, key), 'string', key);
    assert.equal(typeof lookup(zh, key), 'string', key);
  }
});

test('the breach page is in the workspace of controllers and staff only', () => {
  const has = (role) => workspacePages(role).some((p) => p.href === '#/breaches');
  for (const role of ['data_controller', 'analyst', 'admin']) assert.ok(has(role), role);
  for (const role of ['citizen', 'business', 'carrier', 'app']) assert.ok(!has(role), role);
  assert.deepEqual(BREACH_ROLES, ['data_controller', 'analyst', 'admin']);
  for (const page of workspacePages('data_controller')) assert.ok(page.desc, `${page.href} has a dashboard description`);
});
