/** Finds the Orchestration Cluster client methods called in the project's runtime sources. */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCANNED_DIRS = ['workers', 'web/server', 'deploy', 'common', 'scripts'];

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * `<receiver>.<method>(` where the receiver's last name part contains "client" or "camunda" (client, this.client,
 * this.d.client, camunda, ...) and `method` is one of `clientMethods` (the SDK client's own methods, so that e.g.
 * openid-client calls are not counted). Returns method → files using it.
 */
export function scanClientCalls(clientMethods: Set<string>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const re = /([A-Za-z_$][\w$]*)\??\.([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>)?\(/g;
  for (const dir of SCANNED_DIRS) {
    for (const file of tsFiles(path.join(ROOT, dir))) {
      const src = fs.readFileSync(file, 'utf8');
      for (const m of src.matchAll(re)) {
        if (!/client|camunda/i.test(m[1]) || !clientMethods.has(m[2])) continue;
        const rel = path.relative(ROOT, file);
        const list = found.get(m[2]) ?? [];
        if (!list.includes(rel)) list.push(rel);
        found.set(m[2], list);
      }
    }
  }
  return found;
}
