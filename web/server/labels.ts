/**
 * Swedish display names for the slugs the processes use (kommun, candidate group). Pages show these words, never
 * the slugs; search input in words ("Växjö", "vaxjo", "VÄXJÖ") maps back to the slug.
 */
export const KOMMUN_NAMES: Readonly<Record<string, string>> = {
  vaxjo: 'Växjö', alvesta: 'Alvesta', lessebo: 'Lessebo', tingsryd: 'Tingsryd',
  almhult: 'Älmhult', markaryd: 'Markaryd', ljungby: 'Ljungby', uppvidinge: 'Uppvidinge',
};

const ROLE_NAMES: Readonly<Record<string, string>> = {
  socialsekreterare: 'Socialsekreterare',
  chef: 'Chef',
  remissgruppen: 'Remissgruppen',
  'kontaktperson-ekeliden': 'Kontaktpersoner Ekeliden',
  'kontaktperson-novus': 'Kontaktpersoner Novus',
  'psykiatri-remissport': 'Psykiatrins remissport',
  psykiatri: 'Psykiatrin',
  vardkedjekoordinator: 'Vårdkedjekoordinator',
  'chef-region': 'Chef Region Kronoberg',
  processagare: 'Processägare',
};

/** "vaxjo" → "Växjö"; an unknown slug is shown as it is, capitalised. */
export function kommunName(slug: string | undefined | null): string {
  if (!slug) return '–';
  return KOMMUN_NAMES[slug] ?? slug.charAt(0).toUpperCase() + slug.slice(1);
}

/** "socialsekreterare-vaxjo" → "Socialsekreterare Växjö", "kontaktperson-novus" → "Kontaktpersoner Novus". */
export function groupName(group: string): string {
  if (ROLE_NAMES[group]) return ROLE_NAMES[group];
  const m = /^(socialsekreterare|chef)-([a-z]+)$/.exec(group);
  if (m) return `${ROLE_NAMES[m[1]]} ${kommunName(m[2])}`;
  return group;
}

const fold = (s: string) => s.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** The kommun slug for what a user typed ("Växjö", "vaxjo", "ÄLMHULT"), or undefined. */
export function kommunFromText(text: string): string | undefined {
  const t = fold(text);
  if (!t) return undefined;
  return Object.keys(KOMMUN_NAMES).find((slug) => slug === t || fold(KOMMUN_NAMES[slug]) === t);
}

/** The processes of bpmn/, in the order the README lists them (for filters). */
export const PROCESS_NAMES: Readonly<Record<string, string>> = {
  'vk-vardkedjeremiss': 'Vårdkedjeremiss till psykiatrin',
  'vk-kontaktbegaran': 'Kontaktbegäran från psykiatrin',
  'vk-placeringsforfragan': 'Förfrågan om placering',
  'vk-under-placering': 'Under placering',
  'vk-flytt-ekeliden-novus': 'Flytt mellan Ekeliden och Novus',
  'vk-infor-hemflytt': 'Inför hemflytt',
  'vk-sip': 'Samordnad individuell plan (SIP)',
  'vk-planeringsdagar': 'Gemensamma planeringsdagar',
};
