// Unit tests of the portal's browser-independent modules: the catalogue lookup
// (web/js/i18n.js), the fetch wrapper (web/js/api.js) and the STIR/SHAKEN page's
// helpers (web/js/views/carrier/shaken.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as i18n from '../../web/js/i18n.js';
import { api, ApiError, errorKey, setCsrfToken, setUnauthorizedHandler, buildUrl } from '../../web/js/api.js';
import { displayTn, atisError, isReplay, newOrigid } from '../../web/js/views/carrier/shaken.js';

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
