/** Camunda Forms (form-js schema) for every user task; keys are process variable names. */
type Opt = [value: string, label: string];
interface Field { [k: string]: unknown }
export interface FormSpec { id: string; title: string; intro?: string; fields: Field[] }

const fid = (key: string) => `Field_${key}`;
const values = (opts: Opt[]) => opts.map(([value, label]) => ({ label, value }));
const JA_NEJ: Opt[] = [['ja', 'Ja'], ['nej', 'Nej']];
type Extra = { required?: boolean; hide?: string; description?: string };
const base = (key: string, label: string, x: Extra) => ({
  id: fid(key), key, label, ...(x.description ? { description: x.description } : {}),
  ...(x.required === false ? {} : { validate: { required: true } }),
  ...(x.hide ? { conditional: { hide: x.hide } } : {}),
});
export const radio = (key: string, label: string, opts: Opt[] = JA_NEJ, x: Extra = {}) => ({ type: 'radio', ...base(key, label, x), values: values(opts) });
export const select = (key: string, label: string, opts: Opt[], x: Extra = {}) => ({ type: 'select', ...base(key, label, x), values: values(opts) });
export const checklist = (key: string, label: string, opts: Opt[], x: Extra = {}) => ({ type: 'checklist', ...base(key, label, x), values: values(opts) });
export const confirm = (key: string, label: string, x: Extra = {}) => ({ type: 'checkbox', ...base(key, label, x) });
export const date = (key: string, label: string, x: Extra = {}) => ({ type: 'datetime', ...base(key, label, x), subtype: 'date', dateLabel: label });
export const dateTime = (key: string, label: string, x: Extra = {}) => ({ type: 'datetime', ...base(key, label, x), subtype: 'datetime', dateLabel: 'Datum', timeLabel: 'Tid', timeSerializingFormat: 'utc_offset', timeInterval: 15, use24h: true });
export const note = (key: string, label: string) => ({
  type: 'textarea', id: fid(key), key, label, description: 'Skriv inte personnummer, namn eller hälsouppgifter.', validate: { maxLength: 500 },
});

const BEHOV: Opt[] = [['boende', 'Boende'], ['sysselsattning', 'Sysselsättning'], ['beroende', 'Skadligt bruk/beroende'], ['psykisk-halsa', 'Psykisk hälsa'],
  ['somatisk-halsa', 'Somatisk hälsa'], ['ekonomi', 'Ekonomi'], ['relationer', 'Relationer och nätverk'], ['foraldraskap', 'Föräldraskap och barn']];
const HOME: Opt[] = [['ekeliden', 'Ekeliden (HVB)'], ['novus', 'Novus (stödboende)']];
const PARTER: Opt[] = [['kommun', 'Socialtjänsten'], ['psykiatri', 'Psykiatrin'], ['primarvard', 'Primärvården'], ['ekeliden', 'Ekeliden'], ['novus', 'Novus'],
  ['arbetsformedlingen', 'Arbetsförmedlingen'], ['forsakringskassan', 'Försäkringskassan'], ['anhorig', 'Anhörig/närstående']];
const INFO: Opt[] = [['sip-plan', 'SIP-planen'], ['genomforandeplan', 'Genomförandeplan'], ['uppdragsblankett', 'Uppdragsblankett'], ['insatser', 'Pågående insatser']];
const INTERVALL: Opt[] = [['P1M', 'Efter 1 månad'], ['P2M', 'Efter 2 månader'], ['P3M', 'Efter 3 månader (standard)'], ['P6M', 'Efter 6 månader']];

export const FORMS: FormSpec[] = [
  { id: 'vk-vardkedjeremiss-bedomning', title: 'Bedöm vårdkedjeremiss', fields: [
    radio('arVardkedjeremiss', 'Uppfyller remissen kriterierna för vårdkedjeremiss (samlade behov)?'),
    checklist('enheter', 'Berörda enheter', [['allmanpsykiatri', 'Allmänpsykiatri'], ['beroende', 'Beroendeenheten'], ['neuropsykiatri', 'Neuropsykiatri'], ['psykos', 'Psykosenheten'], ['affektiva', 'Affektiva enheten']], { hide: '=arVardkedjeremiss != "ja"' }),
    radio('drogfrihetKravs', 'Är personen inte drogfri men planerad behandling kräver drogfrihet?', JA_NEJ, { hide: '=arVardkedjeremiss != "ja"', description: 'Vid Ja läggs enheten för drogfrihet till.' }),
  ] },
  { id: 'vk-vardkedjeremiss-mote', title: 'Gemensamt remissmöte', fields: [
    date('remissmoteDatum', 'Datum för remissmötet'),
    radio('insatsordning', 'Hur tas behoven om hand?', [['parallellt', 'Parallellt i alla enheter'], ['drogfrihet-forst', 'Drogfrihet först, övrigt parallellt'], ['stegvis', 'Stegvis enligt plan']]),
    confirm('allaEnheterDeltog', 'Alla berörda enheter deltog'),
  ] },
  { id: 'vk-vardkedjeremiss-insats', title: 'Starta insats i enheten', intro: 'Enhet: {{enhet}}', fields: [
    date('insatsStartdatum', 'Insatsen startar'),
    radio('kraverDrogfrihet', 'Kräver insatsen drogfrihet?'),
  ] },
  { id: 'vk-kontaktbegaran-kontakt', title: 'Kontaktbegäran från psykiatrin', intro: 'Kontaktbegäran behandlas som en ansökan.', fields: [
    date('kontaktDatum', 'Datum för kontakt med personen'),
    radio('villHaKontakt', 'Vill personen ha kontakt med socialtjänsten?'),
  ] },
  { id: 'vk-kontaktbegaran-utredning', title: 'Utred behov', fields: [
    checklist('behovsomraden', 'Behovsområden', BEHOV),
    radio('behovHeldygnsvard', 'Finns behov av heldygnsvård inom vårdkedjan?'),
  ] },
  { id: 'vk-placering-utredning', title: 'Utred behov av heldygnsvård', fields: [
    radio('klientIntresserad', 'Är klienten intresserad av placering inom vårdkedjan?'),
    radio('barn', 'Har personen barn under 18 år?', JA_NEJ, { hide: '=klientIntresserad != "ja"' }),
    select('lvmStatus', 'LVM-status', [['ingen', 'Ingen LVM'], ['lvm-utredning-frivillig', 'Under LVM-utredning, godkänner frivillig behandling'], ['lvm27', 'Ska placeras enligt 27 § LVM'], ['extern-placering', 'Efter extern placering']], { hide: '=klientIntresserad != "ja"' }),
  ] },
  { id: 'vk-uppdragsblankett', title: 'Uppdragsblankett till remissgruppen', intro: 'Gemensam uppdragsblankett. Dela bara det som behövs för matchningen.', fields: [
    checklist('behovsomraden', 'Behovsområden', BEHOV),
    radio('foreslagenNiva', 'Föreslagen vårdnivå', [['ekeliden', 'Ekeliden (HVB)'], ['novus', 'Novus (stödboende)'], ['ekeliden-novus', 'Ekeliden och därefter Novus']]),
    radio('barn', 'Har personen barn under 18 år?'),
    confirm('samtyckeRemissgrupp', 'Den enskilde samtycker till att uppgifterna delas med remissgruppen'),
    date('onskatStartdatum', 'Önskat startdatum', { required: false }),
    note('ovrigt', 'Övrigt till remissgruppen'),
  ] },
  { id: 'vk-bistandsbeslut', title: 'Biståndsbeslut', intro: 'Beslutsperioden börjar på beslutsdatum oberoende av kö.', fields: [
    radio('beslut', 'Beslut', [['bifall', 'Bifall'], ['avslag', 'Avslag']]),
    date('decisionDate', 'Beslutsdatum'),
    date('beslutTom', 'Beslutet gäller till och med', { required: false }),
  ] },
  { id: 'vk-remissgrupp-matchning', title: 'Remissgruppens matchning', fields: [
    date('remissmoteDatum', 'Datum för remissgruppens möte'),
    radio('home', 'Matchat boende', [...HOME, ['ingen', 'Behoven kan inte mötas inom vårdkedjan']]),
    confirm('ekelidenTillNovus', 'Planerad vidare till Novus efter Ekeliden', { required: false, hide: '=home != "ekeliden"' }),
  ] },
  { id: 'vk-studiebesok', title: 'Studiebesök', fields: [
    date('studiebesokDatum', 'Datum för studiebesöket'),
    radio('behovKanMotas', 'Kan individens behov mötas på boendet?'),
    radio('klientPositiv', 'Ställer sig individen positiv till placeringen?'),
  ] },
  { id: 'vk-under-placering-uppgifter', title: 'Uppgifter om placeringen', fields: [
    radio('home', 'Boende', HOME),
    date('admissionDate', 'Inskrivningsdatum'),
  ] },
  { id: 'vk-flytt-uppgifter', title: 'Uppgifter om flytten', fields: [
    radio('fromHome', 'Nuvarande boende (flytt till det andra)', HOME),
    date('moveDate', 'Planerat flyttdatum'),
    confirm('contactDuringStay', 'Kontakt med det andra boendet har tagits under placeringen', { required: false }),
    radio('barn', 'Har personen barn under 18 år?'),
  ] },
  { id: 'vk-hemflytt-uppgifter', title: 'Uppgifter inför hemflytt', fields: [
    radio('home', 'Nuvarande boende', HOME),
    date('utflyttDate', 'Planerat utflyttningsdatum'),
    radio('barn', 'Har personen barn under 18 år?'),
  ] },
  { id: 'vk-inskrivning', title: 'Bekräfta inskrivning', fields: [date('admissionDate', 'Inskrivningsdatum')] },
  { id: 'vk-orosanmalan', title: 'Orosanmälan', intro: 'Gör skyddsbedömning omedelbart.', fields: [
    date('skyddsbedomningDatum', 'Skyddsbedömning gjord'),
    radio('omedelbartSkydd', 'Behövs omedelbart skydd för barnet?'),
    select('orosanmalanAtgard', 'Åtgärd', [['inled-utredning', 'Utredning inleds'], ['ingen-utredning', 'Ingen utredning inleds'], ['overlamnad', 'Överlämnad till annan kommun']]),
  ] },
  { id: 'vk-under-placering-inskrivning', title: 'Planera samverkan vid inskrivning', fields: [
    radio('barn', 'Har personen barn under 18 år?'),
    select('samverkanTidpunkt', 'När ska samverkan med andra boendet ske?', [['vid-behov', 'Vid behov, utifrån individens önskan'], ['tidigt', 'Tidigt under placeringen'], ['infor-flytt', 'I närtid inför flytt']]),
    radio('kontaktNyKontaktperson', 'Önskar individen träffa kommande kontaktperson tidigt?'),
    select('nastaSteg', 'Planerat nästa steg', [['flytt', 'Flytt till andra boendet'], ['hemflytt', 'Hemflytt'], ['oklart', 'Inte klart än']]),
  ] },
  { id: 'vk-barn-som-anhoriga', title: 'Barn som anhöriga', fields: [
    radio('barnInformerade', 'Har barnens behov av information, råd och stöd bedömts?'),
    radio('barnStodErbjudet', 'Har stöd erbjudits barnen eller vårdnadshavaren?'),
    radio('orosanmalanBehovs', 'Finns oro för barnen (gör i så fall orosanmälan omedelbart)?'),
  ] },
  { id: 'vk-samtycke-saknas', title: 'Samtycke saknas', intro: 'Ingen information får delas utan samtycke.', fields: [
    select('samtyckeAtgard', 'Åtgärd', [['inhamtat', 'Samtycke inhämtat och registrerat'], ['nekat', 'Individen samtycker inte; ingen information delas']]),
  ] },
  { id: 'vk-samverkansmote', title: 'Samverkansmöte med andra boendet', fields: [
    date('samverkansmoteDatum', 'Mötesdatum'),
    radio('motesform', 'Mötesform', [['fysiskt', 'Fysiskt möte'], ['studiebesok', 'Studiebesök'], ['video', 'Videosamtal']]),
    radio('klientTraffatNyKontaktperson', 'Har klienten träffat kontaktpersonen på det andra boendet?'),
  ] },
  { id: 'vk-flytt-remissgrupp', title: 'Remissgruppen: plats och flyttdatum', fields: [
    radio('platsBekraftad', 'Finns plats på det nya boendet till flyttdatumet?'),
    date('bekraftatFlyttdatum', 'Bekräftat flyttdatum', { hide: '=platsBekraftad != "ja"' }),
  ] },
  { id: 'vk-overlamningsmote', title: 'Överlämningsmöte inför flytt', intro: 'Senast {{overlamningDeadline}}.', fields: [
    date('overlamningsmoteDatum', 'Mötesdatum'),
    dateTime('flyttTid', 'Datum och tid för flytten'),
    select('transportAnsvarig', 'Vem ansvarar för transporten?', [['avlamnande', 'Avlämnande boende'], ['mottagande', 'Mottagande boende'], ['socialtjansten', 'Socialtjänsten'], ['individen', 'Individen själv']]),
    select('tillhorigheter', 'Hur hanteras tillhörigheterna?', [['foljer-med', 'Följer med vid flytten'], ['hamtas-senare', 'Hämtas senare'], ['forvaras', 'Förvaras']]),
    confirm('uppfoljningBehovPlanerad', 'Uppföljning av individens behov är planerad'),
    radio('anhorigaBeaktade', 'Har anhöriga beaktats och vid behov inkluderats?'),
    radio('barnBeaktade', 'Har barn beaktats och vid behov inkluderats?', [['ja', 'Ja'], ['nej', 'Nej'], ['inga-barn', 'Personen har inga barn']]),
    confirm('uppdragsblankettUppdaterad', 'Uppdragsblanketten är uppdaterad'),
    confirm('genomforandeplanUppdaterad', 'Genomförandeplanen är uppdaterad'),
    radio('samtyckeOverforing', 'Finns samtycke till informationsöverföring mellan boendena?'),
    radio('studiebesokFore', 'Genomförs studiebesök före inflytt?', [['ja', 'Ja'], ['nej', 'Nej'], ['redan', 'Redan genomfört']]),
  ] },
  { id: 'vk-flytt-genomford', title: 'Bekräfta genomförd flytt', fields: [date('flyttadDatum', 'Flyttdatum')] },
  { id: 'vk-hemflytt-plan', title: 'Planera inför hemflytt', fields: [
    checklist('behovForeFlytt', 'Vad behöver slutföras före flytten?', BEHOV),
    checklist('behovEfterFlytt', 'Vilka behov finns efter flytten?', BEHOV),
    radio('utsluss', 'Behövs växelvis boende/utsluss?'),
    radio('anhorigaBarnBeaktade', 'Har anhöriga och barn beaktats och vid behov inkluderats?'),
  ] },
  { id: 'vk-novus-kriterium', title: 'Utskrivningskriterium Novus', intro: 'Sysselsättning och boende ska fortsätta efter utskrivning.', fields: [
    radio('sysselsattningFortsatter', 'Finns sysselsättning som fortsätter efter utskrivning?'),
    radio('boendeFortsatter', 'Finns boende som fortsätter efter utskrivning?'),
  ] },
  { id: 'vk-ordna-sysselsattning-boende', title: 'Ordna sysselsättning och boende', fields: [
    confirm('atgarderPlanerade', 'Åtgärder för sysselsättning och boende är planerade; pröva kriteriet igen'),
  ] },
  { id: 'vk-utflytt', title: 'Bekräfta utflytt', fields: [date('utflyttadDatum', 'Utflyttningsdatum')] },
  { id: 'vk-sip-samtycke', title: 'Samtycke till SIP', intro: 'Samtycket är aldrig generellt och gäller högst 12 månader. Individen väljer deltagare och vad som delas.', fields: [
    radio('samtycke', 'Lämnar individen samtycke till SIP?'),
    radio('consentForm', 'Form för samtycket', [['skriftligt', 'Skriftligt'], ['muntligt', 'Muntligt (dokumenteras)'], ['annat', 'På annat sätt']], { hide: '=samtycke != "ja"' }),
    date('consentDate', 'Datum för samtycket', { hide: '=samtycke != "ja"' }),
    checklist('consentParties', 'Parter som får delta och ta del av information', PARTER, { hide: '=samtycke != "ja"' }),
    checklist('consentInformation', 'Information som får delas', INFO, { hide: '=samtycke != "ja"' }),
    confirm('guardiansConsented', 'Båda vårdnadshavarna har samtyckt', { hide: '=samtycke != "ja" or isChild != true' }),
  ] },
  { id: 'vk-sip-utan-samtycke', title: 'Insatser utan SIP', intro: 'Insatserna genomförs även utan samtycke till SIP.', fields: [
    select('utanSipOrsak', 'Orsak', [['vill-inte', 'Individen vill inte ha SIP'], ['kan-inte', 'Individen kan inte ta ställning nu'], ['annat', 'Annat']]),
    confirm('insatserFortsatter', 'Berörda insatser fortsätter'),
  ] },
  { id: 'vk-sip-forberedelse', title: 'Förbered SIP', intro: 'Huvudmännen förbereder utan den enskilde.', fields: [
    select('kostnadsfordelning', 'Kostnadsfördelning mellan huvudmännen', [['overenskommelse', 'Enligt länsöverenskommelse'], ['halften', 'Hälften var'], ['kommunen', 'Kommunen'], ['regionen', 'Regionen'], ['annan', 'Annan fördelning']]),
    confirm('huvudmanOverens', 'Huvudmännen är överens'),
  ] },
  { id: 'vk-sip-kallelse', title: 'Kalla till SIP-möte', fields: [
    dateTime('sipMoteTid', 'Tid för SIP-mötet'),
    checklist('sipDeltagare', 'Kallade deltagare (enligt samtycket)', PARTER),
    confirm('kallelseSkickad', 'Kallelse skickad till individen och deltagarna'),
  ] },
  { id: 'vk-sip-plan', title: 'SIP-möte och plan', intro: 'Senast {{sipMoteDeadline}}.', fields: [
    confirm('planMal', 'Planen beskriver individens egna mål'),
    confirm('planInsatser', 'Planen anger vilka insatser som behövs'),
    confirm('planAnsvar', 'Planen anger vem som ansvarar för vad'),
    confirm('planAndraInsatser', 'Planen anger insatser från andra än huvudmännen'),
    radio('overgripandeAnsvar', 'Vem har det övergripande ansvaret?', [['kommunen', 'Kommunen'], ['regionen', 'Regionen']]),
    select('sipUppfoljningIntervall', 'Uppföljning', INTERVALL),
  ] },
  { id: 'vk-sip-uppfoljning', title: 'Uppföljning av SIP', fields: [
    date('sipUppfoljningDatum', 'Datum för uppföljningsmötet'),
    radio('sipFortsatt', 'Behövs SIP fortfarande?'),
    select('sipUppfoljningIntervall', 'Nästa uppföljning', INTERVALL, { hide: '=sipFortsatt != "ja"' }),
  ] },
  { id: 'vk-sip-aterkallat', title: 'Samtycket har återkallats', intro: 'Ingen mer information får delas. Insatserna fortsätter.', fields: [
    confirm('parterInformerade', 'Berörda parter är informerade om att samtycket återkallats'),
  ] },
  { id: 'vk-sip-avslut', title: 'Avsluta SIP', fields: [
    date('sipAvslutDatum', 'Avslutsdatum'),
    select('sipAvslutOrsak', 'Orsak', [['mal-uppnadda', 'Målen är uppnådda'], ['behov-upphort', 'Samordningsbehovet har upphört'], ['individen-avbojer', 'Individen avböjer fortsatt SIP']]),
  ] },
  { id: 'vk-planeringsdagar-plan', title: 'Planera gemensamma planeringsdagar', intro: '1–2 dagar per år för Ekeliden och Novus.', fields: [
    radio('antalDagar', 'Antal planeringsdagar i år', [['1', 'En dag'], ['2', 'Två dagar']]),
    date('dag1', 'Första planeringsdagen'),
    date('dag2', 'Andra planeringsdagen', { hide: '=antalDagar != "2"' }),
    checklist('teman', 'Teman', [['forsta-kontakt', 'När första kontakt med andra boendet ska tas'], ['rutiner', 'Uppföljning av rutinerna'], ['kompetens', 'Kompetensutveckling'], ['indikatorer', 'Indikatorer och väntetider']], { required: false }),
  ] },
  { id: 'vk-planeringsdag', title: 'Genomför planeringsdag', intro: 'Planeringsdag {{dag}}.', fields: [
    radio('planeringsdagGenomford', 'Genomfördes planeringsdagen?'),
    checklist('deltagandeVerksamheter', 'Deltagande verksamheter', [['ekeliden', 'Ekeliden'], ['novus', 'Novus'], ['socialtjansten', 'Socialtjänsten'], ['psykiatrin', 'Psykiatrin']]),
  ] },
];

export function formJson(f: FormSpec): string {
  const intro = { type: 'text', id: `Text_${f.id.replace(/-/g, '_')}`, text: `## ${f.title}\nÄrende: {{caseRef}}${f.intro ? `\n\n${f.intro}` : ''}` };
  return JSON.stringify({
    executionPlatform: 'Camunda Cloud', executionPlatformVersion: '8.8.0', exporter: { name: 'vardkedjan bpmn/tools', version: '1.0' },
    schemaVersion: 19, id: f.id, type: 'default', components: [intro, ...f.fields],
  }, null, 2) + '\n';
}
