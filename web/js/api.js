// The one fetch wrapper of the portal.
//
// - sends cookies for the same origin only (the session cookie is HttpOnly,
//   SameSite=Strict);
// - adds X-CSRF-Token with the current session's token to every mutating request
//   (POST, PUT, PATCH, DELETE);
// - sends and parses JSON (apiText: text or files in, text or a Blob out), and
//   turns error answers {"error":{"code","message"}} into an ApiError carrying
//   the HTTP status and code;
// - with `session: false`, sends neither cookie nor CSRF token (requests that
//   prove something else than the session, such as a citizen's number).
//
// The portal shows its own translated text for an error (errorKey); the server's
// English message (`detail`) and the parsed body (`body`, e.g. an ATIS-1000082
// requestError) are kept for pages that show them as data next to it.

import { k } from './i18n.js';

export const API_BASE = '/api/v1';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = null;
let unauthorizedHandler = null;

export class ApiError extends Error {
  constructor(status, code, message, { retryAfter = null, body = null } = {}) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || '';
    this.retryAfter = retryAfter;
    // What the server said, as it said it (empty when it said nothing).
    this.detail = status > 0 && message ? String(message) : '';
    this.body = body;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export function getCsrfToken() {
  return csrfToken;
}

// Called with the ApiError when a request made with a session comes back 401
// (the session expired or was revoked). Not called for /session itself.
export function setUnauthorizedHandler(fn) {
  unauthorizedHandler = fn;
}

function defaultCode(status) {
  if (status === 0) return 'network';
  if (status === 400) return 'invalid_argument';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  if (status === 409) return 'already_exists';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal';
  return 'unknown';
}

export function buildUrl(path, query) {
  let url = path.startsWith('/') ? path : `${API_BASE}/${path}`;
  if (query) {
    const qs = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') qs.set(key, String(value));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

// One request: headers, CSRF token, cookies, and ApiError for a failed answer.
// `session: false` marks a request that does not belong to the portal session
// (the citizen's Do-Not-Call pages prove a number with their own token): it
// carries no cookie and no CSRF token, and its 401 does not end the session.
async function send(path, { method = 'GET', payload, contentType, accept, query, signal, headers = {}, session = true, fetchImpl }) {
  const m = method.toUpperCase();
  const h = { Accept: accept, ...headers };
  if (payload !== undefined && contentType) h['Content-Type'] = contentType;
  if (session && MUTATING.has(m) && csrfToken) h['X-CSRF-Token'] = csrfToken;
  const url = buildUrl(path, query);
  const doFetch = fetchImpl || globalThis.fetch;
  let res;
  try {
    res = await doFetch(url, { method: m, headers: h, body: payload, credentials: session ? 'same-origin' : 'omit', cache: 'no-store', signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e && e.message);
  }
  if (!res.ok) {
    const text = await res.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    const err = (data && typeof data.error === 'object' && data.error) || {};
    const ra = res.headers && res.headers.get ? Number.parseInt(res.headers.get('Retry-After') || '', 10) : NaN;
    const error = new ApiError(res.status, err.code || defaultCode(res.status), err.message, {
      retryAfter: Number.isFinite(ra) && ra > 0 ? ra : null,
      body: data,
    });
    if (res.status === 401 && session && csrfToken && !url.startsWith(`${API_BASE}/session`) && unauthorizedHandler) {
      unauthorizedHandler(error);
    }
    throw error;
  }
  return res;
}

// api('/api/v1/admin/users', {method: 'POST', body: {...}}) -> parsed JSON (null for 204).
export async function api(path, { method = 'GET', body, query, signal, headers = {}, session = true, fetchImpl } = {}) {
  const res = await send(path, {
    method,
    payload: body === undefined ? undefined : JSON.stringify(body),
    contentType: 'application/json',
    accept: 'application/json',
    query,
    signal,
    headers,
    session,
    fetchImpl,
  });
  if (res.status === 204 || res.status === 205) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// A request whose body and answer are not JSON (a list as text/csv in, a CSV
// out): body is a string, a Blob or a File, sent as it is with `contentType`.
// -> {status, headers: {get(name)}, body} where body is the answer as text, or
// as a Blob with as: 'blob' (for large answers that are only downloaded). Errors
// are JSON like any other and become an ApiError.
export async function apiText(path, { method = 'POST', body, contentType = 'text/csv', accept = 'text/csv', as = 'text', query, signal, headers = {}, session = true, fetchImpl } = {}) {
  const res = await send(path, { method, payload: body, contentType, accept, query, signal, headers, session, fetchImpl });
  let content;
  if (res.status === 204 || res.status === 205) content = as === 'blob' ? new Blob([]) : '';
  else content = as === 'blob' ? await res.blob() : await res.text();
  return { status: res.status, headers: res.headers, body: content };
}

const CODE_KEYS = {
  network: k('errors.network'),
  unauthenticated: k('errors.unauthenticated'),
  permission_denied: k('errors.forbidden'),
  forbidden: k('errors.forbidden'),
  not_found: k('errors.not_found'),
  already_exists: k('errors.conflict'),
  conflict: k('errors.conflict'),
  invalid_argument: k('errors.invalid'),
  bad_request: k('errors.invalid'),
  failed_precondition: k('errors.precondition'),
  rate_limited: k('errors.rate_limited'),
  resource_exhausted: k('errors.rate_limited'),
  too_many_requests: k('errors.rate_limited'),
  internal: k('errors.server'),
  unavailable: k('errors.server'),
};

const STATUS_KEYS = {
  0: k('errors.network'),
  400: k('errors.invalid'),
  401: k('errors.unauthenticated'),
  403: k('errors.forbidden'),
  404: k('errors.not_found'),
  409: k('errors.conflict'),
  412: k('errors.precondition'),
  413: k('errors.invalid'),
  422: k('errors.invalid'),
  429: k('errors.rate_limited'),
};

// The catalogue key that explains an error to a person (by status first, so that a
// server's unusual code cannot hide a 429, then by code).
export function errorKey(error) {
  if (!(error instanceof ApiError)) return k('errors.unexpected');
  if (Object.prototype.hasOwnProperty.call(STATUS_KEYS, error.status)) return STATUS_KEYS[error.status];
  if (error.status >= 500) return k('errors.server');
  return CODE_KEYS[error.code] || k('errors.unexpected');
}
