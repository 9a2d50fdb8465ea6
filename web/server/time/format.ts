/** Numbers as Swedes read them: decimal comma, space as thousands separator (sv-SE). */
const NUM = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 });
const INT = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 0 });
export const fmtNumber = (v: number) => NUM.format(v);
export const fmtInt = (v: number) => INT.format(v);

const DAY_KEY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
const CLOCK = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' });

/**
 * How late an open task is, for "Försenad …" (inbox, case lists, dashboard lists): whole days when there is at
 * least one ("1 dag", "3 dagar"); under a day, since when by the Stockholm clock ("sedan idag kl. 14.00", "sedan
 * igår kl. 23.30"), never "0 dagar". `daysLate` is the product's judgement (clock or breach steps, see judge()).
 */
export function lateText(daysLate: number, due: string | null | undefined, now: Date): string {
  if (daysLate >= 1) return `${fmtInt(daysLate)} ${daysLate === 1 ? 'dag' : 'dagar'}`;
  const at = due ? new Date(due) : undefined;
  if (!at || Number.isNaN(at.getTime()) || at.getTime() > now.getTime()) return 'sedan idag';
  const clock = CLOCK.format(at).replace(':', '.');
  const day = DAY_KEY.format(at) === DAY_KEY.format(now) ? 'idag' : 'igår';
  return `sedan ${day} kl. ${clock}`;
}
