// #/dnc: the Do-Not-Call list for the public, without an account.
//
// 1. The number: POST /api/v1/dnc/codes sends a one-time code by SMS (the same
//    answer for every valid number: nothing here tells whether a number is
//    registered before its code was entered). On a demo server the SMS outbox
//    of the number (GET /api/v1/demo/sms) is shown in a marked demo panel.
// 2. The code: POST /api/v1/dnc/verify gives the registration (null for a number
//    never registered), its history (an empty list then) and a token for
//    X-Quell-Dnc-Token with the time it expires (token_expires_at), kept in
//    memory only.
// 3. The choices: PUT /api/v1/dnc/me registers the number or changes what it
//    refuses (all marketing or some categories, and hours in which it still
//    accepts calls); DELETE /api/v1/dnc/me removes it.
//
// These requests prove the number, not a portal session: they go without the
// session's cookie and CSRF token (api.js session: false), and carry
// X-Quell-Client: portal so that the register records the channel "web".
// The explanation of the service (views/info.js) follows the form.

import { h, raw, uid } from '../../dom.js';
import { k } from '../../i18n.js';
import { api, errorKey } from '../../api.js';
import { field, messageArea, confirmDialog, dataTable } from '../../components.js';
import { nationalNumber } from '../../phone.js';
import * as info from '../info.js';
import {
  DNC,
  CALLING_HOURS,
  parseBand,
  registrationState,
  preferencesBody,
  stateBadge,
  channelLabel,
  opLabel,
  categoryTags,
  bandTags,
  categoryChecks,
  checkedValues,
  typedNumber,
} from './common.js';

export const title = info.docTitle('dnc');

// How long a confirmed number may be managed when the server did not say (its
// default token lifetime).
export const TOKEN_MINUTES = 15;

// When the number's token expires: the server's token_expires_at, else
// TOKEN_MINUTES from `now`.
export function tokenExpiry(data, now = Date.now()) {
  const given = data && data.token_expires_at;
  if (given && Number.isFinite(Date.parse(given))) return given;
  return new Date(now + TOKEN_MINUTES * 60_000).toISOString();
}

const SEND_ERRORS = { 400: k('dnc.citizen.error_number'), 429: k('dnc.citizen.error_too_many_codes') };
const VERIFY_ERRORS = { 400: k('dnc.citizen.error_code'), 401: k('dnc.citizen.error_code'), 429: k('dnc.citizen.error_too_many_attempts') };

const STATUS_KEYS = {
  none: k('dnc.citizen.status.none'),
  grace: k('dnc.citizen.status.grace'),
  protected: k('dnc.citizen.status.protected'),
  removed: k('dnc.citizen.status.removed'),
};

// The citizen's requests: no session, the number's token when there is one.
function citizenApi(path, { method = 'GET', body, token, query } = {}) {
  const headers = { 'X-Quell-Client': 'portal' };
  if (token) headers['X-Quell-Dnc-Token'] = token;
  return api(path, { method, body, query, headers, session: false });
}

// An error of a step: the step's own text for the statuses it expects.
function showError(area, err, keys) {
  const args = err && err.retryAfter ? { seconds: err.retryAfter } : undefined;
  area.show((err && keys[err.status]) || errorKey(err), args);
}

export function render() {
  return info.render('dnc', { service: service().el });
}

function hours(from, to, selected) {
  const select = h('select', {});
  for (let hr = from; hr <= to; hr += 1) {
    select.appendChild(raw(`${String(hr).padStart(2, '0')}:00`, 'option', { value: String(hr) }));
  }
  select.value = String(selected);
  return select;
}

function service() {
  const state = { number: '', token: null, demo: null, expires: null };

  // --- progress through the three steps ---
  const stepItems = [k('dnc.citizen.steps.number'), k('dnc.citizen.steps.code'), k('dnc.citizen.steps.choices')].map((key) =>
    h('li', { i18n: key }),
  );
  const stepList = h('ol', { class: 'dnc-progress', i18nAriaLabel: k('dnc.citizen.steps.label') }, stepItems);
  function setStep(n) {
    stepItems.forEach((li, i) => {
      li.classList.toggle('done', i < n);
      if (i === n) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
  }

  // --- step 1: the number ---
  const numberErrors = messageArea();
  const number = h('input', { type: 'text', inputmode: 'tel', autocomplete: 'tel', spellcheck: 'false', maxlength: '40', placeholder: '138 0013 8000' });
  const send = h('button', { type: 'submit', class: 'button', dataset: { action: 'send-code' }, i18n: k('dnc.citizen.send_code') });
  const numberForm = h(
    'form',
    { class: 'form dnc-number-form', novalidate: true },
    numberErrors.el,
    field({ label: k('dnc.citizen.number'), name: 'number', required: true, hint: k('dnc.citizen.number_hint'), control: number }),
    h('div', { class: 'form-actions' }, send),
  );

  // --- step 2: the code ---
  const codeErrors = messageArea();
  const sent = h('div', { class: 'sent-slot', role: 'status', 'aria-live': 'polite' });
  const code = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', spellcheck: 'false', maxlength: '6', class: 'code-input' });
  const confirm = h('button', { type: 'submit', class: 'button', dataset: { action: 'verify' }, i18n: k('dnc.citizen.confirm') });
  const resend = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'resend' }, i18n: k('dnc.citizen.resend') });
  const other = h('button', { type: 'button', class: 'button button-secondary', dataset: { action: 'other-number' }, i18n: k('dnc.citizen.other_number') });
  const demoSlot = h('div', { class: 'demo-sms-slot' });
  const codeForm = h(
    'form',
    { class: 'form dnc-code-form', novalidate: true },
    codeErrors.el,
    field({ label: k('dnc.citizen.code'), name: 'code', required: true, hint: k('dnc.citizen.code_hint'), control: code }),
    h('div', { class: 'form-actions' }, confirm, resend, other),
  );
  const codeStep = h('div', { class: 'dnc-step dnc-step-code', hidden: true }, sent, codeForm, demoSlot);

  // --- step 3: status and choices ---
  const manageSlot = h('div', { class: 'dnc-manage-slot' });

  async function sendCode() {
    numberErrors.clear();
    codeErrors.clear();
    const typed = number.value.trim();
    if (!typed) {
      numberErrors.show(k('dnc.citizen.error_number_missing'));
      number.focus();
      return false;
    }
    send.disabled = true;
    resend.disabled = true;
    send.setAttribute('aria-busy', 'true');
    try {
      await citizenApi(`${DNC}/codes`, { method: 'POST', body: { number: typed } });
      state.number = typed;
      state.token = null;
      manageSlot.replaceChildren();
      code.value = '';
      sent.replaceChildren(h('p', { class: 'notice notice-info', i18n: k('dnc.citizen.code_sent'), args: { number: typedNumber(typed) } }));
      codeStep.hidden = false;
      numberForm.hidden = true;
      setStep(1);
      code.focus();
      if (state.demo) showOutbox(typed);
      return true;
    } catch (err) {
      const area = codeStep.hidden ? numberErrors : codeErrors;
      showError(area, err, SEND_ERRORS);
      return false;
    } finally {
      send.disabled = false;
      resend.disabled = false;
      send.removeAttribute('aria-busy');
    }
  }

  // The demo server's SMS outbox for the number, read after the code was sent
  // (once more a moment later if the message is not there yet).
  async function showOutbox(typed, retry = true) {
    const refresh = h('button', { type: 'button', class: 'button button-small button-secondary', dataset: { action: 'refresh-sms' }, i18n: k('dnc.citizen.demo.refresh') });
    refresh.addEventListener('click', () => showOutbox(typed, false));
    let list;
    try {
      const data = await citizenApi('/api/v1/demo/sms', { query: { number: typed } });
      const items = ((data && data.messages) || []).slice().reverse();
      if (!items.length && retry) {
        setTimeout(() => {
          if (state.number === typed && !state.token) showOutbox(typed, false);
        }, 1000);
      }
      list = items.length
        ? h(
            'ol',
            { class: 'sms-list' },
            items.map((m) =>
              h('li', { class: 'sms' }, h('time', { class: 'sms-time small muted', time: m.at, dataset: { timeSeconds: '1' } }), raw(m.text, 'p', { class: 'sms-text' })),
            ),
          )
        : h('p', { class: 'muted', i18n: k('dnc.citizen.demo.empty') });
    } catch {
      list = h('p', { class: 'muted', i18n: k('dnc.citizen.demo.error') });
    }
    if (state.number !== typed || state.token) return;
    const titleId = uid('demo-sms');
    demoSlot.replaceChildren(
      h(
        'section',
        { class: 'demo-sms', 'aria-labelledby': titleId },
        h('p', { class: 'demo-flag', i18n: k('dnc.citizen.demo.flag') }),
        h('h3', { id: titleId, i18n: k('dnc.citizen.demo.title'), args: { number: typedNumber(typed) } }),
        h('p', { class: 'small', i18n: k('dnc.citizen.demo.intro') }),
        list,
        h('div', { class: 'form-actions' }, refresh),
      ),
    );
  }

  function restart(messageKey) {
    state.token = null;
    state.expires = null;
    manageSlot.replaceChildren();
    demoSlot.replaceChildren();
    sent.replaceChildren();
    codeErrors.clear();
    codeStep.hidden = true;
    numberForm.hidden = false;
    setStep(0);
    if (messageKey) numberErrors.show(messageKey);
    else numberErrors.clear();
    number.focus();
  }

  numberForm.addEventListener('submit', (event) => {
    event.preventDefault();
    sendCode();
  });
  resend.addEventListener('click', () => {
    number.value = state.number;
    sendCode();
  });
  other.addEventListener('click', () => {
    number.value = '';
    restart(null);
  });

  codeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    codeErrors.clear();
    const value = code.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(value)) {
      codeErrors.show(k('dnc.citizen.error_code_format'));
      code.focus();
      return;
    }
    confirm.disabled = true;
    confirm.setAttribute('aria-busy', 'true');
    try {
      const data = await citizenApi(`${DNC}/verify`, { method: 'POST', body: { number: state.number, code: value } });
      state.token = data.token;
      state.expires = tokenExpiry(data);
      codeStep.hidden = true;
      demoSlot.replaceChildren();
      setStep(2);
      showStatus(data, null);
    } catch (err) {
      showError(codeErrors, err, VERIFY_ERRORS);
      code.select();
      code.focus();
    } finally {
      confirm.disabled = false;
      confirm.removeAttribute('aria-busy');
    }
  });

  // The status of the confirmed number, its choices and history; `notice` is a
  // key shown as a confirmation at the top.
  function showStatus(data, notice) {
    manageSlot.replaceChildren(managePanel(data, notice));
    manageSlot.querySelector('.dnc-status-title').focus();
  }

  // A request with the token; an expired token starts again at step 1.
  async function withToken(method, body) {
    try {
      return await citizenApi(`${DNC}/me`, { method, body, token: state.token });
    } catch (err) {
      if (err && err.status === 401) {
        number.value = state.number;
        restart(k('dnc.citizen.expired'));
        return null;
      }
      throw err;
    }
  }

  function managePanel(data, notice) {
    const reg = data.registration || null;
    const st = registrationState(reg);
    const shown = nationalNumber(data.number) || data.national || state.number;
    const errors = messageArea();
    const titleId = uid('dnc-status');
    const facts = reg
      ? h(
          'dl',
          { class: 'facts dnc-facts' },
          h('div', {}, h('dt', { i18n: k('dnc.citizen.fact.registered_at') }), h('dd', {}, h('time', { date: reg.registered_at }))),
          st !== 'removed'
            ? h('div', {}, h('dt', { i18n: k('dnc.citizen.fact.protected_from') }), h('dd', {}, h('time', { date: reg.protected_from })))
            : h('div', {}, h('dt', { i18n: k('dnc.citizen.fact.removed_at') }), h('dd', {}, h('time', { date: reg.removed_at }))),
          h('div', {}, h('dt', { i18n: k('dnc.citizen.fact.channel') }), h('dd', {}, channelLabel(reg.channel))),
          st !== 'removed' ? h('div', {}, h('dt', { i18n: k('dnc.citizen.fact.refuses') }), h('dd', {}, categoryTags(reg.preferences && reg.preferences.categories))) : null,
          st !== 'removed' ? h('div', {}, h('dt', { i18n: k('dnc.citizen.fact.accepts') }), h('dd', {}, bandTags(reg.preferences && reg.preferences.accepted_bands))) : null,
        )
      : null;

    const remove =
      st === 'grace' || st === 'protected'
        ? h('button', { type: 'button', class: 'button button-danger-outline', dataset: { action: 'remove' }, i18n: k('dnc.citizen.remove') })
        : null;
    if (remove) {
      remove.addEventListener('click', async () => {
        errors.clear();
        const ok = await confirmDialog({
          titleKey: k('dnc.citizen.remove_title'),
          bodyKey: k('dnc.citizen.remove_body'),
          args: { number: shown },
          confirmKey: k('dnc.citizen.remove_confirm'),
          danger: true,
        });
        if (!ok) return;
        remove.disabled = true;
        try {
          const after = await withToken('DELETE');
          if (after) showStatus(after, k('dnc.citizen.removed'));
        } catch (err) {
          errors.error(err);
        } finally {
          remove.disabled = false;
        }
      });
    }

    const history = Array.isArray(data.history) ? data.history.slice().reverse() : [];
    return h(
      'div',
      { class: 'dnc-manage', dataset: { state: st } },
      h(
        'section',
        { class: 'dnc-status', 'aria-labelledby': titleId },
        h('h3', { id: titleId, class: 'dnc-status-title', tabindex: '-1' }, h('span', { i18n: k('dnc.citizen.status_title') }), ' ', raw(shown, 'span', { class: 'tn' })),
        notice ? h('p', { class: 'notice notice-success dnc-notice', role: 'status', i18n: notice }) : null,
        h(
          'p',
          { class: 'dnc-status-line' },
          stateBadge(st),
          ' ',
          h('span', {
            i18n: STATUS_KEYS[st],
            args: {
              number: shown,
              registered: { date: reg && reg.registered_at },
              from: { date: reg && reg.protected_from },
              removed: { date: reg && reg.removed_at },
            },
          }),
        ),
        facts,
        h('p', { class: 'small muted dnc-token-note', i18n: k('dnc.citizen.token_note'), args: { time: { time: state.expires } } }),
      ),
      preferencesForm(reg, st, errors, async (body) => {
        const after = await withToken('PUT', body);
        if (after) showStatus(after, st === 'grace' || st === 'protected' ? k('dnc.citizen.saved') : k('dnc.citizen.registered'));
      }),
      remove ? h('div', { class: 'dnc-remove' }, h('p', { class: 'small muted', i18n: k('dnc.citizen.remove_note') }), remove) : null,
      history.length
        ? h(
            'section',
            { class: 'dnc-history', 'aria-labelledby': `${titleId}-history` },
            h('h4', { id: `${titleId}-history`, i18n: k('dnc.citizen.history.title') }),
            dataTable({
              captionKey: k('dnc.citizen.history.title'),
              columns: [k('dnc.citizen.history.col_at'), k('dnc.citizen.history.col_op'), k('dnc.citizen.history.col_channel')],
              items: history,
              emptyKey: k('common.none'),
              rowFn: (c) => h('tr', { dataset: { op: c.op || '' } }, h('td', { class: 'nowrap' }, h('time', { time: c.at })), h('td', {}, opLabel(c.op)), h('td', {}, channelLabel(c.channel))),
            }),
          )
        : null,
    );
  }

  // What the number refuses: all marketing or some categories, and the hours in
  // which it still accepts those calls.
  function preferencesForm(reg, st, errors, save) {
    const active = st === 'grace' || st === 'protected';
    const prefs = (reg && reg.preferences) || {};
    const cats = Array.isArray(prefs.categories) ? prefs.categories : ['all'];
    const refusesAll = !cats.length || cats.includes('all');
    const scopeName = uid('scope');
    const all = h('input', { type: 'radio', name: scopeName, value: 'all', checked: refusesAll });
    const some = h('input', { type: 'radio', name: scopeName, value: 'some', checked: !refusesAll });
    const checks = categoryChecks('category', refusesAll ? [] : cats);
    checks.classList.add('category-checks');
    // "All" clears the categories; ticking a category chooses "only these".
    const syncScope = () => checks.classList.toggle('is-dimmed', all.checked);
    all.addEventListener('change', () => {
      checks.querySelectorAll('input').forEach((i) => {
        i.checked = false;
      });
      syncScope();
    });
    some.addEventListener('change', syncScope);
    checks.addEventListener('change', () => {
      if (checkedValues(checks, 'category').length) some.checked = true;
      syncScope();
    });
    syncScope();

    const bandList = h('ul', { class: 'band-list' });
    const addBand = (from = 18, to = 21) => {
      const start = hours(0, 23, from);
      const end = hours(1, 24, to);
      const fromId = uid('band-from');
      const toId = uid('band-to');
      start.id = fromId;
      end.id = toId;
      start.classList.add('band-from');
      end.classList.add('band-to');
      const drop = h('button', { type: 'button', class: 'button button-small button-secondary', dataset: { action: 'remove-band' }, i18n: k('dnc.citizen.prefs.remove_band') });
      const row = h(
        'li',
        { class: 'band-row' },
        h('label', { for: fromId, class: 'small', i18n: k('dnc.citizen.prefs.band_from') }),
        start,
        h('label', { for: toId, class: 'small', i18n: k('dnc.citizen.prefs.band_to') }),
        end,
        drop,
      );
      drop.addEventListener('click', () => {
        row.remove();
        addButton.focus();
      });
      bandList.appendChild(row);
      return row;
    };
    for (const name of Array.isArray(prefs.accepted_bands) ? prefs.accepted_bands : []) {
      const b = parseBand(name);
      if (b) addBand(b.from, b.to === 0 ? 24 : b.to);
    }
    const addButton = h('button', { type: 'button', class: 'button button-small button-secondary', dataset: { action: 'add-band' }, i18n: k('dnc.citizen.prefs.add_band') });
    addButton.addEventListener('click', () => {
      const row = addBand();
      row.querySelector('select').focus();
    });

    const submit = h('button', {
      type: 'submit',
      class: 'button',
      dataset: { action: active ? 'save' : 'register' },
      i18n: active ? k('dnc.citizen.prefs.save') : k('dnc.citizen.prefs.register'),
    });
    const titleId = uid('dnc-prefs');
    const form = h(
      'form',
      { class: 'form dnc-prefs-form', novalidate: true, 'aria-labelledby': titleId },
      h('h4', { id: titleId, i18n: active ? k('dnc.citizen.prefs.title_change') : k('dnc.citizen.prefs.title_register') }),
      h(
        'fieldset',
        { class: 'choice-group' },
        h('legend', { i18n: k('dnc.citizen.prefs.scope_legend') }),
        h('label', { class: 'choice' }, all, ' ', h('span', { i18n: k('dnc.citizen.prefs.scope_all') })),
        h('label', { class: 'choice' }, some, ' ', h('span', { i18n: k('dnc.citizen.prefs.scope_some') })),
        checks,
      ),
      h(
        'fieldset',
        { class: 'choice-group' },
        h('legend', { i18n: k('dnc.citizen.prefs.bands_legend') }),
        h('p', { class: 'hint', i18n: k('dnc.citizen.prefs.bands_hint') }),
        bandList,
        h('div', {}, addButton),
      ),
      h('p', { class: 'hint', i18n: k('dnc.citizen.prefs.hours_note'), args: CALLING_HOURS }),
      active ? null : h('p', { class: 'hint', i18n: k('dnc.citizen.prefs.grace_note') }),
      errors.el,
      h('div', { class: 'form-actions' }, submit),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      errors.clear();
      const bands = [...bandList.querySelectorAll('.band-row')].map((row) => ({
        from: Number(row.querySelector('.band-from').value),
        to: Number(row.querySelector('.band-to').value),
      }));
      const { body, error } = preferencesBody({ all: all.checked, categories: checkedValues(checks, 'category'), bands });
      if (error) {
        errors.show(error);
        return;
      }
      submit.disabled = true;
      submit.setAttribute('aria-busy', 'true');
      try {
        await save(body);
      } catch (err) {
        errors.error(err);
      } finally {
        submit.disabled = false;
        submit.removeAttribute('aria-busy');
      }
    });
    return form;
  }

  // Is this a demo server? (Its SMS outbox is shown after a code is sent.)
  api('/api/v1/demo', { session: false })
    .then((data) => {
      state.demo = Boolean(data && data.demo);
    })
    .catch(() => {
      state.demo = false;
    });

  setStep(0);
  const el = h(
    'section',
    { class: 'card dnc-service', 'aria-labelledby': 'dnc-service-title' },
    h('h2', { id: 'dnc-service-title', i18n: k('dnc.citizen.title') }),
    h('p', { class: 'small muted', i18n: k('dnc.citizen.lead') }),
    stepList,
    numberForm,
    codeStep,
    manageSlot,
  );
  return { el };
}
