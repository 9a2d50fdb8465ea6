/** The signed-in user as the web app sees it, whatever the sign-in mode. */
export interface SessionUser {
  id: string;
  name: string;
  groups: string[];
}

/** The kommun slug of a user: from `socialsekreterare-<kommun>` or `chef-<kommun>` (not `chef-region`). */
export function userKommun(user: SessionUser): string | undefined {
  for (const g of user.groups) {
    const m = /^(?:socialsekreterare|chef)-([a-z]+)$/.exec(g);
    if (m && m[1] !== 'region') return m[1];
  }
  return undefined;
}

export function isRegionManager(user: SessionUser): boolean {
  return user.groups.includes('chef-region');
}

/** Kommuner a manager may follow on the dashboard: all (`'all'`) for chef-region, else their chef-<kommun> groups. */
export function managedKommuner(user: SessionUser): 'all' | string[] {
  if (isRegionManager(user)) return 'all';
  return user.groups.map((g) => /^chef-([a-z]+)$/.exec(g)?.[1]).filter((k): k is string => !!k);
}

export function isManager(user: SessionUser): boolean {
  const m = managedKommuner(user);
  return m === 'all' || m.length > 0;
}
