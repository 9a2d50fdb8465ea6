/* Shared by the diagram and form editors: lint ("Kontrollera") and deploy through the JSON API, Swedish problems. */
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

export async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json', 'x-csrf-token': csrf() } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  let json = {};
  try { json = await res.json(); } catch { /* not JSON: status says enough */ }
  return { status: res.status, json };
}

export function say(text, kind) {
  const status = document.getElementById('status');
  status.textContent = text;
  status.className = kind || '';
}

const LABEL = { error: 'Fel', warn: 'Varning', info: 'Info' };

/** Lists the problems (errors first); `onPick(problem)` shows the element a problem names. */
export function showProblems(problems, onPick) {
  const list = document.getElementById('problems');
  list.textContent = '';
  const sorted = [...problems].sort((a, b) => (a.category === 'error' ? 0 : 1) - (b.category === 'error' ? 0 : 1));
  for (const p of sorted) {
    const li = document.createElement('li');
    li.className = p.category;
    const strong = document.createElement('strong');
    strong.textContent = `${LABEL[p.category] || p.category}: `;
    li.append(strong, document.createTextNode(p.messageSv));
    if (p.elementId && onPick) {
      const a = document.createElement('button');
      a.type = 'button';
      a.className = 'link';
      a.textContent = 'Visa';
      a.addEventListener('click', () => onPick(p));
      li.append(' ', a);
    }
    list.append(li);
  }
}

export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Wires "Kontrollera" and "Driftsätt": `content()` gives the current file, `onProblems` marks them in the editor,
 * `after(deployed)` runs when the deployment went through.
 */
export function wireDeploy({ kind, id, content, onProblems, after }) {
  const form = document.getElementById('deploy');
  const button = document.getElementById('deploy-button');
  async function check() {
    say('Kontrollerar …');
    const { status, json } = await api('POST', '/api/modellering/kontroll', { kind, id, content: await content() });
    if (status !== 200) { say(json.error || `Kontrollen misslyckades (HTTP ${status}).`, 'error'); return false; }
    onProblems(json.problems);
    const errors = json.problems.filter((p) => p.category === 'error').length;
    say(errors ? `${errors} fel måste rättas innan ${kind === 'bpmn' ? 'processen' : 'formuläret'} kan driftsättas.` : json.problems.length ? 'Inga fel, bara varningar. Du kan driftsätta.' : 'Inga fel. Du kan driftsätta.', errors ? 'error' : 'ok');
    return errors === 0;
  }
  document.getElementById('check').addEventListener('click', () => { check().catch((e) => say(`Kontrollen misslyckades: ${e.message}`, 'error')); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      say('Kontrollerar och driftsätter …');
      const body = { kind, id, content: await content(), versionTag: form.versionTag.value.trim(), note: form.note.value.trim() };
      const { status, json } = await api('POST', '/api/modellering/driftsattning', body);
      if (json.problems) onProblems(json.problems);
      if (status !== 201) { say(json.error || `Driftsättningen misslyckades (HTTP ${status}).`, 'error'); return; }
      say(`Version ${json.deployed.version} är driftsatt.`, 'ok');
      after(json.deployed);
    } catch (e) {
      say(`Driftsättningen misslyckades: ${e.message}. Ingenting har ändrats; försök igen.`, 'error');
    } finally {
      button.disabled = false;
    }
  });
}
