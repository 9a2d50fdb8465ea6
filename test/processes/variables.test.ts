/**
 * Consistency between diagrams and forms: every variable a gateway condition (or a FEEL expression on a flow, timer,
 * due date or mapping) reads is produced somewhere – a form key of a form linked in the same diagram, a documented
 * start variable, a job output from workers/JOB_TYPES.md, or a mapping target. Catches typos such as a condition on
 * `klientIntreserad` when the form writes `klientIntresserad`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';

const START_VARS: Record<string, string[]> = {
  'vk-vardkedjeremiss': ['referralDate', 'remissmoteSlaDagar'],
  'vk-kontaktbegaran': ['requestDate', 'kontaktbegaranSvarstid'],
  'vk-placeringsforfragan': ['beslutForeRemissgrupp', 'remissgruppSvarstid'],
  // flyttGenomford/toHome: read from the called vk-flytt-ekeliden-novus in the call activity's output mapping
  'vk-under-placering': ['home', 'admissionDate', 'moveDate', 'contactDuringStay', 'utflyttDate', 'flyttGenomford', 'toHome'],
  'vk-flytt-ekeliden-novus': ['fromHome', 'moveDate', 'contactDuringStay', 'barn', 'flyttMoteForskott', 'flyttMoteForskottUtanKontakt'],
  'vk-infor-hemflytt': ['home', 'utflyttDate', 'barn', 'hemflyttSipForskott'],
  'vk-sip': ['isChild', 'sipMoteDeadline', 'sipMoteDeadlineReminder', 'sipStartTid', 'sipUppfoljningIntervall', 'sipAnledning', 'withdrawnAt', 'consentId', 'consentValidUntil', 'sipRegionGrupp'],
  'vk-planeringsdagar': [],
  'vk-placeringsfrister': ['placeringStart', 'admissionDate', 'placeringsgrund', 'akutPlacering', 'omprovningIntervall', 'lvmMaxTid', 'akutTid', 'kostnadsfordelningAkutTid'],
};
const COMMON = ['caseRef', 'kommun', 'skyddsbedomningTid'];
const JOB_OUTPUTS = ['placeAvailable', 'queuePriority', 'queuePosition', 'admittedAt', 'consentId', 'consentValidUntil', 'consentWithdrawn', 'psykiatriEnheter', 'psykiatriEnhetNamn', 'drogfrihetsenhet'];
const FEEL_WORDS = new Set(['if', 'then', 'else', 'and', 'or', 'not', 'null', 'true', 'false', 'in', 'duration', 'string', 'today', 'now', 'date', 'time', 'append', 'year', 'R', 'P1D', 'item', 'for', 'return', 'count', 'list', 'contains', 'some', 'every', 'satisfies', 'distinct', 'values', 'concatenate', 'get', 'value', 'join']);

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
function identifiers(feel: string): string[] {
  const bound = new Set<string>();
  let noStrings = feel.replace(/"[^"]*"/g, '""').replace(/[A-Za-z_][A-Za-z0-9_]*\s*:/g, ''); // strings and context keys
  // A path after an index (`list[1].name`) names a field, not a variable.
  noStrings = noStrings.replace(/\]\.[A-Za-z_][A-Za-z0-9_]*/g, ']');
  // Names bound by `for x in` / `some x in` / `every x in` are local to the expression.
  for (const m of noStrings.matchAll(/\b(?:for|some|every)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) bound.add(m[1]);
  const ids = noStrings.match(/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/g) ?? [];
  return ids.map((i) => i.split('.')[0]).filter((i) => !FEEL_WORDS.has(i) && !bound.has(i));
}
const formKeys = new Map<string, string[]>();
for (const f of fs.readdirSync(path.join(ROOT, 'forms')).filter((x) => x.endsWith('.form'))) {
  const json = JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', f), 'utf8'));
  formKeys.set(json.id, json.components.map((c: { key?: string }) => c.key).filter(Boolean));
}

test.each(Object.keys(START_VARS))('%s reads only variables that something produces', (id) => {
  const xml = fs.readFileSync(path.join(ROOT, 'bpmn', `${id}.bpmn`), 'utf8');
  const produced = new Set<string>([...COMMON, ...START_VARS[id], ...JOB_OUTPUTS]);
  for (const m of xml.matchAll(/formId="([^"]+)"/g)) for (const k of formKeys.get(m[1]) ?? []) produced.add(k);
  for (const m of xml.matchAll(/target="([^"]+)"/g)) produced.add(m[1].split('.')[0]);
  for (const m of xml.matchAll(/(?:inputElement|outputCollection)="([^"]+)"/g)) produced.add(m[1]);
  for (const m of xml.matchAll(/key="resultVariable" value="([^"]+)"/g)) { produced.add(m[1]); produced.add(`${m[1]}Reminder`); }
  const expressions = [
    ...[...xml.matchAll(/<bpmn:conditionExpression[^>]*>([^<]+)</g)].map((m) => m[1]),
    ...[...xml.matchAll(/<bpmn:time(?:Date|Cycle|Duration)[^>]*>(=[^<]+)</g)].map((m) => m[1]),
    ...[...xml.matchAll(/(?:source|dueDate|candidateGroups|inputCollection)="(=[^"]+)"/g)].map((m) => m[1]),
  ].map(unescape);
  expect(expressions.length).toBeGreaterThan(0);
  const unknown = new Set<string>();
  for (const e of expressions) for (const v of identifiers(e.slice(1))) if (!produced.has(v)) unknown.add(v);
  expect([...unknown]).toEqual([]);
});

test('the check finds a misspelled variable', () => {
  expect(identifiers('klientIntreserad = "nej" or x.y = 1')).toEqual(['klientIntreserad', 'x']);
  expect(identifiers('{form: consentForm, givenAt: "x"}')).toEqual(['consentForm']);
});
