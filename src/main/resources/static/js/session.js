// Who the key belongs to: GET /api/v1/keys/me tells the role; reader-only users see no buttons
// they cannot use (every element with data-needs="trainer|admin" is hidden for them).
import { getJson, auth } from './api.js';

const ORDER = ['reader', 'trainer', 'admin'];
export const session = { role: null, name: null, securityEnabled: true, checked: false };
const changed = new Set();

export function can(role) {
  return session.role !== null && ORDER.indexOf(session.role) >= ORDER.indexOf(role);
}

export function onSessionChange(fn) { changed.add(fn); }

export function applyRoles(root = document) {
  root.querySelectorAll('[data-needs]').forEach((node) => {
    node.hidden = !can(node.dataset.needs);
  });
}

/** Asks the service who we are; a service without /keys/me (404) has no security to ask about. */
export async function refreshSession() {
  try {
    const me = await getJson('api/v1/keys/me');
    Object.assign(session, { role: String(me.role).toLowerCase(), name: me.name, prefix: me.prefix, securityEnabled: me.securityEnabled !== false });
  } catch (e) {
    if (e.status === 404) Object.assign(session, { role: 'admin', name: null, securityEnabled: false });
    else if (e.status === 401 || e.status === 403) Object.assign(session, { role: null, name: null, securityEnabled: true });
    else Object.assign(session, { role: null, name: null, error: e });
  }
  session.checked = true;
  session.hasKey = !!auth.key;
  applyRoles();
  changed.forEach((fn) => fn(session));
  return session;
}
