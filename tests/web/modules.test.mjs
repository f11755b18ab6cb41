// Unit tests of the portal's browser-independent modules: the catalogue lookup
// (web/js/i18n.js), the fetch wrapper (web/js/api.js), the STIR/SHAKEN page's
// helpers (web/js/views/carrier/shaken.js), phone numbers for display
// (web/js/phone.js), navigation by role (web/js/nav.js) and the call-screening
// page's helpers (web/js/views/screening.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as i18n from '../../web/js/i18n.js';
import { api, ApiError, errorKey, setCsrfToken, setUnauthorizedHandler, buildUrl } from '../../web/js/api.js';
import { displayTn, atisError, isReplay, newOrigid } from '../../web/js/views/carrier/shaken.js';
import { nationalNumber, numberQuery } from '../../web/js/phone.js';
import { navGroups, workspacePages } from '../../web/js/nav.js';
import * as screening from '../../web/js/views/screening.js';

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
  assert.deepEqual(hrefs('carrier'), ['#/screening', '#/carrier/shaken']);
  assert.deepEqual(hrefs('analyst'), ['#/screening']);
  assert.ok(hrefs('admin').includes('#/screening'));
  assert.ok(!hrefs('admin').includes('#/carrier/shaken'));
  for (const role of ['citizen', 'business', 'app', 'data_controller']) assert.ok(!hrefs(role).includes('#/screening'), role);
  for (const page of workspacePages('carrier')) assert.ok(page.desc, `${page.href} has a dashboard description`);
  const [, workspace] = navGroups({ role: 'analyst' });
  assert.deepEqual(workspace.items.map((p) => p.href), ['#/dashboard', '#/screening']);
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
