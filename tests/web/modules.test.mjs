// Unit tests of the portal's browser-independent modules: the catalogue lookup
// (web/js/i18n.js), the fetch wrapper (web/js/api.js), the STIR/SHAKEN page's
// helpers (web/js/views/carrier/shaken.js), phone numbers for display
// (web/js/phone.js), navigation by role (web/js/nav.js), the call-screening
// page's helpers (web/js/views/screening.js), the detection findings page's
// (web/js/views/findings.js), the SVG charts' layout (web/js/charts.js) and the
// complaint cases page's ranges and paging (web/js/views/cases.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as i18n from '../../web/js/i18n.js';
import { api, apiText, ApiError, errorKey, setCsrfToken, setUnauthorizedHandler, buildUrl } from '../../web/js/api.js';
import { displayTn, atisError, isReplay, newOrigid } from '../../web/js/views/carrier/shaken.js';
import { nationalNumber, numberQuery } from '../../web/js/phone.js';
import { navGroups, workspacePages } from '../../web/js/nav.js';
import * as screening from '../../web/js/views/screening.js';
import * as dnc from '../../web/js/views/dnc/common.js';
import { rangeBody, exemptionBody } from '../../web/js/views/dnc/business.js';
import { fileMatch, hex } from '../../web/js/views/dnc/registry.js';
import { tokenExpiry, TOKEN_MINUTES } from '../../web/js/views/dnc/citizen.js';
import * as findings from '../../web/js/views/findings.js';
import * as charts from '../../web/js/charts.js';
import * as cases from '../../web/js/views/cases.js';

test('t() looks up nested and flat keys, interpolates, and falls back to English', () => {
  i18n.setCatalogue('en', { a: { b: 'Hello {name}' }, 'flat.key': 'Flat', only: { en: 'English only' } });
  i18n.setCatalogue('zh', { a: { b: '你好 {name}' }, 'flat.key': '扁平' });
  i18n.setLang('en', { persist: false });
  assert.equal(i18n.t('a.b', { name: 'Li' }), 'Hello Li');
  assert.equal(i18n.t('flat.key'), 'Flat');
  i18n.setLang('zh', { persist: false });
  assert.equal(i18n.getLang(), 'zh');
  assert.equal(i18n.t('a.b', { name: '李' }), '你好 李');
  assert.equal(i18n.t('flat.key'), '扁平');
  assert.equal(i18n.t('only.en'), 'English only');
  assert.equal(i18n.t('no.such.key'), 'no.such.key');
  assert.equal(i18n.interpolate('{a} and {b}', { a: 1 }), '1 and {b}');
});

test('the starting language comes from storage, then from the browser', () => {
  assert.equal(i18n.detectLang('zh', ['en-US']), 'zh');
  assert.equal(i18n.detectLang(null, ['zh-CN', 'en']), 'zh');
  assert.equal(i18n.detectLang(null, ['zh-Hans-CN']), 'zh');
  assert.equal(i18n.detectLang(null, ['fr-FR', 'en-GB']), 'en');
  assert.equal(i18n.detectLang('xx', ['de']), 'en');
  assert.equal(i18n.detectLang(undefined, []), 'en');
});

test('vocabulary labels follow the language and fall back to the machine name', () => {
  i18n.setVocabulary({ roles: [{ name: 'admin', en: 'Administrator', zh: '系统管理员' }] });
  i18n.setLang('en', { persist: false });
  assert.equal(i18n.vocabLabel('roles', 'admin'), 'Administrator');
  i18n.setLang('zh', { persist: false });
  assert.equal(i18n.vocabLabel('roles', 'admin'), '系统管理员');
  assert.equal(i18n.vocabLabel('roles', 'ghost'), 'ghost');
  assert.deepEqual(i18n.vocabTerms('org_kinds'), []);
});

test('times are shown in local time', () => {
  i18n.setLang('en', { persist: false });
  const s = i18n.formatTime('2025-03-01T12:34:56Z');
  assert.match(s, /2025/);
  assert.equal(i18n.formatTime('not a time'), 'not a time');
  assert.equal(i18n.formatTime(null), '');
});

function fakeFetch(status, body, headers = {}) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    const text = body === undefined ? '' : JSON.stringify(body);
    return {
      status,
      ok: status >= 200 && status < 300,
      text: async () => text,
      headers: { get: (name) => headers[name] ?? null },
    };
  };
  fn.calls = calls;
  return fn;
}

test('mutating requests carry X-CSRF-Token; reads do not; cookies stay same-origin', async () => {
  setCsrfToken('tok-123');
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const f = fakeFetch(200, { ok: true });
    await api('/api/v1/x', { method, body: { a: 1 }, fetchImpl: f });
    const { init } = f.calls[0];
    assert.equal(init.headers['X-CSRF-Token'], 'tok-123', method);
    assert.equal(init.credentials, 'same-origin');
    assert.equal(init.headers['Content-Type'], 'application/json');
    assert.equal(init.body, '{"a":1}');
  }
  const g = fakeFetch(200, { ok: true });
  await api('/api/v1/x', { fetchImpl: g });
  assert.equal(g.calls[0].init.headers['X-CSRF-Token'], undefined);
  assert.equal(g.calls[0].init.credentials, 'same-origin');
  setCsrfToken(null);
  const d = fakeFetch(204);
  assert.equal(await api('/api/v1/session', { method: 'DELETE', fetchImpl: d }), null);
  assert.equal(d.calls[0].init.headers['X-CSRF-Token'], undefined, 'no token, no header');
});

test('errors become ApiError with status and code, and map to catalogue keys', async () => {
  const f = fakeFetch(401, { error: { code: 'unauthenticated', message: 'wrong password' } });
  await assert.rejects(api('/api/v1/session', { method: 'POST', body: {}, fetchImpl: f }), (err) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 401);
    assert.equal(err.code, 'unauthenticated');
    assert.equal(errorKey(err), 'errors.unauthenticated');
    return true;
  });
  const r = fakeFetch(429, { error: { code: 'resource_exhausted', message: 'slow down' } }, { 'Retry-After': '30' });
  await assert.rejects(api('/api/v1/x', { fetchImpl: r }), (err) => err.status === 429 && err.retryAfter === 30 && errorKey(err) === 'errors.rate_limited');
  const s = fakeFetch(503, undefined);
  await assert.rejects(api('/api/v1/x', { fetchImpl: s }), (err) => err.code === 'internal' && errorKey(err) === 'errors.server');
  const n = async () => {
    throw new TypeError('Failed to fetch');
  };
  await assert.rejects(api('/api/v1/x', { fetchImpl: n }), (err) => err.status === 0 && errorKey(err) === 'errors.network');
  assert.equal(errorKey(new Error('x')), 'errors.unexpected');
});

test('a 401 on a signed-in request reports an expired session, but not for /session', async () => {
  const seen = [];
  setUnauthorizedHandler((err) => seen.push(err.status));
  setCsrfToken('tok');
  const f = fakeFetch(401, { error: { code: 'unauthenticated', message: '' } });
  await assert.rejects(api('/api/v1/admin/users', { fetchImpl: f }));
  await assert.rejects(api('/api/v1/session', { fetchImpl: f }));
  assert.deepEqual(seen, [401]);
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});

test('query parameters skip empty values', () => {
  assert.equal(buildUrl('/api/v1/admin/audit', { before: null }), '/api/v1/admin/audit');
  assert.equal(buildUrl('/api/v1/admin/audit', { before: 42 }), '/api/v1/admin/audit?before=42');
  assert.equal(buildUrl('/api/v1/admin/notices', { status: '' }), '/api/v1/admin/notices');
  assert.equal(buildUrl('/api/v1/admin/notices', { status: 'failed' }), '/api/v1/admin/notices?status=failed');
});

test('an ApiError keeps the server\'s message and the body it came with', async () => {
  const f = fakeFetch(409, { error: { code: 'already_exists', message: 'carrier "1" already has a customer "x"' } });
  await assert.rejects(api('/api/v1/shaken/customers', { method: 'POST', body: {}, fetchImpl: f }), (err) => {
    assert.equal(err.detail, 'carrier "1" already has a customer "x"');
    assert.equal(err.body.error.code, 'already_exists');
    assert.equal(errorKey(err), 'errors.conflict');
    return true;
  });
  // ATIS-1000082 errors have no "error" object: the body carries them.
  const atis = { requestError: { serviceException: { messageId: 'SVC4001', text: "Missing mandatory parameter '%1'", variables: ['orig'] } } };
  const g = fakeFetch(400, atis);
  await assert.rejects(api('/stir/v1/signing', { method: 'POST', body: {}, fetchImpl: g }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.detail, '');
    assert.deepEqual(err.body, atis);
    return true;
  });
  const n = async () => {
    throw new TypeError('Failed to fetch');
  };
  await assert.rejects(api('/api/v1/x', { fetchImpl: n }), (err) => err.detail === '' && err.body === null);
});

test('STIR/SHAKEN: numbers shown in E.164 with +', () => {
  assert.equal(displayTn('8613800138000'), '+8613800138000');
  assert.equal(displayTn('+8613800138000'), '+8613800138000');
  assert.equal(displayTn(''), '');
  assert.equal(displayTn(null), '');
});

test('STIR/SHAKEN: ATIS errors give messageId and text with the variables filled in', () => {
  assert.deepEqual(
    atisError({ requestError: { serviceException: { messageId: 'SVC4001', text: "Missing mandatory parameter '%1'", variables: ['orig'] } } }),
    { messageId: 'SVC4001', text: "Missing mandatory parameter 'orig'" },
  );
  assert.deepEqual(
    atisError({ requestError: { serviceException: { messageId: 'SVC4005', text: "Invalid value for parameter '%1': %2", variables: ['iat', 'too old'] } } }),
    { messageId: 'SVC4005', text: "Invalid value for parameter 'iat': too old" },
  );
  assert.deepEqual(
    atisError({ requestError: { policyException: { messageId: 'POL4030', text: 'missing or wrong X-CSRF-Token for this session', variables: [] } } }),
    { messageId: 'POL4030', text: 'missing or wrong X-CSRF-Token for this session' },
  );
  // A placeholder without its variable stays as it is.
  assert.equal(atisError({ requestError: { serviceException: { messageId: 'SVC4002', text: "Unsupported response type '%1'" } } }).text, "Unsupported response type '%1'");
  assert.equal(atisError({ error: { code: 'x', message: 'y' } }), null);
  assert.equal(atisError(null), null);
});

test('STIR/SHAKEN: a second verification of the same identity is recognised as a replay', () => {
  const replayed = { verstat: 'TN-Validation-Failed', reasoncode: 438, reasontext: 'Invalid Identity Header', reasondesc: 'replayed: this PASSporT was already accepted' };
  const badSignature = { verstat: 'TN-Validation-Failed', reasoncode: 438, reasondesc: 'signature validation failed' };
  assert.equal(isReplay(replayed, false), true, 'the server says so');
  assert.equal(isReplay(badSignature, true), true, 'a 438 after this page saw the identity pass');
  assert.equal(isReplay(badSignature, false), false);
  assert.equal(isReplay({ verstat: 'TN-Validation-Failed', reasoncode: 403, reasondesc: 'stale' }, true), false);
  assert.equal(isReplay({ verstat: 'TN-Validation-Passed' }, true), false);
});

test('STIR/SHAKEN: origid is a v4 UUID, with or without crypto.randomUUID', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(newOrigid(), uuid);
  const insecure = { getRandomValues: (a) => globalThis.crypto.getRandomValues(a) };
  const a = newOrigid(insecure);
  assert.match(a, uuid);
  assert.notEqual(newOrigid(insecure), a);
});

test('phone numbers: Chinese numbers in national format, the others in E.164', () => {
  assert.equal(nationalNumber('+8613912345678'), '139 1234 5678', 'mobile');
  assert.equal(nationalNumber('+8613800138005'), '138 0013 8005');
  assert.equal(nationalNumber('+861065529988'), '010 6552 9988', 'Beijing');
  assert.equal(nationalNumber('+862088881234'), '020 8888 1234', 'Guangzhou');
  assert.equal(nationalNumber('+8675523456789'), '0755 2345 6789', 'three-digit area code, 8 digits');
  assert.equal(nationalNumber('+867541234567'), '0754 123 4567', 'three-digit area code, 7 digits');
  assert.equal(nationalNumber('+864008108888'), '400 810 8888', 'service number');
  assert.equal(nationalNumber('+868008108888'), '800 810 8888', 'toll-free, not an area code');
  assert.equal(nationalNumber('+86110'), '110', 'emergency');
  assert.equal(nationalNumber('+8695588'), '95588', 'service short code');
  // What cannot be classified stays as the server gave it.
  assert.equal(nationalNumber('+8612345'), '+8612345', 'an invalid number is not made to look national');
  assert.equal(nationalNumber('+861391234567'), '+861391234567', 'a mobile number one digit short');
  assert.equal(nationalNumber('+442070313000'), '+442070313000', 'another country');
  assert.equal(nationalNumber('+12025550123'), '+12025550123');
  assert.equal(nationalNumber('+8613912345678', '44'), '+8613912345678', 'another home country: no national format known');
  assert.equal(nationalNumber('anonymous'), 'anonymous', "a caller's text the server could not parse");
  assert.equal(nationalNumber('13912345678'), '13912345678');
  assert.equal(nationalNumber(null), '');
  assert.equal(nationalNumber(undefined), '');
});

test('phone numbers: a filter accepts digits and E.164, ignoring spaces and dashes', () => {
  assert.equal(numberQuery('139 1234 5678'), '13912345678');
  assert.equal(numberQuery('+86 139-1234-5678'), '+8613912345678');
  assert.equal(numberQuery('(010) 6552.9988'), '01065529988');
  assert.equal(numberQuery(' 110 '), '110');
  assert.equal(numberQuery('not a number'), null);
  assert.equal(numberQuery('12'), null, 'too short');
  assert.equal(numberQuery('1234567890123456'), null, 'longer than E.164 allows');
  assert.equal(numberQuery('++86139'), null);
  assert.equal(numberQuery(''), null);
  assert.equal(numberQuery(null), null);
});

test('navigation: call screening for carriers, analysts and administrators only', () => {
  const hrefs = (role) => workspacePages(role).map((p) => p.href);
  assert.deepEqual(hrefs('carrier'), ['#/screening', '#/findings', '#/carrier/shaken', '#/cases', '#/sanctions/check', '#/traceback/requests', '#/carriers', '#/ledger']);
  assert.deepEqual(hrefs('analyst'), ['#/screening', '#/findings', '#/dnc/registry', '#/appeals', '#/cases', '#/breaches', '#/sanctions', '#/traceback', '#/carriers', '#/ledger']);
  assert.ok(hrefs('admin').includes('#/screening'));
  assert.ok(!hrefs('admin').includes('#/carrier/shaken'));
  for (const role of ['citizen', 'business', 'app', 'data_controller']) assert.ok(!hrefs(role).includes('#/screening'), role);
  for (const page of workspacePages('carrier')) assert.ok(page.desc, `${page.href} has a dashboard description`);
  const [, workspace] = navGroups({ role: 'analyst' });
  assert.deepEqual(workspace.items.map((p) => p.href), ['#/dashboard', '#/screening', '#/findings', '#/dnc/registry', '#/appeals', '#/cases', '#/breaches', '#/sanctions', '#/traceback', '#/carriers', '#/ledger']);
});

test('navigation: the Do-Not-Call pages for businesses and for the register\'s staff', () => {
  const hrefs = (role) => workspacePages(role).map((p) => p.href);
  assert.deepEqual(hrefs('business'), ['#/business/dnc', '#/appeals', '#/ledger']);
  assert.ok(hrefs('admin').includes('#/dnc/registry'));
  assert.ok(!hrefs('admin').includes('#/business/dnc'));
  for (const role of ['citizen', 'carrier', 'app', 'data_controller', 'business']) assert.ok(!hrefs(role).includes('#/dnc/registry'), role);
  for (const role of ['business', 'analyst']) for (const page of workspacePages(role)) assert.ok(page.desc, `${page.href} has a dashboard description`);
  const [pub, workspace] = navGroups({ role: 'business' });
  assert.deepEqual(pub.items.map((p) => p.href), ['#/']);
  assert.deepEqual(workspace.items.map((p) => p.href), ['#/dashboard', '#/business/dnc', '#/appeals', '#/ledger']);
});

test('navigation: appeals for businesses, analysts and administrators', () => {
  const hrefs = (role) => workspacePages(role).map((p) => p.href);
  for (const role of ['business', 'analyst', 'admin']) assert.ok(hrefs(role).includes('#/appeals'), role);
  for (const role of ['citizen', 'carrier', 'app', 'data_controller']) assert.ok(!hrefs(role).includes('#/appeals'), role);
});

test('navigation: complaint cases for analysts, administrators and carriers; reporting is public', () => {
  const hrefs = (role) => workspacePages(role).map((p) => p.href);
  for (const role of ['analyst', 'admin', 'carrier']) assert.ok(hrefs(role).includes('#/cases'), role);
  for (const role of ['citizen', 'business', 'app', 'data_controller']) assert.ok(!hrefs(role).includes('#/cases'), role);
  for (const role of ['analyst', 'admin', 'carrier']) for (const page of workspacePages(role)) assert.ok(page.desc, `${page.href} has a dashboard description`);
  assert.deepEqual(navGroups(null)[0].items.map((p) => p.href), ['#/', '#/dnc', '#/report', '#/check', '#/sanctions/public', '#/carriers/scorecards']);
  assert.ok(navGroups({ role: 'citizen' })[0].items.some((p) => p.href === '#/report'));
  assert.ok(!navGroups({ role: 'citizen' }).some((g) => g.items.some((p) => p.href === '#/cases')));
});

test('call screening: chart axes step by 1, 2 or 5 and hold the peak', () => {
  assert.deepEqual(screening.niceScale(0), { top: 1, step: 1, ticks: [0, 1] });
  assert.deepEqual(screening.niceScale(3), { top: 3, step: 1, ticks: [0, 1, 2, 3] });
  assert.deepEqual(screening.niceScale(4), { top: 4, step: 1, ticks: [0, 1, 2, 3, 4] });
  assert.deepEqual(screening.niceScale(7), { top: 8, step: 2, ticks: [0, 2, 4, 6, 8] });
  assert.deepEqual(screening.niceScale(100), { top: 100, step: 50, ticks: [0, 50, 100] });
  assert.deepEqual(screening.niceScale(101), { top: 150, step: 50, ticks: [0, 50, 100, 150] });
  assert.equal(screening.niceScale(NaN).top, 1);
  assert.equal(screening.niceScale(-5).top, 1);
  for (const max of [1, 5, 9, 17, 33, 250, 999, 12345]) {
    const s = screening.niceScale(max);
    assert.ok(s.top >= max, `top ${s.top} holds ${max}`);
    assert.ok(s.ticks.length <= 6, `${s.ticks.length} ticks for ${max}`);
    assert.ok(Number.isInteger(s.step) && s.step >= 1);
    assert.match(String(s.step), /^[125]0*$/);
  }
});

test('call screening: the activity series becomes the last 60 seconds, padded and ordered', () => {
  const series = [
    { second: 1000, calls: { allow: 2, label: 0, block: 1, divert: 0 } },
    { second: 1001, calls: { allow: 1 } },
  ];
  const seconds = screening.lastSeconds(series, 5);
  assert.deepEqual(seconds.map((s) => s.second), [997, 998, 999, 1000, 1001]);
  assert.deepEqual(seconds[0].calls, { allow: 0, label: 0, block: 0, divert: 0 });
  assert.deepEqual(seconds[4].calls, { allow: 1, label: 0, block: 0, divert: 0 });
  assert.equal(screening.callsOf(seconds[3]), 3);
  assert.equal(screening.lastSeconds(series).length, 60);
  assert.deepEqual(screening.lastSeconds([]), []);
  assert.deepEqual(screening.lastSeconds(null), []);
});

test('call screening: stacked bars fill the plot from the bottom in action order', () => {
  const seconds = [
    { second: 1, calls: { allow: 2, label: 1, block: 1, divert: 0 } },
    { second: 2, calls: { allow: 0, label: 0, block: 0, divert: 0 } },
  ];
  const { peak, scale, bars } = screening.stackedBars(seconds, { width: 100, height: 40, gap: 2 });
  assert.equal(peak, 4);
  assert.equal(scale.top, 4);
  assert.equal(bars.length, 2);
  assert.equal(bars[0].x, 1);
  assert.equal(bars[0].width, 48);
  assert.equal(bars[1].x, 51);
  assert.equal(bars[0].total, 4);
  assert.deepEqual(bars[0].segments.map((s) => [s.action, s.count, s.y, s.height]), [
    ['allow', 2, 20, 20],
    ['label', 1, 10, 10],
    ['block', 1, 0, 10],
  ]);
  assert.deepEqual(bars[1].segments, [], 'an empty second has no segment');
  assert.deepEqual(screening.stackedBars([], { width: 100, height: 40 }).bars, []);
});

test('call screening: shares, microseconds and the request of a tried call', () => {
  assert.equal(screening.share(5, 10), 50);
  assert.equal(screening.share(0, 10), 0);
  assert.equal(screening.share(3, 0), 0);
  assert.equal(screening.share(20, 10), 100);
  assert.equal(screening.micros(13.535), 13.5);
  assert.equal(screening.micros(136.98), 137);
  assert.equal(screening.micros(-1), null);
  assert.equal(screening.micros('x'), null);
  assert.deepEqual(screening.screenRequest({ caller: ' +8612345 ', callee: '13900139000', direction: 'terminating' }), {
    body: { callee: '13900139000', caller: '+8612345' },
  });
  assert.deepEqual(screening.screenRequest({ caller: '', callee: '110', direction: 'originating', international: true, identity: ' a.b.c;info=<x> ' }), {
    body: { callee: '110', direction: 'originating', international_trunk: true, identity: 'a.b.c;info=<x>' },
  });
  assert.deepEqual(screening.screenRequest({ caller: '+8612345', callee: '  ' }), { error: 'screening.try.error_callee' });
});

// --- session-less requests, text bodies ------------------------------------------------

function textFetch(status, text, headers = {}) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    return {
      status,
      ok: status >= 200 && status < 300,
      text: async () => text,
      blob: async () => new Blob([text]),
      headers: { get: (name) => headers[name] ?? null },
    };
  };
  fn.calls = calls;
  return fn;
}

test('session: false sends neither cookie nor CSRF token, and its 401 keeps the session', async () => {
  const seen = [];
  setUnauthorizedHandler((err) => seen.push(err.status));
  setCsrfToken('tok');
  const f = fakeFetch(200, { ok: true });
  await api('/api/v1/dnc/me', { method: 'PUT', body: { categories: [] }, headers: { 'X-Quell-Dnc-Token': 'abc' }, session: false, fetchImpl: f });
  const { init } = f.calls[0];
  assert.equal(init.headers['X-CSRF-Token'], undefined);
  assert.equal(init.headers['X-Quell-Dnc-Token'], 'abc');
  assert.equal(init.credentials, 'omit');
  const wrong = fakeFetch(401, { error: { code: 'unauthenticated', message: 'wrong or expired code' } });
  await assert.rejects(api('/api/v1/dnc/verify', { method: 'POST', body: {}, session: false, fetchImpl: wrong }), (err) => err.status === 401);
  assert.deepEqual(seen, [], 'a wrong code does not end the portal session');
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});

test('apiText sends a text body as it is, with the CSRF token, and gives text or a Blob and the headers', async () => {
  setCsrfToken('tok-9');
  const list = '13800138005\nhello\n';
  const f = textFetch(200, 'number,status,detail\n+8613800138005,protected,x\n', { 'X-Quell-Scrub-Receipt': 'scrub_1' });
  const res = await apiText('/api/v1/dnc/scrub', { body: list, fetchImpl: f });
  const { init } = f.calls[0];
  assert.equal(init.method, 'POST');
  assert.equal(init.body, list);
  assert.equal(init.headers['Content-Type'], 'text/csv');
  assert.equal(init.headers['X-CSRF-Token'], 'tok-9');
  assert.equal(init.credentials, 'same-origin');
  assert.equal(res.status, 200);
  assert.match(res.body, /^number,status,detail\n/);
  assert.equal(res.headers.get('X-Quell-Scrub-Receipt'), 'scrub_1');
  const b = await apiText('/api/v1/dnc/scrub', { body: list, as: 'blob', fetchImpl: f });
  assert.ok(b.body instanceof Blob);
  assert.match(await b.body.text(), /protected/);
  const bad = fakeFetch(400, { error: { code: 'invalid_argument', message: 'send the list as the body' } });
  await assert.rejects(apiText('/api/v1/dnc/scrub', { body: '', fetchImpl: bad }), (err) => err instanceof ApiError && err.status === 400 && err.detail === 'send the list as the body');
  setCsrfToken(null);
});

test('text parameters: dates, times and numbers are formatted in the current language', () => {
  i18n.setLang('en', { persist: false });
  assert.equal(i18n.argText('x'), 'x');
  assert.equal(i18n.argText(3), '3');
  assert.match(i18n.argText({ date: '2026-12-30T05:13:16Z' }), /2026/);
  assert.doesNotMatch(i18n.argText({ date: '2026-12-30T05:13:16Z' }), /05:13/);
  assert.equal(i18n.interpolate('from {d}', { d: { number: 1234 } }), 'from 1,234');
  i18n.setLang('zh', { persist: false });
  assert.match(i18n.formatDate('2026-12-30T12:00:00Z'), /^2026年12月\d+日$/);
  assert.equal(i18n.formatDate(null), '');
  assert.equal(i18n.formatDate('soon'), 'soon');
  i18n.setLang('en', { persist: false });
});

// --- Do-Not-Call ------------------------------------------------------------------------------

test('DNC: hour bands are whole hours, end exclusive, and may wrap midnight', () => {
  assert.equal(dnc.bandName(18, 21), '18-21');
  assert.equal(dnc.bandName(22, 2), '22-02');
  assert.deepEqual(dnc.parseBand('18-21'), { from: 18, to: 21, hours: 3, wraps: false });
  assert.deepEqual(dnc.parseBand('22-02'), { from: 22, to: 2, hours: 4, wraps: true });
  assert.deepEqual(dnc.parseBand('00-24'), { from: 0, to: 24, hours: 24, wraps: false });
  for (const bad of ['18-18', '24-02', '8-21', '18-25', '', null, 'all']) assert.equal(dnc.parseBand(bad), null, String(bad));
  assert.equal(dnc.bandLabel('18-21'), '18:00–21:00');
  assert.equal(dnc.bandLabel('22-02'), '22:00–02:00');
});

test('DNC: the preferences form becomes the body of PUT /dnc/me', () => {
  assert.deepEqual(dnc.preferencesBody({ all: true, categories: ['finance'] }), { body: { categories: [], accepted_bands: [] } });
  assert.deepEqual(dnc.preferencesBody({ all: false, categories: ['finance', 'education', 'finance'], bands: [{ from: 18, to: 21 }, { from: '18', to: '21' }, { from: 22, to: 2 }] }), {
    body: { categories: ['finance', 'education'], accepted_bands: ['18-21', '22-02'] },
  });
  assert.deepEqual(dnc.preferencesBody({ all: false, categories: [] }), { error: 'dnc.citizen.prefs.error_categories' });
  assert.deepEqual(dnc.preferencesBody({ all: true, bands: [{ from: 9, to: 9 }] }), { error: 'dnc.citizen.prefs.error_band' });
});

test('DNC: a registration is none, in its grace period, protected or removed', () => {
  const now = Date.parse('2026-11-29T00:00:00Z');
  assert.equal(dnc.registrationState(null, now), 'none');
  assert.equal(dnc.registrationState({ registered: true, protected_from: '2026-12-30T00:00:00Z' }, now), 'grace');
  assert.equal(dnc.registrationState({ registered: true, protected_from: '2026-10-01T00:00:00Z' }, now), 'protected');
  assert.equal(dnc.registrationState({ registered: false, protected_from: '2026-10-01T00:00:00Z', removed_at: '2026-11-01T00:00:00Z' }, now), 'removed');
});

test('DNC: scrub counts, CSV rows and the preview of a result', () => {
  assert.deepEqual(dnc.parseCounts('total=6, callable=2, protected=2, exempt=1, invalid=1'), { total: 6, callable: 2, protected: 2, exempt: 1, invalid: 1 });
  assert.equal(dnc.parseCounts(null), null);
  assert.equal(dnc.parseCounts('nonsense'), null);
  assert.deepEqual(dnc.parseCsvLine('a,"b, c","say ""hi""",'), ['a', 'b, c', 'say "hi"', '']);
  assert.deepEqual(dnc.parseCsvLine('+8613800138005,protected,since 2026-10-01; refuses all marketing'), ['+8613800138005', 'protected', 'since 2026-10-01; refuses all marketing']);
  const text = 'number,status,detail\n+8613800138005,protected,"refuses finance, insurance"\nhello,invalid,not a phone number\n';
  assert.deepEqual(dnc.resultPreview(text), {
    rows: [
      { number: '+8613800138005', status: 'protected', detail: 'refuses finance, insurance' },
      { number: 'hello', status: 'invalid', detail: 'not a phone number' },
    ],
    more: false,
  });
  assert.equal(dnc.resultPreview(text, { limit: 1 }).more, true);
  assert.equal(dnc.resultPreview(`${text}+86138`, { partial: true }).rows.length, 2, 'a cut last line is left out');
  assert.equal(dnc.resultPreview(`${text}+86138`).rows.length, 3);
  assert.deepEqual(dnc.resultPreview(''), { rows: [], more: false });
});

test('DNC: a typed number is shown in national format when it is one of the home country', () => {
  assert.equal(dnc.typedNumber('13800138099'), '138 0013 8099');
  assert.equal(dnc.typedNumber(' +86 138-0013-8099 '), '138 0013 8099');
  assert.equal(dnc.typedNumber('008613800138099'), '138 0013 8099');
  assert.equal(dnc.typedNumber('02161234000'), '021 6123 4000');
  assert.equal(dnc.typedNumber('+442070313000'), '+442070313000');
  assert.equal(dnc.typedNumber('12345'), '12345');
  assert.equal(dnc.typedNumber('hello'), 'hello');
});

test('DNC: ranges, exemptions and sizes', () => {
  assert.equal(dnc.rangeSize('+862161234000', '+862161234999'), 1000);
  assert.equal(dnc.rangeSize('+862161235000', '+862161235000'), 1);
  assert.equal(dnc.rangeSize('+86216123', '+862161234999'), null);
  assert.equal(dnc.rangeSize('+862161234999', '+862161234000'), null);
  const now = Date.parse('2026-11-29T00:00:00Z');
  assert.equal(dnc.exemptionState({ starts_at: '2026-10-30T00:00:00Z', expires_at: null, revoked_at: null }, now), 'active');
  assert.equal(dnc.exemptionState({ starts_at: '2026-10-30T00:00:00Z', expires_at: null, revoked_at: '2026-11-01T00:00:00Z' }, now), 'revoked');
  assert.equal(dnc.exemptionState({ starts_at: '2026-10-01T00:00:00Z', expires_at: '2026-11-01T00:00:00Z', revoked_at: null }, now), 'expired');
  assert.equal(dnc.exemptionState({ starts_at: '2026-12-01T00:00:00Z', expires_at: null, revoked_at: null }, now), 'future');
  assert.deepEqual(dnc.sizeText(201), { key: 'dnc.size.bytes', args: { n: { number: 201 } } });
  assert.deepEqual(dnc.sizeText(5000), { key: 'dnc.size.kb', args: { n: { number: 4.9 } } });
  assert.deepEqual(dnc.sizeText(dnc.MAX_LIST_BYTES), { key: 'dnc.size.mb', args: { n: { number: 256 } } });
  assert.equal(dnc.MAX_LIST_BYTES, 256 << 20);
});

test('DNC: the business forms become request bodies', () => {
  assert.deepEqual(rangeBody({ first: ' 021 6123 6000 ', last: '', purpose: 'marketing', categories: ['finance', 'finance'] }), {
    body: { first: '021 6123 6000', purpose: 'marketing', categories: ['finance'] },
  });
  assert.equal(rangeBody({ first: '02161236000', last: '02161236099', purpose: 'service', categories: ['telecom'] }).body.last, '02161236099');
  assert.deepEqual(rangeBody({ first: '', categories: ['finance'] }), { error: 'dnc.business.ranges.error_first' });
  assert.deepEqual(rangeBody({ first: '02161236000', categories: [] }), { error: 'dnc.business.ranges.error_categories' });
  assert.deepEqual(exemptionBody({ number: '13800138007', basis: 'purchase' }), { body: { number: '13800138007', basis: 'purchase' } });
  assert.deepEqual(exemptionBody({ number: '13800138008', basis: 'consent', starts: '2026-11-01', expires: '2026-12-01', note: ' form 12 ' }), {
    body: { number: '13800138008', basis: 'consent', starts_at: '2026-11-01', expires_at: '2026-12-01', note: 'form 12' },
  });
  assert.deepEqual(exemptionBody({ number: '', basis: 'consent' }), { error: 'dnc.business.exemptions.error_number' });
  assert.deepEqual(exemptionBody({ number: '1', basis: 'friendship' }), { error: 'dnc.business.exemptions.error_basis' });
  assert.deepEqual(exemptionBody({ number: '1', basis: 'consent', starts: '2026-12-01', expires: '2026-11-01' }), { error: 'dnc.business.exemptions.error_order' });
});

test('DNC: a file is matched with a receipt by its SHA-256', async () => {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'));
  const sha = hex(digest);
  assert.equal(sha, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(fileMatch(sha, { list_sha256: sha, result_sha256: 'x' }), 'list');
  assert.equal(fileMatch(sha.toUpperCase(), { list_sha256: 'y', result_sha256: sha }), 'result');
  assert.equal(fileMatch(sha, { list_sha256: 'y', result_sha256: 'z' }), 'none');
  assert.equal(fileMatch('', { list_sha256: '' }), 'none');
});

test('DNC: the register\'s dates are dates of its own time zone, whatever the browser\'s', () => {
  assert.equal(dnc.REGISTER_UTC_OFFSET_MINUTES, 480);
  i18n.setLang('en', { persist: false });
  // "2026-11-01" given to the register is midnight at +08:00.
  assert.equal(i18n.formatDate('2026-10-31T16:00:00Z', { offsetMinutes: 480 }), '1 November 2026');
  assert.equal(i18n.formatDate('2026-11-01T15:59:59Z', { offsetMinutes: '480' }), '1 November 2026');
  assert.equal(i18n.formatDate('2026-10-31T16:00:00Z', { offsetMinutes: 0 }), '31 October 2026');
  assert.equal(i18n.argText({ date: '2026-10-31T16:00:00Z', offset: 480 }), '1 November 2026');
  i18n.setLang('zh', { persist: false });
  assert.equal(i18n.formatDate('2026-10-31T16:00:00Z', { offsetMinutes: 480 }), '2026年11月1日');
  assert.equal(i18n.formatDate('soon', { offsetMinutes: 480 }), 'soon');
  i18n.setLang('en', { persist: false });
});

test('DNC: the citizen\'s token expires when the server says, else after the default lifetime', () => {
  assert.equal(tokenExpiry({ token: 'x', token_expires_at: '2026-11-29T05:51:28Z' }), '2026-11-29T05:51:28Z');
  const now = Date.parse('2026-11-29T05:00:00Z');
  assert.equal(tokenExpiry({ token: 'x' }, now), new Date(now + TOKEN_MINUTES * 60_000).toISOString());
  assert.equal(tokenExpiry({ token_expires_at: 'later' }, now), '2026-11-29T05:15:00.000Z');
  assert.equal(tokenExpiry(null, now), '2026-11-29T05:15:00.000Z');
});

test('DNC: violations: outcome, talk time and paging', () => {
  assert.equal(dnc.violationOutcome({ seen: 'attempt', blocked: true, answered: false }), 'blocked');
  assert.equal(dnc.violationOutcome({ seen: 'attempt', blocked: false, answered: false }), 'through');
  assert.equal(dnc.violationOutcome({ seen: 'completed', blocked: false, answered: true, talk_seconds: 42 }), 'answered');
  assert.equal(dnc.violationOutcome({ seen: 'completed', blocked: false, answered: false }), 'unanswered');
  assert.equal(dnc.talkTime(0), '0:00');
  assert.equal(dnc.talkTime(42.4), '0:42');
  assert.equal(dnc.talkTime(725), '12:05');
  assert.equal(dnc.talkTime(3723), '1:02:03');
  assert.equal(dnc.talkTime('x'), '0:00');
  const page = (from, n) => Array.from({ length: n }, (_, i) => ({ id: from - i }));
  assert.equal(dnc.nextBefore(page(120, 50), 50), 71, 'a full page: older ones may follow');
  assert.equal(dnc.nextBefore(page(120, 20), 50), null, 'a short page is the last');
  assert.equal(dnc.nextBefore(page(50, 50), 50), null, 'nothing is older than id 1');
  assert.equal(dnc.nextBefore([], 50), null);
  assert.equal(dnc.nextBefore(null, 50), null);
  assert.deepEqual(Object.keys(dnc.SEEN_KEYS), ['attempt', 'completed']);
});

// --- behavioural detection findings ------------------------------------------------------------

test('navigation: detection findings for analysts, administrators and carriers only', () => {
  const hrefs = (role) => workspacePages(role).map((p) => p.href);
  for (const role of ['analyst', 'admin', 'carrier']) assert.ok(hrefs(role).includes('#/findings'), role);
  for (const role of ['citizen', 'business', 'app', 'data_controller']) assert.ok(!hrefs(role).includes('#/findings'), role);
  assert.ok(workspacePages('analyst').find((p) => p.href === '#/findings').desc, 'a dashboard description');
});

test('findings: numbers of the home country in national format, others in E.164', () => {
  assert.equal(findings.displayNumber('+862161234001', '021 6123 4001'), '021 6123 4001');
  assert.equal(findings.displayNumber('+8613800138005', ''), '138 0013 8005', 'our own format when the server gave none');
  assert.equal(findings.displayNumber('+442070313000', '020 7031 3000'), '+442070313000', 'a foreign national format would mislead');
  assert.equal(findings.displayNumber('12345', ''), '12345');
  assert.equal(findings.displayNumber(null, null), '');
});

test('findings: filters become the query, in the browser\'s own days', () => {
  assert.deepEqual(findings.findingsQuery({}), { query: {} });
  assert.deepEqual(findings.findingsQuery({ detector: 'bombing', number: ' +86 21-6123 4001 ' }), { query: { detector: 'bombing', number: '+862161234001' } });
  assert.deepEqual(findings.findingsQuery({ number: '021 6123 4001' }).query, { number: '02161234001' });
  assert.deepEqual(findings.findingsQuery({ detector: 'wangiri' }), { error: 'findings.filter.error_detector' });
  assert.deepEqual(findings.findingsQuery({ number: 'call me' }), { error: 'findings.filter.error_number' });
  assert.deepEqual(findings.findingsQuery({ since: '2026-02-30' }), { error: 'findings.filter.error_day' });
  assert.deepEqual(findings.findingsQuery({ since: '2026-11-30', until: '2026-11-29' }), { error: 'findings.filter.error_order' });
  const { query } = findings.findingsQuery({ since: '2026-11-29', until: '2026-11-29' });
  const since = new Date(query.since);
  const until = new Date(query.until);
  assert.deepEqual([since.getFullYear(), since.getMonth(), since.getDate(), since.getHours(), since.getMinutes()], [2026, 10, 29, 0, 0], 'local midnight');
  assert.deepEqual([until.getFullYear(), until.getMonth(), until.getDate(), until.getHours()], [2026, 10, 30, 0], 'the end of the last day');
  assert.match(query.since, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'RFC 3339 for the server');
});

test('findings: the filters live in the address', () => {
  assert.equal(findings.listHash({}), '#/findings');
  assert.equal(findings.listHash({ detector: 'marketing', number: '+862161234001', since: '', until: ' ' }), '#/findings?detector=marketing&number=%2B862161234001');
  const back = findings.filtersFromQuery(new URLSearchParams('detector=marketing&number=%2B862161234001&x=1'));
  assert.deepEqual(back, { detector: 'marketing', number: '+862161234001', since: '', until: '' });
  assert.deepEqual(findings.filtersFromQuery(null), { detector: '', number: '', since: '', until: '' });
  assert.equal(findings.findingHash(42), '#/findings/42');
});

test('findings: figures are labelled, ordered and shown with their units', () => {
  i18n.setLang('en', { persist: false });
  assert.equal(findings.figureLabelKey('asr'), 'findings.figure.asr');
  assert.equal(findings.figureLabelKey('brand_new'), null, 'an unknown figure is shown by its name');
  assert.deepEqual(findings.figureValue('asr', 0.4237), { key: 'findings.value.percent', args: { n: { number: 42.4 } } });
  assert.deepEqual(findings.figureValue('under60_share', 1), { key: 'findings.value.percent', args: { n: { number: 100 } } });
  assert.deepEqual(findings.figureValue('acd_s', 12.345), { key: 'findings.value.seconds', args: { n: { number: 12.3 } } });
  assert.deepEqual(findings.figureValue('attempts_hour', 1234), { text: '1,234' });
  assert.deepEqual(findings.figureValue('repeat', 4.333), { text: '4.3' });
  assert.deepEqual(findings.figureValue('international', 1), { key: 'findings.value.yes' });
  assert.deepEqual(findings.figureValue('international', 0), { key: 'findings.value.no' });
  assert.deepEqual(findings.figureValue('imei', 356938035643809), { code: '356938035643809' }, 'identifiers without grouping');
  assert.deepEqual(findings.figureValue('brand_new', 0.12345), { text: '0.123' });
  assert.deepEqual(findings.figureValue('asr', 'n/a'), { code: 'n/a' });
  const order = findings.orderedFigures({ sequential: 0, zeta: 1, asr: 0.1, attempts_hour: 40, alpha: 2, attempts_minute: 1 }).map(([n]) => n);
  assert.deepEqual(order, ['attempts_minute', 'attempts_hour', 'asr', 'sequential', 'alpha', 'zeta']);
  assert.deepEqual(findings.orderedFigures(null), []);
});

test('findings: windows, related numbers, paging and new rows', () => {
  assert.deepEqual(findings.windowText(0), { key: 'findings.window.none' });
  assert.deepEqual(findings.windowText(60), { key: 'findings.window.minutes', args: { n: { number: 1 } } });
  assert.deepEqual(findings.windowText(300), { key: 'findings.window.minutes', args: { n: { number: 5 } } });
  assert.deepEqual(findings.windowText(3600), { key: 'findings.window.hours', args: { n: { number: 1 } } });
  assert.deepEqual(findings.windowText(86400), { key: 'findings.window.days', args: { n: { number: 1 } } });
  assert.deepEqual(findings.windowText(45), { key: 'findings.window.seconds', args: { n: { number: 45 } } });
  assert.equal(findings.relatedKey({ detector: 'bombing', role: 'callee' }), 'findings.detail.related_callers');
  assert.equal(findings.relatedKey({ detector: 'bombing', role: 'caller' }), 'findings.detail.related_victim');
  assert.equal(findings.relatedKey({ detector: 'simbox', role: 'caller' }), 'findings.detail.related_imei');
  assert.equal(findings.relatedKey({ detector: 'marketing' }), 'findings.detail.related');
  assert.equal(findings.refreshLimit(0), findings.PAGE);
  assert.equal(findings.refreshLimit(150), 150, 'the older pages opened stay');
  assert.equal(findings.refreshLimit(5000), 1000);
  assert.deepEqual([...findings.newIds(new Set([1, 2]), [{ id: 3 }, { id: 2 }, { id: 1 }])], [3]);
  assert.deepEqual([...findings.newIds(null, [{ id: 3 }])], [], 'nothing is new on the first load');
  assert.deepEqual(findings.DETECTORS, ['marketing', 'robocall', 'bombing', 'one_ring', 'simbox', 'spoofing']);
  assert.equal(findings.REFRESH_MS, 10_000);
});

test('charts: bars with counts largest first, every day of a range, a readable date axis', () => {
  assert.deepEqual(charts.barItems([['a', 0], ['b', 2], ['c', 5], ['d', 2], ['e', '1']]), [
    { key: 'c', count: 5 }, { key: 'b', count: 2 }, { key: 'd', count: 2 }, { key: 'e', count: 1 },
  ]);
  assert.deepEqual(charts.barItems([['a', 0]]), []);
  assert.equal(charts.dayNumber('1970-01-02'), 1);
  assert.ok(Number.isNaN(charts.dayNumber('2026-1-2')));
  assert.equal(charts.dayString(charts.dayNumber('2028-02-29')), '2028-02-29');
  assert.deepEqual(charts.dayRange('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  assert.deepEqual(charts.dayRange(null, null, ['2026-01-03', '2026-01-01']), ['2026-01-01', '2026-01-02', '2026-01-03']);
  assert.deepEqual(charts.dayRange('2026-01-02', '2026-01-02', ['2026-01-01']), ['2026-01-01', '2026-01-02'], 'widened to the data');
  assert.deepEqual(charts.dayRange('2026-01-05', '2026-01-01'), []);
  assert.equal(charts.dayRange('2020-01-01', '2026-01-01', [], 100).length, 100);
  assert.equal(charts.dayRange('2025-10-01', '2025-12-31').length, 92, 'a quarter');
  assert.deepEqual(charts.axisTicks(0), []);
  assert.deepEqual(charts.axisTicks(1), [0]);
  assert.deepEqual(charts.axisTicks(2), [0, 1]);
  assert.deepEqual(charts.axisTicks(6), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(charts.axisTicks(8), [0, 2, 4, 7], 'no label crowds the last');
  assert.deepEqual(charts.axisTicks(92), [0, 19, 38, 57, 76, 91]);
  for (let n = 2; n < 400; n += 1) {
    const ticks = charts.axisTicks(n);
    assert.equal(ticks[0], 0);
    assert.equal(ticks[ticks.length - 1], n - 1);
    assert.ok(ticks.length <= 7, `at most 7 dates under ${n} days`);
  }
  assert.equal(charts.pct(100 / 3), '33.333%');
});

test('cases: quarter presets, page sizes', () => {
  const at = (y, m, d) => new Date(y, m - 1, d, 15, 30);
  assert.equal(cases.localDay(at(2026, 3, 9)), '2026-03-09');
  assert.deepEqual(cases.presetRange('this_quarter', at(2026, 11, 29)), { from: '2026-10-01', to: '2026-11-29' });
  assert.deepEqual(cases.presetRange('this_quarter', at(2026, 1, 1)), { from: '2026-01-01', to: '2026-01-01' });
  assert.deepEqual(cases.presetRange('last_quarter', at(2026, 11, 29)), { from: '2026-07-01', to: '2026-09-30' });
  assert.deepEqual(cases.presetRange('last_quarter', at(2026, 2, 15)), { from: '2025-10-01', to: '2025-12-31' }, 'across the year');
  assert.deepEqual(cases.presetRange('last_quarter', at(2026, 6, 30)), { from: '2026-01-01', to: '2026-03-31' });
  assert.deepEqual(cases.presetRange('last_30_days', at(2026, 3, 1)), { from: '2026-01-31', to: '2026-03-01' });
  assert.equal(cases.presetRange('nonsense', at(2026, 3, 1)), null);
  const q = (s) => new URLSearchParams(s);
  assert.equal(cases.pageSize(q('limit=2')), 2);
  assert.equal(cases.pageSize(q('limit=1000')), 1000);
  assert.equal(cases.pageSize(q('limit=1001')), null);
  assert.equal(cases.pageSize(q('limit=0')), null);
  assert.equal(cases.pageSize(q('limit=x')), null);
  assert.equal(cases.pageSize(q('')), null);
  assert.equal(cases.keepLimit(0, null), null, 'the default page stays the default');
  assert.equal(cases.keepLimit(100, null), null);
  assert.equal(cases.keepLimit(300, null), 300, 'the pages opened stay after an action');
  assert.equal(cases.keepLimit(5000, null), 1000);
  assert.equal(cases.keepLimit(1, 2), 2);
  assert.equal(cases.keepLimit(6, 2), 6);
});
