// Architectures: presets and stored ones, the spec editor analysed live through /analyze, the
// per-layer cost table and the article's variants side by side with their base.
import { getJson, sendJson, request } from './api.js';
import { can, applyRoles } from './session.js';
import { $, $$, el, clear, fmt, bar, busy, showProblem } from './ui.js';
import { locate, lineOf } from './jsonpath.js';

let presets = null;
let stored = [];
/** What the editor holds: a preset, a stored architecture, or edited text (kind 'edited'). */
let opened = { kind: 'none', id: null, name: null, text: '' };
let analyzeTimer = null;
let analyzeAbort = null;
let analyzeSeq = 0;

export function init() {
  const editor = $('#spec-editor');
  editor.addEventListener('input', () => {
    if (editor.value !== opened.text && opened.kind !== 'edited') {
      opened = { kind: 'edited', id: null, name: opened.name, text: opened.text };
      markCurrent();
      updateActions();
    }
    clearTimeout(analyzeTimer);
    analyzeTimer = setTimeout(analyze, 350);
  });
  $('#arch-save').addEventListener('click', (e) => busy(e.target, $('#spec-errors'), save));
  $('#arch-delete').addEventListener('click', (e) => busy(e.target, $('#spec-errors'), remove));
  $('#variants-create').addEventListener('click', (e) => busy(e.target, $('#variants-problem'), variants));
}

export async function show() {
  await loadCatalog();
  if (opened.kind === 'none' && presets?.length) {
    open(presets[0], 'preset');
    if (!performance.getEntriesByName('kw-ready').length) performance.mark('kw-ready'); // first screen usable
  }
  updateActions();
}

export function sessionChanged() { updateActions(); }

let early = null;

/** Starts reading the catalog while the page still asks who the key belongs to. */
export function prefetch() {
  early = fetchCatalog();
  early.catch(() => {}); // a refused prefetch is read again once the key is known
}

function fetchCatalog() {
  return Promise.all([
    presets || getJson('api/v1/architectures/presets'),
    getJson('api/v1/architectures?size=100'),
  ]);
}

async function loadCatalog() {
  const problem = $('#catalog-problem');
  try {
    const pending = early;
    early = null;
    const [p, s] = await (pending ? pending.catch(fetchCatalog) : fetchCatalog());
    presets = p;
    stored = s.items;
    showProblem(problem, null);
  } catch (e) {
    showProblem(problem, e);
  }
  renderList($('#preset-list'), presets || [], 'preset');
  renderList($('#stored-list'), stored, 'stored');
  if (!stored.length) $('#stored-list').append(el('li', { class: 'hint', text: 'none yet' }));
}

function renderList(list, items, kind) {
  clear(list);
  for (const item of items) {
    const a = item.analysis;
    list.append(el('li', {},
      el('button', {
        type: 'button',
        dataset: { kind, key: kind === 'preset' ? item.name : item.id },
        onclick: () => open(item, kind),
      }, item.name, el('small', {
        text: `${fmt.si(a.parameters.trainable)} params · ${fmt.si(a.macs)} MACs${item.transform ? ` · ${item.transform}` : ''}`,
      }))));
  }
  markCurrent();
}

function markCurrent() {
  $$('.picklist button').forEach((b) => {
    const key = opened.kind === 'preset' ? opened.name : opened.id;
    b.setAttribute('aria-current', String(b.dataset.kind === opened.kind && b.dataset.key === key));
  });
}

function open(item, kind) {
  const text = JSON.stringify(item.spec, null, 2);
  opened = { kind, id: kind === 'stored' ? item.id : null, name: item.name, text };
  $('#spec-editor').value = text;
  $('#arch-title').textContent = `${item.name}${kind === 'preset' ? ' (preset)' : ''}${item.transform ? ` — variant: ${item.transform}` : ''}`;
  showProblem($('#spec-errors'), null);
  status(`${kind === 'preset' ? 'preset' : 'stored'}: ${describe(item.analysis)}`, 'ok');
  renderAnalysis(item.analysis);
  markCurrent();
  updateActions();
}

function updateActions() {
  $('#arch-save').hidden = !can('trainer');
  $('#arch-delete').hidden = !(can('trainer') && opened.kind === 'stored');
  applyRoles($('#variants-form').parentElement);
}

function describe(a) {
  return `${fmt.int(a.parameters.trainable)} trainable parameters, ${fmt.si(a.macs)} MACs, receptive field ${fmt.shape(a.receptiveField)}`;
}

function status(text, cls) {
  const s = $('#spec-status');
  s.textContent = text;
  s.className = `status ${cls || ''}`;
}

async function analyze() {
  const text = $('#spec-editor').value;
  analyzeAbort?.abort();
  const seq = ++analyzeSeq;
  try {
    JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(e.message);
    status(`not JSON${at ? ` (line ${lineOf(text, Number(at[1]))})` : ''}: ${e.message}`, 'bad');
    $('#layer-table').classList.add('stale');
    showProblem($('#spec-errors'), null);
    return;
  }
  analyzeAbort = new AbortController();
  status('analysing…');
  try {
    const res = await sendJson('POST', 'api/v1/architectures/analyze', text, { signal: analyzeAbort.signal });
    if (seq !== analyzeSeq) return;
    showProblem($('#spec-errors'), null);
    status(`valid: ${describe(res.analysis)}`, 'ok');
    renderAnalysis(res.analysis);
  } catch (e) {
    if (e.name === 'AbortError' || seq !== analyzeSeq) return;
    status('not valid: the table below still shows the last valid spec', 'bad');
    $('#layer-table').classList.add('stale');
    renderSpecErrors(e, text);
  }
}

/** A problem's errors grouped by the layer they name, each with a way to select it in the editor. */
function renderSpecErrors(err, text) {
  const box = $('#spec-errors');
  showProblem(box, err.errors?.length ? { ...err, errors: [] } : err);
  if (!err.errors?.length) return;
  let spec = null;
  try { spec = JSON.parse(text); } catch (e) { /* checked before */ }
  const list = el('ul', { id: 'spec-error-list' });
  for (const problem of err.errors) {
    const { found, layer } = locate(text, problem.field);
    const target = layer || found;
    const layerSpec = layer ? pick(spec, layer.path) : null;
    const item = el('li', { dataset: { field: problem.field, layer: layer?.path || '' } });
    if (layer) {
      item.append(el('span', { class: 'layer' },
        el('strong', { text: layer.path }),
        layerSpec?.type ? ` (${layerSpec.type}${layerSpec.filters ? `, ${layerSpec.filters} filters` : ''}${layerSpec.kernel ? `, kernel ${layerSpec.kernel}` : ''})` : '',
        ` line ${lineOf(text, layer.range[0])}: `));
    }
    item.append(el('code', { text: problem.field }), ` ${problem.message}`);
    if (target) {
      item.append(el('button', {
        type: 'button',
        onclick: () => select(target.range),
        'aria-label': `show ${target.path} in the editor`,
      }, 'show'));
    }
    list.append(item);
  }
  box.firstChild.append(list);
}

function pick(spec, path) {
  let node = spec;
  for (const p of path.match(/[^.[\]]+|\[\d+\]/g) || []) {
    if (node === undefined || node === null) return null;
    node = p.startsWith('[') ? node[Number(p.slice(1, -1))] : node[p];
  }
  return node;
}

function select([start, end]) {
  const editor = $('#spec-editor');
  editor.focus();
  editor.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
  editor.scrollTop = Math.max(0, (lineOf(editor.value, start) - 3) * lineHeight);
}

function renderAnalysis(a) {
  $('#layer-table').classList.remove('stale');
  const totals = $('#arch-totals');
  clear(totals);
  const rows = [
    ['Trainable parameters', fmt.int(a.parameters.trainable)],
    ['Non-trainable', fmt.int(a.parameters.nonTrainable)],
    ['MACs / image', fmt.int(a.macs)],
    ['Output', fmt.shape(a.outputShape)],
    ['Receptive field', fmt.shape(a.receptiveField)],
    ['Parameter memory', fmt.bytes(a.memory?.parametersBytes)],
    ['Activations / image', fmt.bytes(a.memory?.activationBytesPerImage)],
    ['Layers', String(a.layers.length)],
  ];
  rows.forEach(([k, v]) => totals.append(el('dt', { text: k }), el('dd', { text: v })));

  const body = $('#layer-table tbody');
  clear(body);
  const maxParams = Math.max(0, ...a.layers.map((l) => l.parameters));
  const maxMacs = Math.max(0, ...a.layers.map((l) => l.macs));
  const sumParams = a.layers.reduce((s, l) => s + l.parameters, 0);
  for (const l of a.layers) {
    const costly = (sumParams > 0 && l.parameters >= sumParams / 4) || (a.macs > 0 && l.macs >= a.macs / 4);
    body.append(el('tr', { class: costly ? 'costly' : '' },
      el('td', { class: 'mono' }, costly ? el('span', { title: 'costly layer' }, '◆ ', el('span', { class: 'sr-only', text: 'costly: ' })) : '', l.path),
      el('td', { text: l.type }),
      el('td', { class: 'mono', text: fmt.shape(l.outputShape) }),
      el('td', { class: 'num' }, el('span', { class: 'barcell' }, fmt.int(l.parameters), bar(l.parameters, maxParams))),
      el('td', { class: 'num' }, el('span', { class: 'barcell' }, fmt.si(l.macs), bar(l.macs, maxMacs, 'macs'))),
      el('td', { class: 'mono', text: fmt.shape(l.receptiveField) }),
      el('td', { class: 'num', text: l.denseEquivalentWeights ? fmt.si(l.denseEquivalentWeights) : '' }),
      el('td', { class: 'num', text: l.weightRatioVsDense ? fmt.ratio(l.weightRatioVsDense) : '' })));
  }
}

async function save() {
  const created = await sendJson('POST', 'api/v1/architectures', $('#spec-editor').value);
  await loadCatalog();
  open(created, 'stored');
  return created;
}

async function remove() {
  if (!opened.id) return;
  await request('DELETE', `api/v1/architectures/${encodeURIComponent(opened.id)}`);
  opened = { kind: 'none', id: null, name: null, text: '' };
  await show();
}

function transforms() {
  return $$('#variants-form input[name=transform]:checked').map((c) => {
    if (c.value === 'bottleneck') return { bottleneck: Number($('#bottleneck-r').value) };
    if (c.value === 'grouped') return { grouped: Number($('#grouped-g').value) };
    return c.value;
  });
}

/** One click: stores the editor's spec first when it is not a stored architecture yet. */
async function variants() {
  const chosen = transforms();
  if (!chosen.length) {
    showProblem($('#variants-problem'), { title: 'Nothing to do', detail: 'tick at least one transform' });
    return;
  }
  const baseId = opened.kind === 'stored' ? opened.id : (await save()).id;
  const res = await sendJson('POST', `api/v1/architectures/${encodeURIComponent(baseId)}/variants`,
    { transforms: chosen, keepFirst: $('#keep-first').checked });
  await loadCatalog();
  renderVariants(res);
}

function renderVariants(res) {
  const table = $('#variants-table');
  const head = table.tHead;
  const body = table.tBodies[0];
  clear(head);
  clear(body);
  const first = res.variants[0]?.comparison;
  head.append(el('tr', {}, el('th', { scope: 'col', text: '' }),
    el('th', { scope: 'col', class: 'num', text: `${res.baseName} (base)` }),
    res.variants.map((v) => el('th', { scope: 'col', class: 'num', text: `${v.architecture.name}` }))));
  const row = (label, base, each) => body.append(el('tr', {}, el('th', { scope: 'row', text: label }),
    el('td', { class: 'num', text: base }), res.variants.map((v) => el('td', { class: 'num', text: each(v.comparison, v) }))));
  row('Transform', '', (c, v) => v.transform);
  row('Trainable parameters', fmt.int(first?.baseParameters), (c) => fmt.int(c.parameters));
  row('Parameters × base', '×1', (c) => `×${c.parameterRatio.toFixed(3)}`);
  row('MACs', fmt.int(first?.baseMacs), (c) => fmt.int(c.macs));
  row('MACs × base', '×1', (c) => `×${c.macRatio.toFixed(3)}`);
  row('Receptive field', fmt.shape(first?.baseReceptiveField), (c) => fmt.shape(c.receptiveField));
  row('Layers rewritten', '', (c) => (c.changedLayers ? String(c.changedLayers) : '0 (did not apply)'));
  body.append(el('tr', {}, el('th', { scope: 'row', text: 'Open' }),
    el('td', { class: 'num' }, el('button', { type: 'button', class: 'secondary', onclick: () => openStored(res.baseId) }, 'base')),
    res.variants.map((v) => el('td', { class: 'num' }, el('button', {
      type: 'button', class: 'secondary', onclick: () => open(v.architecture, 'stored'),
    }, 'open')))));
  table.hidden = false;
}

async function openStored(id) {
  const item = stored.find((s) => s.id === id) || (await getJson(`api/v1/architectures/${encodeURIComponent(id)}`));
  open(item, 'stored');
}
