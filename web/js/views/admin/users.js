// #/admin/users: the list of users and a form to add one.

import { h, raw } from '../../dom.js';
import { k, vocabTerms } from '../../i18n.js';
import { api } from '../../api.js';
import { pageHeader, field, vocabSelect, messageArea, dataTable, loadInto } from '../../components.js';
import { fetchOrgs, fillOrgSelect, statusBadge, time } from './common.js';

export const title = k('admin.users.doc_title');

export function render() {
  const list = h('div', { class: 'list-slot' });
  const reload = () =>
    loadInto(
      list,
      () => api('/api/v1/admin/users'),
      (data) =>
        dataTable({
          captionKey: k('admin.users.caption'),
          columns: [
            k('admin.users.col_username'),
            k('admin.users.col_name'),
            k('admin.users.col_role'),
            k('admin.users.col_org'),
            k('admin.users.col_status'),
            k('admin.users.col_created'),
          ],
          items: (data && data.users) || [],
          emptyKey: k('admin.users.empty'),
          rowFn: (u) =>
            h(
              'tr',
              { class: u.disabled ? 'row-muted' : null },
              h('td', {}, raw(u.username, 'code')),
              h('td', {}, raw(u.display_name)),
              h('td', { vocab: ['roles', u.role] }),
              h('td', {}, u.org ? raw(u.org) : h('span', { class: 'muted', i18n: k('common.dash') })),
              h('td', {}, statusBadge(u.disabled)),
              h('td', {}, time(u.created_at)),
            ),
        }),
    );
  reload();

  return h(
    'div',
    { class: 'admin-page' },
    pageHeader(k('admin.users.title'), k('admin.users.lead')),
    createForm(reload),
    h('section', { 'aria-labelledby': 'users-list-title' }, h('h2', { id: 'users-list-title', i18n: k('admin.users.list_title') }), list),
  );
}

function createForm(onCreated) {
  const errors = messageArea();
  const success = messageArea({ kind: 'success' });
  const username = h('input', { type: 'text', autocomplete: 'off', pattern: '[A-Za-z0-9._@\\-]{3,64}', spellcheck: 'false' });
  const displayName = h('input', { type: 'text', autocomplete: 'off' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', minlength: '10' });
  const role = vocabSelect('roles');
  const org = h('select', {});
  let orgs = [];

  const refreshOrgs = () => fillOrgSelect(org, orgs, role.value);
  role.addEventListener('change', refreshOrgs);
  fetchOrgs()
    .then((list) => {
      orgs = list;
      refreshOrgs();
    })
    .catch((err) => errors.error(err));
  if (!vocabTerms('roles').length) errors.show(k('errors.vocabulary'));
  refreshOrgs();

  const submit = h('button', { type: 'submit', class: 'button', i18n: k('admin.users.create') });
  const form = h(
    'form',
    { class: 'form form-grid', novalidate: true },
    errors.el,
    success.el,
    field({ label: k('admin.users.username'), name: 'username', required: true, hint: k('admin.users.username_hint'), control: username }),
    field({ label: k('admin.users.display_name'), name: 'display_name', control: displayName }),
    field({ label: k('admin.users.password'), name: 'password', required: true, hint: k('admin.users.password_hint'), control: password }),
    field({ label: k('admin.users.role'), name: 'role', required: true, control: role }),
    field({ label: k('admin.users.org'), name: 'org', hint: k('admin.users.org_hint'), control: org }),
    h('div', { class: 'form-actions' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    success.clear();
    const body = {
      username: username.value.trim(),
      password: password.value,
      role: role.value,
      org: org.disabled ? '' : org.value,
      display_name: displayName.value.trim(),
    };
    if (!/^[A-Za-z0-9._@-]{3,64}$/.test(body.username)) {
      errors.show(k('admin.users.error_username'));
      username.focus();
      return;
    }
    if (body.password.length < 10) {
      errors.show(k('admin.users.error_password'));
      password.focus();
      return;
    }
    if (!org.disabled && !body.org) {
      errors.show(k('admin.users.error_org'));
      org.focus();
      return;
    }
    submit.disabled = true;
    try {
      const data = await api('/api/v1/admin/users', { method: 'POST', body });
      const created = (data && data.user) || body;
      success.show(k('admin.users.created'), { username: created.username });
      form.reset();
      refreshOrgs();
      onCreated();
    } catch (err) {
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });

  return h(
    'details',
    { class: 'card form-card' },
    h('summary', { i18n: k('admin.users.add_title') }),
    h('p', { class: 'small muted', i18n: k('admin.users.add_lead') }),
    form,
  );
}
