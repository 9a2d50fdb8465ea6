import { DateTime } from 'luxon';

/**
 * Swedish e-mail templates. By design a message carries only: what kind of task, the case reference, a link and
 * the due date — never names, personnummer or health data (DOMAIN.md, privacy rules). `assertNoPersonalData`
 * is the last line of defence before anything is queued.
 */

export type TemplateId = 'ny-uppgift' | 'kallelse-mote' | 'paminnelse' | 'eskalering';

export interface MailContent { subject: string; text: string }

export interface TemplateInput {
  caseRef: string;
  /** Swedish name of the task or deadline, from configuration (never from free-text variables). */
  taskLabel: string;
  link: string;
  /** ISO date-time, optional. */
  dueDate?: string;
  /** Meetings: ISO date-time of the meeting (a time, not personal data). */
  meetingTime?: string;
  /** Breach escalations: the responsible group and the how-many-th day. */
  responsibleGroup?: string;
  step?: number;
}

export function formatSwedishDate(iso: string): string {
  const dt = DateTime.fromISO(iso, { setZone: true }).setZone('Europe/Stockholm').setLocale('sv');
  if (!dt.isValid) throw new Error(`Due date "${iso}" is not an ISO 8601 date-time`);
  return dt.toFormat("cccc d MMMM yyyy 'kl.' HH:mm");
}

const FOOTER = '\n\nDetta meddelande innehåller inga person- eller hälsouppgifter. Logga in i vårdkedjan för att se ärendet.\n'
  + 'Meddelandet skickades automatiskt – svara inte på det.';

export function render(template: TemplateId, i: TemplateInput): MailContent {
  const due = i.dueDate ? formatSwedishDate(i.dueDate) : undefined;
  let m: MailContent;
  switch (template) {
    case 'ny-uppgift':
      m = {
        subject: `Ny uppgift i vårdkedjan – ärende ${i.caseRef}`,
        text: `Hej!\n\nDu har en uppgift i vårdkedjan: ${i.taskLabel}.\n\nÄrende: ${i.caseRef}\n`
          + (due ? `Ska vara klar senast: ${due}\n` : '') + `\nÖppna uppgiften: ${i.link}` + FOOTER,
      };
      break;
    case 'kallelse-mote':
      m = {
        subject: `Kallelse: ${i.taskLabel} – ärende ${i.caseRef}`,
        text: `Hej!\n\nEr enhet är kallad till ${i.taskLabel}.\n\nÄrende: ${i.caseRef}\n`
          + (i.meetingTime ? `Tid: ${formatSwedishDate(i.meetingTime)}\n` : '') + `\nSe ärendets uppgifter: ${i.link}` + FOOTER,
      };
      break;
    case 'paminnelse':
      m = {
        subject: `Påminnelse: ${i.taskLabel} – ärende ${i.caseRef}`,
        text: `Hej!\n\nEn tidsfrist i vårdkedjan närmar sig: ${i.taskLabel}.\n\nÄrende: ${i.caseRef}\n`
          + (due ? `Tidsfristen löper ut: ${due}\n` : '') + `\nÖppna uppgiften: ${i.link}` + FOOTER,
      };
      break;
    case 'eskalering':
      m = {
        subject: `Tidsfrist överskriden: ${i.taskLabel} – ärende ${i.caseRef}`,
        text: `Hej!\n\nEn tidsfrist i vårdkedjan har passerats och uppgiften är inte klar: ${i.taskLabel}.\n\nÄrende: ${i.caseRef}\n`
          + (due ? `Tidsfristen löpte ut: ${due}\n` : '')
          + (i.responsibleGroup ? `Ansvarig grupp: ${i.responsibleGroup}\n` : '')
          + (i.step ? `Eskalering nummer ${i.step} – påminnelsen upprepas varje dag tills uppgiften är klar.\n` : '')
          + `\nÖppna uppgiften: ${i.link}` + FOOTER,
      };
      break;
  }
  assertNoPersonalData(m.subject + '\n' + m.text);
  return m;
}

/** Swedish personnummer / samordningsnummer shapes: YYMMDD-XXXX, YYYYMMDDXXXX, with or without separator. */
const PERSONNUMMER = /(?<!\d)(\d{2})?\d{2}[01]\d[0-3]\d[-+]?\d{4}(?!\d)/;

export function assertNoPersonalData(text: string): void {
  if (PERSONNUMMER.test(text)) {
    throw new PersonalDataError('Refusing to send an e-mail that contains something shaped like a personnummer. Check the case reference and configuration: mails may carry only task, case reference, link and due date.');
  }
}

export class PersonalDataError extends Error {
  override name = 'PersonalDataError';
}
