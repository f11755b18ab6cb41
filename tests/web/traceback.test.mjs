// Unit tests of the traceback pages' helpers (web/js/views/traceback.js), the
// carrier registry's and league table's (web/js/views/carriers.js) and their
// place in the navigation (web/js/nav.js). The pages in a browser are tested by
// tests/e2e/browser/traceback.test.mjs. Run with: node --test tests/web/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  e164Of, utcTime, caseBody, caseProblem, answerBody, answerProblem, durationText, timeLeft, missedDeadline, startedAtSigner, outcomeOf,
  cdrContentType, STATE_KEYS, HOP_STATE_KEYS, ANSWER_KEYS, SOURCE_KEYS,
} from '../../web/js/views/traceback.js';
import {
  contactsOf, contactsText, carrierBody, carrierProblem, percent, ROLE_KEYS, AUTH_KEYS,
} from '../../web/js/views/carriers.js';
import { workspacePages, navGroups, TRACEBACK_ROLES, CARRIERS_ROLES } from '../../web/js/nav.js';

const en = JSON.parse(readFileSync(new URL('../../web/i18n/en.json', import.meta.url), 'utf8'));
const zh = JSON.parse(readFileSync(new URL('../../web/i18n/zh.json', import.meta.url), 'utf8'));
const lookup = (cat, key) => key.split('.').reduce((n, p) => (n == null ? undefined : n[p]), cat);

test('numbers are sent as E.164', () => {
  assert.equal(e164Of('138 0013 8000'), '+8613800138000');
  assert.equal(e164Of('021-6123 4567'), '+862161234567');
  assert.equal(e164Of('0755 2345 6789'), '+8675523456789');
  assert.equal(e164Of('+86 170 9999 0001'), '+8617099990001');
  assert.equal(e164Of('0044 20 7031 3000'), '+442070313000');
  assert.equal(e164Of('95588'), '95588', 'a short code is left to the server');
  assert.equal(e164Of('not a number'), null);
  assert.equal(e164Of(''), null);
});

test('the call time is read as UTC', () => {
  assert.equal(utcTime('2026-11-01T23:15'), '2026-11-01T23:15:00Z');
  assert.equal(utcTime('2026-11-01T23:15:07'), '2026-11-01T23:15:07Z');
  assert.equal(utcTime('2026-11-01T23:15:07.250'), '2026-11-01T23:15:07.250Z');
  assert.equal(utcTime('2026-11-01'), '');
  assert.equal(utcTime(''), '');
});

const CASE = {
  caller: '170 9999 0001', callee: '138 0013 8000', call_time: '2026-11-01T23:15', campaign: ' loan robocalls ', terminating: '1',
  source_kind: 'complaint', source_id: '7', origid: ' de305d54-75b4-431b-adb2-eb6b9e546014 ', spc: 'demo2',
};

test('the open-a-case form becomes the API body', () => {
  assert.deepEqual(caseBody(CASE), {
    caller: '+8617099990001',
    callee: '+8613800138000',
    call_time: '2026-11-01T23:15:00Z',
    campaign: 'loan robocalls',
    terminating_org_id: 1,
    source: { kind: 'complaint', id: 7 },
    passport: { origid: 'de305d54-75b4-431b-adb2-eb6b9e546014', spc: 'DEMO2' },
  });
  const bare = caseBody({ ...CASE, source_kind: 'none', origid: '', spc: '' });
  assert.ok(!('source' in bare) && !('passport' in bare), 'no source, no signature');
});

test('the open-a-case form says what is wrong before sending', () => {
  assert.equal(caseProblem(CASE), null);
  assert.equal(caseProblem({ ...CASE, caller: '' }).key, 'traceback.error_caller');
  assert.equal(caseProblem({ ...CASE, callee: 'x' }).key, 'traceback.error_callee');
  assert.equal(caseProblem({ ...CASE, call_time: '' }).key, 'traceback.error_time');
  assert.equal(caseProblem({ ...CASE, terminating: '' }).key, 'traceback.error_terminating');
  assert.equal(caseProblem({ ...CASE, source_id: '' }).key, 'traceback.error_source_id');
  assert.equal(caseProblem({ ...CASE, source_kind: 'none', source_id: '' }), null);
  assert.equal(caseProblem({ ...CASE, spc: 'DEMO-2' }).key, 'traceback.error_spc');
});

test('answers become the API body, and are checked first', () => {
  assert.deepEqual(answerBody({ kind: 'upstream', upstream: '7', note: ' interconnect 4 ' }), { answer: 'upstream', upstream_org_id: 7, note: 'interconnect 4' });
  assert.deepEqual(answerBody({ kind: 'origin', customer_name: ' Demo Shenzhen ', credit_code: '9144 0300ma5fdem01b', account: 'SIP trunk 42', note: '' }), {
    answer: 'origin', customer: { name: 'Demo Shenzhen', credit_code: '91440300MA5FDEM01B', account: 'SIP trunk 42' },
  });
  assert.deepEqual(answerBody({ kind: 'foreign', foreign_carrier: 'Far Away Telecom', foreign_country: 'vn' }), { answer: 'foreign', foreign_carrier: 'Far Away Telecom', foreign_country: 'VN' });
  assert.deepEqual(answerBody({ kind: 'not_found' }), { answer: 'not_found' });
  assert.equal(answerProblem({ kind: '' }).key, 'traceback.error_answer_kind');
  assert.equal(answerProblem({ kind: 'upstream', upstream: '' }).key, 'traceback.error_upstream');
  assert.equal(answerProblem({ kind: 'origin', customer_name: ' ' }).key, 'traceback.error_customer');
  assert.deepEqual(answerProblem({ kind: 'origin', customer_name: 'C', credit_code: '91440300MA5FDEM01C' }), { key: 'traceback.error_credit_check', args: { expected: 'B' } });
  assert.equal(answerProblem({ kind: 'origin', customer_name: 'C', credit_code: '123' }).key, 'traceback.error_credit_code');
  assert.equal(answerProblem({ kind: 'origin', customer_name: 'C', credit_code: '' }), null);
  assert.equal(answerProblem({ kind: 'foreign', foreign_carrier: '' }).key, 'traceback.error_foreign');
  assert.equal(answerProblem({ kind: 'not_found' }), null);
});

test('durations, time left and missed deadlines', () => {
  assert.deepEqual(durationText(7200), { key: 'traceback.duration_hm', args: { h: 2, m: 0 } });
  assert.deepEqual(durationText(32700), { key: 'traceback.duration_hm', args: { h: 9, m: 5 } });
  assert.deepEqual(durationText(90000), { key: 'traceback.duration_dh', args: { d: 1, h: 1 } });
  assert.deepEqual(durationText(0), { key: 'traceback.duration_m', args: { m: 0 } });
  assert.deepEqual(durationText(null), { key: 'traceback.duration_none' });
  const now = Date.parse('2026-11-02T00:00:00Z');
  assert.deepEqual(timeLeft('2026-11-02T03:00:00Z', now), { overdue: false, seconds: 10800 });
  assert.deepEqual(timeLeft('2026-11-01T23:00:00Z', now), { overdue: true, seconds: 3600 });
  assert.equal(missedDeadline({ state: 'missed', deadline: '2026-11-03T00:00:00Z' }, now), true);
  assert.equal(missedDeadline({ state: 'waiting', deadline: '2026-11-01T00:00:00Z' }, now), true, 'past its deadline before the sweep');
  assert.equal(missedDeadline({ state: 'waiting', deadline: '2026-11-03T00:00:00Z' }, now), false);
  assert.equal(missedDeadline({ state: 'answered', deadline: '2026-11-01T00:00:00Z' }, now), false);
});

const hop = (n, org, name, extra = {}) => ({ hop: n, carrier: { org_id: org, name }, state: 'answered', answer: null, ...extra });

test('the path: started at the signer, and its outcome', () => {
  const atSigner = { start_note: 'started at Demo Mobile ...', terminating: { org_id: 1, name: 'Demo Telecom' }, hops: [hop(1, 6, 'Demo Mobile')] };
  assert.equal(startedAtSigner(atSigner), true);
  assert.equal(startedAtSigner({ ...atSigner, start_note: '' }), false);
  assert.equal(startedAtSigner({ ...atSigner, hops: [hop(1, 1, 'Demo Telecom')] }), false);
  const origin = { state: 'origin_found', hops: [hop(1, 1, 'Demo Telecom'), hop(2, 6, 'Demo Mobile', { answer: { kind: 'origin', customer: { name: 'Demo Shenzhen' } } })] };
  assert.deepEqual(outcomeOf(origin), { state: 'origin_found', key: 'traceback.outcome.origin_found', args: { carrier: 'Demo Mobile', customer: 'Demo Shenzhen' } });
  const foreign = { state: 'foreign_entry', hops: [hop(1, 8, 'Demo International Gateway', { answer: { kind: 'foreign', foreign_carrier: 'Far Away Telecom' } })] };
  assert.deepEqual(outcomeOf(foreign).args, { carrier: 'Demo International Gateway', foreign: 'Far Away Telecom' });
  assert.equal(outcomeOf({ state: 'non_responsive', hops: [hop(1, 8, 'Demo International Gateway', { state: 'missed' })] }).key, 'traceback.outcome.non_responsive');
  assert.equal(outcomeOf({ state: 'not_found', hops: [hop(1, 1, 'X')] }).key, 'traceback.outcome.not_found');
  assert.deepEqual(outcomeOf({ state: 'open', hops: [hop(1, 1, 'Demo Telecom', { state: 'waiting' })] }), { state: 'open', key: 'traceback.outcome.open', args: { carrier: 'Demo Telecom' } });
});

test('CDR files by their name', () => {
  assert.equal(cdrContentType('cdrs.csv'), 'text/csv');
  assert.equal(cdrContentType('CDRS.JSONL'), 'application/x-ndjson');
  assert.equal(cdrContentType('x.ndjson'), 'application/x-ndjson');
  assert.equal(cdrContentType('x.json'), 'application/json');
  assert.equal(cdrContentType('records.txt'), 'text/csv');
});

test('contacts are read one per line, their parts in any order', () => {
  assert.deepEqual(contactsOf('Traceback desk, tb@demo.example, +86 21 5555 0100\n\n+86 10 1234 5678；Night NOC\nLi Lei'), [
    { name: 'Traceback desk', email: 'tb@demo.example', phone: '+86 21 5555 0100' },
    { name: 'Night NOC', email: '', phone: '+86 10 1234 5678' },
    { name: 'Li Lei', email: '', phone: '' },
  ]);
  assert.equal(contactsText([{ name: 'Desk', email: 'a@b.example', phone: '' }, { name: 'NOC', email: '', phone: '110' }]), 'Desk, a@b.example\nNOC, 110');
  assert.deepEqual(contactsOf(contactsText([{ name: 'Desk', email: 'a@b.example', phone: '+86 21 5555 0100' }])), [{ name: 'Desk', email: 'a@b.example', phone: '+86 21 5555 0100' }]);
});

const CARRIER = {
  org: ' Demo Mobile ', roles: ['terminating', 'originating'], authentication: 'full', spcs: 'demo2\n', cert_subject: ' SHAKEN DEMO2 ', country: 'cn',
  trunk_aliases: 'DM-GW-01\nDM-GW-02', webhook_url: ' https://noc.demo-mobile.example/traceback ', contacts: 'Desk, tb@demo-mobile.example',
};

test('the registry form becomes the API body, and is checked first', () => {
  assert.deepEqual(carrierBody(CARRIER), {
    org: 'Demo Mobile',
    roles: ['originating', 'terminating'],
    authentication: 'full',
    spcs: ['DEMO2'],
    cert_subject: 'SHAKEN DEMO2',
    country: 'CN',
    trunk_aliases: ['DM-GW-01', 'DM-GW-02'],
    webhook_url: 'https://noc.demo-mobile.example/traceback',
    contacts: [{ name: 'Desk', email: 'tb@demo-mobile.example', phone: '' }],
  });
  const edit = carrierBody({ ...CARRIER, org_id: 6 });
  assert.equal(edit.org_id, 6);
  assert.ok(!('org' in edit), 'a change names the carrier by id');
  assert.equal(carrierProblem(CARRIER), null);
  assert.equal(carrierProblem({ ...CARRIER, org: '' }).key, 'carriers.error_org');
  assert.equal(carrierProblem({ ...CARRIER, org: '', org_id: 6 }), null);
  assert.equal(carrierProblem({ ...CARRIER, roles: [] }).key, 'carriers.error_roles');
  assert.equal(carrierProblem({ ...CARRIER, authentication: '' }).key, 'carriers.error_auth');
  assert.deepEqual(carrierProblem({ ...CARRIER, spcs: 'DEMO-2' }), { key: 'carriers.error_spc', args: { spc: 'DEMO-2' } });
  assert.equal(carrierProblem({ ...CARRIER, country: 'CHN' }).key, 'carriers.error_country');
  assert.equal(carrierProblem({ ...CARRIER, country: '' }).key, 'carriers.error_country');
  assert.equal(carrierProblem({ ...CARRIER, webhook_url: 'ftp://x' }).key, 'carriers.error_webhook');
  assert.equal(carrierProblem({ ...CARRIER, contacts: Array.from({ length: 11 }, (_, i) => `c${i}`).join('\n') }).key, 'carriers.error_contacts');
});

test('shares as percentages', () => {
  assert.equal(percent(0.92), '92.0%');
  assert.equal(percent(0.6096385542168675), '61.0%');
  assert.equal(percent(1), '100.0%');
  assert.equal(percent(null), null);
});

test('states, answers, roles match the API names and are translated', () => {
  assert.deepEqual(Object.keys(STATE_KEYS), ['open', 'origin_found', 'foreign_entry', 'not_found', 'non_responsive']);
  assert.deepEqual(Object.keys(HOP_STATE_KEYS), ['waiting', 'answered', 'missed']);
  assert.deepEqual(Object.keys(ANSWER_KEYS), ['upstream', 'origin', 'foreign', 'not_found']);
  assert.deepEqual(Object.keys(SOURCE_KEYS), ['none', 'complaint', 'finding', 'violation']);
  assert.deepEqual(Object.keys(ROLE_KEYS), ['originating', 'gateway', 'transit', 'terminating']);
  assert.deepEqual(Object.keys(AUTH_KEYS), ['full', 'partial', 'none']);
  for (const key of [STATE_KEYS, HOP_STATE_KEYS, ANSWER_KEYS, SOURCE_KEYS, ROLE_KEYS, AUTH_KEYS].flatMap(Object.values)) {
    assert.equal(typeof lookup(en, key), 'string', key);
    assert.equal(typeof lookup(zh, key), 'string', key);
  }
});

test('navigation: cases for staff, the queue for carriers, the registry for both, the league table for all', () => {
  const hrefs = (role) => workspacePages(role).map((p) => p.href);
  assert.deepEqual(TRACEBACK_ROLES, ['analyst', 'admin']);
  assert.deepEqual(CARRIERS_ROLES, ['carrier', 'analyst', 'admin']);
  for (const role of ['analyst', 'admin']) {
    assert.ok(hrefs(role).includes('#/traceback'), role);
    assert.ok(!hrefs(role).includes('#/traceback/requests'), role);
  }
  assert.ok(hrefs('carrier').includes('#/traceback/requests'));
  assert.ok(!hrefs('carrier').includes('#/traceback'));
  for (const role of ['carrier', 'analyst', 'admin']) assert.ok(hrefs(role).includes('#/carriers'), role);
  for (const role of ['citizen', 'business', 'app', 'data_controller']) {
    for (const page of ['#/traceback', '#/traceback/requests', '#/carriers']) assert.ok(!hrefs(role).includes(page), `${role} ${page}`);
  }
  for (const role of ['carrier', 'analyst']) for (const page of workspacePages(role)) assert.ok(page.desc, `${page.href} has a dashboard description`);
  assert.ok(navGroups(null)[0].items.some((p) => p.href === '#/carriers/scorecards'), 'the league table is in the public menu');
  assert.ok(navGroups({ role: 'citizen' })[0].items.some((p) => p.href === '#/carriers/scorecards'));
});
