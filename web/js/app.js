// The portal shell: start-up, the header's account area, navigation by role, the
// hash router and the language switch.

import {
  k,
  t,
  getLang,
  setLang,
  initialLang,
  loadCatalogues,
  setVocabulary,
  onLangChange,
} from './i18n.js';
import { api, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { h, raw } from './dom.js';
import { navGroups, ROLES, SCREENING_ROLES, DNC_REGISTRY_ROLES } from './nav.js';
import { FINDINGS_ROLES, APPEALS_ROLES, CASES_ROLES, BREACH_ROLES } from './nav.js';
import { SANCTIONS_ROLES, SANCTIONS_CHECK_ROLES, LEDGER_ROLES } from './nav.js';
import { TRACEBACK_ROLES, TRACEBACK_QUEUE_ROLES, CARRIERS_ROLES } from './nav.js';
import * as landing from './views/landing.js';
import * as login from './views/login.js';
import * as dashboard from './views/dashboard.js';
import * as errors from './views/errors.js';
import * as adminUsers from './views/admin/users.js';
import * as adminOrgs from './views/admin/orgs.js';
import * as adminKeys from './views/admin/keys.js';
import * as adminAudit from './views/admin/audit.js';
import * as adminNotices from './views/admin/notices.js';
import * as carrierShaken from './views/carrier/shaken.js';
import * as screening from './views/screening.js';
import * as dncCitizen from './views/dnc/citizen.js';
import * as dncBusiness from './views/dnc/business.js';
import * as dncRegistry from './views/dnc/registry.js';
import * as findings from './views/findings.js';
import * as check from './views/check.js';
import * as appeals from './views/appeals.js';
import * as report from './views/report.js';
import * as cases from './views/cases.js';
import * as breaches from './views/breaches.js';
import * as sanctions from './views/sanctions.js';
import * as ledger from './views/ledger.js';
import * as traceback from './views/traceback.js';
import * as carriers from './views/carriers.js';

// path -> {render(ctx), title: key, roles?: [...] (signed-in only), guestOnly?}
const ROUTES = {
  '/': { render: landing.render, title: landing.title },
  '/dnc': { render: dncCitizen.render, title: dncCitizen.title },
  '/report': { render: report.render, title: report.title },
  '/check': { render: check.render, title: check.title },
  '/login': { render: login.render, title: login.title, guestOnly: true },
  '/dashboard': { render: dashboard.render, title: dashboard.title, roles: ROLES },
  '/admin/users': { render: adminUsers.render, title: adminUsers.title, roles: ['admin'] },
  '/admin/orgs': { render: adminOrgs.render, title: adminOrgs.title, roles: ['admin'] },
  '/admin/keys': { render: adminKeys.render, title: adminKeys.title, roles: ['admin'] },
  '/admin/audit': { render: adminAudit.render, title: adminAudit.title, roles: ['admin'] },
  '/admin/notices': { render: adminNotices.render, title: adminNotices.title, roles: ['admin'] },
  '/carrier/shaken': { render: carrierShaken.render, title: carrierShaken.title, roles: ['carrier'] },
  '/screening': { render: screening.render, title: screening.title, roles: SCREENING_ROLES },
  '/business/dnc': { render: dncBusiness.render, title: dncBusiness.title, roles: ['business'] },
  '/dnc/registry': { render: dncRegistry.render, title: dncRegistry.title, roles: DNC_REGISTRY_ROLES },
  '/findings': { render: findings.render, title: findings.title, roles: FINDINGS_ROLES },
  '/appeals': { render: appeals.render, title: appeals.title, roles: APPEALS_ROLES },
  '/cases': { render: cases.render, title: cases.title, roles: CASES_ROLES },
  '/breaches': { render: breaches.render, title: breaches.title, roles: BREACH_ROLES },
  '/sanctions': { render: sanctions.render, title: sanctions.title, roles: SANCTIONS_ROLES },
  '/sanctions/check': { render: sanctions.renderCheck, title: sanctions.checkTitle, roles: SANCTIONS_CHECK_ROLES },
  '/sanctions/public': { render: sanctions.renderPublic, title: sanctions.publicTitle },
  '/ledger': { render: ledger.render, title: ledger.title, roles: LEDGER_ROLES },
  '/traceback': { render: traceback.render, title: traceback.title, roles: TRACEBACK_ROLES },
  '/traceback/requests': { render: traceback.renderRequests, title: traceback.requestsTitle, roles: TRACEBACK_QUEUE_ROLES },
  '/carriers': { render: carriers.render, title: carriers.title, roles: CARRIERS_ROLES },
  '/carriers/scorecards': { render: carriers.renderScorecards, title: carriers.scorecardsTitle },
};

// Pages that also show one item by its id: #/findings/42 is #/findings?id=42.
const ITEM_PAGES = ['/findings', '/sanctions', '/ledger', '/traceback'];

// path -> {path, id} when `path` is an item of one of ITEM_PAGES, else null.
function itemPage(path) {
  const page = ITEM_PAGES.find((p) => path.startsWith(`${p}/`));
  if (!page) return null;
  const id = path.slice(page.length + 1);
  return /^\d+$/.test(id) ? { path: page, id } : null;
}

const state = { user: null, titleKey: null, flash: null, rendered: false };
const $ = (sel) => document.querySelector(sel);

function parseHash() {
  let rawHash = location.hash.replace(/^#/, '');
  try {
    rawHash = decodeURI(rawHash);
  } catch {
    /* a malformed address is shown as "not found" */
  }
  rawHash = rawHash || '/';
  const [pathPart, qs = ''] = rawHash.split('?');
  let path = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const item = itemPage(path);
  if (item) {
    const query = new URLSearchParams(qs);
    query.set('id', item.id);
    return { path: item.path, query };
  }
  return { path, query: new URLSearchParams(qs) };
}

function navigate(hash, { replace = false } = {}) {
  if (location.hash === hash) {
    route();
  } else if (replace) {
    history.replaceState(null, '', hash);
    route();
  } else {
    location.hash = hash;
  }
}

function updateTitle() {
  document.title = state.titleKey ? t('app.document_title', { page: t(state.titleKey) }) : 'Quell';
}

function setFlash(key) {
  state.flash = key;
}

function showFlash() {
  const slot = $('#flash');
  if (!slot) return;
  if (state.flash) {
    slot.replaceChildren(h('p', { class: 'notice notice-success', i18n: state.flash }));
    state.flash = null;
  } else {
    slot.replaceChildren();
  }
}

function route() {
  const { path, query } = parseHash();
  const r = ROUTES[path];
  const ctx = { user: state.user, query, path, signIn, signOut, navigate };
  let render;
  let titleKey;
  if (!r) {
    render = errors.notFound;
    titleKey = errors.notFoundTitle;
  } else if (r.roles && !state.user) {
    navigate(`#/login?next=${encodeURIComponent(path)}`, { replace: true });
    return;
  } else if (r.roles && !r.roles.includes(state.user.role)) {
    render = errors.forbidden;
    titleKey = errors.forbiddenTitle;
  } else if (r.guestOnly && state.user) {
    navigate('#/dashboard', { replace: true });
    return;
  } else {
    render = r.render;
    titleKey = r.title;
  }

  const main = $('#main');
  let node;
  try {
    node = render(ctx);
  } catch (err) {
    console.error(err);
    node = h('section', { class: 'error-page' }, h('h1', { class: 'page-title', tabindex: '-1', i18n: k('errors.page.broken_title') }), h('p', { i18n: k('errors.unexpected') }));
  }
  main.replaceChildren(node);
  main.dataset.route = r ? path : 'not-found';
  state.titleKey = titleKey;
  updateTitle();
  showFlash();
  markCurrent(path);
  closeMobileNav();
  if (state.rendered) {
    window.scrollTo(0, 0);
    const heading = main.querySelector('h1');
    (heading || main).focus({ preventScroll: true });
  }
  state.rendered = true;
}

function markCurrent(path) {
  document.querySelectorAll('#nav-list a').forEach((a) => {
    const target = a.getAttribute('href').slice(1);
    if (target === path || (target !== '/' && path.startsWith(`${target}/`))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

function renderNav() {
  const list = $('#nav-list');
  const groups = navGroups(state.user);
  list.replaceChildren(
    ...groups.map((g) =>
      h(
        'li',
        { class: g.role ? 'nav-group nav-group-workspace' : 'nav-group' },
        g.role ? h('span', { class: 'nav-role', vocab: ['roles', g.role] }) : null,
        h(
          'ul',
          { i18nAriaLabel: g.label },
          g.items.map((item) => h('li', {}, h('a', { href: item.href, i18n: item.label }))),
        ),
      ),
    ),
  );
  markCurrent(parseHash().path);
}

function renderAccount() {
  const slot = $('#account');
  const user = state.user;
  if (!user) {
    slot.replaceChildren(h('a', { class: 'button button-small button-outline-light', href: '#/login', i18n: k('nav.sign_in') }));
    return;
  }
  slot.replaceChildren(
    h(
      'div',
      { class: 'account-menu' },
      h(
        'div',
        { class: 'account-who' },
        h('span', { class: 'visually-hidden', i18n: k('account.signed_in_as') }),
        raw(user.display_name || user.username, 'span', { class: 'account-name' }),
        h(
          'span',
          { class: 'account-meta' },
          h('span', { class: 'account-role', vocab: ['roles', user.role] }),
          user.org ? h('span', { class: 'account-sep', 'aria-hidden': 'true' }, '·') : null,
          user.org ? raw(user.org, 'span', { class: 'account-org' }) : null,
        ),
      ),
      h('button', { type: 'button', class: 'button button-small button-outline-light', id: 'sign-out', i18n: k('nav.sign_out'), on: { click: signOut } }),
    ),
  );
}

function renderShell() {
  renderAccount();
  renderNav();
}

function signIn(data) {
  state.user = data.user;
  setCsrfToken(data.csrf_token);
  renderShell();
  const next = parseHash().query.get('next');
  const target = next && ROUTES[next] && next !== '/login' ? next : '/dashboard';
  navigate(`#${target}`, { replace: true });
}

async function signOut() {
  try {
    await api('/api/v1/session', { method: 'DELETE' });
  } catch {
    /* the session is gone either way on this side */
  }
  state.user = null;
  setCsrfToken(null);
  renderShell();
  setFlash(k('account.signed_out'));
  navigate('#/', { replace: true });
}

function sessionExpired() {
  if (!state.user) return;
  state.user = null;
  setCsrfToken(null);
  renderShell();
  const { path } = parseHash();
  navigate(`#/login?expired=1&next=${encodeURIComponent(path)}`, { replace: true });
}

function closeMobileNav() {
  const toggle = $('#nav-toggle');
  if (!toggle) return;
  toggle.setAttribute('aria-expanded', 'false');
  $('#site-nav').classList.remove('open');
}

function wireStatic() {
  document.querySelectorAll('[data-lang]').forEach((button) => {
    button.addEventListener('click', () => setLang(button.dataset.lang));
  });
  const toggle = $('#nav-toggle');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    $('#site-nav').classList.toggle('open', open);
  });
  $('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    $('#main').focus();
  });
}

function syncLangButtons() {
  document.querySelectorAll('[data-lang]').forEach((button) => {
    button.setAttribute('aria-pressed', String(button.dataset.lang === getLang()));
  });
}

async function start() {
  const [catalogues, vocabulary, session] = await Promise.allSettled([
    loadCatalogues(),
    api('/api/v1/vocabulary'),
    api('/api/v1/session'),
  ]);
  if (catalogues.status === 'rejected') console.error('Quell: could not load the text catalogue', catalogues.reason);
  if (vocabulary.status === 'fulfilled') setVocabulary(vocabulary.value);
  else console.warn('Quell: could not load the vocabulary', vocabulary.reason);
  if (session.status === 'fulfilled' && session.value && session.value.user) {
    state.user = session.value.user;
    setCsrfToken(session.value.csrf_token);
  }
  setUnauthorizedHandler(sessionExpired);
  onLangChange(() => {
    updateTitle();
    syncLangButtons();
  });
  wireStatic();
  setLang(initialLang(), { persist: false });
  renderShell();
  route();
  window.addEventListener('hashchange', route);
  document.documentElement.classList.add('ready');
}

start();
