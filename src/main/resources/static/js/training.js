// Training: the job form (filled with the service's defaults), the queue, one job's live curves
// from its event stream, and the datasets with their classes, counts and a few images.
import { getJson, sendJson, request, streamEvents } from './api.js';
import { can, applyRoles } from './session.js';
import { $, $$, el, clear, fmt, busy, showProblem, stateBadge } from './ui.js';
import { lineChart, resizeAll } from './charts.js';

// The SPEC's enumerations; a default outside them is added, so nothing the service offers hides.
const CHOICES = {
  'optimizer.type': ['adam', 'sgd'],
  'schedule.type': ['none', 'step', 'cosine'],
  precision: ['fp32', 'bf16', 'auto'],
  'earlyStopping.metric': ['valAccuracy', 'valLoss'],
};
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

let defaults = null;
let shown = false;
let queueTimer = null;
let watching = null; // {id, abort, steps, epochs, job}
let selectedDataset = null;
let datasets = [];

export function init() {
  $('#job-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy($('#job-submit'), $('#job-form-problem'), submit);
  });
  $('#dataset-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy($('#dataset-upload'), $('#dataset-form-problem'), upload);
  });
  $('#job-cancel').addEventListener('click', (e) => busy(e.target, $('#job-detail-problem'), () => cancel(watching?.id)));
  window.addEventListener('resize', () => resizeAll([$('#chart-loss'), $('#chart-acc')]));
}

export async function show() {
  shown = true;
  $('#job-form-readonly').hidden = can('trainer');
  applyRoles($('#training'));
  await Promise.all([loadForm(), loadQueue(), loadDatasets()]);
  if (watching) renderCharts();
}

export function hide() {
  shown = false;
  clearTimeout(queueTimer);
}

async function loadForm() {
  const problem = $('#job-form-load-problem');
  try {
    if (!defaults) {
      defaults = await getJson('api/v1/dashboard/job-defaults');
      renderHyper(defaults.hyperparameters);
      $('#job-device').value = defaults.device;
      $('#job-device').dataset.default = defaults.device;
    }
    const [presets, stored] = await Promise.all([
      getJson('api/v1/architectures/presets'),
      getJson('api/v1/architectures?size=100'),
    ]);
    const select = $('#job-architecture');
    const keep = select.value;
    clear(select);
    if (stored.items.length) {
      select.append(el('optgroup', { label: 'Stored' },
        stored.items.map((a) => el('option', { value: `stored:${a.id}` }, `${a.name} (${fmt.si(a.analysis.parameters.trainable)} params)`))));
    }
    select.append(el('optgroup', { label: 'Presets (sent inline)' },
      presets.map((p) => el('option', { value: `preset:${p.name}`, dataset: { spec: JSON.stringify(p.spec) } },
        `${p.name} (${fmt.si(p.analysis.parameters.trainable)} params)`))));
    if (keep && $$('option', select).some((o) => o.value === keep)) select.value = keep;
    showProblem(problem, null);
  } catch (e) {
    showProblem(problem, e);
  }
}

function inputId(path) { return `hp-${path.replace(/\./g, '-')}`; }

/** One input per default hyperparameter; nested objects become fieldsets. */
function renderHyper(values, prefix = '', into = $('#job-hyper')) {
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value === null || value === undefined) continue;
    if (typeof value === 'object' && !Array.isArray(value)) {
      const set = el('fieldset', {}, el('legend', { text: key }));
      into.append(set);
      renderHyper(value, path, set);
      continue;
    }
    const id = inputId(path);
    const common = { id, name: `hyperparameters.${path}`, dataset: { default: JSON.stringify(value) } };
    let input;
    if (typeof value === 'boolean') {
      input = el('input', { ...common, type: 'checkbox' });
      input.checked = value;
    } else if (typeof value === 'number') {
      input = el('input', { ...common, type: 'number', step: 'any', value: String(value) });
    } else if (CHOICES[path]) {
      const options = CHOICES[path].includes(value) ? CHOICES[path] : [value, ...CHOICES[path]];
      input = el('select', common, options.map((o) => el('option', { value: o, text: o })));
      input.value = value;
    } else {
      input = el('input', { ...common, value: String(value) });
    }
    into.append(el('div', { class: 'field' }, el('label', { for: id, text: key }), input));
  }
}

/** Only what differs from the defaults is sent: the service fills in the rest itself. */
function hyperparameters() {
  const out = {};
  for (const input of $$('#job-hyper [name^="hyperparameters."]')) {
    const path = input.name.slice('hyperparameters.'.length).split('.');
    const def = JSON.parse(input.dataset.default);
    let value;
    if (input.type === 'checkbox') value = input.checked;
    else if (typeof def === 'number') {
      if (input.value.trim() === '') continue;
      value = Number(input.value);
      if (Number.isNaN(value)) value = input.value; // let the service name the field
    } else value = input.value;
    if (value === def) continue;
    let node = out;
    path.slice(0, -1).forEach((p) => { node = node[p] ??= {}; });
    node[path[path.length - 1]] = value;
  }
  return out;
}

function fieldErrors(form, err) {
  $$('.field-error', form).forEach((n) => n.remove());
  for (const e of err?.errors || []) {
    let input = form.querySelector(`[name="${CSS.escape(e.field)}"]`);
    if (!input && e.field.startsWith('architecture')) input = $('#job-architecture');
    if (input) input.closest('.field')?.append(el('span', { class: 'field-error', text: e.message }));
  }
}

async function submit() {
  const form = $('#job-form');
  fieldErrors(form, null);
  const body = { datasetId: $('#job-dataset').value, hyperparameters: hyperparameters() };
  const arch = $('#job-architecture').selectedOptions[0];
  if (!arch) throw { title: 'Missing', detail: 'pick an architecture' };
  if (arch.value.startsWith('stored:')) body.architectureId = arch.value.slice(7);
  else body.architecture = JSON.parse(arch.dataset.spec);
  const device = $('#job-device').value.trim();
  if (device && device !== $('#job-device').dataset.default) body.device = device;
  try {
    const job = await sendJson('POST', 'api/v1/jobs', body);
    await loadQueue();
    watch(job.id);
  } catch (e) {
    fieldErrors(form, e);
    throw e;
  }
}

async function loadQueue() {
  clearTimeout(queueTimer);
  let busyQueue = false;
  try {
    const page = await getJson('api/v1/jobs?size=20');
    showProblem($('#job-table-problem'), null);
    const body = $('#job-table tbody');
    clear(body);
    for (const j of page.items) {
      busyQueue ||= !TERMINAL.has(j.state);
      body.append(el('tr', { class: watching?.id === j.id ? 'selected' : '', dataset: { job: j.id, state: j.state } },
        el('td', { class: 'mono', text: j.id.slice(0, 12) }),
        el('td', { text: `${j.architectureName || j.architectureId || 'inline'} · ${datasets.find((d) => d.id === j.datasetId)?.name || j.datasetId}` }),
        el('td', {}, stateBadge(j.state)),
        el('td', { class: 'num', text: j.queuePosition ?? '' }),
        el('td', {}, el('progress', { max: '1', value: String(j.progress), 'aria-label': `progress of ${j.id}` }),
          ` ${j.epoch}/${j.epochs}`),
        el('td', { class: 'actions' },
          el('button', { type: 'button', class: 'secondary', onclick: () => watch(j.id) }, 'Watch'),
          can('trainer') && !TERMINAL.has(j.state)
            ? el('button', { type: 'button', class: 'danger', onclick: (e) => busy(e.target, $('#job-table-problem'), () => cancel(j.id)) }, 'Cancel')
            : null)));
    }
    if (!page.items.length) body.append(el('tr', {}, el('td', { colspan: '6', class: 'hint', text: 'no jobs yet' })));
  } catch (e) {
    showProblem($('#job-table-problem'), e);
  }
  if (shown) queueTimer = setTimeout(loadQueue, busyQueue ? 2000 : 10000);
}

async function cancel(id) {
  if (!id) return;
  await request('POST', `api/v1/jobs/${encodeURIComponent(id)}/cancel`);
  await loadQueue();
}

/** Follows one job: its event stream replays everything, then streams what comes. */
async function watch(id) {
  watching?.abort.abort();
  const w = { id, abort: new AbortController(), steps: [], epochs: [], job: null };
  watching = w;
  $$('#job-table tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.job === id));
  $('#job-detail-empty').hidden = true;
  $('#job-detail-body').hidden = false;
  clear($('#epoch-table tbody'));
  showProblem($('#job-detail-problem'), null);
  $('#job-detail').dataset.points = '0';
  try {
    w.job = await getJson(`api/v1/jobs/${encodeURIComponent(id)}`);
    renderJob(w);
    renderCharts();
    await streamEvents(`api/v1/jobs/${encodeURIComponent(id)}/events`, (e) => onEvent(w, e), w.abort.signal);
    if (watching === w) {
      w.job = await getJson(`api/v1/jobs/${encodeURIComponent(id)}`);
      renderJob(w);
      if (shown) loadQueue(); // the queue shows the end at once, not at its next poll
    }
  } catch (e) {
    if (watching === w) showProblem($('#job-detail-problem'), e);
  }
}

function onEvent(w, e) {
  if (watching !== w) return true;
  const d = e.data || {};
  if (e.type === 'step') {
    const x = d.epoch - 1 + (d.stepsPerEpoch > 0 ? d.step / d.stepsPerEpoch : 0);
    w.steps.push({ x, loss: d.loss, accuracy: d.accuracy });
    w.job.progress = d.progress;
    w.job.epoch = d.epoch;
  } else if (e.type === 'epoch') {
    w.epochs = w.epochs.filter((x) => x.epoch !== d.epoch).concat([d]); // a re-run epoch replaces its row
    w.job.progress = Math.max(w.job.progress, d.epoch / w.job.epochs);
    $('#epoch-table tbody').append(el('tr', {},
      el('td', { class: 'num', text: d.epoch }), el('td', { class: 'num', text: fmt.num(d.trainLoss) }),
      el('td', { class: 'num', text: fmt.pct(d.trainAccuracy) }), el('td', { class: 'num', text: fmt.num(d.valLoss) }),
      el('td', { class: 'num', text: fmt.pct(d.valAccuracy) }), el('td', { class: 'num', text: fmt.si(d.imagesPerSecond) }),
      el('td', { class: 'num', text: fmt.num(d.seconds, 1) })));
  } else if (e.type === 'state') {
    w.job.state = d.state;
    w.job.detail = d.detail || d.error || null;
  } else if (e.type === 'resumed') {
    w.job.detail = d.detail;
  } else if (e.type === 'cancelRequested') {
    w.job.detail = 'cancel requested';
  }
  scheduleRender(w);
  return e.type === 'state' && TERMINAL.has(d.state);
}

let frame = 0;
function scheduleRender(w) {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (watching !== w) return;
    renderJob(w);
    renderCharts();
  });
}

function renderJob(w) {
  const j = w.job;
  const dataset = datasets.find((d) => d.id === j.datasetId)?.name || j.datasetId;
  $('#job-detail-title').textContent = `Job ${j.id.slice(0, 12)}: ${j.architectureName || j.architectureId || 'inline architecture'} on ${dataset}`;
  const bits = [`${j.state}`, `epoch ${j.epoch}/${j.epochs}`, fmt.pct(j.progress)];
  if (j.queuePosition) bits.push(`position ${j.queuePosition} in the queue`);
  if (j.testAccuracy !== null && j.testAccuracy !== undefined) bits.push(`test accuracy ${fmt.pct(j.testAccuracy)}`);
  if (j.modelId) bits.push(`model ${j.modelId}`);
  if (j.error) bits.push(`error: ${j.error}`);
  else if (j.detail) bits.push(j.detail);
  const state = $('#job-state');
  state.textContent = bits.join(' · ');
  state.className = `state-${j.state}`;
  $('#job-progress').value = j.progress || 0;
  $('#job-cancel').hidden = !(can('trainer') && !TERMINAL.has(j.state));
  const detail = $('#job-detail');
  detail.dataset.points = String(w.steps.length + w.epochs.length);
  detail.dataset.state = j.state;
}

/** Step points and epoch points on one x axis (epochs, fractional within an epoch). */
function curve(w, stepKey, epochKeys) {
  const rows = new Map();
  const row = (x) => {
    const k = Math.round(x * 1e6) / 1e6;
    if (!rows.has(k)) rows.set(k, [k, null, ...epochKeys.map(() => null)]);
    return rows.get(k);
  };
  w.steps.forEach((s) => { row(s.x)[1] = s[stepKey]; });
  w.epochs.forEach((e) => epochKeys.forEach((key, i) => { row(e.epoch)[2 + i] = e[key] ?? null; }));
  const sorted = [...rows.values()].sort((a, b) => a[0] - b[0]);
  return sorted[0] ? sorted[0].map((_, c) => sorted.map((r) => r[c])) : [[], [], ...epochKeys.map(() => [])];
}

function renderCharts() {
  const w = watching;
  if (!w || $('#training').hidden) return;
  lineChart($('#chart-loss'), {
    xLabel: 'epoch', yLabel: 'loss',
    data: curve(w, 'loss', ['trainLoss', 'valLoss']),
    series: [{ label: 'step loss', width: 1, color: '#7a9cc6' }, { label: 'train loss' }, { label: 'val loss', dash: [6, 4] }],
  });
  lineChart($('#chart-acc'), {
    xLabel: 'epoch', yLabel: 'accuracy', yRange: [0, 1],
    data: curve(w, 'accuracy', ['trainAccuracy', 'valAccuracy']),
    series: [{ label: 'step accuracy', width: 1, color: '#7a9cc6' }, { label: 'train accuracy' }, { label: 'val accuracy', dash: [6, 4] }],
  });
}

async function loadDatasets() {
  try {
    datasets = (await getJson('api/v1/datasets?size=100')).items;
    showProblem($('#dataset-table-problem'), null);
  } catch (e) {
    showProblem($('#dataset-table-problem'), e);
    return;
  }
  const body = $('#dataset-table tbody');
  clear(body);
  for (const d of datasets) {
    body.append(el('tr', { class: selectedDataset === d.id ? 'selected' : '', dataset: { dataset: d.id } },
      el('td', { text: `${d.name}${d.builtin ? ' (built-in)' : ''}` }),
      el('td', { title: d.reason || '' }, stateBadge(d.state), d.state === 'INGESTING' ? ` ${fmt.pct(d.progress)}` : ''),
      el('td', { class: 'num', text: d.classes?.length ?? '' }),
      el('td', { class: 'num', text: fmt.int(d.trainCount) }),
      el('td', { class: 'num', text: fmt.int(d.testCount) }),
      el('td', { class: 'mono', text: d.channels ? `${d.channels}×${d.height}×${d.width}` : '' }),
      el('td', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', onclick: () => showDataset(d.id) }, 'Show'),
        can('trainer') && !d.builtin && d.state !== 'INGESTING'
          ? el('button', { type: 'button', class: 'danger', onclick: (e) => busy(e.target, $('#dataset-table-problem'), () => removeDataset(d.id)) }, 'Delete')
          : null)));
  }
  const select = $('#job-dataset');
  const keep = select.value;
  clear(select);
  datasets.filter((d) => d.available).forEach((d) => select.append(el('option', { value: d.id }, `${d.name} (${d.classes?.length ?? '?'} classes)`)));
  if (keep && datasets.some((d) => d.id === keep && d.available)) select.value = keep;
}

async function upload() {
  const file = $('#dataset-file').files[0];
  if (!file) throw { title: 'Missing', detail: 'pick a zip file' };
  const form = new FormData();
  form.append('file', file);
  if ($('#dataset-name').value.trim()) form.append('name', $('#dataset-name').value.trim());
  const statusBox = $('#dataset-upload-status');
  statusBox.textContent = `uploading ${fmt.bytes(file.size)}…`;
  let d = await (await request('POST', 'api/v1/datasets', { body: form })).json();
  while (d.state === 'INGESTING') {
    statusBox.textContent = `ingesting ${fmt.pct(d.progress)}`;
    await new Promise((r) => setTimeout(r, 1000));
    d = await getJson(`api/v1/datasets/${encodeURIComponent(d.id)}`);
  }
  statusBox.textContent = d.state === 'READY'
    ? `${d.name}: READY, ${d.classes.length} classes, ${d.trainCount} train / ${d.testCount} test images`
    : `${d.name}: ${d.state}${d.reason ? ` (${d.reason})` : ''}`;
  $('#dataset-form').reset();
  await loadDatasets();
  $('#job-dataset').value = d.id;
  await showDataset(d.id);
}

async function removeDataset(id) {
  await request('DELETE', `api/v1/datasets/${encodeURIComponent(id)}`);
  if (selectedDataset === id) {
    selectedDataset = null;
    clear($('#dataset-detail'));
  }
  await loadDatasets();
}

async function showDataset(id) {
  selectedDataset = id;
  $$('#dataset-table tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.dataset === id));
  const box = clear($('#dataset-detail'));
  let d;
  try {
    d = await getJson(`api/v1/datasets/${encodeURIComponent(id)}`);
  } catch (e) {
    showProblem(box, e);
    return;
  }
  box.append(el('h3', { text: d.name }));
  const facts = [`${d.state}`];
  if (d.channels) facts.push(`${d.channels}×${d.height}×${d.width} images`);
  if (d.mean) facts.push(`mean ${d.mean.map((m) => m.toFixed(3)).join(', ')}`);
  if (d.std) facts.push(`std ${d.std.map((m) => m.toFixed(3)).join(', ')}`);
  if (d.resized) facts.push(`${d.resized} resized`);
  if (d.skipped?.length) facts.push(`${d.skipped.length} files skipped`);
  if (d.reason) facts.push(d.reason);
  box.append(el('p', { text: facts.join(' · ') }));
  if (d.classes?.length) {
    box.append(el('div', { class: 'scroll' }, el('table', { class: 'data', id: 'class-table' },
      el('caption', { text: 'Classes' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Class' }), el('th', { scope: 'col', class: 'num', text: 'Train' }), el('th', { scope: 'col', class: 'num', text: 'Test' }))),
      el('tbody', {}, d.classes.map((c, i) => el('tr', {}, el('td', { text: c }),
        el('td', { class: 'num', text: d.trainPerClass ? fmt.int(d.trainPerClass[i]) : '' }),
        el('td', { class: 'num', text: d.testPerClass ? fmt.int(d.testPerClass[i]) : '' })))))));
  }
  if (d.state !== 'READY') return;
  const samplesBox = el('div', {});
  box.append(el('h3', { text: 'A few images' }), samplesBox);
  try {
    const count = Math.min(16, Math.max(8, d.classes.length));
    const s = await getJson(`api/v1/datasets/${encodeURIComponent(id)}/samples?count=${count}`);
    samplesBox.append(el('ul', { class: 'samples', id: 'sample-grid' }, s.samples.map((x) => el('li', {},
      el('figure', {}, el('img', { src: x.image, alt: `${x.label} (image ${x.index})`, width: '64', height: '64' }),
        el('figcaption', { text: x.label }))))));
  } catch (e) {
    showProblem(samplesBox, e);
  }
}
