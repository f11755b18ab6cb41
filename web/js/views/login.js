// Sign-in page: POST /api/v1/session; with a demo server (GET /api/v1/demo) a table
// of demo accounts that fill the form.

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { field, messageArea } from '../components.js';

export const title = k('login.doc_title');

const LOGIN_ERRORS = {
  400: k('login.error_invalid'),
  401: k('login.error_credentials'),
  429: k('login.error_rate_limited'),
};

export function render(ctx) {
  const errors = messageArea();
  const username = h('input', { type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button button-block', i18n: k('login.submit') });

  const form = h(
    'form',
    { class: 'form login-form', novalidate: true, 'aria-describedby': 'login-intro' },
    errors.el,
    field({ label: k('login.username'), name: 'username', required: true, control: username }),
    field({ label: k('login.password'), name: 'password', required: true, control: password }),
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const u = username.value.trim();
    const p = password.value;
    if (!u || !p) {
      errors.show(k('login.error_missing'));
      (u ? password : username).focus();
      return;
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try {
      const data = await api('/api/v1/session', { method: 'POST', body: { username: u, password: p } });
      password.value = '';
      ctx.signIn(data);
    } catch (err) {
      if (err instanceof ApiError && LOGIN_ERRORS[err.status]) {
        errors.show(LOGIN_ERRORS[err.status]);
      } else {
        errors.error(err);
      }
      password.select();
      password.focus();
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  });

  const demo = h('div', { class: 'demo-slot' });
  api('/api/v1/demo')
    .then((data) => {
      if (data && data.demo && Array.isArray(data.accounts) && data.accounts.length) {
        demo.replaceChildren(demoPanel(data.accounts, username, password));
      }
    })
    .catch(() => {
      /* 404: not a demo server */
    });

  return h(
    'div',
    { class: 'login-layout' },
    h(
      'section',
      { class: 'card login-card', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title', class: 'page-title', tabindex: '-1', i18n: k('login.title') }),
      h('p', { id: 'login-intro', class: 'lead', i18n: k('login.intro') }),
      ctx.query.get('expired') ? h('p', { class: 'notice notice-info', role: 'status', i18n: k('login.expired') }) : null,
      form,
      h('p', { class: 'small muted', i18n: k('login.citizen_note') }),
    ),
    demo,
  );
}

function demoPanel(accounts, username, password) {
  return h(
    'section',
    { class: 'card demo-card', 'aria-labelledby': 'demo-title' },
    h('h2', { id: 'demo-title', i18n: k('login.demo.title') }),
    h('p', { class: 'small', i18n: k('login.demo.intro') }),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table compact' },
        h('caption', { class: 'visually-hidden', i18n: k('login.demo.title') }),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', i18n: k('login.demo.role') }),
            h('th', { scope: 'col', i18n: k('login.username') }),
            h('th', { scope: 'col', i18n: k('login.password') }),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', i18n: k('common.actions') })),
          ),
        ),
        h(
          'tbody',
          {},
          accounts.map((acc) =>
            h(
              'tr',
              {},
              h('td', { vocab: ['roles', acc.role] }),
              h('td', {}, raw(acc.username, 'code')),
              h('td', {}, raw(acc.password, 'code')),
              h(
                'td',
                {},
                h('button', {
                  type: 'button',
                  class: 'button button-small button-secondary',
                  i18n: k('login.demo.use'),
                  i18nAriaLabel: k('login.demo.use_label'),
                  args: { username: acc.username },
                  on: {
                    click: () => {
                      username.value = acc.username;
                      password.value = acc.password;
                      username.closest('form').querySelector('button[type=submit]').focus();
                    },
                  },
                }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
