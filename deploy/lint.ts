/**
 * Lints BPMN diagrams with bpmnlint, using the project's root .bpmnlintrc when present and otherwise
 * `bpmnlint:recommended` + `plugin:camunda-compat/camunda-cloud-8-8` (the rules Camunda Modeler applies for 8.8).
 * Runs under Node/tsx (bpmnlint-plugin-camunda-compat needs Node's native require(esm); Jest cannot load it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import type { DeployFile } from './files';

export const DEFAULT_LINT_CONFIG = { extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'] };

export interface LintProblem {
  /** `error` blocks deployment; `warn` is reported only. */
  category: 'error' | 'warn' | 'info';
  rule: string;
  /** The BPMN element id, when the rule names one. */
  elementId?: string;
  message: string;
}

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
export function loadLintConfig(root = process.cwd()): unknown {
  const rc = path.join(root, '.bpmnlintrc');
  if (!fs.existsSync(rc)) return DEFAULT_LINT_CONFIG;
  try {
    return JSON.parse(fs.readFileSync(rc, 'utf8'));
  } catch (e) {
    throw new Error(`${rc} is not valid JSON (${(e as Error).message}); fix it or delete it to use the default rules`);
  }
}

/** Lints one diagram. Unparsable XML is reported as a single `error` problem with rule `xml`. */
export async function lintDiagram(file: DeployFile, config: unknown): Promise<LintResult> {
  const moddle = new BpmnModdle({ zeebe });
  let rootElement: unknown;
  let warnings: Array<{ message: string }> = [];
  try {
    ({ rootElement, warnings } = await moddle.fromXML(file.content, 'bpmn:Definitions'));
  } catch (e) {
    return { file: file.name, problems: [{ category: 'error', rule: 'xml', message: `not a readable BPMN XML file: ${(e as Error).message}` }] };
  }
  const problems: LintProblem[] = warnings.map((w) => ({ category: 'warn', rule: 'xml', message: w.message }));
  const reports = await new Linter({ config, resolver: new NodeResolver() }).lint(rootElement);
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      const category = r.category === 'error' || r.category === 'rule-error' ? 'error' : r.category === 'info' ? 'info' : 'warn';
      problems.push({ category, rule, elementId: r.id, message: r.message });
    }
  }
  return { file: file.name, problems };
}

/** Lints every diagram in `files` (forms are skipped). */
export async function lintAll(files: DeployFile[], config: unknown): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (const f of files) if (f.kind === 'bpmn') results.push(await lintDiagram(f, config));
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
