// h(tag, props, ...children): builds an element that translates itself.
//
// props:
//   i18n: 'key'            text from the catalogue (args: {...} for its parameters)
//   i18nPlaceholder / i18nTitle / i18nAriaLabel / i18nAlt: 'key'
//   vocab: ['roles', 'admin']   a vocabulary term's label
//   time: '2025-01-01T00:00:00Z'  an RFC 3339 time shown in local time
//   date: '2025-01-01T00:00:00Z'  the same, its local date only (dataset:
//     {dateOffset: '480'}: its date at that many minutes east of UTC instead)
//   (args may hold {date: iso}, {time: iso} or {number: n}: see i18n.js argText)
//   raw: true              marks data from the server (usernames, org names, ...)
//   on: {click: fn}        event listeners
//   class, dataset, and any other attribute (true -> present, false/null -> absent)
// children: nodes, arrays, or strings (strings are for server data only: all
// portal text goes through i18n).

import { applyI18n } from './i18n.js';

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    switch (key) {
      case 'class':
        el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
        break;
      case 'i18n':
        el.dataset.i18n = value;
        break;
      case 'args':
        el.dataset.i18nArgs = JSON.stringify(value);
        break;
      case 'i18nPlaceholder':
      case 'i18nTitle':
      case 'i18nAriaLabel':
      case 'i18nAlt':
        el.dataset[key] = value;
        break;
      case 'vocab':
        el.dataset.vocab = value[0];
        el.dataset.vocabName = value[1] == null ? '' : String(value[1]);
        break;
      case 'time':
        el.dataset.time = value;
        if (tag === 'time') el.setAttribute('datetime', value);
        break;
      case 'date':
        el.dataset.date = value;
        if (tag === 'time') el.setAttribute('datetime', value);
        break;
      case 'raw':
        el.dataset.raw = '';
        break;
      case 'on':
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
        break;
      case 'dataset':
        Object.assign(el.dataset, value);
        break;
      case 'value':
        el.value = value;
        break;
      default:
        el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  applyI18n(el);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

// Server-provided text (a username, an org name, ...), marked as data.
export function raw(text, tag = 'span', props = {}) {
  return h(tag, { ...props, raw: true }, text == null ? '' : String(text));
}

let idCounter = 0;
export function uid(prefix = 'q') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
