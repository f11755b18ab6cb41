// #/check: check a number — its label, score and the reports behind it, as
// phone apps and carriers see it (GET /api/v1/numbers/{number}; signed-in
// users). The explanation of the service (views/info.js) follows the form.

import { h } from '../dom.js';
import { k } from '../i18n.js';
import { api } from '../api.js';
import { field, messageArea } from '../components.js';
import { nationalNumber, numberQuery } from '../phone.js';
import * as info from './info.js';

export const title = info.docTitle('check');

// Label (as the API names it) -> its catalogue key; the benign ones name wanted callers.
export const LABELS = {
  marketing: k('check.labels.marketing'),
  robocall: k('check.labels.robocall'),
  fraud: k('check.labels.fraud'),
  harassment: k('check.labels.harassment'),
  call_bombing: k('check.labels.call_bombing'),
  one_ring: k('check.labels.one_ring'),
  sim_box: k('check.labels.sim_box'),
  spoofing: k('check.labels.spoofing'),
  delivery: k('check.labels.delivery'),
  taxi: k('check.labels.taxi'),
  bank: k('check.labels.bank'),
  government: k('check.labels.government'),
  customer_service: k('check.labels.customer_service'),
};
const BENIGN = ['delivery', 'taxi', 'bank', 'government', 'customer_service'];

export function render(ctx) {
  return info.render('check', { service: service(ctx) });
}

function service(ctx) {
  const card = h('section', { class: 'card check-service', 'aria-labelledby': 'check-service-title' });
  card.append(h('h2', { id: 'check-service-title', i18n: k('check.title') }));
  if (!ctx.user) {
    card.append(
      h('p', { i18n: k('check.sign_in_needed') }),
      h('p', {}, h('a', { class: 'button', href: '#/login', i18n: k('check.sign_in') })),
    );
    return card;
  }
  const errors = messageArea();
  const input = h('input', { type: 'text', inputmode: 'tel', spellcheck: 'false', maxlength: '40', placeholder: '170 0000 0666' });
  const submit = h('button', { type: 'submit', class: 'button', dataset: { action: 'check' }, i18n: k('check.submit') });
  const result = h('div', { class: 'check-result', role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'form check-form', novalidate: true },
    errors.el,
    field({ label: k('check.number'), name: 'number', required: true, hint: k('check.number_hint'), control: input }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const number = numberQuery(input.value);
    if (!number) {
      errors.show(k('check.error_number'));
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const data = await api(`/api/v1/numbers/${encodeURIComponent(number)}`);
      result.replaceChildren(standing(data));
    } catch (err) {
      result.replaceChildren();
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  card.append(form, result);
  return card;
}

// One number's reputation, as the API gave it.
function standing(d) {
  const spam = d.label && !BENIGN.includes(d.label);
  const verdict = d.label
    ? h('p', { class: `check-label ${spam ? 'is-spam' : 'is-benign'}`, dataset: { label: d.label } },
        h('span', { i18n: k(spam ? 'check.labelled' : 'check.known_as') }), ' ',
        LABELS[d.label] ? h('strong', { i18n: LABELS[d.label] }) : h('strong', { raw: true }, d.label))
    : h('p', { class: 'check-label is-none', i18n: k('check.no_label') });
  const rows = [
    [k('check.score'), h('span', { class: 'check-score', dataset: { raw: '' } }, `${d.score} / 100`)],
    [k('check.confidence'), h('span', { dataset: { raw: '' } }, `${Math.round(d.confidence * 100)} %`)],
    [k('check.marks'), h('span', { dataset: { raw: '' } }, String(d.counts.marks))],
    [k('check.reports'), h('span', { dataset: { raw: '' } }, String(d.counts.reports))],
    [k('check.machine'), h('span', { dataset: { raw: '' } }, String(d.counts.machine))],
  ];
  if (d.category) rows.splice(0, 0, [k('check.category'), h('span', { vocab: ['categories', d.category] })]);
  if (d.updated) rows.push([k('check.updated'), h('span', { dataset: { raw: '' } }, String(d.updated).slice(0, 10))]);
  const list = h('dl', { class: 'check-figures' });
  for (const [label, value] of rows) list.append(h('dt', { i18n: label }), h('dd', {}, value));
  const out = h('div', { class: 'check-standing', dataset: { number: d.number } },
    h('h3', { dataset: { raw: '' } }, nationalNumber(d.number)), verdict, list);
  if (d.range && d.range.flagged) {
    out.append(h('p', { class: 'check-range', i18n: k('check.range_flagged') }));
  }
  out.append(h('p', { class: 'hint', i18n: k(d.label ? 'check.note_label' : 'check.note_none') }));
  return out;
}
