// The carrier registry and the public league table (docs/traceback.md).
//
// - #/carriers (analysts and administrators manage it; carriers see it and keep
//   their own contacts and webhook): the registered carriers (GET
//   /api/v1/carriers), registering one (POST), changing one (PUT .../{org_id}),
//   removing one (DELETE .../{org_id}); a carrier's contacts and webhook (PUT
//   .../{org_id}/contacts).
// - #/carriers/scorecards (anyone): the league table (GET
//   /api/v1/carriers/scorecards) with its ranking rule.

import { h, raw } from '../dom.js';
import { k, applyI18n } from '../i18n.js';
import { api } from '../api.js';
import { pageHeader, field, messageArea, dataTable, loading, confirmDialog } from '../components.js';
import { linesOf } from './sanctions.js';
import { durationText } from './traceback.js';

export const title = k('carriers.doc_title');
export const scorecardsTitle = k('carriers.scores.doc_title');

const CARRIERS = '/api/v1/carriers';
const STAFF = ['analyst', 'admin'];

export const ROLE_KEYS = {
  originating: k('carriers.roles.originating'),
  gateway: k('carriers.roles.gateway'),
  transit: k('carriers.roles.transit'),
  terminating: k('carriers.roles.terminating'),
};

export const AUTH_KEYS = {
  full: k('carriers.auth.full'),
  partial: k('carriers.auth.partial'),
  none: k('carriers.auth.none'),
};

// --- helpers (unit-tested in tests/web/traceback.test.mjs) ---------------------

// Contacts typed one per line, their parts separated by commas or semicolons in
// any order: the part with "@" is the e-mail, one of digits (+, spaces, dashes)
// the phone, the rest the name.
export function contactsOf(text) {
  return String(text || '')
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const c = { name: '', email: '', phone: '' };
      const names = [];
      for (const part of line.split(/[,;，；]+/).map((s) => s.trim()).filter(Boolean)) {
        if (!c.email && part.includes('@')) c.email = part;
        else if (!c.phone && /^\+?[\d\s\-()]{5,}$/.test(part)) c.phone = part;
        else names.push(part);
      }
      c.name = names.join(', ');
      return c;
    });
}

// Contacts back to the text of the form.
export function contactsText(contacts) {
  return (contacts || []).map((c) => [c.name, c.email, c.phone].filter(Boolean).join(', ')).join('\n');
}

// The request body of the registry form's values.
export function carrierBody(v) {
  const body = {
    roles: Object.keys(ROLE_KEYS).filter((r) => (v.roles || []).includes(r)),
    authentication: v.authentication,
    spcs: linesOf(v.spcs).map((s) => s.toUpperCase()),
    cert_subject: String(v.cert_subject || '').trim(),
    country: String(v.country || '').trim().toUpperCase(),
    trunk_aliases: linesOf(v.trunk_aliases),
    webhook_url: String(v.webhook_url || '').trim(),
    contacts: contactsOf(v.contacts),
  };
  if (v.org_id) body.org_id = Number(v.org_id);
  else body.org = String(v.org || '').trim();
  return body;
}

// The first problem with the registry form's values ({key, args}), or null.
export function carrierProblem(v) {
  if (!v.org_id && !String(v.org || '').trim()) return { key: k('carriers.error_org') };
  if (!(v.roles || []).length) return { key: k('carriers.error_roles') };
  if (!AUTH_KEYS[v.authentication]) return { key: k('carriers.error_auth') };
  const badSpc = linesOf(v.spcs).find((s) => !/^[A-Za-z0-9]{1,16}$/.test(s));
  if (badSpc) return { key: k('carriers.error_spc'), args: { spc: badSpc } };
  if (!/^[A-Za-z]{2}$/.test(String(v.country || '').trim())) return { key: k('carriers.error_country') };
  return webhookProblem(v.webhook_url) || contactsProblem(v.contacts);
}

export function webhookProblem(url) {
  const u = String(url || '').trim();
  if (u && !/^https?:\/\/\S+$/i.test(u)) return { key: k('carriers.error_webhook') };
  return null;
}

export function contactsProblem(text) {
  if (contactsOf(text).length > 10) return { key: k('carriers.error_contacts') };
  return null;
}

// A share (0..1) as a whole percentage with one decimal, or null.
export function percent(share) {
  if (share == null || !Number.isFinite(Number(share))) return null;
  return `${(Math.round(Number(share) * 1000) / 10).toFixed(1)}%`;
}

// --- #/carriers --------------------------------------------------------------------

export function render(ctx) {
  const staff = STAFF.includes(ctx.user.role);
  const listSlot = h('div', { class: 'carriers-list' }, loading());
  const editSlot = h('div', { class: 'carrier-edit-slot' });
  let registerForm = null;

  async function refresh() {
    listSlot.replaceChildren(loading());
    try {
      const data = await api(CARRIERS);
      const carriers = (data.carriers || []).slice().sort((a, b) => a.name.localeCompare(b.name));
      listSlot.replaceChildren(table(carriers, staff, { edit: (c) => registerForm.edit(c), remove }));
      if (!staff && !editSlot.querySelector('.carrier-contacts-form')) {
        const own = carriers.find((c) => c.name === ctx.user.org && 'contacts' in c);
        editSlot.replaceChildren(own ? contactsForm(own, refresh) : h('p', { class: 'hint', i18n: k('carriers.not_registered') }));
      }
    } catch (err) {
      const area = messageArea();
      area.error(err);
      listSlot.replaceChildren(area.el);
    }
  }
  async function remove(c) {
    const ok = await confirmDialog({ titleKey: k('carriers.remove_title'), bodyKey: k('carriers.remove_body'), args: { name: c.name }, confirmKey: k('carriers.remove'), danger: true });
    if (!ok) return;
    try {
      await api(`${CARRIERS}/${c.org_id}`, { method: 'DELETE' });
      refresh();
    } catch (err) {
      const area = messageArea();
      area.error(err);
      const message = err && err.body && err.body.error && err.body.error.message;
      if (message) area.el.append(raw(message, 'p', { class: 'hint' }));
      listSlot.prepend(area.el);
    }
  }
  if (staff) registerForm = carrierForm(refresh);
  refresh();
  return h('div', { class: 'carriers-page' },
    pageHeader(k('carriers.title'), staff ? k('carriers.lead_staff') : k('carriers.lead_carrier')),
    h('p', { class: 'toolbar' }, h('a', { class: 'button button-secondary button-small', href: '#/carriers/scorecards', i18n: k('carriers.to_scorecards') })),
    staff ? registerForm.el : h('section', { class: 'card', 'aria-labelledby': 'carrier-own' }, h('h2', { id: 'carrier-own', i18n: k('carriers.own_title') }), editSlot),
    h('section', { class: 'card', 'aria-labelledby': 'carriers-list' }, h('h2', { id: 'carriers-list', i18n: k('carriers.list') }), listSlot));
}

function rolesCell(c) {
  return (c.roles || []).map((r) => (ROLE_KEYS[r] ? h('span', { class: 'badge badge-muted carrier-role', i18n: ROLE_KEYS[r] }) : raw(r)));
}

function authBadge(auth) {
  const variant = { full: 'ok', partial: 'warn', none: 'danger' }[auth] || 'muted';
  return AUTH_KEYS[auth] ? h('span', { class: `badge badge-${variant} carrier-auth`, i18n: AUTH_KEYS[auth] }) : raw(auth);
}

function table(carriers, staff, actions) {
  return dataTable({
    captionKey: k('carriers.list'),
    columns: [k('carriers.col_name'), k('carriers.roles_label'), k('carriers.authentication'), k('carriers.spcs'), k('carriers.trunk_aliases'),
      k('carriers.country'), k('carriers.contacts'), k('common.actions')],
    items: carriers,
    emptyKey: k('carriers.empty'),
    rowFn: (c) => h('tr', { dataset: { org: String(c.org_id) } },
      h('td', {}, raw(c.name, 'strong'), c.cert_subject ? raw(c.cert_subject, 'div', { class: 'hint' }) : null),
      h('td', {}, rolesCell(c)),
      h('td', {}, authBadge(c.authentication)),
      h('td', {}, raw((c.spcs || []).join(', '), 'span', { class: 'mono' })),
      h('td', {}, raw((c.trunk_aliases || []).join(', '), 'span', { class: 'mono' })),
      h('td', {}, raw(c.country)),
      h('td', {}, 'contacts' in c
        ? [(c.contacts || []).map((x) => raw([x.name, x.email, x.phone].filter(Boolean).join(' · '), 'div', { class: 'carrier-contact' })),
          c.webhook_url ? raw(c.webhook_url, 'div', { class: 'hint mono carrier-webhook' }) : null]
        : h('span', { class: 'hint', i18n: k('carriers.contacts_hidden') })),
      h('td', {}, staff
        ? [h('button', { type: 'button', class: 'button button-small button-secondary', dataset: { action: 'edit' }, i18n: k('carriers.edit'), on: { click: () => actions.edit(c) } }), ' ',
          h('button', { type: 'button', class: 'button button-small button-danger', dataset: { action: 'remove' }, i18n: k('carriers.remove'), on: { click: () => actions.remove(c) } })]
        : null)),
  });
}

// Register (or, after edit(c), change) a carrier: staff only.
function carrierForm(onSaved) {
  const errors = messageArea();
  const result = h('div', { class: 'carrier-saved-slot', role: 'status', 'aria-live': 'polite' });
  let editing = null;
  const org = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const roleBoxes = Object.entries(ROLE_KEYS).map(([value, key]) => {
    const input = h('input', { type: 'checkbox', name: 'roles', value });
    return { value, input, label: h('label', { class: 'inline-check' }, input, ' ', h('span', { i18n: key })) };
  });
  const auth = h('select', {}, h('option', { value: '', i18n: k('carriers.auth_choose') }),
    Object.entries(AUTH_KEYS).map(([value, key]) => h('option', { value, i18n: key })));
  const spcs = h('textarea', { rows: '2', spellcheck: 'false', class: 'mono', placeholder: 'DEMO2', raw: true });
  const cert = h('input', { type: 'text', maxlength: '200' });
  const country = h('input', { type: 'text', maxlength: '2', class: 'mono', placeholder: 'CN', raw: true });
  country.defaultValue = 'CN';
  const aliases = h('textarea', { rows: '2', spellcheck: 'false', class: 'mono', placeholder: 'DM-GW-01', raw: true });
  const webhook = h('input', { type: 'url', maxlength: '500', spellcheck: 'false', placeholder: 'https://noc.example/traceback', raw: true });
  const contacts = h('textarea', { rows: '3', spellcheck: 'false' });
  const heading = h('h2', { id: 'carrier-register', i18n: k('carriers.register') });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'save-carrier' }, i18n: k('carriers.register_submit') });
  const cancel = h('button', { type: 'button', class: 'button button-secondary', hidden: true, i18n: k('common.cancel') });

  const form = h('form', { class: 'form form-grid carrier-form', novalidate: true },
    errors.el,
    field({ label: k('carriers.org'), name: 'org', required: true, hint: k('carriers.org_hint'), control: org }),
    field({ label: k('carriers.authentication'), name: 'authentication', required: true, control: auth }),
    h('fieldset', { class: 'choice-group field-wide' }, h('legend', { i18n: k('carriers.roles_label') }), roleBoxes.map((r) => [r.label, ' '])),
    field({ label: k('carriers.spcs'), name: 'spcs', hint: k('carriers.spcs_hint'), control: spcs }),
    field({ label: k('carriers.trunk_aliases'), name: 'trunk_aliases', hint: k('carriers.aliases_hint'), control: aliases }),
    field({ label: k('carriers.cert_subject'), name: 'cert_subject', control: cert }),
    field({ label: k('carriers.country'), name: 'country', required: true, hint: k('carriers.country_hint'), control: country }),
    h('div', { class: 'field-wide' }, field({ label: k('carriers.webhook'), name: 'webhook_url', hint: k('carriers.webhook_hint'), control: webhook })),
    h('div', { class: 'field-wide' }, field({ label: k('carriers.contacts'), name: 'contacts', hint: k('carriers.contacts_hint'), control: contacts })),
    h('div', { class: 'form-actions' }, submit, ' ', cancel));

  function reset() {
    editing = null;
    form.reset();
    org.disabled = false;
    heading.dataset.i18n = k('carriers.register');
    submit.dataset.i18n = k('carriers.register_submit');
    delete heading.dataset.i18nArgs;
    cancel.hidden = true;
  }
  cancel.addEventListener('click', () => {
    errors.clear();
    reset();
    relabel();
  });
  function relabel() {
    applyI18n(heading);
    applyI18n(submit);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    result.replaceChildren();
    const values = {
      org: org.value, org_id: editing ? editing.org_id : null, roles: roleBoxes.filter((r) => r.input.checked).map((r) => r.value),
      authentication: auth.value, spcs: spcs.value, cert_subject: cert.value, country: country.value, trunk_aliases: aliases.value,
      webhook_url: webhook.value, contacts: contacts.value,
    };
    const problem = carrierProblem(values);
    if (problem) {
      errors.show(problem.key, problem.args);
      return;
    }
    submit.disabled = true;
    try {
      const saved = editing
        ? await api(`${CARRIERS}/${editing.org_id}`, { method: 'PUT', body: carrierBody(values) })
        : await api(CARRIERS, { method: 'POST', body: carrierBody(values) });
      result.replaceChildren(h('p', { class: 'notice notice-success carrier-saved', dataset: { org: String(saved.org_id) }, i18n: editing ? k('carriers.updated') : k('carriers.registered'), args: { name: saved.name } }));
      reset();
      relabel();
      onSaved();
    } catch (err) {
      errors.error(err);
      const message = err && err.body && err.body.error && err.body.error.message;
      if (message) errors.el.append(raw(message, 'p', { class: 'hint carrier-server-message' }));
    } finally {
      submit.disabled = false;
    }
  });

  const el = h('section', { class: 'card', 'aria-labelledby': 'carrier-register' }, heading,
    h('p', { class: 'hint', i18n: k('carriers.register_lead') }), form, result);
  return {
    el,
    edit(c) {
      editing = c;
      errors.clear();
      result.replaceChildren();
      org.value = c.name;
      org.disabled = true;
      for (const r of roleBoxes) r.input.checked = (c.roles || []).includes(r.value);
      auth.value = c.authentication;
      spcs.value = (c.spcs || []).join('\n');
      cert.value = c.cert_subject || '';
      country.value = c.country || '';
      aliases.value = (c.trunk_aliases || []).join('\n');
      webhook.value = c.webhook_url || '';
      contacts.value = contactsText(c.contacts);
      heading.dataset.i18n = k('carriers.edit_title');
      heading.dataset.i18nArgs = JSON.stringify({ name: c.name });
      submit.dataset.i18n = k('carriers.save_submit');
      cancel.hidden = false;
      relabel();
      el.scrollIntoView({ block: 'start' });
      org.focus();
    },
  };
}

// A carrier's own contacts and webhook.
function contactsForm(c, onSaved) {
  const errors = messageArea();
  const contacts = h('textarea', { rows: '3', spellcheck: 'false' });
  contacts.value = contactsText(c.contacts);
  const webhook = h('input', { type: 'url', maxlength: '500', spellcheck: 'false', placeholder: 'https://noc.example/traceback', raw: true });
  webhook.value = c.webhook_url || '';
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'save-contacts' }, i18n: k('carriers.save_contacts') });
  const form = h('form', { class: 'form carrier-contacts-form', novalidate: true, dataset: { org: String(c.org_id) } },
    h('p', {}, raw(c.name, 'strong'), ' ', authBadge(c.authentication)),
    errors.el,
    field({ label: k('carriers.contacts'), name: 'contacts', hint: k('carriers.contacts_hint'), control: contacts }),
    field({ label: k('carriers.webhook'), name: 'webhook_url', hint: k('carriers.webhook_hint'), control: webhook }),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const problem = webhookProblem(webhook.value) || contactsProblem(contacts.value);
    if (problem) {
      errors.show(problem.key, problem.args);
      return;
    }
    submit.disabled = true;
    try {
      await api(`${CARRIERS}/${c.org_id}/contacts`, { method: 'PUT', body: { contacts: contactsOf(contacts.value), webhook_url: webhook.value.trim() } });
      errors.success(k('carriers.contacts_saved'));
      onSaved();
    } catch (err) {
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// --- #/carriers/scorecards (anyone) ----------------------------------------------------

export function renderScorecards() {
  const body = h('div', { class: 'scorecards-body' }, loading());
  const rule = h('p', { class: 'scorecard-rule' });
  api(`${CARRIERS}/scorecards`, { session: false })
    .then((d) => {
      const ranking = d.ranking || {};
      rule.replaceChildren(h('span', { i18n: k('carriers.scores.rule'), args: { min_calls: ranking.min_calls, ceiling: ranking.complaints_ceiling_per_million } }));
      body.replaceChildren(leagueTable(d.carriers || []),
        d.generated_at ? h('p', { class: 'hint', i18n: k('carriers.scores.generated'), args: { time: { time: d.generated_at } } }) : null);
    })
    .catch((err) => {
      const area = messageArea();
      area.error(err);
      body.replaceChildren(area.el);
    });
  return h('div', { class: 'scorecards-page' },
    pageHeader(k('carriers.scores.title'), k('carriers.scores.lead')),
    h('section', { class: 'card' }, h('h2', { i18n: k('carriers.scores.how') }), rule),
    h('section', { class: 'card' }, body));
}

function share(value) {
  const p = percent(value);
  return p ? raw(p, 'span', { class: 'num' }) : h('span', { class: 'hint', i18n: k('carriers.scores.unknown') });
}

function leagueTable(cards) {
  return dataTable({
    captionKey: k('carriers.scores.title'),
    columns: [k('carriers.scores.col_rank'), k('carriers.col_name'), k('carriers.scores.col_share_a'), k('carriers.scores.col_complaints'),
      k('carriers.scores.col_traceback'), k('carriers.scores.col_sanctions'), k('carriers.scores.col_score')],
    items: cards,
    emptyKey: k('carriers.scores.empty'),
    rowFn: (s) => {
      const tb = s.traceback || {};
      const median = durationText(tb.median_answer_seconds);
      return h('tr', { class: s.rank ? 'scorecard-ranked' : 'scorecard-unranked', dataset: { org: String(s.org_id), rank: s.rank ? String(s.rank) : '' } },
        h('td', { class: 'scorecard-rank' }, s.rank ? raw(String(s.rank), 'strong') : h('span', { class: 'hint', i18n: k('carriers.scores.unranked') })),
        h('td', {}, raw(s.name, 'strong', { class: 'scorecard-name' }), h('div', { class: 'hint' }, raw(s.country), ' · ', authBadge(s.authentication))),
        h('td', {}, share(s.share_a),
          h('div', { class: 'hint', i18n: k('carriers.scores.calls'), args: { calls: { number: s.calls || 0 } } })),
        h('td', {}, s.complaints_per_million == null
          ? h('span', { class: 'hint', i18n: k('carriers.scores.unknown') })
          : raw(Number(s.complaints_per_million).toFixed(1), 'span', { class: 'num' })),
        h('td', {}, tb.requests
          ? [h('div', {}, h('span', { i18n: k('carriers.scores.median') }), ' ', h('span', { i18n: median.key, args: median.args })),
            h('div', {}, h('span', { i18n: k('carriers.scores.in_time') }), ' ', share(tb.share_answered_in_time)),
            h('div', { class: 'hint', i18n: k('carriers.scores.requests'), args: { requests: tb.requests, missed: tb.missed || 0 } })]
          : h('span', { class: 'hint', i18n: k('carriers.scores.no_requests') })),
        h('td', {}, s.sanctions ? h('span', { class: 'badge badge-danger', i18n: k('carriers.scores.sanctioned'), args: { count: s.sanctions } }) : h('span', { class: 'hint', i18n: k('carriers.scores.no_sanctions') })),
        h('td', { class: 'scorecard-score' }, raw(Number(s.score || 0).toFixed(1), 'strong', { class: 'num' })));
    },
  });
}
