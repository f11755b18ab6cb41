// The signed-in home page: a welcome for the user's role, the account, and the
// role's own pages (administration for administrators, tools for carriers and
// analysts).

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { pageHeader } from '../components.js';
import { workspacePages } from '../nav.js';

export const title = k('dashboard.doc_title');

const WELCOME = {
  citizen: k('dashboard.welcome.citizen'),
  business: k('dashboard.welcome.business'),
  carrier: k('dashboard.welcome.carrier'),
  app: k('dashboard.welcome.app'),
  data_controller: k('dashboard.welcome.data_controller'),
  analyst: k('dashboard.welcome.analyst'),
  admin: k('dashboard.welcome.admin'),
};

// role -> the title of the tool cards on the dashboard (the cards are the role's
// workspace pages).
const TOOLS_TITLE = {
  admin: k('dashboard.admin_tools'),
  carrier: k('dashboard.carrier_tools'),
  analyst: k('dashboard.carrier_tools'),
};

export function render(ctx) {
  const user = ctx.user;
  const account = h(
    'section',
    { class: 'card card-plain account-card', 'aria-labelledby': 'account-title' },
    h('h2', { id: 'account-title', i18n: k('dashboard.account') }),
    h(
      'dl',
      { class: 'facts' },
      h('div', {}, h('dt', { i18n: k('dashboard.display_name') }), h('dd', {}, raw(user.display_name || user.username))),
      h('div', {}, h('dt', { i18n: k('dashboard.username') }), h('dd', {}, raw(user.username, 'code'))),
      h('div', {}, h('dt', { i18n: k('dashboard.role') }), h('dd', { vocab: ['roles', user.role] })),
      h('div', {}, h('dt', { i18n: k('dashboard.org') }), h('dd', {}, user.org ? raw(user.org) : h('span', { class: 'muted', i18n: k('common.none') }))),
    ),
  );

  const welcome = h(
    'section',
    { class: 'card welcome-card', 'aria-labelledby': 'welcome-title' },
    h('p', { class: 'eyebrow', vocab: ['roles', user.role] }),
    h('h2', { id: 'welcome-title', i18n: k('dashboard.welcome_title') }),
    h('p', { i18n: WELCOME[user.role] || k('dashboard.welcome.other') }),
  );

  const pages = workspacePages(user.role);
  const tools = pages.length
    ? h(
        'section',
        { class: 'section', 'aria-labelledby': 'role-tools' },
        h('h2', { id: 'role-tools', i18n: TOOLS_TITLE[user.role] || k('dashboard.carrier_tools') }),
        h(
          'ul',
          { class: 'card-grid card-grid-3' },
          pages.map((p) =>
            h('li', { class: 'card tool-card' }, h('h3', {}, h('a', { href: p.href, i18n: p.label })), h('p', { i18n: p.desc })),
          ),
        ),
      )
    : null;

  return h(
    'div',
    { class: 'dashboard' },
    pageHeader(k('dashboard.title'), k('dashboard.lead')),
    h('div', { class: 'dashboard-grid' }, welcome, account),
    tools,
  );
}
