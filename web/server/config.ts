import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { storageEnvSchema, type StorageConfig } from '../../common/storage/config';
import { isLoopbackHttp } from './auth/oidc';
import { loadAttributeMap, readCertificates, type SamlConfig } from './auth/saml-config';
import { PROJECT_ROOT } from '../../common/paths';

/** Web app configuration, read once from the environment (documented in docs/web.md). */
export interface WebConfig {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite files in dataDir, or the PostgreSQL database of DATABASE_URL shared by every replica. */
  storage: StorageConfig;
  usersFile: string;
  sessionSecret: string;
  /** `auto`: Secure cookie when the request arrived over HTTPS (directly or via a trusted proxy). */
  cookieSecure: boolean | 'auto';
  trustProxy: boolean;
  authMode: 'local' | 'oidc' | 'saml';
  oidc?: OidcConfig;
  saml?: SamlConfig;
  /** Days before the due date a task counts as "due soon" / at risk. */
  dueSoonDays: number;
  /** Seconds between incremental read-model refreshes for the dashboard (0 = on demand only). */
  readModelRefreshSeconds: number;
  /** Seconds before the last refresh that each refresh looks at again (the cluster's eventual consistency). */
  readModelOverlapSeconds: number;
  /** Forbidden free-text patterns for form fields (personnummer …), config/free-text.json by default. */
  freeTextFile: string;
  /** The processes "Starta ärende" offers (config/start.json by default). */
  startFile: string;
  /** Failed sign-ins before a temporary lockout (web/server/auth/login-guard.ts). */
  loginLimits?: import('./auth/login-guard').LoginLimits;
  /** Seconds between full sweeps of the work in progress (all open tasks, variables of all active instances). */
  readModelFullSweepSeconds: number;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Claim holding the user's groups (array or space/comma-separated string). */
  groupClaim: string;
  /** Optional prefix stripped from IdP group names (e.g. `vk-`). */
  groupPrefix: string;
  scope: string;
}

const Env = z.object({
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WEB_HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  WEB_USERS_FILE: z.string().optional(),
  WEB_SESSION_SECRET: z.string().min(16).optional(),
  WEB_COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
  WEB_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  WEB_AUTH_MODE: z.enum(['local', 'oidc', 'saml']).default('local'),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_REDIRECT_URI: z.string().url().optional(),
  OIDC_GROUP_CLAIM: z.string().default('groups'),
  OIDC_GROUP_PREFIX: z.string().default(''),
  OIDC_SCOPE: z.string().default('openid profile email'),
  SAML_IDP_SSO_URL: z.string().url().optional(),
  SAML_IDP_ENTITY_ID: z.string().min(1).optional(),
  SAML_IDP_CERT_FILE: z.string().min(1).optional(),
  SAML_SP_ENTITY_ID: z.string().min(1).optional(),
  SAML_ACS_URL: z.string().url().optional(),
  SAML_ID_ATTRIBUTE: z.string().default(''),
  SAML_NAME_ATTRIBUTES: z.string().default('http://sambi.se/attributes/1/givenName,http://sambi.se/attributes/1/surname'),
  SAML_GROUP_ATTRIBUTE: z.string().default(''),
  SAML_GROUP_PREFIX: z.string().default(''),
  SAML_ATTRIBUTE_MAP_FILE: z.string().optional(),
  SAML_WANT_RESPONSE_SIGNED: z.enum(['true', 'false']).default('false'),
  SAML_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  SAML_MAX_ASSERTION_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  SAML_AUTHN_CONTEXT: z.string().default(''),
  SAML_SP_KEY_FILE: z.string().optional(),
  SAML_SP_CERT_FILE: z.string().optional(),
  WEB_DUE_SOON_DAYS: z.coerce.number().int().min(0).default(3),
  WEB_READMODEL_REFRESH_SECONDS: z.coerce.number().int().min(0).default(60),
  WEB_READMODEL_OVERLAP_SECONDS: z.coerce.number().int().min(0).default(60),
  WEB_READMODEL_FULL_SWEEP_SECONDS: z.coerce.number().int().min(0).default(900),
  WEB_FREE_TEXT_FILE: z.string().optional(),
  WEB_START_FILE: z.string().optional(),
  WEB_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  WEB_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  WEB_LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  ...storageEnvSchema.shape,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid web configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let oidc: OidcConfig | undefined;
  if (e.WEB_AUTH_MODE === 'oidc') {
    if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET || !e.OIDC_REDIRECT_URI) {
      throw new Error('WEB_AUTH_MODE=oidc needs OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI');
    }
    const issuer = new URL(e.OIDC_ISSUER);
    if (issuer.protocol !== 'https:' && !isLoopbackHttp(issuer)) throw new Error('OIDC_ISSUER must use https (plain http only on 127.0.0.1/localhost)');
    oidc = { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, redirectUri: e.OIDC_REDIRECT_URI, groupClaim: e.OIDC_GROUP_CLAIM, groupPrefix: e.OIDC_GROUP_PREFIX, scope: e.OIDC_SCOPE };
  }
  const saml = e.WEB_AUTH_MODE === 'saml' ? samlConfig(e) : undefined;
  if (!e.WEB_SESSION_SECRET && env.NODE_ENV === 'production') throw new Error('WEB_SESSION_SECRET (at least 16 characters) is required in production');
  return {
    port: e.WEB_PORT,
    host: e.WEB_HOST,
    dataDir,
    storage: { dataDir, ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}), poolMax: e.DATABASE_POOL_MAX },
    usersFile: path.resolve(e.WEB_USERS_FILE ?? path.join(PROJECT_ROOT, 'config', 'users.json')),
    sessionSecret: e.WEB_SESSION_SECRET ?? 'vardkedjan-dev-only-session-secret',
    cookieSecure: e.WEB_COOKIE_SECURE === 'auto' ? 'auto' : e.WEB_COOKIE_SECURE === 'true',
    trustProxy: e.WEB_TRUST_PROXY === 'true',
    authMode: e.WEB_AUTH_MODE,
    oidc,
    saml,
    dueSoonDays: e.WEB_DUE_SOON_DAYS,
    readModelRefreshSeconds: e.WEB_READMODEL_REFRESH_SECONDS,
    readModelOverlapSeconds: e.WEB_READMODEL_OVERLAP_SECONDS,
    readModelFullSweepSeconds: e.WEB_READMODEL_FULL_SWEEP_SECONDS,
    freeTextFile: path.resolve(e.WEB_FREE_TEXT_FILE ?? path.join(PROJECT_ROOT, 'config', 'free-text.json')),
    startFile: path.resolve(e.WEB_START_FILE ?? path.join(PROJECT_ROOT, 'config', 'start.json')),
    loginLimits: { maxFailuresPerUser: e.WEB_LOGIN_MAX_FAILURES, maxFailuresPerAddress: e.WEB_LOGIN_MAX_FAILURES_PER_ADDRESS, windowMinutes: e.WEB_LOGIN_LOCKOUT_MINUTES },
  };
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function samlConfig(e: z.infer<typeof Env>): SamlConfig {
  if (!e.SAML_IDP_SSO_URL || !e.SAML_IDP_ENTITY_ID || !e.SAML_IDP_CERT_FILE || !e.SAML_SP_ENTITY_ID || !e.SAML_ACS_URL) {
    throw new Error('WEB_AUTH_MODE=saml needs SAML_IDP_SSO_URL, SAML_IDP_ENTITY_ID, SAML_IDP_CERT_FILE, SAML_SP_ENTITY_ID and SAML_ACS_URL');
  }
  for (const [name, value] of [['SAML_IDP_SSO_URL', e.SAML_IDP_SSO_URL], ['SAML_ACS_URL', e.SAML_ACS_URL]] as const) {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !isLoopbackHttp(url)) throw new Error(`${name} must use https (plain http only on 127.0.0.1/localhost)`);
  }
  if (new URL(e.SAML_ACS_URL).pathname !== '/saml/acs') throw new Error('SAML_ACS_URL must end in /saml/acs');
  if (!e.SAML_GROUP_ATTRIBUTE && !e.SAML_ATTRIBUTE_MAP_FILE) throw new Error('WEB_AUTH_MODE=saml needs SAML_GROUP_ATTRIBUTE or SAML_ATTRIBUTE_MAP_FILE (where the groups come from)');
  if (!!e.SAML_SP_KEY_FILE !== !!e.SAML_SP_CERT_FILE) throw new Error('SAML_SP_KEY_FILE and SAML_SP_CERT_FILE go together');
  return {
    entryPoint: e.SAML_IDP_SSO_URL,
    idpEntityId: e.SAML_IDP_ENTITY_ID,
    idpCerts: readCertificates(e.SAML_IDP_CERT_FILE, 'SAML_IDP_CERT_FILE'),
    spEntityId: e.SAML_SP_ENTITY_ID,
    acsUrl: e.SAML_ACS_URL,
    idAttribute: e.SAML_ID_ATTRIBUTE,
    nameAttributes: list(e.SAML_NAME_ATTRIBUTES),
    groupAttribute: e.SAML_GROUP_ATTRIBUTE,
    groupPrefix: e.SAML_GROUP_PREFIX.toLowerCase(),
    rules: e.SAML_ATTRIBUTE_MAP_FILE ? loadAttributeMap(path.resolve(e.SAML_ATTRIBUTE_MAP_FILE)) : [],
    wantResponseSigned: e.SAML_WANT_RESPONSE_SIGNED === 'true',
    clockSkewMs: e.SAML_CLOCK_SKEW_SECONDS * 1000,
    maxAssertionAgeMs: e.SAML_MAX_ASSERTION_AGE_SECONDS * 1000,
    authnContext: list(e.SAML_AUTHN_CONTEXT),
    spPrivateKey: e.SAML_SP_KEY_FILE ? fs.readFileSync(path.resolve(e.SAML_SP_KEY_FILE), 'utf8') : undefined,
    spCert: e.SAML_SP_CERT_FILE ? readCertificates(e.SAML_SP_CERT_FILE, 'SAML_SP_CERT_FILE')[0] : undefined,
  };
}
