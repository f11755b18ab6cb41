// Shared building blocks: page headers, form fields, alerts, tables, dialogs.

import { h, uid } from './dom.js';
import { t, k, applyI18n, vocabTerms } from './i18n.js';
import { errorKey } from './api.js';

export function pageHeader(titleKey, leadKey, args) {
  return h(
    'div',
    { class: 'page-header' },
    h('h1', { i18n: titleKey, args, tabindex: '-1', class: 'page-title' }),
    leadKey ? h('p', { class: 'lead', i18n: leadKey, args }) : null,
  );
}

// A labelled form field. `control` defaults to an <input>.
export function field({ label, name, type = 'text', required = false, hint, control, attrs = {} }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const input =
    control ||
    h('input', { id, name, type, required, 'aria-describedby': hintId, ...attrs });
  if (control) {
    input.id = id;
    input.name = name;
    if (required) input.required = true;
    if (hintId) input.setAttribute('aria-describedby', hintId);
  }
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, h('span', { i18n: label }), required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null),
    input,
    hintId ? h('p', { class: 'hint', id: hintId, i18n: hint }) : null,
  );
}

// A <select> of vocabulary terms, labelled in the current language.
export function vocabSelect(kind, { includeEmpty = null, filter = null } = {}) {
  const select = h('select', {});
  if (includeEmpty) select.appendChild(h('option', { value: '', i18n: includeEmpty }));
  for (const term of vocabTerms(kind)) {
    if (filter && !filter(term.name)) continue;
    select.appendChild(h('option', { value: term.name, vocab: [kind, term.name] }));
  }
  return select;
}

// A live region for messages. show(key, args) / clear().
export function messageArea({ kind = 'error' } = {}) {
  const el = h('div', {
    class: `message-area message-${kind}`,
    role: kind === 'error' ? 'alert' : 'status',
    'aria-live': kind === 'error' ? 'assertive' : 'polite',
  });
  return {
    el,
    show(key, args) {
      el.replaceChildren(h('p', { i18n: key, args }));
    },
    // A confirmation shown in an error area (green, whatever the area's kind).
    success(key, args) {
      el.replaceChildren(h('p', { class: 'is-success', i18n: key, args }));
    },
    error(err) {
      const args = err && err.retryAfter ? { seconds: err.retryAfter } : undefined;
      el.replaceChildren(h('p', { i18n: errorKey(err), args }));
    },
    clear() {
      el.replaceChildren();
    },
  };
}

// A table with a caption; rows come from rowFn(item) -> <tr>.
export function dataTable({ captionKey, columns, items, rowFn, emptyKey }) {
  const table = h(
    'table',
    { class: 'data-table' },
    h('caption', { class: 'visually-hidden', i18n: captionKey }),
    h('thead', {}, h('tr', {}, columns.map((col) => h('th', { scope: 'col', i18n: col })))),
  );
  const tbody = h('tbody', {});
  if (!items.length) {
    tbody.appendChild(h('tr', {}, h('td', { colspan: String(columns.length), class: 'empty', i18n: emptyKey })));
  } else {
    for (const item of items) tbody.appendChild(rowFn(item));
  }
  table.appendChild(tbody);
  return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', i18nAriaLabel: captionKey }, table);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status', i18n: k('common.loading') });
}

// A section that loads data: shows "loading", then fill(data) or a translated error.
export async function loadInto(container, loader, fill) {
  container.replaceChildren(loading());
  try {
    const data = await loader();
    container.replaceChildren(fill(data));
  } catch (err) {
    const area = messageArea();
    area.error(err);
    container.replaceChildren(area.el);
  }
}

// A modal confirmation. Resolves true when confirmed.
export function confirmDialog({ titleKey, bodyKey, args, confirmKey, danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: titleId, i18n: titleKey, args }),
        h('p', { i18n: bodyKey, args }),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', value: 'cancel', class: 'button button-secondary', i18n: k('common.cancel') }),
          h('button', { type: 'submit', value: 'ok', class: danger ? 'button button-danger' : 'button', i18n: confirmKey }),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    dialog.querySelector('button[value="cancel"]').focus();
  });
}

// A status badge whose text comes from a key table.
export function badge(key, variant) {
  return h('span', { class: `badge badge-${variant}`, i18n: key });
}

export function retranslate(el) {
  applyI18n(el);
  return el;
}

export { t };

// A button that puts a panel in its place (the panel built when clicked), and
// focuses the panel's first field.
export function opener(labelKey, action, panel) {
  const button = h('button', { type: 'button', class: 'button button-small', dataset: { action }, i18n: labelKey });
  button.addEventListener('click', () => {
    const el = panel();
    button.replaceWith(el);
    const first = el.querySelector('input, select, textarea');
    if (first) first.focus();
  });
  return button;
}

// A small form in a row: fields, one submit button, errors shown above;
// `send(errors)` runs on submit with the button disabled meanwhile.
export function actionForm(cls, fields, submitKey, action, send) {
  const errors = messageArea();
  const submit = h('button', { type: 'submit', class: 'button button-small', dataset: { action }, i18n: submitKey });
  const form = h('form', { class: `form ${cls}`, novalidate: true }, errors.el, fields, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    submit.disabled = true;
    try {
      await send(errors);
    } catch (err) {
      errors.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
