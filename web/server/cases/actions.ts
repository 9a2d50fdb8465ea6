import { z } from 'zod';
import type { SessionUser } from '../auth/user';
import { caseWaitsFor, placementRuns, type CaseOverview } from './overview';
import { groupLabel } from './labels';

/**
 * The steps staff take on a case outside a task (issue 10 item 2). Each action sends what the diagrams wait for:
 * a message correlated by the case's caseRef, or a new process started with the case's caseRef and kommun.
 * Who may take it is decided here from the user's groups and the case's kommun; a message action is offered only
 * while some process of the case waits for that message (read from the deployed diagram, see waits.ts).
 */

export interface FieldDef {
  name: string;
  label: string;
  type: 'date' | 'radio' | 'select' | 'checkbox-group' | 'text' | 'hidden-confirm';
  options?: Array<{ value: string; label: string }>;
  help?: string;
}

export type Effect =
  | { kind: 'message'; message: string; variables: Record<string, unknown> }
  | { kind: 'start'; processId: string; variables: Record<string, unknown> }
  /** Consent kept in the consent registry; `message` is also correlated when a process waits for it. */
  | { kind: 'consent-record'; consent: ConsentInput }
  | { kind: 'consent-withdraw'; message: string };

export interface ConsentInput { form: string; givenAt: string; parties: string[]; information: string[]; guardiansConsented: boolean | null }

/** The consent registry as the web app uses it (shared with the workers' vk.consent.check: the same table). */
export interface ConsentPort {
  record(caseRef: string, c: ConsentInput, idempotencyKey: string, now: Date): Promise<{ id: string; validUntil: string }>;
  withdraw(caseRef: string, at: Date): Promise<number>;
  current(caseRef: string, now: Date): Promise<{ id: string; validUntil: string } | undefined>;
}

export interface ActionDef {
  id: string;
  label: string;
  /** One line telling the user what happens when they submit. */
  description: string;
  /** Who may take it, in words (shown in the summary's "who must act"). */
  whoLabel: (o: CaseOverview) => string;
  fields: FieldDef[];
  schema: z.ZodType<Record<string, unknown>>;
  allowed: (user: SessionUser, o: CaseOverview) => boolean;
  /** Applies now? (message actions: some process waits for the message). */
  applies: (o: CaseOverview) => boolean;
  effect: (data: Record<string, unknown>, o: CaseOverview, user: SessionUser) => Effect;
  /** Shown when an action the user may take does not apply now. */
  notNow: string;
  /** The history line, past tense ("planerade hemflytt till 2027-01-10"). */
  done: (data: Record<string, unknown>) => string;
  /** Moves the case to its next stage (named as "Nästa steg" when no task is open). */
  advances?: true;
  /** The case's current consent (registry) goes with what is sent, so a SIP it leads to does not ask again. */
  withConsent?: true;
}

const todayIso = (now: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(now);

/** A real calendar date YYYY-MM-DD (15/12/2026 or 2026-02-30 are refused), optionally not before today. */
export const dateField = (label: string, opts: { notPast?: () => Date; notFuture?: () => Date; afterToday?: () => Date } = {}) =>
  z.string({ error: `Ange ${label}.` }).trim().min(1, `Ange ${label}.`)
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Ange ${label} som ÅÅÅÅ-MM-DD, till exempel 2026-12-15.`)
    .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s; }, `${label.charAt(0).toUpperCase() + label.slice(1)} är inte ett giltigt datum.`)
    .refine((s) => !opts.notPast || s >= todayIso(opts.notPast()), `${label.charAt(0).toUpperCase() + label.slice(1)} kan inte ligga bakåt i tiden.`)
    .refine((s) => !opts.notFuture || s <= todayIso(opts.notFuture()), `${label.charAt(0).toUpperCase() + label.slice(1)} kan inte ligga framåt i tiden.`)
    .refine((s) => !opts.afterToday || s > todayIso(opts.afterToday()), `${label.charAt(0).toUpperCase() + label.slice(1)} måste ligga efter i dag.`);

const yesNo = (msg: string) => z.enum(['ja', 'nej'], { error: msg });
const confirm = z.literal('ja', { error: 'Bekräfta genom att kryssa i rutan.' });
const YES_NO = [{ value: 'ja', label: 'Ja' }, { value: 'nej', label: 'Nej' }];
/** The same values as the SIP consent form (forms/vk-sip-samtycke.form), so the registry holds one vocabulary. */
const PARTIES = [
  { value: 'kommun', label: 'Kommunen' }, { value: 'psykiatri', label: 'Psykiatrin' }, { value: 'primarvard', label: 'Primärvården' }, { value: 'ekeliden', label: 'HVB Ekeliden' },
  { value: 'novus', label: 'Stödboende Novus' }, { value: 'arbetsformedlingen', label: 'Arbetsförmedlingen' }, { value: 'forsakringskassan', label: 'Försäkringskassan' }, { value: 'anhorig', label: 'Anhörig' },
];
const INFORMATION = [{ value: 'sip-plan', label: 'SIP-planen' }, { value: 'genomforandeplan', label: 'Genomförandeplanen' }, { value: 'uppdragsblankett', label: 'Uppdragsblanketten' }, { value: 'insatser', label: 'Insatser' }];
/** A checkbox group: one value arrives as a string, several as an array, none as nothing. */
const list = (opts: Array<{ value: string }>, msg: string) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().refine((x) => opts.some((o) => o.value === x), 'Välj bland alternativen i listan.')).min(1, msg));

const isSocialsekreterare = (u: SessionUser, o: CaseOverview) => !!o.kommun && u.groups.includes(`socialsekreterare-${o.kommun}`);
const isRemiss = (u: SessionUser) => u.groups.includes('remissgruppen');
const isKontaktperson = (u: SessionUser) => u.groups.includes('kontaktperson-ekeliden') || u.groups.includes('kontaktperson-novus');
const isKoordinator = (u: SessionUser) => u.groups.includes('vardkedjekoordinator');
const ssLabel = (o: CaseOverview) => (o.kommun ? groupLabel(`socialsekreterare-${o.kommun}`) : 'Socialsekreterare');
const message = (name: string) => (o: CaseOverview) => caseWaitsFor(o, name);

/** A message the case's socialsekreterare sends by confirming what happened (nothing else to fill in). */
function socialsekreterareConfirms(a: { id: string; label: string; description: string; confirmLabel: string; message: string; done: string; notNow: string; advances?: true }): ActionDef {
  return {
    id: a.id, label: a.label, description: a.description, whoLabel: ssLabel,
    fields: [{ name: 'confirm', label: a.confirmLabel, type: 'hidden-confirm' }],
    schema: z.object({ confirm }),
    allowed: isSocialsekreterare,
    applies: message(a.message),
    effect: () => ({ kind: 'message', message: a.message, variables: {} }),
    done: () => a.done,
    notNow: a.notNow,
    ...(a.advances ? { advances: true as const } : {}),
  };
}

export function caseActions(now: () => Date): ActionDef[] {
  return [
    {
      id: 'planera-flytt', label: 'Planera flytt', description: 'Flytten till det andra boendet planeras; överlämningsmötet och dess tidsgräns läggs upp.',
      whoLabel: (o) => `${ssLabel(o)} eller remissgruppen`,
      fields: [
        { name: 'moveDate', label: 'Flyttdatum', type: 'date' },
        { name: 'contactDuringStay', label: 'Har personen haft kontakt med kontaktpersonen på det nya boendet under placeringen?', type: 'radio', options: [...YES_NO, { value: 'vet-inte', label: 'Vet inte' }], help: 'Utan kontakt hålls överlämningsmötet tidigare (tre veckor före flytten i stället för två). Vet du inte används svaret från inskrivningen.' },
      ],
      schema: z.object({ moveDate: dateField('flyttdatum', { notPast: now }), contactDuringStay: z.enum(['ja', 'nej', 'vet-inte'], { error: 'Välj ja, nej eller vet inte.' }).optional() }),
      allowed: (u, o) => isSocialsekreterare(u, o) || isRemiss(u),
      applies: message('flytt-planerad'),
      effect: (d) => ({ kind: 'message', message: 'flytt-planerad', variables: { moveDate: d.moveDate, ...(d.contactDuringStay === 'ja' || d.contactDuringStay === 'nej' ? { contactDuringStay: d.contactDuringStay === 'ja' } : {}) } }),
      done: (d) => `planerade flytt till det andra boendet (${String(d.moveDate)})`,
      advances: true,
      notNow: 'Flytt kan planeras när personen är inskriven och inget annat nästa steg har planerats.',
    },
    {
      id: 'andra-flyttdatum', label: 'Ändra flyttdatum', description: 'Flyttdatumet ändras: tidsgränsen för överlämningsmötet räknas om från det nya datumet och deltagarna får nytt besked.',
      whoLabel: (o) => `${ssLabel(o)} eller remissgruppen`,
      fields: [{ name: 'moveDate', label: 'Nytt flyttdatum', type: 'date' }],
      schema: z.object({ moveDate: dateField('nytt flyttdatum', { notPast: now }) }),
      allowed: (u, o) => isSocialsekreterare(u, o) || isRemiss(u),
      applies: message('flyttdatum-andrat'),
      effect: (d) => ({ kind: 'message', message: 'flyttdatum-andrat', variables: { moveDate: d.moveDate } }),
      done: (d) => `ändrade flyttdatum till ${String(d.moveDate)}`,
      notNow: 'Flyttdatum kan ändras medan överlämningsmötet inför en flytt väntar.',
    },
    {
      id: 'planera-hemflytt', label: 'Planera hemflytt', description: 'Hemflytten planeras; SIP-mötet ska hållas senast två veckor före utflytt.',
      whoLabel: ssLabel,
      fields: [{ name: 'utflyttDate', label: 'Utflyttningsdatum', type: 'date', help: 'SIP-mötet ska hållas senast två veckor före utflytt; välj ett datum minst 14 dagar fram om det går.' }],
      schema: z.object({ utflyttDate: dateField('utflyttningsdatum', { afterToday: now }) }),
      allowed: isSocialsekreterare,
      applies: message('hemflytt-planerad'),
      effect: (d) => ({ kind: 'message', message: 'hemflytt-planerad', variables: { utflyttDate: d.utflyttDate } }),
      done: (d) => `planerade hemflytt (utflytt ${String(d.utflyttDate)})`,
      advances: true,
      // Inför hemflytt calls a SIP (through under placering, which maps consentId/consentValidUntil into it).
      withConsent: true,
      notNow: 'Hemflytt kan planeras när personen är inskriven och inget annat nästa steg har planerats.',
    },
    {
      id: 'begar-samverkan', label: 'Begär samverkan', description: 'Ett samverkansmöte med det andra boendet begärs; samtycket kontrolleras innan något delas.',
      whoLabel: (o) => `${ssLabel(o)} eller kontaktperson`,
      fields: [{ name: 'confirm', label: 'Jag begär samverkan med det andra boendet', type: 'hidden-confirm' }],
      schema: z.object({ confirm }),
      allowed: (u, o) => isSocialsekreterare(u, o) || isKontaktperson(u),
      applies: message('samverkan-begard'),
      effect: () => ({ kind: 'message', message: 'samverkan-begard', variables: {} }),
      done: () => 'begärde samverkan med det andra boendet',
      notNow: 'Samverkan kan begäras medan personen är placerad.',
    },
    {
      id: 'registrera-samtycke', label: 'Registrera samtycke', description: 'Personens samtycke registreras för ärendet: vilka parter och vilken information. Det gäller högst ett år och kan återkallas när som helst.',
      whoLabel: ssLabel,
      fields: [
        { name: 'consentForm', label: 'Hur lämnades samtycket?', type: 'radio', options: [{ value: 'skriftligt', label: 'Skriftligt' }, { value: 'muntligt', label: 'Muntligt (dokumenteras här)' }, { value: 'annat', label: 'På annat sätt' }] },
        { name: 'consentDate', label: 'Datum då samtycket lämnades', type: 'date' },
        { name: 'consentParties', label: 'Parter som får ta del', type: 'checkbox-group', options: PARTIES },
        { name: 'consentInformation', label: 'Information som får delas', type: 'checkbox-group', options: INFORMATION },
        { name: 'guardiansConsented', label: 'Om personen är under 18 år: har båda vårdnadshavarna samtyckt?', type: 'radio', options: [...YES_NO, { value: 'ej-aktuellt', label: 'Inte aktuellt (vuxen)' }] },
      ],
      schema: z.object({
        consentForm: z.enum(['skriftligt', 'muntligt', 'annat'], { error: 'Ange hur samtycket lämnades.' }),
        consentDate: dateField('datum då samtycket lämnades', { notFuture: now }),
        consentParties: list(PARTIES, 'Välj minst en part; ett samtycke är aldrig generellt.'),
        consentInformation: list(INFORMATION, 'Välj vilken information som får delas.'),
        guardiansConsented: z.enum(['ja', 'nej', 'ej-aktuellt'], { error: 'Ange om vårdnadshavarna samtyckt, eller att det inte är aktuellt.' }),
      }),
      allowed: isSocialsekreterare,
      applies: () => true,
      effect: (d) => ({ kind: 'consent-record', consent: { form: String(d.consentForm), givenAt: String(d.consentDate), parties: d.consentParties as string[], information: d.consentInformation as string[], guardiansConsented: d.guardiansConsented === 'ej-aktuellt' ? null : d.guardiansConsented === 'ja' } }),
      done: (d) => `registrerade samtycke (${String(d.consentForm)}, lämnat ${String(d.consentDate)})`,
      notNow: '',
    },
    {
      id: 'aterkalla-samtycke', label: 'Återkalla samtycke', description: 'Personen har återkallat sitt samtycke: inget mer delas, en pågående SIP avbryts och parterna informeras. Insatserna fortsätter.',
      whoLabel: ssLabel,
      fields: [{ name: 'confirm', label: 'Personen har återkallat sitt samtycke', type: 'hidden-confirm' }],
      schema: z.object({ confirm }),
      allowed: isSocialsekreterare,
      applies: () => true,
      effect: () => ({ kind: 'consent-withdraw', message: 'samtycke-aterkallat' }),
      done: () => 'registrerade att samtycket återkallats',
      notNow: 'Det finns inget giltigt samtycke i ärendet och ingen SIP pågår.',
    },
    {
      id: 'starta-sip', label: 'Starta SIP', description: 'En samordnad individuell plan startas för ärendet, med ärendets samtycke.',
      whoLabel: (o) => `${ssLabel(o)} eller vårdkedjekoordinator`,
      fields: [{ name: 'isChild', label: 'Är personen under 18 år? (då ska båda vårdnadshavarna samtycka)', type: 'radio', options: YES_NO }],
      schema: z.object({ isChild: yesNo('Ange om personen är under 18 år.') }),
      allowed: (u, o) => isSocialsekreterare(u, o) || isKoordinator(u),
      applies: (o) => !o.processes.some((p) => p.processDefinitionId === 'vk-sip' && p.state === 'ACTIVE'),
      effect: (d, o) => ({ kind: 'start', processId: 'vk-sip', variables: { ...carried(o, CONSENT_VARS), isChild: d.isChild === 'ja', sipAnledning: 'arende' } }),
      done: () => 'startade SIP',
      withConsent: true,
      notNow: 'En SIP pågår redan i ärendet.',
    },
    {
      id: 'orosanmalan', label: 'Gör orosanmälan', description: 'En orosanmälan registreras direkt; socialsekreteraren får en uppgift att hantera den och göra en skyddsbedömning.',
      whoLabel: () => 'Alla som arbetar med ärendet',
      fields: [{ name: 'confirm', label: 'Jag gör en orosanmälan för barn i ärendet', type: 'hidden-confirm' }],
      schema: z.object({ confirm }),
      allowed: () => true,
      applies: message('orosanmalan'),
      effect: (_d, _o, u) => ({ kind: 'message', message: 'orosanmalan', variables: { orosanmalanFran: u.groups[0] ?? '' } }),
      done: () => 'gjorde en orosanmälan',
      notNow: 'Ingen pågående process i ärendet tar emot orosanmälan; kontakta socialtjänsten direkt.',
    },
    socialsekreterareConfirms({
      id: 'aterkalla-placeringsforfragan', label: 'Återkalla placeringsförfrågan', description: 'Personen tackar nej eller behovet har upphört: ärendet tas bort ur kön och förfrågan avslutas. Platsen går till nästa i kön.',
      confirmLabel: 'Personen tackar nej eller behovet av placering har upphört', message: 'placering-aterkallad',
      done: 'återkallade placeringsförfrågan (ärendet togs bort ur kön)', advances: true,
      notNow: 'En placeringsförfrågan kan återkallas medan ärendet står i kö till ett boende.',
    }),
    socialsekreterareConfirms({
      id: 'aterkalla-kontaktbegaran', label: 'Personen drar tillbaka ansökan', description: 'Personen drar tillbaka sin ansökan: utredningen efter kontaktbegäran avslutas.',
      confirmLabel: 'Personen har dragit tillbaka sin ansökan', message: 'kontaktbegaran-aterkallad',
      done: 'registrerade att personen drog tillbaka sin ansökan (kontaktbegäran)',
      notNow: 'Det går medan behovet utreds efter en kontaktbegäran.',
    }),
    {
      id: 'avsluta-placering', label: 'Avsluta placering / skriv ut', description: 'Placeringen avslutas och personen skrivs ut; platsen blir ledig för nästa i kön och en pågående flytt eller hemflytt avbryts.',
      whoLabel: ssLabel,
      fields: [
        { name: 'avslutDatum', label: 'Datum då placeringen avslutades', type: 'date' },
        { name: 'avslutOrsak', label: 'Orsak', type: 'select', options: [{ value: 'behandling-klar', label: 'Behandlingen är klar' }, { value: 'klienten-avbryter', label: 'Personen avbryter' }, { value: 'annan-vard', label: 'Annan vård eller placering' }, { value: 'ovrigt', label: 'Övrigt' }] },
      ],
      schema: z.object({
        avslutDatum: dateField('datum då placeringen avslutades', { notFuture: now }),
        avslutOrsak: z.enum(['behandling-klar', 'klienten-avbryter', 'annan-vard', 'ovrigt'], { error: 'Välj orsak.' }),
      }),
      allowed: isSocialsekreterare,
      // Under placering takes placering-avslutad until it ends, also after the utflytt while the SIP continues: the
      // placement is over then (the place was freed), so ending it again would free a place another client holds.
      applies: (o) => caseWaitsFor(o, 'placering-avslutad') && placementRuns(o),
      effect: (d) => ({ kind: 'message', message: 'placering-avslutad', variables: { avslutDatum: d.avslutDatum, avslutOrsak: d.avslutOrsak } }),
      done: (d) => `avslutade placeringen (${String(d.avslutDatum)})`,
      advances: true,
      notNow: 'Placeringen kan avslutas medan personen är inskriven på ett boende.',
    },
  ];
}

/** Consent variables the case already holds, handed to a new SIP so consent given once applies to the client's case. */
export const CONSENT_VARS = ['consentId', 'consentValidUntil'];
export function carried(o: CaseOverview, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => o.vars[n] !== undefined && o.vars[n] !== null).map((n) => [n, o.vars[n]]));
}

/** zod issues → `{ field: Swedish message }` (first message per field). */
export function fieldErrors(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of err.issues) {
    const k = String(i.path[0] ?? '_');
    out[k] ??= i.message;
  }
  return out;
}
