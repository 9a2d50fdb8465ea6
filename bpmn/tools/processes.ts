import { type FlowSpec, type NodeSpec, type ProcessSpec, cy, escalation, orosanmalan } from './dsl';

// Zeebe needs a FEEL candidate-groups expression to produce a list of strings (a plain string is an incident).
const SS = '=["socialsekreterare-" + kommun]';
const KP_HOME = '=["kontaktperson-" + home]';
const DEFAULT = (v: string, d: string) => `=if ${v} = null then "${d}" else ${v}`;

function withEsc(nodes: NodeSpec[], flows: FlowSpec[], host: { id: string; col: number; row: number }, o: Parameters<typeof escalation>[1]) {
  const e = escalation(host, o);
  nodes.push(...e.nodes);
  flows.push(...e.flows);
}

/**
 * When a process is started without its specific start variables (e.g. from the web app's "start case" button with
 * only caseRef and kommun), socialsekreteraren first completes them in a form. Shifts the rest of the diagram right.
 */
function withDetails(spec: ProcessSpec, o: { missing: string; form: string; name: string }): ProcessSpec {
  const shift = (nodes: NodeSpec[]) => { for (const n of nodes) { if (n.col >= 1) n.col += 3; if (n.kind === 'sub' || n.kind === 'evsub') shift(n.children); } };
  shift(spec.nodes);
  for (const a of spec.annotations ?? []) if (a.col >= 1) a.col += 3;
  const first = spec.flows.find((f) => f.from === 'Start')!;
  spec.nodes.push(
    { kind: 'xor', id: 'GwUppgifter', name: 'Uppgifter kompletta?', col: 1, row: 0, default: 'JoinUppgifter' },
    { kind: 'user', id: 'AngeUppgifter', name: o.name, form: o.form, groups: SS, col: 2, row: -1,
      doc: `Startad utan ${o.missing.replace(/ = null/g, '').replace(/ or /g, ', ')}: socialsekreteraren anger uppgifterna innan processen fortsätter.` },
    { kind: 'xor', id: 'JoinUppgifter', name: '', col: 3, row: 0 },
  );
  spec.flows.splice(spec.flows.indexOf(first), 1,
    { from: 'Start', to: 'GwUppgifter' },
    { from: 'GwUppgifter', to: 'AngeUppgifter', name: 'Nej', cond: `=${o.missing}` }, { from: 'GwUppgifter', to: 'JoinUppgifter', name: 'Ja' },
    { from: 'AngeUppgifter', to: 'JoinUppgifter' }, { from: 'JoinUppgifter', to: first.to });
  return spec;
}

// ---------------------------------------------------------------- 1. Vårdkedjeremiss
export function vardkedjeremiss(): ProcessSpec {
  const R = 'Rutin: vårdkedjeremiss till psykiatrin (003:1330-1390).';
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Vårdkedjeremiss inkommen', col: 0, row: 0, doc: `${R} Startvariabler: caseRef, kommun, referralDate (remissens datum; saknas det används dagens datum), valfritt remissmoteSlaDagar (ISO-period, standard P14D).` },
    { kind: 'service', id: 'BeraknaRemissmote', name: 'Beräkna senaste datum för remissmöte', type: 'vk.deadline.calculate', col: 1, row: 0,
      headers: { rule: 'remissmote', baseDateVariable: 'referralDate', resultVariable: 'remissmoteDeadline' },
      inputs: [['=if referralDate = null then string(today()) else referralDate', 'referralDate'], [DEFAULT('remissmoteSlaDagar', 'P14D'), 'deadlineOffset']],
      doc: 'Seeds anger ingen tidsgräns: gemensamt remissmöte inom remissmoteSlaDagar (standard P14D) från remissdatum är en konfigurerbar servicenivå.' },
    { kind: 'user', id: 'BedomRemiss', name: 'Bedöm remiss och identifiera berörda enheter', form: 'vk-vardkedjeremiss-bedomning', groups: 'psykiatri-remissport', col: 2, row: 0,
      doc: `${R} Remissporten läser de samlade behoven och identifierar alla enheter som behöver delta, inklusive enheten för drogfrihet när personen inte är drogfri men planerad behandling kräver det.` },
    { kind: 'xor', id: 'GwVardkedjeremiss', name: 'Vårdkedjeremiss?', col: 3, row: 0, default: 'RemissMote' },
    { kind: 'end', id: 'EndVanligRemiss', name: 'Hanteras som vanlig remiss', col: 4, row: -1 },
    { kind: 'user', id: 'RemissMote', name: 'Håll gemensamt remissmöte', form: 'vk-vardkedjeremiss-mote', groups: 'psykiatri-remissport', due: '=remissmoteDeadline', col: 4, row: 0,
      doc: `${R} Alla identifierade enheter träffas i ett gemensamt remissmöte och beslutar hur och i vilken ordning behoven tas om hand.` },
    { kind: 'user', id: 'StartaInsats', name: 'Starta insats i enheten', form: 'vk-vardkedjeremiss-insats', groups: 'psykiatri', col: 6, row: 0,
      multi: { collection: '=if drogfrihetKravs = "ja" then append(enheter, "drogfrihet") else enheter', element: 'enhet' },
      doc: `${R} Enheterna påbörjar parallellt det som inte kräver drogfrihet (en uppgift per enhet, variabeln enhet).` },
    { kind: 'end', id: 'EndKlar', name: 'Insatser påbörjade', col: 7, row: 0 },
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'BeraknaRemissmote' }, { from: 'BeraknaRemissmote', to: 'BedomRemiss' }, { from: 'BedomRemiss', to: 'GwVardkedjeremiss' },
    { from: 'GwVardkedjeremiss', to: 'EndVanligRemiss', name: 'Nej', cond: '=arVardkedjeremiss = "nej"' },
    { from: 'GwVardkedjeremiss', to: 'RemissMote', name: 'Ja' },
    { from: 'RemissMote', to: 'StartaInsats' }, { from: 'StartaInsats', to: 'EndKlar' },
  ];
  withEsc(nodes, flows, { id: 'RemissMote', col: 4, row: 0 }, { deadline: 'remissmote', dueVar: 'remissmoteDeadline', group: 'psykiatri-remissport', escalateTo: 'chef-region', routine: R });
  return {
    id: 'vk-vardkedjeremiss', name: 'Vårdkedjeremiss till psykiatrin', nodes, flows,
    doc: `${R} En remiss märkt "Vårdkedjeremiss" beskriver personens samlade behov; remissporten samlar berörda enheter till ett gemensamt remissmöte.`,
    annotations: [{ id: 'Anno_rutin', text: 'Vårdkedjeremiss (003:1328-1390). Remissmöte inom remissmoteSlaDagar (standard 14 dagar).', col: 1, row: -1, w: 240, h: 50 }],
  };
}

// ---------------------------------------------------------------- 2. Kontaktbegäran
export function kontaktbegaran(): ProcessSpec {
  const R = 'Rutin: kontaktbegäran från psykiatrin till kommunen (003:1350-1369).';
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Kontaktbegäran mottagen', col: 0, row: 0, doc: `${R} Startvariabler: caseRef, kommun, requestDate (saknas det används dagens datum); valfritt kontaktbegaranSvarstid (standard P7D).` },
    { kind: 'service', id: 'BeraknaKontakt', name: 'Beräkna senaste kontaktdatum', type: 'vk.deadline.calculate', col: 1, row: 0,
      headers: { rule: 'kontaktbegaran-kontakt', baseDateVariable: 'requestDate', resultVariable: 'kontaktDeadline' },
      inputs: [['=if requestDate = null then string(today()) else requestDate', 'requestDate'], [DEFAULT('kontaktbegaranSvarstid', 'P7D'), 'deadlineOffset']],
      doc: 'Seeds anger ingen tidsgräns; kommunen kontaktar personen inom kontaktbegaranSvarstid (standard P7D).' },
    { kind: 'user', id: 'TaKontakt', name: 'Kontakta personen och registrera ansökan', form: 'vk-kontaktbegaran-kontakt', groups: SS, due: '=kontaktDeadline', col: 2, row: 0,
      doc: `${R} Kommunen behandlar kontaktbegäran som en ansökan och tar kontakt med personen.` },
    { kind: 'xor', id: 'GwIntresserad', name: 'Vill personen ha kontakt?', col: 3, row: 0, default: 'Utred' },
    { kind: 'end', id: 'EndAvbojer', name: 'Personen avböjer', col: 4, row: -1 },
    { kind: 'user', id: 'Utred', name: 'Utred behov', form: 'vk-kontaktbegaran-utredning', groups: SS, col: 4, row: 0, doc: `${R} Utredning enligt SoL; personen kan när som helst avböja.` },
    { kind: 'boundary', id: 'Aterkallad', name: 'Personen avböjer senare', host: 'Utred', message: 'kontaktbegaran-aterkallad', offset: 0.5, col: 0, row: 0, labelSide: 'belowLeft',
      doc: 'Meddelandet "kontaktbegaran-aterkallad" (korrelation caseRef) avbryter utredningen när personen drar tillbaka sin ansökan.' },
    { kind: 'end', id: 'EndAterkallad', name: 'Ansökan återkallad', col: 4, row: 1.1 },
    { kind: 'xor', id: 'GwHeldygn', name: 'Behov av heldygnsvård?', col: 5, row: 0, default: 'EndHemmaplan' },
    { kind: 'call', id: 'Placeringsforfragan', name: 'Förfrågan om placering', processId: 'vk-placeringsforfragan', col: 6, row: 1,
      inputs: [['=caseRef', 'caseRef'], ['=kommun', 'kommun']], doc: 'Vid behov av heldygnsvård inom vårdkedjan startas förfrågan till remissgruppen (vk-placeringsforfragan).' },
    { kind: 'end', id: 'EndHemmaplan', name: 'Insatser på hemmaplan', col: 7, row: 0 },
    { kind: 'end', id: 'EndPlacering', name: 'Placeringsärende avslutat', col: 7, row: 1 },
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'BeraknaKontakt' }, { from: 'BeraknaKontakt', to: 'TaKontakt' }, { from: 'TaKontakt', to: 'GwIntresserad' },
    { from: 'GwIntresserad', to: 'EndAvbojer', name: 'Nej', cond: '=villHaKontakt = "nej"' }, { from: 'GwIntresserad', to: 'Utred', name: 'Ja' },
    { from: 'Aterkallad', to: 'EndAterkallad' },
    { from: 'Utred', to: 'GwHeldygn' },
    { from: 'GwHeldygn', to: 'Placeringsforfragan', name: 'Ja', cond: '=behovHeldygnsvard = "ja"' }, { from: 'GwHeldygn', to: 'EndHemmaplan', name: 'Nej' },
    { from: 'Placeringsforfragan', to: 'EndPlacering' },
  ];
  withEsc(nodes, flows, { id: 'TaKontakt', col: 2, row: 0 }, { deadline: 'kontaktbegaran-kontakt', dueVar: 'kontaktDeadline', group: 'socialsekreterare-{kommun}', escalateTo: 'chef-{kommun}', routine: R });
  return { id: 'vk-kontaktbegaran', name: 'Kontaktbegäran från psykiatrin', nodes, flows,
    annotations: [{ id: 'Anno_rutin', text: 'Kontaktbegäran behandlas som en ansökan; personen kan avböja när som helst (003:1350-1369).', col: 1.2, row: -1.1, w: 250, h: 50 }], doc: `${R} Inlämnad av valfri yrkesperson i regionen för personens räkning; kommunen behandlar den som en ansökan.` };
}

// ---------------------------------------------------------------- 3. Placeringsförfrågan
export function placeringsforfragan(): ProcessSpec {
  const R = 'Rutin: Inför placering (000:1369-1401) och remissgruppens arbetssätt (000:998-1006, 1129-1137).';
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Behov av heldygnsvård', col: 0, row: 0, doc: `${R} Startvariabler: caseRef, kommun; valfritt beslutForeRemissgrupp (standard false: förfrågan till remissgruppen före biståndsbeslut), remissgruppSvarstid (standard P7D).` },
    { kind: 'user', id: 'Utredning', name: 'Utred behov och klientens intresse', form: 'vk-placering-utredning', groups: SS, col: 1, row: 0,
      doc: `${R} Når: socialsekreteraren har utrett behov och kommit fram till behov av heldygnsvård inom vårdkedjan. Barn som anhöriga: fråga om personen har barn (000:2053-2114).` },
    { kind: 'xor', id: 'GwIntresserad', name: 'Klienten intresserad?', col: 2, row: 0, default: 'Uppdragsblankett' },
    { kind: 'end', id: 'EndEjIntresserad', name: 'Klienten inte intresserad', col: 3, row: -1 },
    { kind: 'user', id: 'Uppdragsblankett', name: 'Skicka uppdragsblankett till remissgruppen', form: 'vk-uppdragsblankett', groups: SS, col: 3, row: 0,
      doc: `${R} Förfrågan skickas via den gemensamma uppdragsblanketten under utredningen, före beslut om bistånd (konfigurerbart).` },
    { kind: 'service', id: 'BeraknaMatchning', name: 'Beräkna svarstid för remissgruppen', type: 'vk.deadline.calculate', col: 4, row: 0,
      headers: { rule: 'remissgrupp-matchning', baseDateVariable: 'uppdragSkickat', resultVariable: 'matchningDeadline' }, inputs: [['=string(today())', 'uppdragSkickat'], [DEFAULT('remissgruppSvarstid', 'P7D'), 'deadlineOffset']],
      doc: 'Remissgruppen träffas varje vecka (000:898-1181): svar inom remissgruppSvarstid (standard P7D).' },
    { kind: 'xor', id: 'GwOrdning', name: 'Beslut före remissgruppen?', col: 5, row: 0, default: 'JoinBeslut',
      doc: 'Om remissgruppen involveras före eller efter biståndsbeslutet är rättsligt oklart (000:1369-1401): variabeln beslutForeRemissgrupp, standard false.' },
    { kind: 'user', id: 'BeslutTidigt', name: 'Fatta biståndsbeslut', form: 'vk-bistandsbeslut', groups: SS, col: 6, row: -1,
      doc: 'Används när beslutForeRemissgrupp = true. Beslutsperiodens från-datum är beslutsdatumet oberoende av kö (000:1369-1401).' },
    { kind: 'xor', id: 'GwTidigtBifall', name: 'Beviljat?', col: 7, row: -1, default: 'JoinBeslut' },
    { kind: 'end', id: 'EndAvslagTidigt', name: 'Avslag', col: 8, row: -1.9 },
    { kind: 'xor', id: 'JoinBeslut', name: '', col: 8, row: 0 },
    { kind: 'user', id: 'Matchning', name: 'Remissgruppen matchar boende', form: 'vk-remissgrupp-matchning', groups: 'remissgruppen', due: '=matchningDeadline', col: 9, row: 0,
      doc: `${R} Remissgruppen (enhetschefer Ekeliden och Novus) matchar behov mot Ekeliden, Novus eller Ekeliden→Novus.` },
    { kind: 'xor', id: 'GwMatchat', name: 'Kan behoven mötas?', col: 10, row: 0, default: 'Studiebesok' },
    { kind: 'end', id: 'EndEjMatchat', name: 'Ej aktuellt inom vårdkedjan', col: 11, row: -1 },
    { kind: 'user', id: 'Studiebesok', name: 'Genomför studiebesök', form: 'vk-studiebesok', groups: '=["socialsekreterare-" + kommun, "kontaktperson-" + home]', col: 11, row: 0,
      doc: `${R} Studiebesök genomförs på det boende som bedöms möta individens behov.` },
    { kind: 'xor', id: 'GwStudiebesok', name: 'Positiv och behoven kan mötas?', col: 12, row: 0, default: 'GwBeslutFattat' },
    { kind: 'end', id: 'EndAvbojer', name: 'Avböjer efter studiebesök', col: 13, row: -1 },
    { kind: 'xor', id: 'GwBeslutFattat', name: 'Beslut redan fattat?', col: 13, row: 0, default: 'Beslut' },
    { kind: 'user', id: 'Beslut', name: 'Förslag till beslut och biståndsbeslut', form: 'vk-bistandsbeslut', groups: SS, col: 14, row: 0,
      doc: `${R} Socialsekreteraren lämnar förslag till beslut om heldygnsvård (stödboende eller HVB); beslutsperioden börjar på beslutsdatum oberoende av kö.` },
    { kind: 'xor', id: 'GwBifall', name: 'Beviljat?', col: 15, row: 0, default: 'JoinKo' },
    { kind: 'end', id: 'EndAvslag', name: 'Avslag', col: 16, row: -1 },
    { kind: 'xor', id: 'JoinKo', name: '', col: 16, row: 0 },
    { kind: 'service', id: 'BeraknaEjVerkstallt', name: 'Beräkna gräns för ej verkställt beslut', type: 'vk.deadline.calculate', col: 17, row: 0,
      headers: { rule: 'ej-verkstallt', baseDateVariable: 'decisionDate', resultVariable: 'ejVerkstalltDeadline' },
      doc: 'Beslut som inte verkställts inom tre månader rapporteras (002, ej verkställda beslut).' },
    { kind: 'service', id: 'StallIKo', name: 'Ställ i kö enligt prioritetsordning', type: 'vk.queue.enqueue', col: 18, row: 0,
      inputs: [['=lvmStatus = "lvm-utredning-frivillig"', 'lvmInvestigationVoluntary'], ['=barn = "ja"', 'hasChildren'], ['=lvmStatus = "lvm27" or lvmStatus = "extern-placering"', 'lvm27OrExternal']],
      doc: 'Prioritetsordning (000:1129-1137): a) LVM-utredning men godkänner behandling, b) barn vars perspektiv behöver beaktas, c) 27 § LVM eller efter extern placering, d) tid i kö efter biståndsbeslut.' },
    { kind: 'xor', id: 'GwPlats', name: 'Plats ledig?', col: 19, row: 0, default: 'JoinPlats' },
    { kind: 'receive', id: 'VantaPlats', name: 'Vänta i kö på ledig plats', message: 'plats-ledig', col: 20, row: 1,
      doc: 'Meddelandet "plats-ledig" (korrelation caseRef) publiceras av kön när en plats blir ledig för första ärendet i kön.' },
    { kind: 'boundary', id: 'Aterkallad', name: 'Placering återkallad', host: 'VantaPlats', message: 'placering-aterkallad', offset: 0.2, col: 0, row: 0, labelSide: 'belowLeft',
      doc: 'Meddelandet "placering-aterkallad": personen tackar nej eller behovet upphör medan ärendet står i kö.' },
    { kind: 'boundary', id: 'EjVerkstallt', name: 'Ej verkställt', host: 'VantaPlats', interrupting: false, offset: 0.8, timerCycle: '="R/" + ejVerkstalltDeadline + "/P1D"', col: 0, row: 0, labelSide: 'right',
      doc: 'Beslutet är inte verkställt inom tre månader: eskaleras dagligen till chef och remissgruppen tills plats erbjuds.' },
    { kind: 'service', id: 'TaBortUrKo', name: 'Ta bort ur kön', type: 'vk.queue.remove', col: 19, row: 2.1 },
    { kind: 'end', id: 'EndAterkallad', name: 'Placering återkallad', col: 19, row: 2.85 },
    { kind: 'service', id: 'EskaleraEjVerkstallt', name: 'Eskalera ej verkställt beslut', type: 'vk.escalate', col: 21, row: 2.1,
      headers: { level: 'breach', deadline: 'ej-verkstallt', dueDateVariable: 'ejVerkstalltDeadline', group: 'remissgruppen', escalateTo: 'chef-{kommun}' } },
    { kind: 'end', id: 'EndEskalerad', name: 'Eskalering registrerad', col: 21, row: 2.85 },
    { kind: 'xor', id: 'JoinPlats', name: '', col: 21, row: 0 },
    { kind: 'service', id: 'Inskriv', name: 'Tilldela plats', type: 'vk.queue.admit', col: 22, row: 0 },
    { kind: 'user', id: 'Inskrivning', name: 'Bekräfta inskrivningsdatum', form: 'vk-inskrivning', groups: KP_HOME, col: 23, row: 0,
      doc: 'Kontaktpersonen på boendet bekräftar inskrivningen; därefter startas Under placering (vk-under-placering).' },
    { kind: 'end', id: 'EndPlacerad', name: 'Placerad', col: 24, row: 0 },
    orosanmalan(9, 3.6),
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'Utredning' }, { from: 'Utredning', to: 'GwIntresserad' },
    { from: 'GwIntresserad', to: 'EndEjIntresserad', name: 'Nej', cond: '=klientIntresserad = "nej"' }, { from: 'GwIntresserad', to: 'Uppdragsblankett', name: 'Ja' },
    { from: 'Uppdragsblankett', to: 'BeraknaMatchning' }, { from: 'BeraknaMatchning', to: 'GwOrdning' },
    { from: 'GwOrdning', to: 'BeslutTidigt', name: 'Ja', cond: '=beslutForeRemissgrupp = true' }, { from: 'GwOrdning', to: 'JoinBeslut', name: 'Nej' },
    { from: 'BeslutTidigt', to: 'GwTidigtBifall' },
    { from: 'GwTidigtBifall', to: 'EndAvslagTidigt', name: 'Nej', cond: '=beslut = "avslag"' }, { from: 'GwTidigtBifall', to: 'JoinBeslut', name: 'Ja' },
    { from: 'JoinBeslut', to: 'Matchning' }, { from: 'Matchning', to: 'GwMatchat' },
    { from: 'GwMatchat', to: 'EndEjMatchat', name: 'Nej', cond: '=home = "ingen"' }, { from: 'GwMatchat', to: 'Studiebesok', name: 'Ja' },
    { from: 'Studiebesok', to: 'GwStudiebesok' },
    { from: 'GwStudiebesok', to: 'EndAvbojer', name: 'Nej', cond: '=klientPositiv = "nej" or behovKanMotas = "nej"' }, { from: 'GwStudiebesok', to: 'GwBeslutFattat', name: 'Ja' },
    { from: 'GwBeslutFattat', to: 'JoinKo', name: 'Ja', cond: '=beslutForeRemissgrupp = true', viaY: cy(0.75) }, { from: 'GwBeslutFattat', to: 'Beslut', name: 'Nej' },
    { from: 'Beslut', to: 'GwBifall' },
    { from: 'GwBifall', to: 'EndAvslag', name: 'Nej', cond: '=beslut = "avslag"' }, { from: 'GwBifall', to: 'JoinKo', name: 'Ja' },
    { from: 'JoinKo', to: 'BeraknaEjVerkstallt' }, { from: 'BeraknaEjVerkstallt', to: 'StallIKo' }, { from: 'StallIKo', to: 'GwPlats' },
    { from: 'GwPlats', to: 'VantaPlats', name: 'Nej', cond: '=placeAvailable = false' }, { from: 'GwPlats', to: 'JoinPlats', name: 'Ja' },
    { from: 'VantaPlats', to: 'JoinPlats' },
    { from: 'Aterkallad', to: 'TaBortUrKo' }, { from: 'TaBortUrKo', to: 'EndAterkallad' },
    { from: 'EjVerkstallt', to: 'EskaleraEjVerkstallt' }, { from: 'EskaleraEjVerkstallt', to: 'EndEskalerad' },
    { from: 'JoinPlats', to: 'Inskriv' }, { from: 'Inskriv', to: 'Inskrivning' }, { from: 'Inskrivning', to: 'EndPlacerad' },
  ];
  withEsc(nodes, flows, { id: 'Matchning', col: 9, row: 0 }, { deadline: 'remissgrupp-matchning', dueVar: 'matchningDeadline', group: 'remissgruppen', escalateTo: 'chef-region', routine: R });
  return {
    id: 'vk-placeringsforfragan', name: 'Förfrågan om placering till remissgruppen', nodes, flows,
    doc: `${R} Syfte: skapa förutsättningar för en hållbar placering. Vem: socialsekreterare, remissgrupp och den enskilde. Hur: samverkan i remissgruppen och studiebesök före biståndsbeslut.`,
    annotations: [{ id: 'Anno_prio', text: 'Kö: a) LVM-utredning, frivillig behandling b) barn c) 27 § LVM / extern placering d) tid i kö (000:1129-1137)', col: 18, row: -1.1, w: 260, h: 60 }],
  };
}

// ---------------------------------------------------------------- 4. Under placering
export function underPlacering(): ProcessSpec {
  const R = 'Rutin: Under placering (000:1480-1520).';
  const otherHome = '=if home = "ekeliden" then "novus" else "ekeliden"';
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Inskriven på boendet', col: 0, row: 0, doc: `${R} Startvariabler: caseRef, kommun, home (ekeliden|novus), admissionDate.` },
    { kind: 'user', id: 'PlaneraSamverkan', name: 'Planera samverkan vid inskrivning', form: 'vk-under-placering-inskrivning', groups: '=["kontaktperson-" + home, "socialsekreterare-" + kommun]', col: 1, row: 0,
      doc: `${R} Kontaktperson och socialsekreterare planerar tillsammans med klienten vid inskrivning när samverkan ska ske (inget fast intervall; fyraveckorsregeln förkastades). Fråga om personen har barn (000:2053-2114).` },
    { kind: 'xor', id: 'GwBarn', name: 'Har personen barn?', col: 2, row: 0, default: 'JoinBarn' },
    { kind: 'user', id: 'BarnSomAnhoriga', name: 'Beakta barnens perspektiv', form: 'vk-barn-som-anhoriga', groups: SS, col: 3, row: -1,
      doc: 'Barn som anhöriga (000:2053-2114): barnens behov av information, råd och stöd beaktas; orosanmälan görs omedelbart vid oro.' },
    { kind: 'xor', id: 'JoinBarn', name: '', col: 4, row: 0 },
    { kind: 'xor', id: 'JoinNastaSteg', name: '', col: 5, row: 0 },
    { kind: 'evgw', id: 'VantaNastaSteg', name: 'Nästa steg i vårdkedjan', col: 6, row: 0 },
    { kind: 'catchMsg', id: 'FlyttPlanerad', name: 'Flytt planerad', message: 'flytt-planerad', col: 7, row: -1,
      doc: 'Meddelandet "flytt-planerad" (korrelation caseRef, variabler moveDate, contactDuringStay) när remissgruppen och socialsekreteraren planerar flytt till det andra boendet.' },
    { kind: 'call', id: 'Flytt', name: 'Flytt mellan Ekeliden och Novus', processId: 'vk-flytt-ekeliden-novus', col: 8, row: -1,
      inputs: [['=caseRef', 'caseRef'], ['=kommun', 'kommun'], ['=home', 'fromHome'], ['=moveDate', 'moveDate'], ['=contactDuringStay', 'contactDuringStay'], ['=barn', 'barn']],
      outputs: [['=if flyttGenomford = true then toHome else fromHome', 'home']] },
    { kind: 'catchMsg', id: 'HemflyttPlanerad', name: 'Hemflytt planerad', message: 'hemflytt-planerad', col: 7, row: 0,
      doc: 'Meddelandet "hemflytt-planerad" (korrelation caseRef, variabel utflyttDate).' },
    { kind: 'call', id: 'Hemflytt', name: 'Inför hemflytt', processId: 'vk-infor-hemflytt', col: 8, row: 0,
      inputs: [['=caseRef', 'caseRef'], ['=kommun', 'kommun'], ['=home', 'home'], ['=utflyttDate', 'utflyttDate'], ['=barn', 'barn']] },
    { kind: 'end', id: 'EndUtskriven', name: 'Utskriven', col: 9, row: 0 },
    { kind: 'catchMsg', id: 'PlaceringAvslutad', name: 'Placering avslutad', message: 'placering-avslutad', col: 7, row: 1,
      doc: 'Meddelandet "placering-avslutad" (korrelation caseRef): placeringen avbryts i förtid.' },
    { kind: 'end', id: 'EndAvslutad', name: 'Placering avbruten', terminate: true, col: 8, row: 1 },
    orosanmalan(1, 2.6),
    {
      kind: 'evsub', id: 'Samverkan', name: 'Samverkan med andra boendet', col: 5, row: 2.6,
      doc: `${R} Hur: kontaktpersonen från den ansvariga verksamheten kallar till möte med den andra verksamheten för kartläggning och samverkan; information delas bara med samtycke.`,
      children: [
        { kind: 'start', id: 'SamverkanStart', name: 'Samverkan begärd', message: 'samverkan-begard', interrupting: false, col: 5, row: 2.6 },
        { kind: 'service', id: 'KontrolleraSamtycke', name: 'Kontrollera samtycke', type: 'vk.consent.check', col: 6, row: 2.6,
          headers: { toParty: 'andra-boendet', information: 'genomforandeplan' }, inputs: [[otherHome, 'toParty']] },
        { kind: 'boundary', id: 'SamtyckeSaknas', name: 'Samtycke saknas', host: 'KontrolleraSamtycke', error: 'CONSENT_MISSING', offset: 0.5, col: 0, row: 0, labelSide: 'left' },
        { kind: 'user', id: 'InhamtaSamtycke', name: 'Inhämta samtycke innan information delas', form: 'vk-samtycke-saknas', groups: SS, col: 6, row: 3.7 },
        { kind: 'end', id: 'EndUtanDelning', name: 'Ingen information delad', col: 7, row: 3.7 },
        { kind: 'user', id: 'Samverkansmote', name: 'Kalla till och håll samverkansmöte', form: 'vk-samverkansmote', groups: KP_HOME, col: 7, row: 2.6 },
        { kind: 'service', id: 'RegistreraDelning', name: 'Registrera informationsdelning', type: 'vk.share.record', col: 8, row: 2.6,
          headers: { toParty: 'andra-boendet', information: 'genomforandeplan' }, inputs: [[otherHome, 'toParty']] },
        { kind: 'end', id: 'EndSamverkan', name: 'Samverkan genomförd', col: 9, row: 2.6 },
      ],
      flows: [
        { from: 'SamverkanStart', to: 'KontrolleraSamtycke' }, { from: 'KontrolleraSamtycke', to: 'Samverkansmote' },
        { from: 'SamtyckeSaknas', to: 'InhamtaSamtycke' }, { from: 'InhamtaSamtycke', to: 'EndUtanDelning' },
        { from: 'Samverkansmote', to: 'RegistreraDelning' }, { from: 'RegistreraDelning', to: 'EndSamverkan' },
      ],
    },
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'PlaneraSamverkan' }, { from: 'PlaneraSamverkan', to: 'GwBarn' },
    { from: 'GwBarn', to: 'BarnSomAnhoriga', name: 'Ja', cond: '=barn = "ja"' }, { from: 'GwBarn', to: 'JoinBarn', name: 'Nej' },
    { from: 'BarnSomAnhoriga', to: 'JoinBarn' }, { from: 'JoinBarn', to: 'JoinNastaSteg' }, { from: 'JoinNastaSteg', to: 'VantaNastaSteg' },
    { from: 'VantaNastaSteg', to: 'FlyttPlanerad' }, { from: 'VantaNastaSteg', to: 'HemflyttPlanerad' }, { from: 'VantaNastaSteg', to: 'PlaceringAvslutad' },
    { from: 'FlyttPlanerad', to: 'Flytt' }, { from: 'Flytt', to: 'JoinNastaSteg', viaY: cy(-1.75) },
    { from: 'HemflyttPlanerad', to: 'Hemflytt' }, { from: 'Hemflytt', to: 'EndUtskriven' },
    { from: 'PlaceringAvslutad', to: 'EndAvslutad' },
  ];
  return withDetails({
    id: 'vk-under-placering', name: 'Under placering', nodes, flows,
    annotations: [{ id: 'Anno_rutin', text: 'Inget fast intervall för samverkan: planeras vid inskrivning utifrån individens behov (000:1480-1520).', col: 1.1, row: -1.2, w: 250, h: 50 }],
    doc: `${R} Syfte: följa klientens förändringsprocess och säkerställa helhetssyn. Håller ihop hela placeringen: flytt mellan boendena och inför hemflytt anropas härifrån; orosanmälan kan göras när som helst.`,
  }, { missing: 'home = null or admissionDate = null', form: 'vk-under-placering-uppgifter', name: 'Ange boende och inskrivningsdatum' });
}

// ---------------------------------------------------------------- 5. Flytt mellan Ekeliden och Novus
export function flytt(): ProcessSpec {
  const R = 'Rutin: Flytt mellan Ekeliden och Novus (000:1534-1559).';
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Flytt planerad', col: 0, row: 0,
      doc: `${R} Startvariabler: caseRef, kommun, fromHome (ekeliden|novus), moveDate, contactDuringStay (boolean), barn (ja|nej); valfritt flyttMoteForskott (standard -P14D), flyttMoteForskottUtanKontakt (standard -P21D).` },
    { kind: 'service', id: 'BeraknaOverlamning', name: 'Beräkna senaste datum för överlämningsmöte', type: 'vk.deadline.calculate', col: 1, row: 0,
      headers: { rule: 'flytt-overlamningsmote', baseDateVariable: 'moveDate', resultVariable: 'overlamningDeadline' },
      inputs: [['=if contactDuringStay = false then (if flyttMoteForskottUtanKontakt = null then "-P21D" else flyttMoteForskottUtanKontakt) else (if flyttMoteForskott = null then "-P14D" else flyttMoteForskott)', 'deadlineOffset']],
      doc: 'När: senast två veckor före flytt; har kontakt inte tagits under placeringen tas kontakt tidigare (standard tre veckor, konfigurerbart).' },
    { kind: 'user', id: 'Remissgruppen', name: 'Remissgruppen: bekräfta plats och flyttdatum', form: 'vk-flytt-remissgrupp', groups: 'remissgruppen', col: 2, row: 0,
      doc: `${R} Remissgruppen är delaktig under processen och bekräftar plats på det nya boendet.` },
    { kind: 'xor', id: 'GwPlats', name: 'Plats finns?', col: 3, row: 0, default: 'KontrolleraSamtycke' },
    { kind: 'end', id: 'EndUppskjuten', name: 'Flytt skjuts upp', col: 4, row: -1 },
    { kind: 'service', id: 'KontrolleraSamtycke', name: 'Kontrollera samtycke till överföring', type: 'vk.consent.check', col: 4, row: 0,
      headers: { toParty: 'andra-boendet', information: 'uppdragsblankett,genomforandeplan' }, inputs: [['=if fromHome = "ekeliden" then "novus" else "ekeliden"', 'toParty']],
      doc: 'Information mellan boendena (olika huvudmän) delas bara med samtycke; minsta möjliga information.' },
    { kind: 'boundary', id: 'SamtyckeSaknas', name: 'Samtycke saknas', host: 'KontrolleraSamtycke', error: 'CONSENT_MISSING', offset: 0.5, col: 0, row: 0, labelSide: 'left' },
    { kind: 'user', id: 'InhamtaSamtycke', name: 'Inhämta samtycke före överlämningen', form: 'vk-samtycke-saknas', groups: SS, col: 4, row: 1.15,
      doc: 'Utan samtycke genomförs överlämningsmötet med individen närvarande, men ingen dokumentation överförs mellan boendena.' },
    { kind: 'xor', id: 'JoinSamtycke', name: '', col: 5, row: 0 },
    { kind: 'user', id: 'Overlamningsmote', name: 'Håll överlämningsmöte', form: 'vk-overlamningsmote', groups: '=["kontaktperson-" + fromHome]', due: '=overlamningDeadline', col: 6, row: 0,
      doc: `${R} Klienten, båda kontaktpersonerna och socialsekreteraren träffas. Checklista: datum och tid, transport, tillhörigheter, uppföljning av behov, anhöriga och barn; uppdragsblankett och genomförandeplan uppdateras.` },
    { kind: 'user', id: 'Beslut', name: 'Biståndsbeslut för nästa boende', form: 'vk-bistandsbeslut', groups: SS, col: 8, row: 0,
      doc: 'Socialsekreteraren lämnar förslag till biståndsbeslut om det nästkommande boendet.' },
    { kind: 'xor', id: 'GwBifall', name: 'Beviljat?', col: 9, row: 0, default: 'Genomford' },
    { kind: 'end', id: 'EndAvslag', name: 'Flytt genomförs inte', col: 10, row: -1 },
    { kind: 'user', id: 'Genomford', name: 'Bekräfta genomförd flytt', form: 'vk-flytt-genomford', groups: '=["kontaktperson-" + (if fromHome = "ekeliden" then "novus" else "ekeliden")]', col: 10, row: 0,
      outputs: [['=true', 'flyttGenomford'], ['=flyttadDatum', 'flyttadDatum'], ['=if fromHome = "ekeliden" then "novus" else "ekeliden"', 'toHome']],
      doc: 'Utmatning: flyttGenomford = true, flyttadDatum och toHome (används av Under placering för att byta boende).' },
    { kind: 'end', id: 'EndFlyttad', name: 'Flyttad', col: 11, row: 0 },
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'BeraknaOverlamning' }, { from: 'BeraknaOverlamning', to: 'Remissgruppen' }, { from: 'Remissgruppen', to: 'GwPlats' },
    { from: 'GwPlats', to: 'EndUppskjuten', name: 'Nej', cond: '=platsBekraftad = "nej"' }, { from: 'GwPlats', to: 'KontrolleraSamtycke', name: 'Ja' },
    { from: 'KontrolleraSamtycke', to: 'JoinSamtycke' }, { from: 'SamtyckeSaknas', to: 'InhamtaSamtycke' }, { from: 'InhamtaSamtycke', to: 'JoinSamtycke' },
    { from: 'JoinSamtycke', to: 'Overlamningsmote' },
    { from: 'Overlamningsmote', to: 'Beslut' }, { from: 'Beslut', to: 'GwBifall' },
    { from: 'GwBifall', to: 'EndAvslag', name: 'Nej', cond: '=beslut = "avslag"' }, { from: 'GwBifall', to: 'Genomford', name: 'Ja' },
    { from: 'Genomford', to: 'EndFlyttad' },
  ];
  withEsc(nodes, flows, { id: 'Overlamningsmote', col: 6, row: 0 }, { deadline: 'flytt-overlamningsmote', dueVar: 'overlamningDeadline', group: 'kontaktperson-{fromHome}', escalateTo: 'remissgruppen', routine: R });
  return withDetails({
    id: 'vk-flytt-ekeliden-novus', name: 'Flytt mellan Ekeliden och Novus', nodes, flows,
    doc: `${R} Syfte: en träff mellan individen och kontaktpersonen på det nya boendet skapar trygghet och minskar känslan av att börja om.`,
    annotations: [{ id: 'Anno_frist', text: 'Överlämningsmöte senast 14 dagar före flytt (21 dagar om ingen kontakt under placeringen)', col: 7, row: -1.1, w: 240, h: 50 }],
  }, { missing: 'fromHome = null or moveDate = null', form: 'vk-flytt-uppgifter', name: 'Ange flyttuppgifter' });
}

// ---------------------------------------------------------------- 6. Inför hemflytt
export function hemflytt(): ProcessSpec {
  const R = 'Rutin: Inför hemflytt (000:1586-1607; Novus utskrivningskriterium 000:738).';
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Hemflytt planerad', col: 0, row: 0, doc: `${R} Startvariabler: caseRef, kommun, home, utflyttDate, barn; valfritt hemflyttSipForskott (standard -P14D).` },
    { kind: 'service', id: 'BeraknaSip', name: 'Beräkna senaste datum för SIP-möte', type: 'vk.deadline.calculate', col: 1, row: 0,
      headers: { rule: 'hemflytt-sip-mote', baseDateVariable: 'utflyttDate', resultVariable: 'sipMoteDeadline' }, inputs: [[DEFAULT('hemflyttSipForskott', '-P14D'), 'deadlineOffset']],
      doc: 'När: minst två veckor före utflytt hålls SIP-möte.' },
    { kind: 'user', id: 'Planera', name: 'Planera insatser före och efter hemflytt', form: 'vk-hemflytt-plan', groups: SS, col: 2, row: 0,
      doc: `${R} En plan upprättas för vad klienten behöver före flytten och vilka behov som finns efter; anhöriga och barn beaktas.` },
    { kind: 'and', id: 'Split', name: '', col: 3, row: 0 },
    { kind: 'call', id: 'Sip', name: 'SIP inför hemflytt', processId: 'vk-sip', col: 4, row: -1.3,
      inputs: [['=caseRef', 'caseRef'], ['=kommun', 'kommun'], ['=sipMoteDeadline', 'sipMoteDeadline'], ['=sipMoteDeadlineReminder', 'sipMoteDeadlineReminder'], ['="hemflytt"', 'sipAnledning']],
      doc: 'Hur: samverkansmöte genom SIP med involverade aktörer för en plan på hemmaplan. SIP fortsätter med uppföljningar efter utflytt.' },
    { kind: 'end', id: 'EndSip', name: 'SIP avslutad', col: 5, row: -1.3 },
    { kind: 'xor', id: 'GwNovus', name: 'Placerad på Novus?', col: 4, row: 0, default: 'JoinUtflytt' },
    { kind: 'xor', id: 'JoinKriterium', name: '', col: 5, row: 0 },
    { kind: 'user', id: 'Kriterium', name: 'Pröva utskrivningskriterium', form: 'vk-novus-kriterium', groups: 'kontaktperson-novus', col: 6, row: 0,
      doc: 'Novus utskrivningskriterium (000:738): sysselsättning och boende som fortsätter efter utskrivning.' },
    { kind: 'xor', id: 'GwKriterium', name: 'Kriterium uppfyllt?', col: 7, row: 0, default: 'JoinUtflytt' },
    { kind: 'user', id: 'Ordna', name: 'Ordna sysselsättning och boende', form: 'vk-ordna-sysselsattning-boende', groups: SS, col: 7, row: 1.1 },
    { kind: 'xor', id: 'JoinUtflytt', name: '', col: 8, row: 0 },
    { kind: 'user', id: 'Utflytt', name: 'Bekräfta utflytt', form: 'vk-utflytt', groups: KP_HOME, col: 9, row: 0 },
    { kind: 'end', id: 'EndUtflyttad', name: 'Utflyttad', col: 10, row: 0 },
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'BeraknaSip' }, { from: 'BeraknaSip', to: 'Planera' }, { from: 'Planera', to: 'Split' },
    { from: 'Split', to: 'Sip' }, { from: 'Sip', to: 'EndSip' }, { from: 'Split', to: 'GwNovus' },
    { from: 'GwNovus', to: 'JoinKriterium', name: 'Ja', cond: '=home = "novus"' }, { from: 'GwNovus', to: 'JoinUtflytt', name: 'Nej', viaY: cy(-0.55) },
    { from: 'JoinKriterium', to: 'Kriterium' }, { from: 'Kriterium', to: 'GwKriterium' },
    { from: 'GwKriterium', to: 'Ordna', name: 'Nej', cond: '=sysselsattningFortsatter = "nej" or boendeFortsatter = "nej"' }, { from: 'GwKriterium', to: 'JoinUtflytt', name: 'Ja' },
    { from: 'Ordna', to: 'JoinKriterium' },
    { from: 'JoinUtflytt', to: 'Utflytt' }, { from: 'Utflytt', to: 'EndUtflyttad' },
  ];
  return withDetails({
    id: 'vk-infor-hemflytt', name: 'Inför hemflytt', nodes, flows,
    annotations: [{ id: 'Anno_rutin', text: 'SIP-möte senast 14 dagar före utflytt (000:1586-1607). Novus: sysselsättning och boende som fortsätter (000:738).', col: 1.4, row: -1.3, w: 270, h: 60 }],
    doc: `${R} Syfte: planering av öppenvårds- och socialtjänstinsatser på hemmaplan påbörjas under placeringen för en sömlös övergång.`,
  }, { missing: 'home = null or utflyttDate = null', form: 'vk-hemflytt-uppgifter', name: 'Ange boende och utflyttningsdatum' });
}

// ---------------------------------------------------------------- 7. SIP
export function sip(): ProcessSpec {
  const R = 'Rutin: SIP – samordnad individuell plan (SoL 10 kap. 8 §, HSL 16 kap. 4 §; 000:1666-1743, 002:1735-1886).';
  const consent = '={form: consentForm, givenAt: consentDate, parties: consentParties, information: consentInformation, guardiansConsented: if isChild = true then guardiansConsented = true else null}';
  const sub: NodeSpec[] = [
    { kind: 'start', id: 'SipStart', name: 'Samtycke finns', col: 8, row: 0 },
    { kind: 'user', id: 'Forbered', name: 'Förbered SIP och kostnadsfördelning', form: 'vk-sip-forberedelse', groups: SS, col: 9, row: 0,
      doc: 'Huvudmännen förbereder SIP och kommer överens om kostnadsfördelning utan den enskilde (002:1735-1886).' },
    { kind: 'user', id: 'Kalla', name: 'Kalla till SIP-möte', form: 'vk-sip-kallelse', groups: SS, col: 10, row: 0,
      doc: 'Den enskilde väljer vilka som deltar och vad som delas; samtycket förmedlas till aktörerna så snart det finns.' },
    { kind: 'user', id: 'Mote', name: 'Håll SIP-möte och upprätta plan', form: 'vk-sip-plan', groups: SS, due: '=sipMoteDeadline', col: 11, row: 0,
      doc: 'Planen anger den enskildes mål, insatser, vem som ansvarar för vad, insatser från andra, vem som har det övergripande ansvaret och uppföljning.' },
    { kind: 'xor', id: 'JoinUppfoljning', name: '', col: 12.2, row: 0 },
    { kind: 'catchTimer', id: 'VantaUppfoljning', name: 'Dags för uppföljning', duration: '=duration(if sipUppfoljningIntervall = null then "P3M" else sipUppfoljningIntervall)', col: 13.2, row: 0,
      doc: 'Uppföljningsintervall: variabeln sipUppfoljningIntervall (sätts i planen; standard P3M).' },
    { kind: 'user', id: 'Uppfoljning', name: 'Följ upp SIP', form: 'vk-sip-uppfoljning', groups: SS, col: 14.2, row: 0 },
    { kind: 'xor', id: 'GwBehov', name: 'SIP behövs fortfarande?', col: 15.2, row: 0, default: 'SipSlut' },
    { kind: 'end', id: 'SipSlut', name: 'SIP behövs inte längre', col: 16.2, row: 0 },
  ];
  const subFlows: FlowSpec[] = [
    { from: 'SipStart', to: 'Forbered' }, { from: 'Forbered', to: 'Kalla' }, { from: 'Kalla', to: 'Mote' }, { from: 'Mote', to: 'JoinUppfoljning' },
    { from: 'JoinUppfoljning', to: 'VantaUppfoljning' }, { from: 'VantaUppfoljning', to: 'Uppfoljning' }, { from: 'Uppfoljning', to: 'GwBehov' },
    { from: 'GwBehov', to: 'JoinUppfoljning', name: 'Ja', cond: '=sipFortsatt = "ja"', viaY: cy(-0.6) }, { from: 'GwBehov', to: 'SipSlut', name: 'Nej' },
  ];
  const esc = escalation({ id: 'Mote', col: 11, row: 0 }, { deadline: 'sip-mote', dueVar: 'sipMoteDeadline', group: 'socialsekreterare-{kommun}', escalateTo: 'chef-{kommun}', routine: R });
  sub.push(...esc.nodes);
  subFlows.push(...esc.flows);
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Behov av SIP', col: 0, row: 0, outputs: [['=string(today())', 'sipStartDate']],
      doc: `${R} Startvariabler: caseRef, kommun; valfritt isChild (boolean), sipMoteDeadline (+ sipMoteDeadlineReminder; annars sipStartTid från idag, standard P5D), sipUppfoljningIntervall (standard P3M), sipAnledning.` },
    { kind: 'xor', id: 'GwFrist', name: 'Tidsgräns given?', col: 1, row: 0, default: 'JoinFrist' },
    { kind: 'service', id: 'BeraknaStart', name: 'Beräkna tidsgräns för SIP-möte', type: 'vk.deadline.calculate', col: 2, row: -1,
      headers: { rule: 'sip-start', baseDateVariable: 'sipStartDate', resultVariable: 'sipMoteDeadline' }, inputs: [[DEFAULT('sipStartTid', 'P5D'), 'deadlineOffset']],
      doc: 'SIP ska påbörjas utan dröjsmål (inom några dagar): sipStartTid, standard P5D.' },
    { kind: 'xor', id: 'JoinFrist', name: '', col: 3, row: 0 },
    { kind: 'xor', id: 'JoinSamtycke', name: '', col: 4, row: 0 },
    { kind: 'user', id: 'Samtycke', name: 'Inhämta samtycke till SIP', form: 'vk-sip-samtycke', groups: SS, col: 5, row: 0,
      doc: 'Samtycke skriftligt, muntligt eller på annat sätt (muntligt dokumenteras); aldrig generellt; personen väljer deltagare och vad som delas; gäller högst ett år; för barn samtycker båda vårdnadshavarna.' },
    { kind: 'xor', id: 'GwSamtycke', name: 'Samtycke lämnat?', col: 6, row: 0, default: 'RegistreraSamtycke' },
    { kind: 'user', id: 'UtanSip', name: 'Insatser fortsätter utan SIP', form: 'vk-sip-utan-samtycke', groups: SS, col: 7, row: -1.5,
      doc: 'Om samtycke inte lämnas genomförs insatserna ändå, utan SIP.' },
    { kind: 'end', id: 'EndUtanSip', name: 'Utan SIP', col: 8, row: -1.5 },
    { kind: 'service', id: 'RegistreraSamtycke', name: 'Registrera samtycke', type: 'vk.consent.record', col: 7, row: 0, inputs: [[consent, 'consent']] },
    { kind: 'sub', id: 'SipPagar', name: 'SIP pågår', col: 8, row: 0, children: sub, flows: subFlows, pad: 50 },
    { kind: 'boundary', id: 'SamtyckeAterkallat', name: 'Samtycke återkallat', host: 'SipPagar', message: 'samtycke-aterkallat', offset: 0.3, col: 0, row: 0, labelSide: 'belowLeft',
      doc: 'Meddelandet "samtycke-aterkallat" (korrelation caseRef): samtycket kan återkallas när som helst.' },
    { kind: 'boundary', id: 'SamtyckeUtgatt', name: 'Samtycket har gått ut', host: 'SipPagar', timerDate: '=consentValidUntil', offset: 0.15, col: 0, row: 0, labelSide: 'belowLeft',
      doc: 'Samtycket gäller högst 12 månader (consentValidUntil från vk.consent.record): nytt samtycke inhämtas.' },
    { kind: 'service', id: 'Aterkalla', name: 'Registrera återkallat samtycke', type: 'vk.consent.withdraw', col: 11, row: 2.9, inputs: [['=if withdrawnAt = null then string(now()) else withdrawnAt', 'withdrawnAt']] },
    { kind: 'user', id: 'InformeraAterkallat', name: 'Informera parterna, insatser fortsätter', form: 'vk-sip-aterkallat', groups: SS, col: 12, row: 2.9 },
    { kind: 'end', id: 'EndAterkallat', name: 'SIP avbruten', col: 13, row: 2.9 },
    { kind: 'user', id: 'Avsluta', name: 'Avsluta SIP', form: 'vk-sip-avslut', groups: SS, col: 17.6, row: 0 },
    { kind: 'end', id: 'EndAvslutad', name: 'SIP avslutad', col: 18.6, row: 0 },
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'GwFrist' }, { from: 'GwFrist', to: 'BeraknaStart', name: 'Nej', cond: '=sipMoteDeadline = null' }, { from: 'GwFrist', to: 'JoinFrist', name: 'Ja' },
    { from: 'BeraknaStart', to: 'JoinFrist' }, { from: 'JoinFrist', to: 'JoinSamtycke' }, { from: 'JoinSamtycke', to: 'Samtycke' }, { from: 'Samtycke', to: 'GwSamtycke' },
    { from: 'GwSamtycke', to: 'UtanSip', name: 'Nej', cond: '=samtycke = "nej"' }, { from: 'GwSamtycke', to: 'RegistreraSamtycke', name: 'Ja' },
    { from: 'UtanSip', to: 'EndUtanSip' }, { from: 'RegistreraSamtycke', to: 'SipPagar' },
    { from: 'SamtyckeAterkallat', to: 'Aterkalla' }, { from: 'Aterkalla', to: 'InformeraAterkallat' }, { from: 'InformeraAterkallat', to: 'EndAterkallat' },
    { from: 'SamtyckeUtgatt', to: 'JoinSamtycke', viaY: cy(2.9) },
    { from: 'SipPagar', to: 'Avsluta' }, { from: 'Avsluta', to: 'EndAvslutad' },
  ];
  return {
    id: 'vk-sip', name: 'SIP – samordnad individuell plan', nodes, flows,
    annotations: [{ id: 'Anno_rutin', text: 'Samtycke gäller högst 12 månader och kan återkallas; utan samtycke fortsätter insatserna utan SIP (002:1735-1886).', col: 4.5, row: -1.4, w: 260, h: 60 }],
    doc: `${R} Behov upptäcks → samtycke → förberedelse (kostnadsfördelning utan den enskilde) → kallelse → SIP-möte och plan → uppföljningar → avslut.`,
  };
}

// ---------------------------------------------------------------- 8. Planeringsdagar
export function planeringsdagar(): ProcessSpec {
  const R = 'Rutin: verksamhetsutveckling och kompetens – gemensamma planeringsdagar 1–2 gånger per år (000:1614-1644).';
  const nodes: NodeSpec[] = [
    { kind: 'start', id: 'Start', name: 'Planering begärd', col: 0, row: 0,
      doc: `${R} Manuell start: caseRef (t.ex. PLAN-2027), kommun (värdkommun, t.ex. vaxjo).` },
    { kind: 'start', id: 'StartArlig', name: 'Årlig planering', timerCycle: 'R/P1Y', col: 0, row: 1,
      outputs: [['="PLAN-" + string(today().year)', 'caseRef'], ['="vaxjo"', 'kommun']],
      doc: 'Startar automatiskt en gång per år efter driftsättning (R/P1Y); caseRef = PLAN-<år>.' },
    { kind: 'xor', id: 'Join', name: '', col: 1, row: 0 },
    { kind: 'user', id: 'Planera', name: 'Planera årets planeringsdagar', form: 'vk-planeringsdagar-plan', groups: '=["remissgruppen", "vardkedjekoordinator"]', col: 2, row: 0,
      doc: `${R} Remissgruppen och vårdkedjekoordinatorn planerar 1–2 gemensamma dagar för Ekeliden och Novus, bl.a. bedömning av när första kontakt med andra boendet ska tas (000:1514-1518).` },
    { kind: 'user', id: 'Genomfor', name: 'Genomför och dokumentera planeringsdag', form: 'vk-planeringsdag', groups: '=["remissgruppen", "vardkedjekoordinator"]', col: 3, row: 0,
      due: '=date and time(dag + "T16:00:00@Europe/Stockholm")', multi: { collection: '=if antalDagar = "2" then [dag1, dag2] else [dag1]', element: 'dag', sequential: true } },
    { kind: 'end', id: 'End', name: 'Planeringsdagar genomförda', col: 4, row: 0 },
  ];
  const flows: FlowSpec[] = [
    { from: 'Start', to: 'Join' }, { from: 'StartArlig', to: 'Join' }, { from: 'Join', to: 'Planera' }, { from: 'Planera', to: 'Genomfor' }, { from: 'Genomfor', to: 'End' },
  ];
  return { id: 'vk-planeringsdagar', name: 'Gemensamma planeringsdagar', nodes, flows,
    annotations: [{ id: 'Anno_rutin', text: '1–2 gemensamma planeringsdagar per år för Ekeliden och Novus (000:1614-1644).', col: 2.5, row: -0.9, w: 250, h: 50 }], doc: R };
}

export const ALL = [vardkedjeremiss, kontaktbegaran, placeringsforfragan, underPlacering, flytt, hemflytt, sip, planeringsdagar];
