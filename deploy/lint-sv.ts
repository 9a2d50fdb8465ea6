/**
 * Swedish lint messages for process owners (the modeler in the web app shows these; the CLI prints the English
 * originals next to the rule name). bpmnlint and camunda-compat report in English with structured `data` (error type,
 * element, property); we phrase from that structure, so a rule's wording change upstream does not break the text, and
 * fall back to naming the rule and quoting the English message when a report has no structure we know.
 */

/** Swedish names of the BPMN element types process owners meet in these diagrams. */
const ELEMENT_SV: Record<string, string> = {
  'bpmn:Process': 'processen', 'bpmn:StartEvent': 'starthändelsen', 'bpmn:EndEvent': 'sluthändelsen',
  'bpmn:UserTask': 'användaruppgiften', 'bpmn:ServiceTask': 'tjänsteuppgiften', 'bpmn:SendTask': 'skickauppgiften',
  'bpmn:ReceiveTask': 'mottagningsuppgiften', 'bpmn:ScriptTask': 'skriptuppgiften', 'bpmn:BusinessRuleTask': 'regeluppgiften',
  'bpmn:Task': 'uppgiften', 'bpmn:ManualTask': 'den manuella uppgiften', 'bpmn:CallActivity': 'anropsaktiviteten',
  'bpmn:SubProcess': 'underprocessen', 'bpmn:ExclusiveGateway': 'XOR-grinden', 'bpmn:ParallelGateway': 'den parallella grinden',
  'bpmn:InclusiveGateway': 'OR-grinden', 'bpmn:EventBasedGateway': 'den händelsebaserade grinden', 'bpmn:ComplexGateway': 'den komplexa grinden',
  'bpmn:IntermediateCatchEvent': 'mellanhändelsen', 'bpmn:IntermediateThrowEvent': 'mellanhändelsen', 'bpmn:BoundaryEvent': 'gränshändelsen',
  'bpmn:SequenceFlow': 'flödespilen', 'bpmn:Message': 'meddelandet', 'bpmn:Error': 'felet', 'bpmn:Signal': 'signalen',
  'bpmn:TimerEventDefinition': 'timern', 'bpmn:MessageEventDefinition': 'meddelandehändelsen', 'bpmn:ErrorEventDefinition': 'felhändelsen',
};

/** Swedish names of the properties the Camunda rules require, as the properties panel groups them. */
const PROPERTY_SV: Record<string, string> = {
  'zeebe:TaskDefinition': 'jobbtyp (Task definition)', type: 'typ', formId: 'formulär-id (Form ID)', formKey: 'formulärnyckel',
  'zeebe:FormDefinition': 'formulär (Form)', 'zeebe:UserTask': 'Camunda-användaruppgift (zeebe:userTask)',
  'zeebe:CalledElement': 'anropad process (Called element)', processId: 'process-id', messageRef: 'meddelande', name: 'namn',
  correlationKey: 'korrelationsnyckel (Correlation key)', 'zeebe:Subscription': 'prenumeration (Subscription)',
  errorRef: 'felreferens', errorCode: 'felkod', conditionExpression: 'villkor (Condition expression)', timeDuration: 'varaktighet',
  timeDate: 'datum', timeCycle: 'upprepning', isExecutable: 'körbar (Executable)', candidateGroups: 'kandidatgrupper',
  dueDate: 'förfallodatum', followUpDate: 'uppföljningsdatum', source: 'källa', target: 'mål', inputCollection: 'indatasamling',
  'zeebe:LoopCharacteristics': 'flerinstansinställningar', 'zeebe:VersionTag': 'versionsetikett', value: 'värde',
};

/** Core bpmnlint rules (recommended), by rule name. */
const RULE_SV: Record<string, string> = {
  'no-disconnected': 'är inte kopplad till något flöde. Dra en flödespil till och från elementet eller ta bort det.',
  'label-required': 'saknar namn. Ge elementet ett namn som beskriver steget.',
  'start-event-required': 'saknar starthändelse. Lägg till en starthändelse.',
  'end-event-required': 'saknar sluthändelse. Lägg till en sluthändelse.',
  'no-implicit-split': 'har flera utgående flöden utan grind. Lägg in en grind (XOR eller parallell) så att förgreningen syns.',
  'no-implicit-end': 'slutar utan sluthändelse. Koppla elementet till en sluthändelse.',
  'no-implicit-start': 'startar utan starthändelse. Koppla en starthändelse till elementet.',
  'fake-join': 'har flera inkommande flöden utan grind. Lägg in en grind som slår ihop flödena.',
  'superfluous-gateway': 'är en grind med bara ett in- och ett utgående flöde. Ta bort grinden.',
  'no-duplicate-sequence-flows': 'har dubbla flödespilar mellan samma element. Ta bort den ena.',
  'conditional-flows': 'har ett utgående flöde utan villkor. Ange ett villkor eller markera flödet som standardflöde.',
  'single-blank-start-event': 'har fler än en starthändelse utan typ. Behåll en eller ge de andra en typ (t.ex. timer eller meddelande).',
  'single-event-definition': 'har mer än en händelsedefinition. Behåll en.',
  'no-gateway-join-fork': 'både slår ihop och förgrenar flöden i samma grind. Dela upp i två grindar.',
  'no-complex-gateway': 'är en komplex grind, som inte stöds. Använd en XOR- eller parallell grind.',
  'no-inclusive-gateway': 'är en OR-grind, som inte stöds här. Använd en XOR- eller parallell grind.',
  'no-overlapping-elements': 'överlappar ett annat element. Flytta isär dem.',
  'no-bpmndi': 'saknar ritning (diagraminformation). Öppna och spara diagrammet i en modellerare.',
  'superfluous-termination': 'har en avslutande sluthändelse som inte behövs. Använd en vanlig sluthändelse.',
  'event-sub-process-typed-start-event': 'är en händelseunderprocess vars starthändelse saknar typ. Ge starthändelsen en typ.',
  'sub-process-blank-start-event': 'är en underprocess vars starthändelse har en typ. Använd en starthändelse utan typ.',
  'link-event': 'har en länkhändelse utan motsvarighet. Ge länkhändelserna samma namn i par.',
};

interface ReportLike { id?: string; message: string; category: string; data?: Record<string, unknown> }

const typeOf = (node: unknown): string | undefined => (node as { $type?: string } | undefined)?.$type;
const labelOf = (node: unknown): string | undefined => {
  const n = node as { name?: string; id?: string } | undefined;
  return n?.name ? `”${n.name}”` : n?.id ? `(${n.id})` : undefined;
};
const propSv = (p: unknown) => (typeof p === 'string' ? PROPERTY_SV[p] ?? p : typeOf(p) ? PROPERTY_SV[typeOf(p)!] ?? typeOf(p)! : 'en egenskap');

/** The element a report is about, in Swedish: "användaruppgiften ”Bedöm remissen”". */
function subject(report: ReportLike, element?: { $type?: string; name?: string }): string {
  const node = (report.data?.parentNode ?? report.data?.node ?? element) as { $type?: string; name?: string } | undefined;
  const type = typeOf(node) ?? element?.$type;
  const what = (type && ELEMENT_SV[type]) ?? 'elementet';
  const label = labelOf(node) ?? (report.id ? `(${report.id})` : '');
  return `${what[0].toUpperCase()}${what.slice(1)}${label ? ' ' + label : ''}`;
}

/**
 * A Swedish message for one bpmnlint report. `element` is the moddle element the report names (for its type and
 * name when the report carries no structured data).
 */
export function swedishBpmnMessage(rule: string, report: ReportLike, element?: { $type?: string; name?: string }): string {
  const s = subject(report, element);
  const short = rule.replace(/^camunda-compat\//, '');
  if (RULE_SV[short]) return `${s} ${RULE_SV[short]}`;
  const d = report.data ?? {};
  switch (d.type) {
    case 'camunda.propertyValueRequired':
      return d.property === 'isExecutable'
        ? `${s} måste vara markerad som körbar (Executable) i egenskapspanelen.`
        : `${s} har fel värde i ${propSv(d.property)}. Rätta det i egenskapspanelen.`;
    case 'camunda.propertyRequired':
    case 'camunda.extensionElementRequired':
    case 'camunda.childElementOfTypeRequired':
      return `${s} saknar ${propSv(d.requiredProperty ?? d.requiredExtensionElement ?? d.property ?? d.allowedPropertyValues ?? d.childElementType)}. Fyll i det i egenskapspanelen.`;
    case 'camunda.propertyDependentRequired':
      return `${s}: när ${propSv(d.property)} är ifyllt måste även ${propSv(d.dependentRequiredProperty)} fyllas i.`;
    case 'camunda.propertyNotAllowed':
    case 'camunda.extensionElementNotAllowed':
      return `${s} har ${propSv(d.property ?? d.extensionElement)}, som inte stöds i Camunda 8.8. Ta bort det.`;
    case 'camunda.propertyValueNotAllowed':
      return `${s} har ett värde i ${propSv(d.property)} som inte stöds i Camunda 8.8. Välj ett annat värde.`;
    case 'camunda.elementTypeNotAllowed':
    case 'camunda.childElementTypeNotAllowed':
      return `${s} är en elementtyp som inte stöds i Camunda 8.8. Ersätt elementet med en typ som stöds.`;
    case 'camunda.propertyValueDuplicated':
    case 'camunda.propertiesValuesDuplicated':
    case 'camunda.elementPropertyValueDuplicated':
      return `${s} har samma värde${d.duplicatedPropertyValue ? ` (${String(d.duplicatedPropertyValue)})` : ''} på två ställen. Varje värde får bara förekomma en gång.`;
    case 'camunda.feelExpressionInvalid':
      return `${s} har ett FEEL-uttryck i ${propSv(d.property)} som inte går att tolka. Rätta uttrycket (börjar med =).`;
    case 'camunda.expressionRequired':
      return `${s} saknar uttryck i ${propSv(d.property)}. Fyll i det i egenskapspanelen.`;
    case 'camunda.expressionValueNotAllowed':
    case 'camunda.expressionNotAllowed':
      return `${s} har ett uttryck i ${propSv(d.property)} som inte är tillåtet. Rätta det i egenskapspanelen.`;
    case 'camunda.eventBasedGatewayTargetNotAllowed':
      return `${s}: efter en händelsebaserad grind får bara mellanhändelser eller mottagningsuppgifter följa.`;
    case 'camunda.loopNotAllowed':
      return `${s} ingår i en slinga utan väntesteg, som Camunda 8.8 inte kör. Lägg in ett väntesteg eller bryt slingan.`;
    case 'camunda.elementCollapsedNotAllowed':
      return `${s} är hopfälld, vilket inte stöds. Fäll ut underprocessen.`;
    default:
      return `${s}: ${report.message} (regel ${rule}).`;
  }
}

/** Swedish messages for @camunda/form-linting reports (which name the field by id/label). */
export function swedishFormMessage(report: { id?: string; label?: string; message: string }): string {
  const field = report.label ? `Fältet ”${report.label}”` : report.id ? `Fältet (${report.id})` : 'Formuläret';
  const m = report.message;
  let r: RegExpExecArray | null;
  if ((r = /^An? <(.+?)> is not supported by/.exec(m))) return `${field} är av typen ${r[1]}, som inte stöds i Camunda 8.8. Välj en annan fälttyp.`;
  if (/FEEL|expression|template/i.test(m)) return `${field} har ett uttryck som inte går att tolka. Rätta uttrycket i egenskapspanelen (${m}).`;
  if (/disabled/i.test(m)) return `${field} är avstängt (disabled) och kan inte fyllas i. Använd skrivskyddat (readonly) i stället.`;
  if (/empty/i.test(m)) return `${field} har en tom lista med alternativ. Lägg till minst ett alternativ.`;
  return `${field}: ${m}`;
}
