/**
 * Swedish words for the case page: homes, deadline variables, states (kommun and group names: ../labels.ts).
 * Unknown identifiers fall back to a readable form rather than failing, so a new diagram never breaks the page.
 */

import { groupName, kommunName } from '../labels';

const HOMES: Record<string, string> = { ekeliden: 'HVB Ekeliden', novus: 'Stödboende Novus' };

export const kommunLabel = kommunName;
export const groupLabel = groupName;
export const homeLabel = (h: unknown): string => (typeof h === 'string' && h ? HOMES[h] ?? h : '–');

const DEADLINES: Record<string, string> = {
  matchningDeadline: 'Remissgruppens matchning senast',
  ejVerkstalltDeadline: 'Beslutet ska vara verkställt senast (annars ej verkställt beslut)',
  overlamningDeadline: 'Överlämningsmöte före flytten senast',
  sipMoteDeadline: 'SIP-möte senast',
  remissmoteDeadline: 'Gemensamt remissmöte senast',
  kontaktDeadline: 'Kontakt med personen senast',
  omprovningDeadline: 'Placeringen ska omprövas senast',
  lvmDeadline: 'LVM-vården upphör senast (högst 6 månader)',
  akutDeadline: 'Akutplaceringen löper ut (beslut om förlängning senast)',
  akutForlangdDeadline: 'Förlängd akutplacering löper ut',
  kostnadAkutDeadline: 'Kostnadsfördelning för akutplaceringen klar senast',
  consentValidUntil: 'Samtycket gäller till',
};
/** A deadline variable in words; unknown `fooDeadline` becomes "Tidsgräns (foo)". */
export const deadlineLabel = (name: string): string => DEADLINES[name] ?? `Tidsgräns (${name.replace(/Deadline$/, '')})`;
export const isDeadlineVariable = (name: string): boolean => /Deadline$/.test(name) || name === 'consentValidUntil';

export const INSTANCE_STATE: Record<string, string> = { ACTIVE: 'Pågår', COMPLETED: 'Avslutad', TERMINATED: 'Avbruten', CANCELED: 'Avbruten' };
export const TASK_STATE: Record<string, string> = { CREATED: 'Öppen', COMPLETED: 'Slutförd', CANCELED: 'Avbruten', FAILED: 'Misslyckad' };
