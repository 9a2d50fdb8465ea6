/* The Camunda form editor (@bpmn-io/form-js-editor) on /modellering/formular/:id. */
import { FormEditor } from '@bpmn-io/form-js-editor';
import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';
import { api, download, say, showProblems, wireDeploy } from './common.js';
import { swedishFormEditor } from './form-sv.js';

const { id } = document.body.dataset;
const container = document.getElementById('form-editor');
const editor = new FormEditor({ container });
swedishFormEditor(container);
window.vkFormEditor = editor;

const content = async () => JSON.stringify(editor.saveSchema(), null, 2);

async function open() {
  const { status, json } = await api('GET', `/api/modellering/formular/${encodeURIComponent(id)}`);
  if (status !== 200) { say(json.error || `Formuläret kunde inte hämtas (HTTP ${status}).`, 'error'); return; }
  await editor.importSchema(JSON.parse(json.content));
  document.body.dataset.ready = 'true';
}

wireDeploy({
  kind: 'form', id, content, onProblems: (problems) => showProblems(problems),
  after: () => { window.location.href = `/modellering/formular/${encodeURIComponent(id)}?driftsatt=1`; },
});
document.getElementById('download-edited').addEventListener('click', async (ev) => {
  ev.preventDefault();
  download(`${id}.form`, 'application/json', await content());
});
open().catch((e) => say(`Formuläret kunde inte öppnas: ${e.message}`, 'error'));
