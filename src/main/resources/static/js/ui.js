// Small DOM helpers, number formats and the one way problems are shown.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const ints = new Intl.NumberFormat('en-US');
export const fmt = {
  int: (n) => (n === null || n === undefined ? '–' : ints.format(n)),
  /** 1.25M, 40.3k: short, for charts and ratios. */
  si(n) {
    if (n === null || n === undefined) return '–';
    const a = Math.abs(n);
    if (a >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
    if (a >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
    if (a >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
    return a >= 10 || a === 0 || Number.isInteger(n) ? String(Math.round(n * 100) / 100) : String(Number(n.toPrecision(3)));
  },
  pct: (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`),
  num: (x, d = 3) => (x === null || x === undefined ? '–' : Number(x).toFixed(d)),
  ratio: (x) => (x === null || x === undefined ? '–' : `×${fmt.si(x)}`),
  shape: (s) => (Array.isArray(s) ? s.join('×') : '–'),
  bytes(n) {
    if (n === null || n === undefined) return '–';
    if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
    if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
    if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
    return `${n} B`;
  },
  time: (t) => (t ? new Date(t).toLocaleString() : '–'),
};

/** Puts an ApiError (or any error) into a container as a readable problem box; null clears. */
export function showProblem(container, err, extra) {
  clear(container);
  if (!err) return;
  const status = err.status ? `${err.status} ` : '';
  const title = err.title && !String(err.title).startsWith(String(err.status)) ? err.title : '';
  const box = el('div', { class: 'problem', role: 'alert' },
    el('strong', { text: `${status}${title}`.trim() || 'Error' }),
    err.detail || err.message ? `: ${err.detail || err.message}` : '');
  if (err.status === 401) box.append(el('p', { text: 'Paste an API key at the top of the page.' }));
  if (err.status === 403) box.append(el('p', { text: 'Your key\u2019s role does not allow this.' }));
  if (err.errors?.length) {
    box.append(el('ul', {}, err.errors.map((e) => el('li', {}, el('code', { text: e.field }), ` ${e.message}`))));
  }
  if (extra) box.append(extra);
  container.append(box);
}

/** Runs an async action with its button disabled, showing a failure in problemBox. */
export async function busy(button, problemBox, fn) {
  if (button) button.disabled = true;
  if (problemBox) showProblem(problemBox, null);
  try {
    return await fn();
  } catch (e) {
    if (e.name === 'AbortError') return undefined;
    if (problemBox) showProblem(problemBox, e);
    else console.error(e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** A horizontal bar of value/max (the number beside it is the accessible text). */
export function bar(value, max, cls = '') {
  const b = el('span', { class: `bar ${cls}`, 'aria-hidden': 'true' });
  b.style.width = `${max > 0 ? Math.max(0.5, (100 * value) / max) : 0}%`; // CSSOM: allowed by CSP
  return el('span', { class: 'bartrack', 'aria-hidden': 'true' }, b);
}

/** A file saved from a fetched Blob (links cannot send the Authorization header). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function stateBadge(state) {
  return el('span', { class: `state-${state}`, text: state });
}
