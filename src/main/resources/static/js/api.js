// Talking to the service: the key from session storage as a bearer token, problem+json errors,
// and Server-Sent Events read with fetch() (EventSource cannot send an Authorization header).
const KEY = 'kernelwise.apiKey';

export const auth = {
  get key() { return sessionStorage.getItem(KEY) || ''; },
  set(key) { sessionStorage.setItem(KEY, key); },
  clear() { sessionStorage.removeItem(KEY); },
};

/** A failed call: status 0 when the service could not be reached. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || (status ? `HTTP ${status}` : 'Service unreachable');
    this.detail = problem.detail || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

const listeners = new Set();
/** Called with every ApiError (the page shows a hint for 401/403 once). */
export function onApiError(fn) { listeners.add(fn); }

function headers(extra) {
  const h = new Headers(extra || {});
  if (auth.key) h.set('Authorization', `Bearer ${auth.key}`);
  return h;
}

async function problemOf(res) {
  let p = {};
  const type = res.headers.get('Content-Type') || '';
  try {
    if (type.includes('json')) p = await res.json();
    else {
      const text = (await res.text()).trim();
      if (text && text.length < 500 && !text.startsWith('<')) p.detail = text;
    }
  } catch (e) { /* an unreadable body: keep the status */ }
  if (p && typeof p.error === 'string' && !p.detail) p.detail = p.error; // OIP shape
  if (!p.title) p.title = `${res.status} ${res.statusText || ''}`.trim();
  return new ApiError(res.status, p || {});
}

function fail(err) {
  listeners.forEach((fn) => fn(err));
  throw err;
}

/** fetch() with the key; rejects with an ApiError on a network failure or a non-2xx answer. */
export async function request(method, path, { body, type, accept, signal } = {}) {
  const h = headers(accept ? { Accept: accept } : { Accept: 'application/json, application/problem+json' });
  if (type) h.set('Content-Type', type);
  let res;
  try {
    res = await fetch(path, { method, headers: h, body, signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    return fail(new ApiError(0, { detail: `the service did not answer (${e.message})` }));
  }
  if (!res.ok) return fail(await problemOf(res));
  return res;
}

export async function getJson(path, opts) {
  return (await request('GET', path, opts)).json();
}

export async function sendJson(method, path, data, opts = {}) {
  const body = typeof data === 'string' ? data : JSON.stringify(data ?? {});
  const res = await request(method, path, { ...opts, body, type: 'application/json' });
  return res.status === 204 ? null : res.json();
}

/**
 * Streams a job's events: onEvent({type, id, data}) for each one. Reconnects with Last-Event-ID
 * when the connection drops before the end; resolves once the server ends the stream after the
 * terminal state (or a reconnect brings nothing new), rejects with an ApiError on 4xx/5xx.
 */
export async function streamEvents(path, onEvent, signal) {
  let lastId = null;
  for (let attempt = 0; ; attempt++) {
    const h = headers({ Accept: 'text/event-stream' });
    if (lastId) h.set('Last-Event-ID', lastId);
    let res;
    try {
      res = await fetch(path, { headers: h, signal, cache: 'no-store' });
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (attempt > 20) fail(new ApiError(0, { detail: `event stream lost (${e.message})` }));
      await pause(1000, signal);
      continue;
    }
    if (!res.ok) fail(await problemOf(res));
    let got = 0;
    let ended = false;
    try {
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let event = { type: 'message', data: [], id: null };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          let line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.endsWith('\r')) line = line.slice(0, -1);
          if (line === '') {
            if (event.data.length) {
              if (event.id) lastId = event.id;
              got++;
              let data = event.data.join('\n');
              try { data = JSON.parse(data); } catch (e) { /* plain text data */ }
              ended = onEvent({ type: event.type, id: event.id, data }) === true || ended;
            }
            event = { type: 'message', data: [], id: null };
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            let v = colon < 0 ? '' : line.slice(colon + 1);
            if (v.startsWith(' ')) v = v.slice(1);
            if (field === 'event') event.type = v;
            else if (field === 'data') event.data.push(v);
            else if (field === 'id') event.id = v;
          }
        }
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
    }
    if (ended || (attempt > 0 && got === 0)) return;
    await pause(500, signal);
  }
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
