/* Two deployed versions side by side, with what changed (bpmn-js-differ) marked and listed in Swedish. */
import NavigatedViewer from 'camunda-bpmn-js/lib/camunda-cloud/NavigatedViewer';
import 'camunda-bpmn-js/dist/assets/camunda-cloud-navigated-viewer.css';
import { diff } from 'bpmn-js-differ';
import { api } from './common.js';

const { a, b } = document.body.dataset;
const viewerA = new NavigatedViewer({ container: '#canvas-a' });
const viewerB = new NavigatedViewer({ container: '#canvas-b' });
const nameOf = (el) => (el && (el.name || el.id)) || '';
const KIND = { added: 'Tillagt', removed: 'Borttaget', changed: 'Ändrat', layout: 'Flyttat' };

async function load(viewer, key) {
  const { status, json } = await api('GET', `/api/modellering/versioner/${encodeURIComponent(key)}/xml`);
  if (status !== 200) throw new Error(json.error || `HTTP ${status}`);
  await viewer.importXML(json.xml);
  viewer.get('canvas').zoom('fit-viewport');
}

function mark(viewer, id, cls) {
  if (viewer.get('elementRegistry').get(id)) viewer.get('canvas').addMarker(id, cls);
}

async function main() {
  await Promise.all([load(viewerA, a), load(viewerB, b)]);
  const result = diff(viewerA.getDefinitions(), viewerB.getDefinitions());
  const rows = [];
  for (const [id, el] of Object.entries(result._added)) { mark(viewerB, id, 'diff-added'); rows.push(['added', id, nameOf(el)]); }
  for (const [id, el] of Object.entries(result._removed)) { mark(viewerA, id, 'diff-removed'); rows.push(['removed', id, nameOf(el)]); }
  // old and new values are read from each version's own element, not from the differ's delta
  const bo = (viewer, id) => viewer.get('elementRegistry').get(id)?.businessObject;
  const show = (v) => (v === undefined || v === null ? '' : typeof v === 'object' ? '…' : String(v));
  for (const [id, change] of Object.entries(result._changed)) {
    mark(viewerA, id, 'diff-changed'); mark(viewerB, id, 'diff-changed');
    const attrs = Object.keys(change.attrs || {}).map((k) => {
      const before = bo(viewerA, id)?.get?.(k.split(/[.[]/)[0]);
      const after = bo(viewerB, id)?.get?.(k.split(/[.[]/)[0]);
      return typeof before === 'object' || typeof after === 'object' ? `${k} ändrat` : `${k}: ”${show(before)}” → ”${show(after)}”`;
    }).join(', ');
    rows.push(['changed', id, `${nameOf(change.model)}${attrs ? ` (${attrs})` : ''}`]);
  }
  for (const [id, el] of Object.entries(result._layoutChanged)) { mark(viewerA, id, 'diff-layout'); mark(viewerB, id, 'diff-layout'); rows.push(['layout', id, nameOf(el)]); }
  const list = document.getElementById('changes');
  for (const [kind, id, text] of rows) {
    const li = document.createElement('li');
    li.className = kind;
    li.textContent = `${KIND[kind]}: ${text} (${id})`;
    list.append(li);
  }
  document.getElementById('summary').textContent = rows.length ? `${rows.length} skillnader mellan versionerna.` : 'Versionerna är likadana.';
  document.body.dataset.ready = 'true';
}
main().catch((e) => { document.getElementById('summary').textContent = `Versionerna kunde inte jämföras: ${e.message}`; });
