/**
 * npm run deploy [-- --dir <folder> ...] [--dry-run] [--version-tag <tag>] [--note <why>]
 * Lints every diagram and form (refusing to deploy when any has a lint error), then deploys forms and diagrams to the
 * cluster configured by the SDK's standard environment variables (ZEEBE_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY, ...).
 * With DATA_DIR set (as `npm start` sets it), every deployed version is recorded in $DATA_DIR/audit.sqlite with the
 * OS user and the note, which the web modeler's version list shows.
 * Exit codes: 0 deployed (or lint clean on --dry-run), 1 lint errors, 2 usage/read errors, 3 deployment failed.
 */
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../common/audit';
import { storageFromEnv } from '../common/storage/config';
import { createCamundaClient } from '../common/camunda';
import { collectFiles } from './files';
import { formatLintReport, hasErrors, lintAll, loadLintConfig } from './lint';
import { deployAll, formatSummary } from './deploy';
import { VERSION_TAG } from './version-tag';

interface Options { dirs: string[]; dryRun: boolean; versionTag?: string; note?: string }

function parseArgs(argv: string[]): Options {
  const dirs: string[] = [];
  let dryRun = false;
  let versionTag: string | undefined;
  let note: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--version-tag' || a === '--note') {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value, e.g. ${a} ${a === '--note' ? '"new deadline for SIP"' : '2026-12'}`);
      if (a === '--note') note = v;
      else if (!VERSION_TAG.test(v)) throw new Error(`--version-tag "${v}" is not valid (letters, digits, . _ - +, at most 64 characters)`);
      else versionTag = v;
    }
    else if (a === '--dir') {
      const v = argv[++i];
      if (!v) throw new Error('--dir needs a folder or file, e.g. --dir bpmn');
      dirs.push(v);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run deploy -- [--dir <folder or file>]... [--dry-run] [--version-tag <tag>] [--note <why>]\n  default folders: bpmn/ and forms/');
      process.exit(0);
    } else throw new Error(`unknown option ${a} (use --dir <folder> or --dry-run)`);
  }
  return { dirs: dirs.length ? dirs : ['bpmn', 'forms'], dryRun, versionTag, note };
}

async function main(): Promise<number> {
  let opts: Options;
  let files;
  try {
    opts = parseArgs(process.argv.slice(2));
    files = collectFiles(opts.dirs);
  } catch (e) {
    console.error(`deploy: ${(e as Error).message}`);
    return 2;
  }
  const results = await lintAll(files, loadLintConfig());
  const report = formatLintReport(results);
  if (report) console.error(report);
  if (hasErrors(results)) {
    console.error(`deploy: lint errors found — nothing was deployed. Fix the diagrams and forms above and run again.`);
    return 1;
  }
  const count = (kind: string) => files.filter((f) => f.kind === kind).length;
  console.log(`lint ok: ${count('bpmn')} diagram(s), ${count('dmn')} decision file(s), ${count('form')} form(s)`);
  if (opts.dryRun) return 0;
  const target = process.env.ZEEBE_REST_ADDRESS ?? process.env.CAMUNDA_REST_ADDRESS ?? 'http://localhost:8080';
  console.log(`deploying to ${target} ...`);
  // Recorded where the web modeler reads it: audit.sqlite in DATA_DIR, or the shared PostgreSQL of DATABASE_URL.
  const audit = process.env.DATA_DIR || process.env.DATABASE_URL ? await AuditLog.open(storageFromEnv(process.env, path.resolve(process.env.DATA_DIR ?? './data'))) : undefined;
  try {
    const meta = { audit: audit ?? { record: () => undefined as never }, actor: `cli:${os.userInfo().username}`, note: opts.note, versionTag: opts.versionTag };
    console.log(formatSummary(await deployAll(createCamundaClient(), files, meta)));
  } catch (e) {
    console.error(`deploy: ${(e as Error).message}\n  (check ZEEBE_REST_ADDRESS and the auth variables; is the cluster running?)`);
    return 3;
  } finally {
    await audit?.close();
  }
  return 0;
}

main().then((code) => process.exit(code), (e) => { console.error('deploy: unexpected error:', e); process.exit(3); });
