// The public landing page: what nuisance calls are, what Quell does, and what a
// citizen can do.

import { h } from '../dom.js';
import { k, vocabTerms } from '../i18n.js';

export const title = k('landing.doc_title');

// Explanations of the nuisance kinds; the kinds' names come from the vocabulary.
const KIND_TEXT = {
  marketing: k('landing.kinds.marketing'),
  robocall: k('landing.kinds.robocall'),
  fraud: k('landing.kinds.fraud'),
  harassment: k('landing.kinds.harassment'),
  call_bombing: k('landing.kinds.call_bombing'),
  one_ring: k('landing.kinds.one_ring'),
  sim_box: k('landing.kinds.sim_box'),
  spoofing: k('landing.kinds.spoofing'),
};

const LAYERS = [
  { n: '1', icon: 'auth', title: k('landing.layers.auth.title'), body: k('landing.layers.auth.body'), who: k('landing.layers.auth.who') },
  { n: '2', icon: 'network', title: k('landing.layers.network.title'), body: k('landing.layers.network.body'), who: k('landing.layers.network.who') },
  { n: '3', icon: 'terminal', title: k('landing.layers.terminal.title'), body: k('landing.layers.terminal.body'), who: k('landing.layers.terminal.who') },
];

const ACTIONS = [
  { href: '#/dnc', icon: 'dnc', title: k('landing.actions.dnc.title'), body: k('landing.actions.dnc.body'), link: k('landing.actions.dnc.link') },
  { href: '#/report', icon: 'report', title: k('landing.actions.report.title'), body: k('landing.actions.report.body'), link: k('landing.actions.report.link') },
  { href: '#/check', icon: 'check', title: k('landing.actions.check.title'), body: k('landing.actions.check.body'), link: k('landing.actions.check.link') },
];

const INSTITUTIONS = [
  { title: k('landing.more.complaints.title'), body: k('landing.more.complaints.body') },
  { title: k('landing.more.traceback.title'), body: k('landing.more.traceback.body'), href: '#/carriers/scorecards', link: k('landing.more.traceback.link') },
  { title: k('landing.more.ledger.title'), body: k('landing.more.ledger.body'), href: '#/sanctions/public', link: k('landing.more.ledger.link') },
  { title: k('landing.more.breach.title'), body: k('landing.more.breach.body') },
];

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  auth: 'M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3Z',
  network: 'M12 3a2 2 0 1 1 0 4 2 2 0 0 1 0-4ZM5 15a2 2 0 1 1 0 4 2 2 0 0 1 0-4Zm14 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4ZM11 7h2v4h5v4h-2v-2H8v2H6v-4h5V7Z',
  terminal: 'M7 2h10a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2Zm0 3v13h10V5H7Zm5 14.2a1 1 0 1 0 0 .01Z',
  dnc: 'M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1l-2.2 2.23ZM14 3h7v2h-7V3Z',
  report: 'M4 3h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H8l-4 4V4a1 1 0 0 1 0 0Zm7 3v5h2V6h-2Zm0 7v2h2v-2h-2Z',
  check: 'M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3Zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10Z',
};

export function icon(name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.classList.add('icon');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICONS[name] || ICONS.auth);
  svg.appendChild(path);
  return svg;
}

export function render() {
  const kinds = vocabTerms('nuisance_kinds');
  return h(
    'div',
    { class: 'landing' },
    h(
      'section',
      { class: 'hero', 'aria-labelledby': 'hero-title' },
      h(
        'div',
        { class: 'hero-text' },
        h('p', { class: 'eyebrow', i18n: k('landing.hero.eyebrow') }),
        h('h1', { id: 'hero-title', class: 'page-title', tabindex: '-1', i18n: k('landing.hero.title') }),
        h('p', { class: 'lead', i18n: k('landing.hero.lead') }),
        h(
          'div',
          { class: 'hero-actions' },
          h('a', { class: 'button button-light', href: '#/dnc', i18n: k('landing.hero.cta_dnc') }),
          h('a', { class: 'button button-outline-light', href: '#/report', i18n: k('landing.hero.cta_report') }),
        ),
      ),
      h(
        'aside',
        { class: 'hero-note', 'aria-labelledby': 'hero-note-title' },
        h('h2', { id: 'hero-note-title', i18n: k('landing.hero.note_title') }),
        h(
          'ul',
          {},
          h('li', { i18n: k('landing.hero.note_1') }),
          h('li', { i18n: k('landing.hero.note_2') }),
          h('li', { i18n: k('landing.hero.note_3') }),
        ),
      ),
    ),

    h(
      'section',
      { class: 'section', 'aria-labelledby': 'actions-title' },
      h('h2', { id: 'actions-title', i18n: k('landing.actions.title') }),
      h('p', { class: 'section-lead', i18n: k('landing.actions.lead') }),
      h(
        'ul',
        { class: 'card-grid card-grid-3' },
        ACTIONS.map((a) =>
          h(
            'li',
            { class: 'card action-card' },
            h('div', { class: 'card-icon' }, icon(a.icon)),
            h('h3', { i18n: a.title }),
            h('p', { i18n: a.body }),
            h('a', { class: 'card-link', href: a.href, i18n: a.link }),
          ),
        ),
      ),
    ),

    h(
      'section',
      { class: 'section', 'aria-labelledby': 'what-title' },
      h('h2', { id: 'what-title', i18n: k('landing.what.title') }),
      h('p', { class: 'section-lead', i18n: k('landing.what.lead') }),
      kinds.length
        ? h(
            'dl',
            { class: 'kind-list' },
            kinds.map((term) =>
              h(
                'div',
                { class: 'kind' },
                h('dt', { vocab: ['nuisance_kinds', term.name] }),
                KIND_TEXT[term.name] ? h('dd', { i18n: KIND_TEXT[term.name] }) : null,
              ),
            ),
          )
        : null,
    ),

    h(
      'section',
      { class: 'section', 'aria-labelledby': 'layers-title' },
      h('h2', { id: 'layers-title', i18n: k('landing.layers.title') }),
      h('p', { class: 'section-lead', i18n: k('landing.layers.lead') }),
      h(
        'ol',
        { class: 'card-grid card-grid-3 layers' },
        LAYERS.map((layer) =>
          h(
            'li',
            { class: 'card layer-card' },
            h('div', { class: 'layer-head' }, h('span', { class: 'layer-number', 'aria-hidden': 'true' }, layer.n), icon(layer.icon)),
            h('h3', { i18n: layer.title }),
            h('p', { i18n: layer.body }),
            h('p', { class: 'layer-who', i18n: layer.who }),
          ),
        ),
      ),
    ),

    h(
      'section',
      { class: 'section', 'aria-labelledby': 'more-title' },
      h('h2', { id: 'more-title', i18n: k('landing.more.title') }),
      h('p', { class: 'section-lead', i18n: k('landing.more.lead') }),
      h(
        'ul',
        { class: 'card-grid card-grid-4' },
        INSTITUTIONS.map((x) => h('li', { class: 'card card-plain' }, h('h3', { i18n: x.title }), h('p', { i18n: x.body }),
          x.href ? h('a', { class: 'card-link', href: x.href, i18n: x.link }) : null)),
      ),
    ),

    h(
      'section',
      { class: 'section callout', 'aria-labelledby': 'org-title' },
      h('h2', { id: 'org-title', i18n: k('landing.orgs.title') }),
      h('p', { i18n: k('landing.orgs.body') }),
      h('a', { class: 'button', href: '#/login', i18n: k('landing.orgs.link') }),
    ),
  );
}
