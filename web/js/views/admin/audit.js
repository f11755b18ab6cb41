// #/admin/audit: the audit log, newest first, paged with ?before=ID.

import { h, raw } from '../../dom.js';
import { k } from '../../i18n.js';
import { api } from '../../api.js';
import { pageHeader, messageArea, loading } from '../../components.js';

export const title = k('admin.audit.doc_title');

const COLUMNS = [
  k('admin.audit.col_time'),
  k('admin.audit.col_actor'),
  k('admin.audit.col_action'),
  k('admin.audit.col_target'),
  k('admin.audit.col_detail'),
  k('admin.audit.col_remote'),
];

export function render() {
  const errors = messageArea();
  const status = h('p', { class: 'small muted', role: 'status', 'aria-live': 'polite' });
  const tbody = h('tbody', {});
  const table = h(
    'div',
    { class: 'table-wrap', role: 'region', tabindex: '0', i18nAriaLabel: k('admin.audit.caption') },
    h(
      'table',
      { class: 'data-table audit-table' },
      h('caption', { class: 'visually-hidden', i18n: k('admin.audit.caption') }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', i18n: k('admin.audit.col_id') }), COLUMNS.map((c) => h('th', { scope: 'col', i18n: c })))),
      tbody,
    ),
  );
  const more = h('button', { type: 'button', class: 'button button-secondary', i18n: k('admin.audit.older'), hidden: true });
  const refresh = h('button', { type: 'button', class: 'button button-small button-secondary', i18n: k('admin.audit.refresh') });
  let nextBefore = null;
  let count = 0;

  async function load(before) {
    errors.clear();
    more.disabled = true;
    refresh.disabled = true;
    if (!before) {
      tbody.replaceChildren(h('tr', {}, h('td', { colspan: '7' }, loading())));
      count = 0;
    }
    try {
      const data = await api('/api/v1/admin/audit', { query: { before } });
      const entries = (data && data.entries) || [];
      if (!before) tbody.replaceChildren();
      for (const e of entries) tbody.appendChild(row(e));
      count += entries.length;
      if (!count) tbody.replaceChildren(h('tr', {}, h('td', { colspan: '7', class: 'empty', i18n: k('admin.audit.empty') })));
      nextBefore = data && data.next_before != null ? data.next_before : null;
      more.hidden = nextBefore == null;
      status.replaceChildren(h('span', { i18n: k('admin.audit.shown'), args: { count } }));
    } catch (err) {
      if (!before) tbody.replaceChildren();
      errors.error(err);
    } finally {
      more.disabled = false;
      refresh.disabled = false;
    }
  }
  more.addEventListener('click', () => load(nextBefore));
  refresh.addEventListener('click', () => load(null));
  load(null);

  return h(
    'div',
    { class: 'admin-page' },
    pageHeader(k('admin.audit.title'), k('admin.audit.lead')),
    h('div', { class: 'toolbar' }, status, refresh),
    errors.el,
    table,
    h('div', { class: 'pager' }, more),
  );
}

function row(e) {
  return h(
    'tr',
    {},
    h('td', { class: 'num' }, String(e.id)),
    h('td', { class: 'nowrap' }, h('time', { time: e.at, dataset: { timeSeconds: '1' } })),
    h('td', {}, raw(e.actor, 'code')),
    h('td', {}, raw(e.action, 'code')),
    h('td', {}, raw(e.target, 'code')),
    h('td', { class: 'detail' }, e.detail ? raw(e.detail, 'span', { class: 'mono' }) : h('span', { class: 'muted', i18n: k('common.dash') })),
    h('td', {}, raw(e.remote, 'code')),
  );
}
