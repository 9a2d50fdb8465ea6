import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { knownGroups } from './claims';

/** SAML 2.0 service provider settings (WEB_AUTH_MODE=saml, docs/web.md "SAML 2.0"). */
export interface SamlConfig {
  /** The IdP's single sign-on URL (HTTP-Redirect binding). */
  entryPoint: string;
  /** The IdP's entityID: the assertion's Issuer must be exactly this. */
  idpEntityId: string;
  /** The IdP's signing certificates (PEM; more than one during a key rollover). */
  idpCerts: string[];
  /** This app's entityID; also the only accepted Audience. */
  spEntityId: string;
  /** The assertion consumer service URL, ending in /saml/acs. */
  acsUrl: string;
  /** Attribute holding the user id (e.g. employeeHsaId); empty: the NameID. */
  idAttribute: string;
  /** Attributes joined with a space to form the display name (e.g. given name and surname). */
  nameAttributes: string[];
  /** Attribute whose values name the app's groups directly (with groupPrefix stripped); empty: none. */
  groupAttribute: string;
  groupPrefix: string;
  /** Attribute values → groups (medarbetaruppdrag, vårdgivare …), from SAML_ATTRIBUTE_MAP_FILE. */
  rules: SamlGroupRule[];
  wantResponseSigned: boolean;
  clockSkewMs: number;
  /** Oldest assertion accepted, counted from its IssueInstant, whatever NotOnOrAfter says. */
  maxAssertionAgeMs: number;
  /** Requested AuthnContextClassRef (level of assurance); empty: none requested. */
  authnContext: string[];
  /** Optional SP key pair: AuthnRequests are signed, encrypted assertions decrypted, the certificate published. */
  spPrivateKey?: string;
  spCert?: string;
}

/** One mapping rule: every attribute in `when` has the given value among its values → the user gets `groups`. */
export interface SamlGroupRule { when: Record<string, string>; groups: string[] }

const RuleFile = z.object({
  rules: z.array(z.object({
    when: z.record(z.string().min(1), z.string().min(1)).refine((w) => Object.keys(w).length > 0, 'when needs at least one attribute'),
    groups: z.array(z.string().min(1)).min(1),
  }).strict()),
}).strict();

/** Reads and checks the attribute map file: every group it grants must be one the app knows (a typo is an error). */
export function loadAttributeMap(file: string): SamlGroupRule[] {
  let parsed: z.infer<typeof RuleFile>;
  try {
    parsed = RuleFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (e) {
    throw new Error(`SAML_ATTRIBUTE_MAP_FILE ${file}: ${e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (e as Error).message}`);
  }
  for (const [i, rule] of parsed.rules.entries()) {
    const unknown = rule.groups.filter((g) => knownGroups([g], '').length === 0);
    if (unknown.length) throw new Error(`SAML_ATTRIBUTE_MAP_FILE ${file}: rules.${i} grants groups the app does not know: ${unknown.join(', ')}`);
  }
  return parsed.rules;
}

/** Certificates of a PEM file (each BEGIN/END CERTIFICATE block); at least one. */
export function readCertificates(file: string, what: string): string[] {
  const certs = fs.readFileSync(path.resolve(file), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certs.length === 0) throw new Error(`${what} ${file} holds no PEM certificate`);
  return certs;
}
