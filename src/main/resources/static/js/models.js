// Models: the trained models with their metrics, export (fetched with the key, then saved),
// import, delete, and classify an image dropped or picked: top-k labels with probabilities.
import { request, getJson } from './api.js';
import { can, applyRoles } from './session.js';
import { $, el, clear, fmt, bar, busy, showProblem, saveBlob } from './ui.js';

let models = [];
let selected = null;
let preview = null;

export function init() {
  const zone = $('#drop-zone');
  const file = $('#classify-file');
  zone.addEventListener('click', () => file.click());
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      file.click();
    }
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) classify(f);
  });
  file.addEventListener('change', () => {
    if (file.files[0]) classify(file.files[0]);
  });
  $('#import-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy(e.submitter, $('#import-problem'), importModel);
  });
}

export async function show() {
  applyRoles($('#models'));
  await loadModels();
}

async function loadModels() {
  try {
    models = (await getJson('api/v1/models?size=100')).items;
    showProblem($('#model-table-problem'), null);
  } catch (e) {
    showProblem($('#model-table-problem'), e);
    return;
  }
  const body = clear($('#model-table tbody'));
  for (const m of models) {
    const metrics = Object.entries(m.metrics || {}).sort(([a], [b]) => rank(a) - rank(b))
      .map(([k, v]) => el('span', { class: 'metric' }, `${k} `, el('strong', { text: /accuracy/i.test(k) ? fmt.pct(v) : fmt.si(v) })));
    body.append(el('tr', { class: selected?.id === m.id ? 'selected' : '', dataset: { model: m.id } },
      el('td', {}, m.name, el('br'), el('small', { class: 'mono', text: m.id })),
      el('td', { class: 'num', text: m.classes.length }),
      el('td', { class: 'metrics' }, metrics),
      el('td', { class: 'num', text: fmt.bytes(m.artifactBytes) }),
      el('td', { class: 'actions' },
        el('button', { type: 'button', onclick: () => pick(m) }, 'Classify'),
        el('button', { type: 'button', class: 'secondary', onclick: (e) => busy(e.target, $('#model-table-problem'), () => exportModel(m)) }, 'Export'),
        can('admin') ? el('button', { type: 'button', class: 'danger', onclick: (e) => busy(e.target, $('#model-table-problem'), () => remove(m)) }, 'Delete') : null)));
  }
  if (!models.length) body.append(el('tr', {}, el('td', { colspan: '5', class: 'hint', text: 'no models yet: train a job to get one' })));
}

/** Accuracies first: what people compare models by. */
function rank(key) {
  const order = ['testAccuracy', 'valAccuracy', 'trainAccuracy', 'valLoss', 'trainLoss'];
  return order.includes(key) ? order.indexOf(key) : order.length;
}

function pick(m) {
  selected = m;
  document.querySelectorAll('#model-table tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.model === m.id));
  $('#classify-title').textContent = `Classify with ${m.name}`;
  $('#classify-empty').hidden = true;
  $('#classify-body').hidden = false;
  clear($('#predictions'));
  showProblem($('#classify-problem'), null);
  $('#drop-zone').focus();
}

async function classify(file) {
  if (!selected) return;
  const problem = $('#classify-problem');
  showProblem(problem, null);
  const out = clear($('#predictions'));
  if (preview) URL.revokeObjectURL(preview);
  preview = URL.createObjectURL(file);
  const img = $('#classify-preview');
  img.src = preview;
  img.alt = `the image being classified: ${file.name}`;
  img.hidden = false;
  const k = Math.max(1, Math.min(Number($('#classify-topk').value) || 5, selected.classes.length));
  try {
    const res = await request('POST', `api/v1/models/${encodeURIComponent(selected.id)}/predict?topK=${k}`, {
      body: file,
      type: file.type || 'application/octet-stream',
    });
    const answer = await res.json();
    for (const p of answer.predictions) {
      out.append(el('li', {}, el('span', { class: 'label', text: p.label }), bar(p.probability, 1), ` ${fmt.pct(p.probability)}`));
    }
  } catch (e) {
    showProblem(problem, e);
  }
}

async function exportModel(m) {
  const res = await request('GET', `api/v1/models/${encodeURIComponent(m.id)}/artifact`, { accept: 'application/zip' });
  const disposition = res.headers.get('Content-Disposition') || '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] || `${m.id}.zip`;
  saveBlob(await res.blob(), name);
}

async function remove(m) {
  await request('DELETE', `api/v1/models/${encodeURIComponent(m.id)}`);
  if (selected?.id === m.id) {
    selected = null;
    $('#classify-body').hidden = true;
    $('#classify-empty').hidden = false;
  }
  await loadModels();
}

async function importModel() {
  const file = $('#import-file').files[0];
  if (!file) throw { title: 'Missing', detail: 'pick a model zip' };
  const form = new FormData();
  form.append('file', file);
  const m = await (await request('POST', 'api/v1/models/import', { body: form })).json();
  $('#import-status').textContent = `imported as ${m.id}`;
  $('#import-form').reset();
  await loadModels();
}
