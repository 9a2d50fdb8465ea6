import type { OidcConfig } from '../config';
import type { SessionUser } from './user';

/**
 * Groups the app knows (docs/CONVENTIONS.md); anything else from the IdP is ignored. The psychiatry units are a
 * configurable list (config/psykiatri-enheter.json), each the group `psykiatri-<id>`, so any such id is accepted.
 */
const KNOWN_GROUP = /^(socialsekreterare-[a-z]+|chef-[a-z]+|remissgruppen|kontaktperson-ekeliden|kontaktperson-novus|psykiatri|psykiatri-[a-z0-9]+|vardkedjekoordinator|processagare)$/;

/**
 * Maps ID-token / userinfo claims to a session user: `sub` → id, `name` (or `preferred_username`) → name,
 * the configured group claim (array, or a space/comma separated string) → groups. The optional prefix is
 * stripped (`vk-socialsekreterare-vaxjo` → `socialsekreterare-vaxjo`); unknown groups are dropped, so an IdP
 * cannot grant a role the app does not define. Throws when the user ends up without any known group.
 */
export function claimsToUser(claims: Record<string, unknown>, cfg: Pick<OidcConfig, 'groupClaim' | 'groupPrefix'>): SessionUser {
  const sub = claims.sub;
  if (typeof sub !== 'string' || !sub) throw new Error('ID-token saknar sub');
  const raw = claimPath(claims, cfg.groupClaim);
  const list = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const groups = knownGroups(list, cfg.groupPrefix);
  if (groups.length === 0) throw new Error(NO_KNOWN_GROUP);
  const name = typeof claims.name === 'string' ? claims.name : typeof claims.preferred_username === 'string' ? claims.preferred_username : sub;
  return { id: sub, name, groups };
}

export const NO_KNOWN_GROUP = 'Ditt konto saknar behörighetsgrupper för vårdkedjan. Kontakta din administratör.';

/**
 * The groups of the app among an IdP's group names (OIDC claims, SAML attribute values): trimmed, lower-cased,
 * a leading `/` and the optional prefix stripped, anything unknown dropped, each once.
 */
export function knownGroups(names: readonly string[], prefix: string): string[] {
  return [...new Set(names
    .map((g) => g.trim().toLowerCase().replace(/^\//, ''))
    .map((g) => (prefix && g.startsWith(prefix) ? g.slice(prefix.length) : g))
    .filter((g) => KNOWN_GROUP.test(g)))];
}

/** Reads a possibly dotted claim path (e.g. `realm_access.roles`). */
export function claimPath(claims: Record<string, unknown>, pathStr: string): unknown {
  let cur: unknown = claims;
  for (const part of pathStr.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

