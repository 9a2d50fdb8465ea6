import type { SessionUser } from '../auth/user';
import { fmtDate, html, page, raw } from '../html';
import type { FormSummary, ProcessVersion } from './service';

interface Ctx { user: SessionUser; csrf: string }

const BUNDLE = '/static/modeler';
/** Who deployed, in words: a user id, `npm start` (the repository's files) or `npm run deploy` by an OS user. */
const who = (v: { deployedBy?: string }) => {
  const d = v.deployedBy;
  if (!d) return 'okänt (driftsatt utanför Vårdkedjan)';
  if (d === 'npm-start') return 'npm start (filerna i förrådet)';
  return d.startsWith('cli:') ? `npm run deploy (${d.slice(4)})` : d;
};
const tag = (v: ProcessVersion) => (v.versionTag ? html` <span class="tag">${v.versionTag}</span>` : '');

export function overviewPage(ctx: Ctx, processes: ProcessVersion[], forms: FormSummary[]): string {
  return page({ title: 'Modellering', user: ctx.user, csrf: ctx.csrf, styles: [`${BUNDLE}/modeler.css`] }, html`
    <h1>Modellering för processägare</h1>
    <p class="hint">Här ändrar du de driftsatta processerna och formulären. Varje ändring kontrolleras med samma regler som
    Camunda Modeler innan den driftsätts som en ny version. Pågående ärenden fortsätter på den version de startade på;
    nya ärenden startar på den senaste. Ladda ner filen efteråt och lämna den till den som förvaltar <code>bpmn/</code>
    och <code>forms/</code>, annars skriver nästa driftsättning från förrådet över din ändring.</p>
    <details class="guide"><summary>Vad kan jag ändra själv?</summary>
      <ul>
        <li><strong>Själv:</strong> namn på steg och händelser, kandidatgrupper (vem som får uppgiften), formulärens fält och texter,
        tidsgränser som är uttryck i diagrammet. Tidsfrister som räknas ut av jobbet <code>vk.deadline.calculate</code> ändras i
        <code>config/deadlines.json</code>.</li>
        <li><strong>Med utvecklare:</strong> nya jobbtyper (tjänsteuppgifter med en ny typ), nya meddelanden mellan processer,
        nya processvariabler som andra delar läser.</li>
        <li>Prova först på den inbyggda motorn med tidsresa, se <code>docs/processagare.md</code>.</li>
      </ul>
    </details>
    <h2>Processer</h2>
    <table class="list"><thead><tr><th>Process</th><th>Id</th><th>Senaste version</th><th>Driftsatt av</th><th></th></tr></thead><tbody>
    ${processes.map((p) => html`<tr>
      <td>${p.name}</td><td><code>${p.processDefinitionId}</code></td><td>${p.version}${tag(p)}</td>
      <td>${who(p)}${p.deployedAt ? html`, ${fmtDate(p.deployedAt)}` : ''}</td>
      <td><a class="button" href="/modellering/processer/${encodeURIComponent(p.processDefinitionId)}">Öppna i modelleraren</a>
      <a href="/modellering/processer/${encodeURIComponent(p.processDefinitionId)}/jamfor">Jämför versioner</a></td></tr>`)}
    </tbody></table>
    ${processes.length === 0 ? html`<p>Inga processer är driftsatta ännu. Kör <code>npm run deploy</code> först.</p>` : ''}
    <h2>Formulär</h2>
    <table class="list"><thead><tr><th>Formulär-id</th><th>Senast</th><th></th></tr></thead><tbody>
    ${forms.map((f) => html`<tr><td><code>${f.formId}</code></td>
      <td>${f.source === 'modeler' ? html`version ${f.version}, ${who(f)}, ${fmtDate(f.deployedAt)}` : 'som i forms/ (driftsatt med npm start eller npm run deploy)'}</td>
      <td><a class="button" href="/modellering/formular/${encodeURIComponent(f.formId)}">Öppna i formulärredigeraren</a></td></tr>`)}
    </tbody></table>`);
}

const deployForm = (kind: 'bpmn' | 'form') => html`
  <form id="deploy" class="deploy" novalidate>
    <label>Versionsetikett <input name="versionTag" id="versionTag" placeholder="t.ex. 2026-12-ny-rubrik" maxlength="64" autocomplete="off"></label>
    <label>Varför ändras ${kind === 'bpmn' ? 'processen' : 'formuläret'}? <input name="note" id="note" required maxlength="500" placeholder="t.ex. Tydligare namn på planeringssteget"></label>
    <button type="button" id="check" class="secondary">Kontrollera</button>
    <button type="submit" id="deploy-button">Driftsätt ny version</button>
  </form>
  <div id="status" role="status" aria-live="polite"></div>
  <ul id="problems" class="problems"></ul>`;

export function processEditorPage(ctx: Ctx, current: ProcessVersion, versions: ProcessVersion[], justDeployed: boolean): string {
  const latest = versions[0];
  return page({
    title: `Modellera ${current.name}`, user: ctx.user, csrf: ctx.csrf, styles: [`${BUNDLE}/bpmn-editor.css`, `${BUNDLE}/modeler.css`], scripts: [`${BUNDLE}/bpmn-editor.js`],
    flash: justDeployed ? `Version ${latest.version} är driftsatt. Nya ärenden startar på den; pågående ärenden fortsätter på sin version.` : undefined,
    bodyData: { kind: 'bpmn', id: current.processDefinitionId, key: current.key },
  }, html`
    <p><a href="/modellering">← Alla processer och formulär</a></p>
    <h1>${current.name} <small>version ${current.version}${tag(current)}${current.key !== latest.key ? html` (äldre version – senaste är ${latest.version})` : ''}</small></h1>
    ${deployForm('bpmn')}
    <p class="downloads"><a href="/modellering/versioner/${current.key}/ladda-ner" id="download-deployed">Ladda ner driftsatt fil (version ${current.version})</a>
      · <a href="#" id="download-edited">Ladda ner ändrad fil</a></p>
    <div class="modeler"><div id="canvas" class="canvas" aria-label="Processdiagram"></div><div id="properties" class="properties"></div></div>
    <h2>Driftsatta versioner</h2>
    ${versionTable(current.processDefinitionId, versions, current.key)}`);
}

function versionTable(id: string, versions: ProcessVersion[], currentKey?: string) {
  const latest = versions[0];
  return html`<table class="list" id="versions"><thead><tr><th>Version</th><th>Driftsatt av</th><th>När</th><th>Varför</th><th>Pågående ärenden</th><th></th></tr></thead><tbody>
    ${versions.map((v) => html`<tr data-version="${v.version}"${v.key === currentKey ? raw(' class="current"') : ''}>
      <td>${v.version}${tag(v)}</td><td>${who(v)}</td><td>${v.deployedAt ? fmtDate(v.deployedAt) : '–'}</td><td>${v.note ?? '–'}</td><td>${v.activeInstances}</td>
      <td><a href="/modellering/processer/${encodeURIComponent(id)}?version=${v.key}">Öppna</a>
      · <a href="/modellering/versioner/${v.key}/ladda-ner">Ladda ner</a>
      ${v.key !== latest.key ? html`· <a href="/modellering/processer/${encodeURIComponent(id)}/jamfor?a=${v.key}&amp;b=${latest.key}">Jämför med senaste</a>` : ''}</td></tr>`)}
  </tbody></table>`;
}

export function diffPage(ctx: Ctx, id: string, versions: ProcessVersion[], a: string, b: string): string {
  const va = versions.find((v) => v.key === a)!;
  const vb = versions.find((v) => v.key === b)!;
  const options = (sel: string) => versions.map((v) => html`<option value="${v.key}" ${v.key === sel ? 'selected' : ''}>version ${v.version}${v.versionTag ? ` (${v.versionTag})` : ''}</option>`);
  return page({
    title: `Jämför versioner av ${va.name}`, user: ctx.user, csrf: ctx.csrf, styles: [`${BUNDLE}/diff.css`, `${BUNDLE}/modeler.css`], scripts: [`${BUNDLE}/diff.js`],
    bodyData: { a, b },
  }, html`
    <p><a href="/modellering/processer/${encodeURIComponent(id)}">← Till modelleraren</a></p>
    <h1>Jämför versioner av ${va.name}</h1>
    <form method="get" class="filters">
      <label>Från <select name="a">${options(a)}</select></label>
      <label>Till <select name="b">${options(b)}</select></label>
      <button>Jämför</button>
    </form>
    <p class="legend"><span class="added">tillagt</span> <span class="removed">borttaget</span> <span class="changed">ändrat</span> <span class="layout">flyttat</span></p>
    <div id="summary" role="status"></div>
    <ul id="changes" class="changes"></ul>
    <div class="diff"><figure><figcaption>Version ${va.version}</figcaption><div id="canvas-a" class="canvas"></div></figure>
      <figure><figcaption>Version ${vb.version}</figcaption><div id="canvas-b" class="canvas"></div></figure></div>`);
}

export function formEditorPage(ctx: Ctx, form: { formId: string; source: string; version?: number }, justDeployed: boolean): string {
  return page({
    title: `Redigera formulär ${form.formId}`, user: ctx.user, csrf: ctx.csrf, styles: [`${BUNDLE}/form-editor.css`, `${BUNDLE}/modeler.css`], scripts: [`${BUNDLE}/form-editor.js`],
    flash: justDeployed ? 'Formuläret är driftsatt som en ny version. Uppgifter som skapas härefter visar det.' : undefined,
    bodyData: { kind: 'form', id: form.formId },
  }, html`
    <p><a href="/modellering">← Alla processer och formulär</a></p>
    <h1>Formulär <code>${form.formId}</code> <small>${form.source === 'engine' ? `version ${form.version} som motorn visar den` : form.source === 'modeler' ? `version ${form.version}, senast driftsatt härifrån` : 'som i forms/'}</small></h1>
    ${deployForm('form')}
    <p class="downloads"><a href="/modellering/formular/${encodeURIComponent(form.formId)}/ladda-ner">Ladda ner senast driftsatt fil</a> · <a href="#" id="download-edited">Ladda ner ändrad fil</a></p>
    <div id="form-editor" class="form-editor"></div>`);
}
