// Helpers shared by the administration pages.

import { h } from '../../dom.js';
import { k } from '../../i18n.js';
import { api } from '../../api.js';

// The organisation kind a role belongs to (as in the server's OrgKindForRole);
// citizens and administrators have none.
export const ORG_KIND_FOR_ROLE = {
  business: 'business',
  carrier: 'carrier',
  app: 'app_vendor',
  data_controller: 'data_controller',
  analyst: 'agency',
};

export async function fetchOrgs() {
  const data = await api('/api/v1/admin/orgs');
  return Array.isArray(data && data.orgs) ? data.orgs : [];
}

// Fills `select` with the organisations that fit `role`; disables it for roles
// without an organisation.
export function fillOrgSelect(select, orgs, role) {
  const kind = ORG_KIND_FOR_ROLE[role];
  select.replaceChildren();
  if (!kind) {
    select.appendChild(h('option', { value: '', i18n: k('admin.org_none_for_role') }));
    select.disabled = true;
    select.required = false;
    return;
  }
  const matching = orgs.filter((o) => o.kind === kind);
  select.disabled = false;
  select.required = true;
  if (!matching.length) {
    select.appendChild(h('option', { value: '', i18n: k('admin.org_none_of_kind') }));
    return;
  }
  select.appendChild(h('option', { value: '', i18n: k('admin.org_choose') }));
  for (const org of matching) select.appendChild(h('option', { value: org.name, raw: true }, org.name));
}

export function statusBadge(disabled) {
  return disabled
    ? h('span', { class: 'badge badge-muted', i18n: k('admin.users.disabled') })
    : h('span', { class: 'badge badge-ok', i18n: k('admin.users.active') });
}

export function time(iso) {
  return iso ? h('time', { time: iso }) : h('span', { class: 'muted', i18n: k('common.dash') });
}
