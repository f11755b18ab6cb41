// The "page not found" and "not allowed" pages.

import { h } from '../dom.js';
import { k } from '../i18n.js';

export const notFoundTitle = k('errors.page.not_found_title');
export const forbiddenTitle = k('errors.page.forbidden_title');

export function notFound() {
  return h(
    'section',
    { class: 'error-page', 'aria-labelledby': 'err-title' },
    h('p', { class: 'error-code', 'aria-hidden': 'true' }, '404'),
    h('h1', { id: 'err-title', class: 'page-title', tabindex: '-1', i18n: k('errors.page.not_found_title') }),
    h('p', { class: 'lead', i18n: k('errors.page.not_found_body') }),
    h('a', { class: 'button', href: '#/', i18n: k('errors.page.go_home') }),
  );
}

export function forbidden(ctx) {
  return h(
    'section',
    { class: 'error-page', 'aria-labelledby': 'err-title' },
    h('p', { class: 'error-code', 'aria-hidden': 'true' }, '403'),
    h('h1', { id: 'err-title', class: 'page-title', tabindex: '-1', i18n: k('errors.page.forbidden_title') }),
    h('p', { class: 'lead', i18n: k('errors.page.forbidden_body') }),
    h('a', { class: 'button', href: ctx.user ? '#/dashboard' : '#/', i18n: ctx.user ? k('errors.page.go_dashboard') : k('errors.page.go_home') }),
  );
}
