// Unit tests of the sanctions pages' helpers (web/js/views/sanctions.js), the
// enforcement ledger page's (web/js/views/ledger.js) and their place in the
// navigation (web/js/nav.js). The pages in a browser are tested by
// tests/e2e/browser/sanctions.test.mjs. Run with: node --test tests/web/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  creditCodeProblem, normaliseCreditCode, linesOf, rangeText, sanctionBody, formProblem, lastDay, MEASURE_KEYS, STATE_KEYS,
} from '../../web/js/views/sanctions.js';
import { pageBefore, chain, keyIndex, revokedBefore, shortHash, prettyJson, KIND_KEYS } from '../../web/js/views/ledger.js';
import { workspacePages, navGroups, SANCTIONS_ROLES, SANCTIONS_CHECK_ROLES, LEDGER_ROLES } from '../../web/js/nav.js';

const en = JSON.parse(readFileSync(new URL('../../web/i18n/en.json', import.meta.url), 'utf8'));
const zh = JSON.parse(readFileSync(new URL('../../web/i18n/zh.json', import.meta.url), 'utf8'));
const lookup = (cat, key) => key.split('.').reduce((n, p) => (n == null ? undefined : n[p]), cat);

test('unified social credit codes: the check character of GB 32100-2015', () => {
  for (const code of ['91350100M000100Y43', '91110000802100433B', '91310115MA1K4DEM05', '91440300MA5FDEM01B', '91110105MA01DEM02Q']) {
    assert.equal(creditCodeProblem(code), null, code);
  }
  assert.equal(creditCodeProblem(' 9135 0100m000100y43 '), null, 'spaces and lower case are read as the server reads them');
  assert.deepEqual(creditCodeProblem('91350100M000100Y44'), { problem: 'check', expected: '3' });
  assert.deepEqual(creditCodeProblem('91350100M000100Y4'), { problem: 'length' });
  assert.deepEqual(creditCodeProblem('91350100M000100I43'), { problem: 'chars' }, 'I is not a credit-code character');
  assert.equal(normaliseCreditCode('9135 0100m000100y43'), '91350100M000100Y43');
});

test('numbers and ranges are read one per line', () => {
  assert.deepEqual(linesOf('021 5098 7601\n\n+86 21 5098 7602 ，13800138000；'), ['021 5098 7601', '+86 21 5098 7602', '13800138000']);
  assert.deepEqual(linesOf(''), []);
  assert.equal(rangeText('+86 21-6123'), '+86216123');
});

const FORM = {
  entity_name: ' Shanghai Pushy Marketing Co., Ltd. ', credit_code: '91350100m000100y43', measure: 'number_block',
  numbers: '021 5098 7601\n+86 138-0013-8000', ranges: '+86 21 6124', start: '2026-12-01', end: '2027-05-31',
  legal_basis: ' 第十四条 ', public: true, reason: '  after a warning ',
};

test('the form becomes the API body', () => {
  const body = sanctionBody(FORM);
  assert.deepEqual(body, {
    measure: 'number_block',
    entity_name: 'Shanghai Pushy Marketing Co., Ltd.',
    credit_code: '91350100M000100Y43',
    legal_basis: '第十四条',
    public: true,
    numbers: ['02150987601', '+8613800138000'],
    ranges: ['+86216124'],
    start: '2026-12-01',
    end: '2027-05-31',
    reason: 'after a warning',
  });
  const bare = sanctionBody({ ...FORM, credit_code: '', start: '', end: '', reason: '', public: false, numbers: '', ranges: '', measure: 'warning' });
  for (const field of ['credit_code', 'start', 'end', 'reason']) assert.ok(!(field in bare), `${field} is left out when empty`);
  assert.equal(bare.public, false);
});

test('the form says what is wrong before sending', () => {
  assert.equal(formProblem(FORM), null);
  assert.equal(formProblem({ ...FORM, entity_name: ' ' }).key, 'sanctions.error_entity');
  assert.deepEqual(formProblem({ ...FORM, credit_code: '91350100M000100Y44' }), { key: 'sanctions.error_credit_check', args: { expected: '3' } });
  assert.equal(formProblem({ ...FORM, credit_code: '123' }).key, 'sanctions.error_credit_code');
  assert.equal(formProblem({ ...FORM, credit_code: '' }), null, 'the credit code is optional');
  assert.equal(formProblem({ ...FORM, measure: '' }).key, 'sanctions.error_measure');
  assert.equal(formProblem({ ...FORM, numbers: '', ranges: '' }).key, 'sanctions.error_block_needs_numbers');
  assert.equal(formProblem({ ...FORM, measure: 'joint_punishment', numbers: '', ranges: '' }), null, 'other measures may name the entity only');
  assert.deepEqual(formProblem({ ...FORM, ranges: '8621' }), { key: 'sanctions.error_range', args: { range: '8621' } });
  assert.equal(formProblem({ ...FORM, end: '2026-11-30' }).key, 'sanctions.error_dates');
  assert.equal(formProblem({ ...FORM, legal_basis: '' }).key, 'sanctions.error_basis');
});

test('a sanction\'s last day is the day before its end instant', () => {
  assert.equal(lastDay('2027-05-31T16:00:00.000Z'), '2027-05-31T15:59:59.999Z');
  assert.equal(lastDay('nonsense'), 'nonsense');
});

test('measures, states and record kinds match the API names and are translated', () => {
  assert.deepEqual(Object.keys(MEASURE_KEYS), ['warning', 'marketing_suspension', 'number_block', 'joint_punishment']);
  assert.deepEqual(Object.keys(STATE_KEYS), ['scheduled', 'active', 'expired', 'lifted']);
  assert.deepEqual(Object.keys(KIND_KEYS), ['genesis', 'key', 'violation', 'traceback', 'sanction', 'appeal', 'breach', 'complaint']);
  assert.equal(lookup(zh, MEASURE_KEYS.joint_punishment), '列入联合惩戒名单', 'the measure names of docs/sanctions.md');
  assert.equal(lookup(zh, MEASURE_KEYS.number_block), '号码封停');
  for (const key of [...Object.values(MEASURE_KEYS), ...Object.values(STATE_KEYS), ...Object.values(KIND_KEYS)]) {
    assert.equal(typeof lookup(en, key), 'string', key);
    assert.equal(typeof lookup(zh, key), 'string', key);
  }
});

test('ledger pages are read backwards from the head', () => {
  assert.deepEqual(pageBefore(45, 20), { after: 25, limit: 20 });
  assert.deepEqual(pageBefore(25, 20), { after: 5, limit: 20 });
  assert.deepEqual(pageBefore(5, 20), { after: 0, limit: 5 });
  assert.equal(pageBefore(0, 20), null);
  assert.equal(pageBefore(undefined), null);
});

test('each record\'s link to the one before is checked', () => {
  const zero = '0'.repeat(64);
  const records = [
    { seq: 1, prev: zero, hash: 'a1' },
    { seq: 2, prev: 'a1', hash: 'b2' },
    { seq: 3, prev: 'XX', hash: 'c3' },
    { seq: 5, prev: 'd4', hash: 'e5' },
  ];
  const linked = chain(records);
  assert.deepEqual(linked.map((r) => r.seq), [5, 3, 2, 1], 'newest first');
  assert.deepEqual(linked.map((r) => r.link), ['unknown', 'broken', 'ok', 'genesis']);
  assert.equal(chain([{ seq: 1, prev: 'ff', hash: 'a' }])[0].link, 'broken', 'a genesis record chains to nothing');
  assert.equal(records[0].link, undefined, 'the input is not changed');
});

test('keys: who signed, and whether the key was revoked before', () => {
  const keys = keyIndex([{ key_id: 'operator/1', organisation: 'operator', added_seq: 1, revoked_seq: null }, { key_id: 'cmcc/1', organisation: 'China Mobile', added_seq: 2, revoked_seq: 9 }]);
  assert.equal(keys.get('cmcc/1').organisation, 'China Mobile');
  assert.equal(revokedBefore(keys.get('cmcc/1'), 8), false);
  assert.equal(revokedBefore(keys.get('cmcc/1'), 10), true);
  assert.equal(revokedBefore(keys.get('operator/1'), 10), false);
  assert.equal(revokedBefore(undefined, 10), false);
  assert.equal(shortHash('0123456789abcdef0123456789abcdef', 4), '0123…cdef');
  assert.equal(shortHash('abc'), 'abc');
  assert.equal(prettyJson({ v: 1, action: 'lift' }), '{\n  "v": 1,\n  "action": "lift"\n}');
  assert.equal(prettyJson('{"a":1}'), '{\n  "a": 1\n}');
  assert.equal(prettyJson('not json'), 'not json');
});

test('navigation: sanctions for staff, the check for carriers, the ledger for every organisation, the public list for all', () => {
  const hrefs = (role) => workspacePages(role).map((p) => p.href);
  assert.deepEqual(SANCTIONS_ROLES, ['analyst', 'admin']);
  assert.deepEqual(SANCTIONS_CHECK_ROLES, ['carrier', 'analyst', 'admin']);
  for (const role of ['analyst', 'admin']) assert.ok(hrefs(role).includes('#/sanctions'), role);
  for (const role of ['citizen', 'business', 'carrier', 'app', 'data_controller']) assert.ok(!hrefs(role).includes('#/sanctions'), role);
  assert.ok(hrefs('carrier').includes('#/sanctions/check'));
  for (const role of ['business', 'carrier', 'app', 'data_controller', 'analyst', 'admin']) {
    assert.ok(hrefs(role).includes('#/ledger'), role);
    assert.ok(LEDGER_ROLES.includes(role), role);
  }
  assert.ok(!hrefs('citizen').includes('#/ledger'));
  for (const role of ['app', 'data_controller', 'analyst']) for (const page of workspacePages(role)) assert.ok(page.desc, `${page.href} has a dashboard description`);
  assert.ok(navGroups(null)[0].items.some((p) => p.href === '#/sanctions/public'), 'the public list is in the public menu');
  assert.ok(navGroups({ role: 'citizen' })[0].items.some((p) => p.href === '#/sanctions/public'));
});
