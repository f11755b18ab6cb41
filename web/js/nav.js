// Navigation entries by role.

import { k } from './i18n.js';

export const ROLES = ['citizen', 'business', 'carrier', 'app', 'data_controller', 'analyst', 'admin'];

export const PUBLIC_PAGES = [
  { href: '#/', path: '/', label: k('nav.home') },
  { href: '#/dnc', path: '/dnc', label: k('nav.dnc') },
  { href: '#/report', path: '/report', label: k('nav.report') },
  { href: '#/check', path: '/check', label: k('nav.check') },
  { href: '#/sanctions/public', path: '/sanctions/public', label: k('nav.sanctions_public') },
  { href: '#/carriers/scorecards', path: '/carriers/scorecards', label: k('nav.scorecards') },
];

export const DASHBOARD = { href: '#/dashboard', path: '/dashboard', label: k('nav.dashboard') };

export const ADMIN_PAGES = [
  { href: '#/admin/users', path: '/admin/users', label: k('nav.admin_users'), desc: k('dashboard.tools.users') },
  { href: '#/admin/orgs', path: '/admin/orgs', label: k('nav.admin_orgs'), desc: k('dashboard.tools.orgs') },
  { href: '#/admin/keys', path: '/admin/keys', label: k('nav.admin_keys'), desc: k('dashboard.tools.keys') },
  { href: '#/admin/audit', path: '/admin/audit', label: k('nav.admin_audit'), desc: k('dashboard.tools.audit') },
  { href: '#/admin/notices', path: '/admin/notices', label: k('nav.admin_notices'), desc: k('dashboard.tools.notices') },
];

// Carrier tools: STIR/SHAKEN (the TN-ownership table that decides attestation,
// and a place to try signing and verification).
export const CARRIER_PAGES = [
  { href: '#/carrier/shaken', path: '/carrier/shaken', label: k('nav.shaken'), desc: k('dashboard.tools.shaken') },
];

// The live view of call screening: carriers, analysts and administrators.
export const SCREENING_ROLES = ['carrier', 'analyst', 'admin'];
export const SCREENING_PAGES = [
  { href: '#/screening', path: '/screening', label: k('nav.screening'), desc: k('dashboard.tools.screening') },
];

// What behavioural detection finds: for analysts and administrators, and for
// carriers, whose call records feed it.
export const FINDINGS_ROLES = ['analyst', 'admin', 'carrier'];
export const FINDINGS_PAGES = [
  { href: '#/findings', path: '/findings', label: k('nav.findings'), desc: k('dashboard.tools.findings') },
];

// The Do-Not-Call list for businesses: scrub calling lists, keep the receipts,
// declare calling numbers and exemptions.
export const DNC_BUSINESS_PAGES = [
  { href: '#/business/dnc', path: '/business/dnc', label: k('nav.dnc_business'), desc: k('dashboard.tools.dnc_business') },
];

// The Do-Not-Call register for its staff: figures, a number's history, the
// receipts of every business.
export const DNC_REGISTRY_ROLES = ['analyst', 'admin'];
export const DNC_REGISTRY_PAGES = [
  { href: '#/dnc/registry', path: '/dnc/registry', label: k('nav.dnc_registry'), desc: k('dashboard.tools.dnc_registry') },
];

// Appeals against number labels: businesses file them, analysts decide them.
export const APPEALS_ROLES = ['business', 'analyst', 'admin'];
export const APPEALS_PAGES = [
  { href: '#/appeals', path: '/appeals', label: k('nav.appeals'), desc: k('dashboard.tools.appeals') },
];

// The complaint centre's cases: analysts and administrators handle them all,
// carriers answer those forwarded to them.
export const CASES_ROLES = ['analyst', 'admin', 'carrier'];
export const CASES_PAGES = [
  { href: '#/cases', path: '/cases', label: k('nav.cases'), desc: k('dashboard.tools.cases') },
];

// Personal-data breach notices: data controllers file theirs, analysts and
// administrators follow them all up.
export const BREACH_ROLES = ['data_controller', 'analyst', 'admin'];
export const BREACH_PAGES = [
  { href: '#/breaches', path: '/breaches', label: k('nav.breaches'), desc: k('dashboard.tools.breaches') },
];

// Sanctions (联合惩戒): analysts and administrators impose and lift them;
// carriers check an entity or a number before granting numbers or trunks.
export const SANCTIONS_ROLES = ['analyst', 'admin'];
export const SANCTIONS_PAGES = [
  { href: '#/sanctions', path: '/sanctions', label: k('nav.sanctions'), desc: k('dashboard.tools.sanctions') },
];
export const SANCTIONS_CHECK_ROLES = ['carrier', 'analyst', 'admin'];
export const SANCTIONS_CHECK_PAGES = [
  { href: '#/sanctions/check', path: '/sanctions/check', label: k('nav.sanctions_check'), desc: k('dashboard.tools.sanctions_check') },
];

// Traceback (docs/traceback.md): analysts and administrators open cases and
// follow their path; carriers answer the requests in their queue; the carrier
// registry is kept by staff, and carriers keep their own contacts in it.
export const TRACEBACK_ROLES = ['analyst', 'admin'];
export const TRACEBACK_PAGES = [
  { href: '#/traceback', path: '/traceback', label: k('nav.traceback'), desc: k('dashboard.tools.traceback') },
];
export const TRACEBACK_QUEUE_ROLES = ['carrier'];
export const TRACEBACK_QUEUE_PAGES = [
  { href: '#/traceback/requests', path: '/traceback/requests', label: k('nav.traceback_requests'), desc: k('dashboard.tools.traceback_requests') },
];
export const CARRIERS_ROLES = ['carrier', 'analyst', 'admin'];
export const CARRIERS_PAGES = [
  { href: '#/carriers', path: '/carriers', label: k('nav.carriers'), desc: k('dashboard.tools.carriers') },
];

// The enforcement ledger: every organisation reads it; citizens do not.
export const LEDGER_ROLES = ['business', 'carrier', 'app', 'data_controller', 'analyst', 'admin'];
export const LEDGER_PAGES = [
  { href: '#/ledger', path: '/ledger', label: k('nav.ledger'), desc: k('dashboard.tools.ledger') },
];

// The pages of a role's workspace, after the dashboard.
export function workspacePages(role) {
  const pages = [];
  if (role === 'admin') pages.push(...ADMIN_PAGES);
  if (SCREENING_ROLES.includes(role)) pages.push(...SCREENING_PAGES);
  if (FINDINGS_ROLES.includes(role)) pages.push(...FINDINGS_PAGES);
  if (role === 'carrier') pages.push(...CARRIER_PAGES);
  if (role === 'business') pages.push(...DNC_BUSINESS_PAGES);
  if (DNC_REGISTRY_ROLES.includes(role)) pages.push(...DNC_REGISTRY_PAGES);
  if (APPEALS_ROLES.includes(role)) pages.push(...APPEALS_PAGES);
  if (CASES_ROLES.includes(role)) pages.push(...CASES_PAGES);
  if (BREACH_ROLES.includes(role)) pages.push(...BREACH_PAGES);
  if (SANCTIONS_ROLES.includes(role)) pages.push(...SANCTIONS_PAGES);
  // Staff reach the check from the sanctions page; carriers have it in the menu.
  if (role === 'carrier') pages.push(...SANCTIONS_CHECK_PAGES);
  if (TRACEBACK_ROLES.includes(role)) pages.push(...TRACEBACK_PAGES);
  if (TRACEBACK_QUEUE_ROLES.includes(role)) pages.push(...TRACEBACK_QUEUE_PAGES);
  if (CARRIERS_ROLES.includes(role)) pages.push(...CARRIERS_PAGES);
  if (LEDGER_ROLES.includes(role)) pages.push(...LEDGER_PAGES);
  return pages;
}

// The links shown to `user` (null when signed out), in groups:
// [{labelKey, items}]. Citizens keep the public services in front; staff roles get
// their workspace.
export function navGroups(user) {
  if (!user) return [{ label: k('nav.group_public'), items: PUBLIC_PAGES }];
  if (user.role === 'citizen') return [{ label: k('nav.group_public'), items: [...PUBLIC_PAGES, DASHBOARD] }];
  const workspace = [DASHBOARD, ...workspacePages(user.role)];
  return [
    { label: k('nav.group_public'), items: [PUBLIC_PAGES[0]] },
    { label: k('nav.group_workspace'), items: workspace, role: user.role },
  ];
}
