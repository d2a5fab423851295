// Experiments: the article's experiment as one screen — validation accuracy per epoch for each
// architecture, best accuracy against trainable parameters and MACs, and the numbers.
import { getJson, sendJson, request } from './api.js';
import { can, applyRoles } from './session.js';
import { $, $$, el, clear, fmt, busy, showProblem, stateBadge } from './ui.js';
import { lineChart, scatterChart, resizeAll } from './charts.js';

let shown = false;
let openId = null;
let timer = null;
let defaults = null;
const datasetNames = new Map();
let lastState = null;

export function init() {
  $('#exp-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy($('#exp-submit'), $('#exp-form-problem'), start);
  });
  $('#exp-cancel').addEventListener('click', (e) => busy(e.target, $('#exp-detail-problem'), cancel));
  window.addEventListener('resize', () => resizeAll(['#exp-chart-epochs', '#exp-chart-params', '#exp-chart-macs'].map((s) => $(s))));
}

export async function show() {
  shown = true;
  applyRoles($('#experiments'));
  await Promise.all([loadList(), loadForm()]);
  if (openId) await openExperiment(openId);
}

export function hide() {
  shown = false;
  clearTimeout(timer);
}

async function loadForm() {
  if (!can('trainer')) return;
  try {
    const [stored, datasets] = await Promise.all([
      getJson('api/v1/architectures?size=100'),
      getJson('api/v1/datasets?size=100'),
    ]);
    if (!defaults) {
      defaults = (await getJson('api/v1/dashboard/job-defaults')).hyperparameters;
      $('#exp-epochs').value = defaults.epochs;
      $('#exp-batch').value = defaults.batchSize;
    }
    const checked = new Set($$('#exp-archs input:checked').map((c) => c.value));
    const box = clear($('#exp-archs'));
    stored.items.forEach((a, i) => box.append(el('label', {},
      el('input', { type: 'checkbox', value: a.id, checked: checked.has(a.id), id: `exp-arch-${i}` }),
      ` ${a.name} (${fmt.si(a.analysis.parameters.trainable)})`)));
    if (!stored.items.length) box.append(el('p', { class: 'hint', text: 'Store architectures (or create variants) on the Architectures screen first.' }));
    const select = $('#exp-dataset');
    const keep = select.value;
    clear(select);
    datasets.items.filter((d) => d.available).forEach((d) => select.append(el('option', { value: d.id }, `${d.name} (${d.classes?.length ?? '?'} classes)`)));
    if (keep) select.value = keep;
    showProblem($('#exp-form-load-problem'), null);
  } catch (e) {
    showProblem($('#exp-form-load-problem'), e);
  }
}

async function start() {
  const hp = {};
  const epochs = $('#exp-epochs').value.trim();
  const batch = $('#exp-batch').value.trim();
  if (epochs && Number(epochs) !== defaults?.epochs) hp.epochs = Number(epochs);
  if (batch && Number(batch) !== defaults?.batchSize) hp.batchSize = Number(batch);
  const body = {
    architectureIds: $$('#exp-archs input:checked').map((c) => c.value),
    datasetId: $('#exp-dataset').value,
    hyperparameters: hp,
  };
  if ($('#exp-name').value.trim()) body.name = $('#exp-name').value.trim();
  const exp = await sendJson('POST', 'api/v1/experiments', body);
  await loadList();
  await openExperiment(exp.id);
}

async function loadList() {
  try {
    const page = await getJson('api/v1/experiments?size=50');
    showProblem($('#exp-table-problem'), null);
    const body = clear($('#exp-table tbody'));
    for (const x of page.items) {
      body.append(el('tr', { class: x.id === openId ? 'selected' : '', dataset: { experiment: x.id } },
        el('td', { text: x.name || x.id }),
        el('td', {}, stateBadge(x.state)),
        el('td', { class: 'num', text: x.architectures.length }),
        el('td', { class: 'actions' }, el('button', { type: 'button', class: 'secondary', onclick: () => openExperiment(x.id) }, 'Open'))));
    }
    if (!page.items.length) body.append(el('tr', {}, el('td', { colspan: '4', class: 'hint', text: 'no experiments yet' })));
  } catch (e) {
    showProblem($('#exp-table-problem'), e);
  }
}

async function openExperiment(id) {
  clearTimeout(timer);
  if (openId !== id) lastState = null;
  openId = id;
  $$('#exp-table tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.experiment === id));
  const detail = $('#exp-detail');
  detail.hidden = false;
  let x;
  let curves;
  try {
    x = await getJson(`api/v1/experiments/${encodeURIComponent(id)}`);
    curves = await Promise.all(x.architectures.map((a) => (a.jobId
      ? getJson(`api/v1/jobs/${encodeURIComponent(a.jobId)}/metrics`).then((m) => m.epochs).catch(() => [])
      : Promise.resolve([]))));
    showProblem($('#exp-detail-problem'), null);
  } catch (e) {
    showProblem($('#exp-detail-problem'), e);
    return;
  }
  if (openId !== id) return;
  if (!datasetNames.has(x.datasetId)) {
    try {
      datasetNames.set(x.datasetId, (await getJson(`api/v1/datasets/${encodeURIComponent(x.datasetId)}`)).name);
    } catch (e) {
      datasetNames.set(x.datasetId, x.datasetId); // deleted since: the id is all there is
    }
  }
  if (lastState && lastState !== x.state) loadList(); // the list shows the end at once
  lastState = x.state;
  $('#exp-title').textContent = x.name || `Experiment ${x.id}`;
  const done = x.architectures.reduce((s, a) => s + a.epochsDone, 0);
  const planned = x.architectures.reduce((s, a) => s + a.epochs, 0);
  $('#exp-state').textContent = `${x.state} · ${done}/${planned} epochs · dataset ${datasetNames.get(x.datasetId)} · device ${x.device}`;
  $('#exp-cancel').hidden = !(can('trainer') && x.state === 'RUNNING');
  const names = x.architectures.map((a) => a.name + (a.transform ? ` (${a.transform})` : ''));

  const maxEpoch = Math.max(1, ...curves.map((c) => c.length ? Math.max(...c.map((e) => e.epoch)) : 0));
  const xs = Array.from({ length: maxEpoch }, (_, i) => i + 1);
  lineChart($('#exp-chart-epochs'), {
    xLabel: 'epoch', yLabel: 'val accuracy', yRange: [0, 1],
    data: [xs, ...curves.map((c) => xs.map((ep) => c.find((e) => e.epoch === ep)?.valAccuracy ?? null))],
    series: names.map((n) => ({ label: n })),
  });
  const best = (a) => a.bestValAccuracy ?? a.testAccuracy ?? null;
  scatterChart($('#exp-chart-params'), {
    xLabel: 'trainable parameters', yLabel: 'best val accuracy',
    points: x.architectures.map((a, i) => ({ label: names[i], x: a.parameters, y: best(a) })),
  });
  scatterChart($('#exp-chart-macs'), {
    xLabel: 'MACs per image', yLabel: 'best val accuracy',
    points: x.architectures.map((a, i) => ({ label: names[i], x: a.macs, y: best(a) })),
  });
  detail.dataset.points = String(curves.reduce((s, c) => s + c.length, 0));
  detail.dataset.state = x.state;

  const body = clear($('#exp-results tbody'));
  x.architectures.forEach((a) => body.append(el('tr', {},
    el('td', { text: a.name }), el('td', { text: a.transform || '' }),
    el('td', { class: 'num', text: fmt.int(a.parameters) }), el('td', { class: 'num', text: `×${a.parameterRatio.toFixed(3)}` }),
    el('td', { class: 'num', text: fmt.si(a.macs) }), el('td', { class: 'mono', text: fmt.shape(a.receptiveField) }),
    el('td', {}, stateBadge(a.state), a.error ? ` ${a.error}` : ''),
    el('td', { class: 'num', text: `${a.epochsDone}/${a.epochs}` }),
    el('td', { class: 'num', text: `${fmt.pct(a.bestValAccuracy)}${a.bestEpoch ? ` (ep. ${a.bestEpoch})` : ''}` }),
    el('td', { class: 'num', text: fmt.pct(a.finalValAccuracy) }), el('td', { class: 'num', text: fmt.pct(a.testAccuracy) }),
    el('td', { class: 'num', text: fmt.num(a.secondsPerEpoch, 1) }), el('td', { class: 'num', text: fmt.si(a.imagesPerSecond) }))));
  if (shown && x.state === 'RUNNING') timer = setTimeout(() => openExperiment(id), 3000);
}

async function cancel() {
  if (!openId) return;
  await request('POST', `api/v1/experiments/${encodeURIComponent(openId)}/cancel`);
  await openExperiment(openId);
  await loadList();
}
