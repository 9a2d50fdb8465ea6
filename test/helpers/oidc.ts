/**
 * A real OpenID Provider for the web tests (panva's `oidc-provider`, see oidc-provider.mjs) in its own node process,
 * and a small cookie-keeping HTTP client that walks its development login and consent pages like a browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

export interface OidcAccount { name: string; groups: string[] }
export interface TestOidcProvider { issuer: string; stop(): Promise<void> }

export async function startTestOidcProvider(opts: {
  clientId: string; clientSecret: string; redirectUri: string; accounts: Record<string, OidcAccount>; idTokenClaims?: boolean; port?: number;
}): Promise<TestOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-provider.mjs'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`oidc-provider did not start in 20 s: ${stderr}`)), 20_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`oidc-provider exited with ${code}: ${stderr}`)); });
    readline.createInterface({ input: child.stdout! }).once('line', (line) => { clearTimeout(timer); resolve((JSON.parse(line) as { issuer: string }).issuer); });
  });
  return {
    issuer,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A loopback port that was free a moment ago (the app must know its own redirect URI before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Hop { method: string; url: string; status: number; location?: string; body: string }

/**
 * A browser stand-in: one cookie jar per origin (name → value; the provider's path-scoped cookies are few and
 * distinct by name), redirects followed by hand so each hop can be inspected, HTML forms submitted.
 */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();
  readonly hops: Hop[] = [];

  cookies(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  /** One request, no redirect following. */
  async request(method: string, url: string, form?: Record<string, string>, accept = 'text/html'): Promise<Hop> {
    const u = new URL(url);
    const jar = this.cookies(u.origin);
    const headers: Record<string, string> = { accept };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    for (const set of res.headers.getSetCookie()) {
      const [pair, ...attrs] = set.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1).trim());
    }
    const location = res.headers.get('location') ?? undefined;
    const hop = { method, url, status: res.status, location: location ? new URL(location, url).href : undefined, body: await res.text() };
    this.hops.push(hop);
    return hop;
  }

  /** Follows redirects (as GET) until a page that is not a redirect, or until `stop` says so for a location. */
  async follow(method: string, url: string, form?: Record<string, string>, stop?: (location: string) => boolean): Promise<Hop> {
    let hop = await this.request(method, url, form);
    for (let i = 0; i < 20 && hop.status >= 300 && hop.status < 400 && hop.location; i++) {
      if (stop?.(hop.location)) return hop;
      hop = await this.request('GET', hop.location);
    }
    return hop;
  }

  /** Submits the page's first form (its action resolved against the page URL) with extra fields. */
  submit(page: Hop, fields: Record<string, string>, stop?: (location: string) => boolean): Promise<Hop> {
    const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
    if (!action) throw new Error(`no form on ${page.url}: ${page.body.slice(0, 300)}`);
    const hidden = Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    return this.follow('POST', new URL(action.replace(/&amp;/g, '&'), page.url).href, { ...hidden, ...fields }, stop);
  }
}
