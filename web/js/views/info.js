// Explanatory pages for the citizen services (#/dnc, #/report, #/check): what
// each one does and how it works. A page whose service is built puts it in front
// of the explanation (render(page, {service}); #/dnc: views/dnc/citizen.js).

import { h } from '../dom.js';
import { k } from '../i18n.js';
import { icon } from './landing.js';

const PAGES = {
  dnc: {
    icon: 'dnc',
    title: k('info.dnc.title'),
    lead: k('info.dnc.lead'),
    doc: k('info.dnc.doc_title'),
    about: [k('info.dnc.about_1'), k('info.dnc.about_2')],
    steps: [k('info.dnc.step_1'), k('info.dnc.step_2'), k('info.dnc.step_3'), k('info.dnc.step_4')],
    notes: [k('info.dnc.note_1'), k('info.dnc.note_2'), k('info.dnc.note_3'), k('info.dnc.note_4')],
  },
  report: {
    icon: 'report',
    title: k('info.report.title'),
    lead: k('info.report.lead'),
    doc: k('info.report.doc_title'),
    about: [k('info.report.about_1'), k('info.report.about_2')],
    steps: [k('info.report.step_1'), k('info.report.step_2'), k('info.report.step_3'), k('info.report.step_4')],
    notes: [k('info.report.note_1'), k('info.report.note_2'), k('info.report.note_3')],
  },
  check: {
    icon: 'check',
    title: k('info.check.title'),
    lead: k('info.check.lead'),
    doc: k('info.check.doc_title'),
    about: [k('info.check.about_1'), k('info.check.about_2')],
    steps: [k('info.check.step_1'), k('info.check.step_2'), k('info.check.step_3')],
    notes: [k('info.check.note_1'), k('info.check.note_2')],
  },
};

const RELATED = [
  { id: 'dnc', href: '#/dnc', label: k('landing.actions.dnc.title') },
  { id: 'report', href: '#/report', label: k('landing.actions.report.title') },
  { id: 'check', href: '#/check', label: k('landing.actions.check.title') },
];

export function docTitle(page) {
  return PAGES[page].doc;
}

export function render(page, { service = null } = {}) {
  const p = PAGES[page];
  return h(
    'article',
    { class: 'info-page' },
    h(
      'nav',
      { class: 'breadcrumb', i18nAriaLabel: k('common.breadcrumb') },
      h('ol', {}, h('li', {}, h('a', { href: '#/', i18n: k('nav.home') })), h('li', { 'aria-current': 'page', i18n: p.title })),
    ),
    h(
      'header',
      { class: 'page-header with-icon' },
      h('div', { class: 'card-icon large' }, icon(p.icon)),
      h('div', {}, h('h1', { class: 'page-title', tabindex: '-1', i18n: p.title }), h('p', { class: 'lead', i18n: p.lead })),
    ),
    h(
      'div',
      { class: 'info-grid' },
      h(
        'div',
        { class: 'info-main' },
        service,
        h('section', { 'aria-labelledby': `${page}-about` }, h('h2', { id: `${page}-about`, i18n: k('info.about') }), p.about.map((key) => h('p', { i18n: key }))),
        h(
          'section',
          { 'aria-labelledby': `${page}-how` },
          h('h2', { id: `${page}-how`, i18n: k('info.how') }),
          h('ol', { class: 'steps' }, p.steps.map((key) => h('li', { i18n: key }))),
        ),
      ),
      h(
        'aside',
        { class: 'info-side' },
        h(
          'section',
          { class: 'card card-plain', 'aria-labelledby': `${page}-notes` },
          h('h2', { id: `${page}-notes`, i18n: k('info.notes') }),
          h('ul', { class: 'bullets' }, p.notes.map((key) => h('li', { i18n: key }))),
        ),
        h(
          'section',
          { class: 'card card-plain', 'aria-labelledby': `${page}-related` },
          h('h2', { id: `${page}-related`, i18n: k('info.related') }),
          h(
            'ul',
            { class: 'link-list' },
            RELATED.filter((r) => r.id !== page).map((r) => h('li', {}, h('a', { href: r.href, i18n: r.label }))),
          ),
        ),
      ),
    ),
  );
}
