// #/report: report a nuisance call or SMS to the complaint centre
// (docs/complaints.md: POST /api/v1/reports), and follow one's own reports
// (GET /api/v1/reports/mine) with the reporter's standing. Signed-in users; guests
// are asked to sign in. The explanation of the service (views/info.js) follows.

import { h, raw } from '../dom.js';
import { k } from '../i18n.js';
import { api } from '../api.js';
import { field, messageArea, dataTable, loading, vocabSelect } from '../components.js';
import { nationalNumber, numberQuery } from '../phone.js';
import * as info from './info.js';

export const title = info.docTitle('report');

// Report kinds (as the API names them) -> their catalogue keys.
export const KIND_KEYS = {
  marketing: k('report.kinds.marketing'),
  robocall: k('report.kinds.robocall'),
  fraud: k('report.kinds.fraud'),
  harassment: k('report.kinds.harassment'),
  call_bombing: k('report.kinds.call_bombing'),
  one_ring: k('report.kinds.one_ring'),
  sim_box: k('report.kinds.sim_box'),
  spoofing: k('report.kinds.spoofing'),
  other: k('report.kinds.other'),
};
// The kinds a citizen is offered, in this order.
const CITIZEN_KINDS = ['fraud', 'marketing', 'robocall', 'harassment', 'one_ring', 'call_bombing', 'other'];

export const STATE_KEYS = {
  received: k('report.states.received'),
  forwarded: k('report.states.forwarded'),
  answered: k('report.states.answered'),
  closed: k('report.states.closed'),
};

export const OUTCOME_KEYS = {
  confirmed: k('report.outcomes.confirmed'),
  unfounded: k('report.outcomes.unfounded'),
  duplicate: k('report.outcomes.duplicate'),
};

const CHANNEL_KEYS = {
  call: k('report.channels.call'),
  sms: k('report.channels.sms'),
};

export function kindCell(kind) {
  return KIND_KEYS[kind] ? h('span', { i18n: KIND_KEYS[kind] }) : raw(kind || '—');
}

export function stateBadge(state) {
  const variant = { received: 'warn', forwarded: 'info', answered: 'info', closed: 'ok' }[state] || 'muted';
  return STATE_KEYS[state]
    ? h('span', { class: `badge badge-${variant}`, dataset: { state }, i18n: STATE_KEYS[state] })
    : raw(state);
}

// A <input type="datetime-local"> value for `date` in the browser's time zone.
export function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function render(ctx) {
  return info.render('report', { service: service(ctx) });
}

function service(ctx) {
  const card = h('section', { class: 'card report-service', 'aria-labelledby': 'report-service-title' });
  card.append(h('h2', { id: 'report-service-title', i18n: k('report.title') }));
  if (!ctx.user) {
    card.append(
      h('p', { i18n: k('report.sign_in_needed') }),
      h('p', {}, h('a', { class: 'button', href: '#/login?next=%2Freport', i18n: k('report.sign_in') })),
    );
    return card;
  }
  const mine = h('div', { class: 'report-mine' });
  const refresh = () => loadMine(mine);
  card.append(form(refresh));
  refresh();
  return h('div', { class: 'report-service-wrap' },
    card,
    h('section', { class: 'card report-mine-card', 'aria-labelledby': 'report-mine-title' },
      h('h2', { id: 'report-mine-title', i18n: k('report.mine') }), mine));
}

function form(refresh) {
  const errors = messageArea();
  const result = h('div', { class: 'report-result', role: 'status', 'aria-live': 'polite' });
  const caller = h('input', { type: 'text', inputmode: 'tel', spellcheck: 'false', maxlength: '40', placeholder: '170 0000 0666' });
  const callee = h('input', { type: 'text', inputmode: 'tel', spellcheck: 'false', maxlength: '40', placeholder: '138 0013 8000' });
  const time = h('input', { type: 'datetime-local', value: localInputValue(new Date()) });
  const kind = h('select', {}, CITIZEN_KINDS.map((name) => h('option', { value: name, i18n: KIND_KEYS[name] })));
  const category = vocabSelect('categories', { includeEmpty: k('report.category_none') });
  const channel = h('select', {}, Object.entries(CHANNEL_KEYS).map(([name, key]) => h('option', { value: name, i18n: key })));
  const description = h('textarea', { rows: '4', maxlength: '2000' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'report' }, i18n: k('report.submit') });
  const el = h(
    'form',
    { class: 'form report-form', novalidate: true },
    errors.el,
    field({ label: k('report.caller'), name: 'caller', required: true, hint: k('report.caller_hint'), control: caller }),
    field({ label: k('report.callee'), name: 'callee', required: true, hint: k('report.callee_hint'), control: callee }),
    field({ label: k('report.time'), name: 'time', required: true, control: time }),
    field({ label: k('report.channel'), name: 'channel', control: channel }),
    field({ label: k('report.kind'), name: 'kind', required: true, control: kind }),
    field({ label: k('report.category'), name: 'category', control: category }),
    field({ label: k('report.description'), name: 'description', hint: k('report.description_hint'), control: description }),
    h('div', { class: 'form-actions' }, submit),
  );
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    result.replaceChildren();
    const from = numberQuery(caller.value);
    if (!from) {
      errors.show(k('report.error_caller'));
      caller.focus();
      return;
    }
    const to = numberQuery(callee.value);
    if (!to) {
      errors.show(k('report.error_callee'));
      callee.focus();
      return;
    }
    const when = new Date(time.value);
    if (!time.value || Number.isNaN(when.getTime())) {
      errors.show(k('report.error_time'));
      time.focus();
      return;
    }
    const body = {
      caller: from,
      callee: to,
      time: when.toISOString(),
      kind: kind.value,
      channel: channel.value,
      description: description.value.trim(),
    };
    if (category.value) body.category = category.value;
    submit.disabled = true;
    try {
      const data = await api('/api/v1/reports', { method: 'POST', body });
      result.replaceChildren(filed(data.report, data.merged));
      caller.value = '';
      description.value = '';
      time.value = localInputValue(new Date());
      refresh();
    } catch (err) {
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', {}, el, result);
}

// What the centre said to a new (or merged) report.
function filed(r, merged) {
  const list = h('dl', { class: 'check-figures report-filed-figures' },
    h('dt', { i18n: k('report.case_number') }), h('dd', {}, raw(String(r.id), 'strong', { class: 'report-case-id' })),
    h('dt', { i18n: k('report.col_state') }), h('dd', {}, stateBadge(r.state)));
  if (r.deadline) list.append(h('dt', { i18n: k('report.deadline') }), h('dd', {}, h('span', { time: r.deadline })));
  return h('div', { class: 'report-filed notice notice-success', dataset: { case: String(r.id) } },
    h('p', { i18n: merged ? k('report.merged') : k('report.filed') }), list);
}

async function loadMine(container) {
  container.replaceChildren(loading());
  try {
    const data = await api('/api/v1/reports/mine');
    container.replaceChildren(standing(data.reporter), mineTable(data.reports || []));
  } catch (err) {
    const area = messageArea();
    area.error(err);
    container.replaceChildren(area.el);
  }
}

function standing(reporter) {
  if (!reporter) return null;
  return h('p', { class: 'report-standing hint', i18n: k('report.standing'), args: {
    reliability: `${Math.round((reporter.reliability ?? 0.5) * 100)}%`,
    today: reporter.reports_today ?? 0,
    limit: reporter.daily_limit ?? 0,
  } });
}

function mineTable(reports) {
  return dataTable({
    captionKey: k('report.mine'),
    columns: [k('report.col_case'), k('report.col_number'), k('report.col_kind'), k('report.col_received'), k('report.col_state'), k('report.col_result')],
    items: reports,
    emptyKey: k('report.empty'),
    rowFn: (r) => h('tr', { dataset: { report: String(r.id), state: r.state } },
      h('td', {}, raw(String(r.id))),
      h('td', {}, raw(nationalNumber(r.number))),
      h('td', {}, kindCell(r.kind)),
      h('td', {}, h('span', { time: r.received_at })),
      h('td', {}, stateBadge(r.state)),
      h('td', { class: 'report-result-cell' },
        r.state === 'closed' && OUTCOME_KEYS[r.outcome] ? h('strong', { i18n: OUTCOME_KEYS[r.outcome] }) : null,
        r.state === 'closed' && r.note ? h('div', { class: 'hint' }, raw(r.note)) : null,
        r.state !== 'closed' && r.deadline ? h('span', { class: 'hint', i18n: k('report.due'), args: { time: { time: r.deadline } } }) : null)),
  });
}
