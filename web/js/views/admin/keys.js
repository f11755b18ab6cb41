// #/admin/keys: API keys for machines (carriers, apps, businesses): list, create
// (the secret is shown once), revoke.

import { h, raw } from '../../dom.js';
import { k, formatNumber } from '../../i18n.js';
import { api } from '../../api.js';
import { pageHeader, field, vocabSelect, messageArea, dataTable, loadInto, confirmDialog } from '../../components.js';
import { ORG_KIND_FOR_ROLE, fetchOrgs, fillOrgSelect, time } from './common.js';

export const title = k('admin.keys.doc_title');

export function render() {
  const list = h('div', { class: 'list-slot' });
  const listMessages = messageArea();
  const reload = () =>
    loadInto(
      list,
      () => api('/api/v1/admin/keys'),
      (data) =>
        dataTable({
          captionKey: k('admin.keys.caption'),
          columns: [
            k('admin.keys.col_prefix'),
            k('admin.keys.col_label'),
            k('admin.keys.col_role'),
            k('admin.keys.col_org'),
            k('admin.keys.col_created'),
            k('admin.keys.col_uses'),
            k('admin.keys.col_status'),
            k('common.actions'),
          ],
          items: (data && data.keys) || [],
          emptyKey: k('admin.keys.empty'),
          rowFn: (key) => keyRow(key, listMessages, reload),
        }),
    );
  reload();

  const reveal = h('div', { class: 'reveal-slot' });
  return h(
    'div',
    { class: 'admin-page' },
    pageHeader(k('admin.keys.title'), k('admin.keys.lead')),
    reveal,
    createForm(reveal, reload),
    h(
      'section',
      { 'aria-labelledby': 'keys-list-title' },
      h('h2', { id: 'keys-list-title', i18n: k('admin.keys.list_title') }),
      listMessages.el,
      list,
    ),
  );
}

function keyRow(key, messages, reload) {
  const revoked = Boolean(key.revoked_at);
  const status = revoked
    ? h('span', {}, h('span', { class: 'badge badge-muted', i18n: k('admin.keys.revoked') }), ' ', h('time', { class: 'small', time: key.revoked_at }))
    : h('span', { class: 'badge badge-ok', i18n: k('admin.keys.active') });
  const action = revoked
    ? h('span', { class: 'muted', i18n: k('common.dash') })
    : h('button', {
        type: 'button',
        class: 'button button-small button-danger-outline',
        i18n: k('admin.keys.revoke'),
        i18nAriaLabel: k('admin.keys.revoke_label'),
        args: { prefix: key.prefix },
        on: {
          click: async () => {
            messages.clear();
            const ok = await confirmDialog({
              titleKey: k('admin.keys.confirm_title'),
              bodyKey: k('admin.keys.confirm_body'),
              args: { prefix: key.prefix },
              confirmKey: k('admin.keys.revoke'),
              danger: true,
            });
            if (!ok) return;
            try {
              await api(`/api/v1/admin/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
              messages.success(k('admin.keys.revoked_ok'));
              reload();
            } catch (err) {
              messages.error(err);
            }
          },
        },
      });
  return h(
    'tr',
    { class: revoked ? 'row-muted' : null },
    h('td', {}, raw(key.prefix, 'code')),
    h('td', {}, key.label ? raw(key.label) : h('span', { class: 'muted', i18n: k('common.dash') })),
    h('td', { vocab: ['roles', key.role] }),
    h('td', {}, raw(key.org)),
    h('td', {}, time(key.created_at)),
    h('td', { class: 'num' }, formatNumber(Number(key.uses) || 0)),
    h('td', {}, status),
    h('td', {}, action),
  );
}

function createForm(reveal, onCreated) {
  const errors = messageArea();
  const role = vocabSelect('roles', { filter: (name) => Boolean(ORG_KIND_FOR_ROLE[name]) });
  const org = h('select', {});
  const label = h('input', { type: 'text', autocomplete: 'off', maxlength: '100' });
  let orgs = [];
  const refreshOrgs = () => fillOrgSelect(org, orgs, role.value);
  role.addEventListener('change', refreshOrgs);
  fetchOrgs()
    .then((list) => {
      orgs = list;
      refreshOrgs();
    })
    .catch((err) => errors.error(err));
  refreshOrgs();

  const submit = h('button', { type: 'submit', class: 'button', i18n: k('admin.keys.create') });
  const form = h(
    'form',
    { class: 'form form-grid', novalidate: true },
    errors.el,
    field({ label: k('admin.keys.role'), name: 'role', required: true, control: role }),
    field({ label: k('admin.keys.org'), name: 'org', required: true, control: org }),
    field({ label: k('admin.keys.label'), name: 'label', hint: k('admin.keys.label_hint'), control: label }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    if (!org.value) {
      errors.show(k('admin.keys.error_org'));
      org.focus();
      return;
    }
    submit.disabled = true;
    try {
      const data = await api('/api/v1/admin/keys', {
        method: 'POST',
        body: { role: role.value, org: org.value, label: label.value.trim() },
      });
      form.reset();
      refreshOrgs();
      form.closest('details').open = false;
      reveal.replaceChildren(secretBox(data, reveal));
      reveal.querySelector('h2').focus();
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
    h('summary', { i18n: k('admin.keys.add_title') }),
    h('p', { class: 'small muted', i18n: k('admin.keys.add_lead') }),
    form,
  );
}

// The new key, shown once.
function secretBox(data, slot) {
  const input = h('input', {
    type: 'text',
    readonly: true,
    class: 'secret-value',
    value: (data && data.key) || '',
    spellcheck: 'false',
    autocomplete: 'off',
    i18nAriaLabel: k('admin.keys.secret_label'),
  });
  const copied = messageArea({ kind: 'success' });
  const copy = async () => {
    input.focus();
    input.select();
    let ok = false;
    try {
      await navigator.clipboard.writeText(input.value);
      ok = true;
    } catch {
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
    }
    copied.show(ok ? k('admin.keys.copied') : k('admin.keys.copy_failed'));
  };
  return h(
    'section',
    { class: 'secret-box', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title', tabindex: '-1', i18n: k('admin.keys.secret_title') }),
    h('p', { class: 'warning' }, h('strong', { i18n: k('admin.keys.secret_warning') })),
    h(
      'div',
      { class: 'secret-row' },
      input,
      h('button', { type: 'button', class: 'button', i18n: k('admin.keys.copy'), on: { click: copy } }),
    ),
    copied.el,
    h('p', { class: 'small' }, h('span', { i18n: k('admin.keys.secret_prefix') }), ' ', raw(data && data.prefix, 'code')),
    h('button', {
      type: 'button',
      class: 'button button-secondary',
      i18n: k('admin.keys.secret_done'),
      on: { click: () => slot.replaceChildren() },
    }),
  );
}
