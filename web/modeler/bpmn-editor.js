/* The Camunda 8 modeler (camunda-bpmn-js with the Zeebe properties panel) on /modellering/processer/:id. */
import Modeler from 'camunda-bpmn-js/lib/camunda-cloud/Modeler';
import 'camunda-bpmn-js/dist/assets/camunda-cloud-modeler.css';
import { translate } from './sv.js';
import { api, download, say, showProblems, wireDeploy } from './common.js';

const { id, key } = document.body.dataset;
const modeler = new Modeler({
  container: '#canvas',
  propertiesPanel: { parent: '#properties' },
  // keep the coordinates as they are: shifting the whole diagram on every save would make each version differ everywhere
  alignToOrigin: { alignOnSave: false },
  additionalModules: [{ translate: ['value', translate] }],
});
// for the browser tests (round trip, rename through the panel)
window.vkModeler = modeler;

let marked = [];
function markProblems(problems) {
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  for (const m of marked) if (registry.get(m)) canvas.removeMarker(m, 'vk-lint-error');
  marked = problems.filter((p) => p.category === 'error' && p.elementId && registry.get(p.elementId)).map((p) => p.elementId);
  for (const m of marked) canvas.addMarker(m, 'vk-lint-error');
  showProblems(problems, (p) => {
    const el = registry.get(p.elementId);
    if (el) { modeler.get('selection').select(el); canvas.scrollToElement(el); }
  });
}

const xml = async () => (await modeler.saveXML({ format: true })).xml;

async function open() {
  say('Hämtar diagrammet …');
  const { status, json } = await api('GET', `/api/modellering/versioner/${encodeURIComponent(key)}/xml`);
  if (status !== 200) { say(json.error || `Diagrammet kunde inte hämtas (HTTP ${status}).`, 'error'); return; }
  const { warnings } = await modeler.importXML(json.xml);
  const canvas = modeler.get('canvas');
  canvas.zoom('fit-viewport');
  // widen the view by the palette's width so the leftmost elements are not hidden under it
  const vb = canvas.viewbox();
  const pad = 120 / vb.scale;
  canvas.viewbox({ x: vb.x - pad, y: vb.y - pad / 4, width: vb.width + pad, height: (vb.width + pad) * (vb.height / vb.width) });
  say(warnings.length ? `Diagrammet öppnades med ${warnings.length} varningar.` : '');
  document.body.dataset.ready = 'true';
}

wireDeploy({
  kind: 'bpmn', id, content: xml, onProblems: markProblems,
  after: (d) => { window.location.href = `/modellering/processer/${encodeURIComponent(id)}?driftsatt=1&version=${encodeURIComponent(d.key)}`; },
});
document.getElementById('download-edited').addEventListener('click', async (ev) => {
  ev.preventDefault();
  download(`${id}.bpmn`, 'application/xml', await xml());
});
open().catch((e) => say(`Diagrammet kunde inte öppnas: ${e.message}`, 'error'));
