// #/admin/notices: the outbox of notices (SMS, webhooks) with a status filter;
// failed notices are highlighted and can be retried.

import { h, raw } from '../../dom.js';
import { k, formatNumber } from '../../i18n.js';
import { api } from '../../api.js';
import { pageHeader, messageArea, dataTable, loadInto, field } from '../../components.js';
import { time } from './common.js';

export const title = k('admin.notices.doc_title');

const STATUSES = ['pending', 'sent', 'failed', 'held'];
const STATUS_KEYS = {
  pending: k('admin.notices.status.pending'),
  sent: k('admin.notices.status.sent'),
  failed: k('admin.notices.status.failed'),
  held: k('admin.notices.status.held'),
};
const STATUS_VARIANT = { pending: 'info', sent: 'ok', failed: 'danger', held: 'warn' };
const CHANNEL_KEYS = {
  sms: k('admin.notices.channel.sms'),
  webhook: k('admin.notices.channel.webhook'),
  email: k('admin.notices.channel.email'),
};

export function render(ctx) {
  const messages = messageArea();
  const list = h('div', { class: 'list-slot' });
  const initial = STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : '';
  const filter = h(
    'select',
    {},
    h('option', { value: '', i18n: k('admin.notices.status_all') }),
    STATUSES.map((s) => h('option', { value: s, i18n: STATUS_KEYS[s] })),
  );
  filter.value = initial;

  const reload = () =>
    loadInto(
      list,
      () => api('/api/v1/admin/notices', { query: { status: filter.value } }),
      (data) =>
        h(
          'div',
          {},
          data && data.stats ? summary(data.stats) : null,
          dataTable({
          captionKey: k('admin.notices.caption'),
          columns: [
            k('admin.notices.col_id'),
            k('admin.notices.col_status'),
            k('admin.notices.col_channel'),
            k('admin.notices.col_destination'),
            k('admin.notices.col_subject'),
            k('admin.notices.col_attempts'),
            k('admin.notices.col_times'),
            k('common.actions'),
          ],
          items: (data && data.notices) || [],
          emptyKey: k('admin.notices.empty'),
          rowFn: (n) => noticeRow(n, messages, reload),
          }),
        ),
    );
  filter.addEventListener('change', () => {
    // Keep the filter in the address so a reload or a shared link keeps it.
    const hash = filter.value ? `#/admin/notices?status=${filter.value}` : '#/admin/notices';
    history.replaceState(null, '', hash);
    reload();
  });
  reload();

  const refresh = h('button', { type: 'button', class: 'button button-secondary', i18n: k('admin.notices.refresh'), on: { click: reload } });
  return h(
    'div',
    { class: 'admin-page' },
    pageHeader(k('admin.notices.title'), k('admin.notices.lead')),
    h('div', { class: 'toolbar filter-bar' }, field({ label: k('admin.notices.filter'), name: 'status', control: filter }), refresh),
    messages.el,
    list,
  );
}

// Counts by status, as sent by the server ({"pending": n, ...}).
function summary(stats) {
  return h(
    'ul',
    { class: 'stat-list', i18nAriaLabel: k('admin.notices.summary') },
    STATUSES.filter((s) => typeof stats[s] === 'number').map((s) =>
      h(
        'li',
        { class: s === 'failed' && stats[s] > 0 ? 'stat stat-alert' : 'stat' },
        h('span', { class: 'stat-label', i18n: STATUS_KEYS[s] }),
        h('span', { class: 'stat-value' }, formatNumber(stats[s])),
      ),
    ),
  );
}

function noticeRow(n, messages, reload) {
  const failed = n.status === 'failed';
  const timesList = h(
    'dl',
    { class: 'mini-facts' },
    h('div', {}, h('dt', { i18n: k('admin.notices.created') }), h('dd', {}, time(n.created_at))),
    n.sent_at
      ? h('div', {}, h('dt', { i18n: k('admin.notices.sent') }), h('dd', {}, time(n.sent_at)))
      : n.next_attempt_at
        ? h('div', {}, h('dt', { i18n: k('admin.notices.next_attempt') }), h('dd', {}, time(n.next_attempt_at)))
        : null,
  );
  const subject = h(
    'td',
    { class: 'subject' },
    h('details', {}, h('summary', {}, raw(n.subject || '')), h('pre', { class: 'notice-body', raw: true }, n.body || '')),
    n.last_error
      ? h('p', { class: 'last-error' }, h('span', { i18n: k('admin.notices.last_error') }), ' ', raw(n.last_error, 'span', { class: 'mono' }))
      : null,
    n.origin ? h('p', { class: 'small muted' }, h('span', { i18n: k('admin.notices.origin') }), ' ', raw(n.origin, 'code')) : null,
  );
  const canRetry = n.status === 'failed';
  const retry = canRetry
    ? h('button', {
        type: 'button',
        class: 'button button-small',
        i18n: k('admin.notices.retry'),
        i18nAriaLabel: k('admin.notices.retry_label'),
        args: { id: n.id },
        on: {
          click: async (event) => {
            const button = event.currentTarget;
            button.disabled = true;
            messages.clear();
            try {
              await api(`/api/v1/admin/notices/${encodeURIComponent(n.id)}/retry`, { method: 'POST' });
              messages.success(k('admin.notices.retried'), { id: n.id });
              reload();
            } catch (err) {
              messages.error(err);
              button.disabled = false;
            }
          },
        },
      })
    : h('span', { class: 'muted', i18n: k('common.dash') });
  return h(
    'tr',
    { class: failed ? 'row-failed' : null },
    h('td', { class: 'num' }, String(n.id)),
    h('td', {}, h('span', { class: `badge badge-${STATUS_VARIANT[n.status] || 'muted'}` }, STATUS_KEYS[n.status] ? h('span', { i18n: STATUS_KEYS[n.status] }) : raw(n.status))),
    h('td', {}, CHANNEL_KEYS[n.channel] ? h('span', { i18n: CHANNEL_KEYS[n.channel] }) : raw(n.channel)),
    h('td', {}, raw(n.destination, 'code')),
    subject,
    h('td', { class: 'num' }, String(n.attempts ?? 0)),
    h('td', {}, timesList),
    h('td', {}, retry),
  );
}
