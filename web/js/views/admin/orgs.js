// #/admin/orgs: organisations (carriers, businesses, app vendors, agencies, data
// controllers): list and add.

import { h, raw } from '../../dom.js';
import { k } from '../../i18n.js';
import { pageHeader, field, vocabSelect, messageArea, dataTable, loadInto } from '../../components.js';
import { api } from '../../api.js';
import { time } from './common.js';

export const title = k('admin.orgs.doc_title');

export function render() {
  const list = h('div', { class: 'list-slot' });
  const reload = () =>
    loadInto(
      list,
      () => api('/api/v1/admin/orgs'),
      (data) =>
        dataTable({
          captionKey: k('admin.orgs.caption'),
          columns: [k('admin.orgs.col_id'), k('admin.orgs.col_name'), k('admin.orgs.col_kind'), k('admin.orgs.col_created')],
          items: (data && data.orgs) || [],
          emptyKey: k('admin.orgs.empty'),
          rowFn: (o) =>
            h(
              'tr',
              {},
              h('td', { class: 'num' }, String(o.id)),
              h('td', {}, raw(o.name)),
              h('td', { vocab: ['org_kinds', o.kind] }),
              h('td', {}, time(o.created_at)),
            ),
        }),
    );
  reload();

  const errors = messageArea();
  const success = messageArea({ kind: 'success' });
  const name = h('input', { type: 'text', autocomplete: 'organization', maxlength: '200' });
  const kind = vocabSelect('org_kinds');
  const submit = h('button', { type: 'submit', class: 'button', i18n: k('admin.orgs.create') });
  const form = h(
    'form',
    { class: 'form form-grid', novalidate: true },
    errors.el,
    success.el,
    field({ label: k('admin.orgs.name'), name: 'name', required: true, control: name }),
    field({ label: k('admin.orgs.kind'), name: 'kind', required: true, control: kind }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    success.clear();
    const body = { name: name.value.trim(), kind: kind.value };
    if (!body.name) {
      errors.show(k('admin.orgs.error_name'));
      name.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api('/api/v1/admin/orgs', { method: 'POST', body });
      success.show(k('admin.orgs.created'));
      form.reset();
      reload();
    } catch (err) {
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });

  return h(
    'div',
    { class: 'admin-page' },
    pageHeader(k('admin.orgs.title'), k('admin.orgs.lead')),
    h('details', { class: 'card form-card' }, h('summary', { i18n: k('admin.orgs.add_title') }), form),
    h('section', { 'aria-labelledby': 'orgs-list-title' }, h('h2', { id: 'orgs-list-title', i18n: k('admin.orgs.list_title') }), list),
  );
}
