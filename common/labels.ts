/** Swedish names for the slugs the processes use (kommuner, groups, processes), as users see them (web and mails). */
export const KOMMUN_LABEL: Record<string, string> = {
  vaxjo: 'Växjö', alvesta: 'Alvesta', lessebo: 'Lessebo', tingsryd: 'Tingsryd', almhult: 'Älmhult', markaryd: 'Markaryd', ljungby: 'Ljungby', uppvidinge: 'Uppvidinge',
};

export const PROCESS_LABEL: Record<string, string> = {
  'vk-placeringsforfragan': 'Inför placering',
  'vk-under-placering': 'Under placering',
  'vk-flytt-ekeliden-novus': 'Flytt Ekeliden–Novus',
  'vk-infor-hemflytt': 'Inför hemflytt',
  'vk-sip': 'SIP',
  'vk-vardkedjeremiss': 'Vårdkedjeremiss',
  'vk-kontaktbegaran': 'Kontaktbegäran',
  'vk-planeringsdagar': 'Planeringsdagar',
  'vk-placeringsfrister': 'Tidsfrister under placering',
};

const GROUP_LABEL: Record<string, string> = {
  remissgruppen: 'Remissgruppen', 'kontaktperson-ekeliden': 'Kontaktperson Ekeliden', 'kontaktperson-novus': 'Kontaktperson Novus',
  'psykiatri-remissport': 'Psykiatrins remissport', psykiatri: 'Psykiatrin', vardkedjekoordinator: 'Vårdkedjekoordinator', 'chef-region': 'Chef i regionen',
};

export const kommunLabel = (k: string | null | undefined) => (k ? KOMMUN_LABEL[k] ?? k : '–');
export const processLabel = (p: string) => PROCESS_LABEL[p] ?? p;

/** `socialsekreterare-vaxjo` → "Socialsekreterare Växjö". */
export function groupLabel(g: string): string {
  if (GROUP_LABEL[g]) return GROUP_LABEL[g];
  const m = /^(socialsekreterare|chef)-([a-z]+)$/.exec(g);
  if (m) return `${m[1] === 'chef' ? 'Chef' : 'Socialsekreterare'} ${kommunLabel(m[2])}`;
  return g;
}
