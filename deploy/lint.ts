/**
 * Lints what is about to be deployed, as Camunda Modeler does: BPMN diagrams with bpmnlint and the project's root
 * .bpmnlintrc (rules and moddle extensions, the same file the bpmnlint CLI and the tests read; without one,
 * `bpmnlint:recommended` + `plugin:camunda-compat/camunda-cloud-8-8`), DMN decision files for readable DMN 1.3
 * (lint-dmn.ts; the engine validates the tables at deploy), and forms with Camunda's form linter
 * (@camunda/form-linting, the one Modeler runs on .form files). Used by `npm run deploy`, `npm start` and the web
 * modeler, so all three refuse the same things. Every problem carries a Swedish message for process owners.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { createFormLinter } from './form-linter';
import { lintDecisionFile } from './lint-dmn';
import type { DeployFile } from './files';
import { swedishBpmnMessage, swedishFormMessage } from './lint-sv';

export const DEFAULT_LINT_CONFIG: LintConfig = { extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'] };

export interface LintProblem {
  /** `error` blocks deployment; `warn` is reported only. */
  category: 'error' | 'warn' | 'info';
  rule: string;
  /** The BPMN element id, when the rule names one. */
  elementId?: string;
  message: string;
  /** The same problem in Swedish, for process owners (the web modeler shows this). */
  messageSv: string;
}

export interface LintConfig { extends?: string | string[]; rules?: Record<string, unknown>; moddleExtensions?: Record<string, string> }

export interface LintResult {
  file: string;
  problems: LintProblem[];
}

type Reports = Record<string, Array<{ id?: string; message: string; category: string }>>;
// bpmnlint ships no type declarations
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Linter } = require('bpmnlint') as { Linter: new (opts: { config: unknown; resolver: unknown }) => { lint(root: unknown): Promise<Reports> } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new () => unknown;

/** The lint config: `<root>/.bpmnlintrc` if it exists, else {@link DEFAULT_LINT_CONFIG}. */
export function loadLintConfig(root = process.cwd()): LintConfig {
  const rc = path.join(root, '.bpmnlintrc');
  if (!fs.existsSync(rc)) return DEFAULT_LINT_CONFIG;
  try {
    return JSON.parse(fs.readFileSync(rc, 'utf8'));
  } catch (e) {
    throw new Error(`${rc} is not valid JSON (${(e as Error).message}); fix it or delete it to use the default rules`);
  }
}

/**
 * The moddle packages named in the config's `moddleExtensions` (module paths resolved from `root`, as the bpmnlint
 * CLI does); the zeebe extension when the config names none, so zeebe:* elements never look unknown.
 */
function moddleExtensions(config: LintConfig, root: string): Record<string, unknown> {
  const named = Object.entries(config.moddleExtensions ?? {});
  if (named.length === 0) return { zeebe };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Object.fromEntries(named.map(([prefix, mod]) => [prefix, require(require.resolve(mod, { paths: [root, __dirname] }))]));
}

/** Lints one diagram. Unparsable XML is reported as a single `error` problem with rule `xml`. */
export async function lintDiagram(file: DeployFile, config: LintConfig, root = process.cwd()): Promise<LintResult> {
  const moddle = new BpmnModdle(moddleExtensions(config, root));
  let rootElement: unknown;
  let warnings: Array<{ message: string }> = [];
  let byId: Record<string, { $type?: string; name?: string }> = {};
  try {
    ({ rootElement, warnings, elementsById: byId } = await moddle.fromXML(file.content, 'bpmn:Definitions'));
  } catch (e) {
    return { file: file.name, problems: [{ category: 'error', rule: 'xml', message: `not a readable BPMN XML file: ${(e as Error).message}`,
      messageSv: `Filen går inte att läsa som BPMN-diagram (${(e as Error).message}). Spara om den från modelleraren.` }] };
  }
  const problems: LintProblem[] = warnings.map((w) => ({ category: 'warn', rule: 'xml', message: w.message,
    messageSv: `Diagrammet innehåller något som inte känns igen och ignoreras: ${w.message}` }));
  const { moddleExtensions: _ignored, ...rules } = config;
  const reports = await new Linter({ config: rules, resolver: new NodeResolver() }).lint(rootElement);
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      const category = r.category === 'error' || r.category === 'rule-error' ? 'error' : r.category === 'info' ? 'info' : 'warn';
      problems.push({ category, rule, elementId: r.id, message: r.message, messageSv: swedishBpmnMessage(rule, r, r.id ? byId[r.id] : undefined) });
    }
  }
  return { file: file.name, problems };
}

/**
 * Lints one form with Camunda's form linter (the rules follow the form's executionPlatformVersion, as in Modeler).
 * A file that is not JSON, or has no form id, is one `error` problem.
 */
export function lintForm(file: DeployFile): LintResult {
  let schema: { id?: unknown; executionPlatformVersion?: unknown };
  try {
    schema = JSON.parse(file.content);
  } catch (e) {
    return { file: file.name, problems: [{ category: 'error', rule: 'json', message: `not a readable form (JSON): ${(e as Error).message}`,
      messageSv: `Formuläret går inte att läsa (ogiltig JSON: ${(e as Error).message}). Spara om det från formulärredigeraren.` }] };
  }
  const problems: LintProblem[] = [];
  if (typeof schema?.id !== 'string' || !schema.id) {
    problems.push({ category: 'error', rule: 'form-id', message: 'the form has no "id" (user tasks link forms by this id)',
      messageSv: 'Formuläret saknar id. Ange ett formulär-id (Form ID) i formulärredigeraren.' });
  }
  if (!schema?.executionPlatformVersion) {
    problems.push({ category: 'error', rule: 'execution-platform', message: 'the form names no executionPlatformVersion, so Camunda\'s form rules cannot be chosen',
      messageSv: 'Formuläret anger inte vilken Camunda-version det är gjort för. Spara det från formulärredigeraren (Camunda 8.8).' });
  }
  const reports = createFormLinter().lint(schema as Record<string, unknown>);
  for (const r of reports) {
    problems.push({ category: r.category === 'error' ? 'error' : r.category === 'info' ? 'info' : 'warn', rule: 'form-linting', elementId: r.id,
      message: r.message, messageSv: swedishFormMessage(r) });
  }
  return { file: file.name, problems };
}

/** Lints one resource of any kind. */
export async function lintFile(file: DeployFile, config: LintConfig, root = process.cwd()): Promise<LintResult> {
  if (file.kind === 'dmn') return lintDecisionFile(file);
  return file.kind === 'bpmn' ? lintDiagram(file, config, root) : lintForm(file);
}

/** Lints every diagram, decision file and form in `files`. */
export async function lintAll(files: DeployFile[], config: LintConfig, root = process.cwd()): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (const f of files) results.push(await lintFile(f, config, root));
  return results;
}

export const hasErrors = (results: LintResult[]): boolean => results.some((r) => r.problems.some((p) => p.category === 'error'));

/** A readable report: one block per file with problems, one line per problem. */
export function formatLintReport(results: LintResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.problems.length === 0) continue;
    lines.push(`${r.file}:`);
    for (const p of r.problems) lines.push(`  ${p.category.padEnd(5)} ${(p.elementId ?? '-').padEnd(28)} ${p.message}  (${p.rule})`);
  }
  return lines.join('\n');
}
