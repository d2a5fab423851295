// The dashboard's shell: screens as tabs (the URL hash keeps the one shown), the API key form,
// and the banner that says when the service wants a key or does not answer.
import { auth, onApiError } from './api.js';
import { session, refreshSession, onSessionChange } from './session.js';
import { $, $$ } from './ui.js';
import * as architectures from './architectures.js';
import * as training from './training.js';
import * as experiments from './experiments.js';
import * as models from './models.js';

const screens = { architectures, training, experiments, models };
let current = null;

function show(name) {
  if (!screens[name]) name = 'architectures';
  $$('.screen').forEach((s) => { s.hidden = s.id !== name; });
  $$('[role=tab]').forEach((t) => {
    const selected = t.getAttribute('aria-controls') === name;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
  });
  if (current && current !== screens[name]) current.hide?.();
  current = screens[name];
  current.show();
}

function banner(text) {
  const b = $('#banner');
  b.textContent = text || '';
  b.hidden = !text;
}

function renderWho() {
  const who = $('#who');
  const hasKey = !!auth.key;
  $('#key-forget').hidden = !hasKey;
  $('#key-input').placeholder = hasKey ? 'key kept for this tab' : 'paste a key once';
  if (!session.securityEnabled && session.role) {
    who.textContent = 'security is off: everything is allowed';
    banner('');
  } else if (session.role) {
    who.textContent = `${session.role}${session.name ? ` · ${session.name}` : ''}`;
    who.title = who.textContent;
    banner('');
  } else if (session.error) {
    who.textContent = '';
    banner(`The service does not answer properly: ${session.error.detail || session.error.message}`);
  } else {
    who.textContent = hasKey ? 'key refused' : 'no key';
    banner(hasKey ? 'The service refused this key (revoked, expired or mistyped). Paste another one.'
      : 'This service needs an API key: paste one at the top right.');
  }
}

function init() {
  $('#key-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = $('#key-input').value.trim();
    if (!key) return;
    auth.set(key);
    $('#key-input').value = '';
    await refreshSession();
  });
  $('#key-forget').addEventListener('click', async () => {
    auth.clear();
    await refreshSession();
  });
  // Arrow keys move between tabs (the WAI-ARIA tab pattern).
  $('.tabs').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const tabs = $$('[role=tab]');
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
  });
  onApiError((err) => {
    if (err.status === 401 && session.role) refreshSession();
    if (err.status === 0) banner(`The service does not answer: ${err.detail}`);
  });
  onSessionChange(() => {
    renderWho();
    Object.values(screens).forEach((s) => s.sessionChanged?.());
    show(location.hash.slice(1));
  });
  Object.values(screens).forEach((s) => s.init());
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  if (!location.hash || location.hash === '#architectures') architectures.prefetch();
  refreshSession(); // then shows the screen named by the hash
}

init();
