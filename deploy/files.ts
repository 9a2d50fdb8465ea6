import fs from 'node:fs';
import path from 'node:path';

/** One resource to deploy: a BPMN diagram, a DMN decision file or a Camunda form, read from disk. */
export interface DeployFile {
  kind: 'bpmn' | 'dmn' | 'form';
  /** File name as sent to the cluster (the resource name). */
  name: string;
  /** Absolute path, for error messages. */
  path: string;
  content: string;
}

/**
 * Collects `*.bpmn`, `*.dmn` and `*.form` files from the given files or directories (not recursive), sorted by name.
 * Throws with a clear message when a path does not exist or nothing deployable was found.
 */
export function collectFiles(paths: string[]): DeployFile[] {
  const files: DeployFile[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    if (!fs.existsSync(abs)) throw new Error(`${p}: no such file or directory (pass --dir <folder> with .bpmn/.dmn/.form files)`);
    const entries = fs.statSync(abs).isDirectory()
      ? fs.readdirSync(abs).sort().map((n) => path.join(abs, n))
      : [abs];
    for (const file of entries) {
      const kind = file.endsWith('.bpmn') ? 'bpmn' : file.endsWith('.dmn') ? 'dmn' : file.endsWith('.form') ? 'form' : undefined;
      if (!kind || !fs.statSync(file).isFile()) continue;
      files.push({ kind, name: path.basename(file), path: file, content: fs.readFileSync(file, 'utf8') });
    }
  }
  if (files.length === 0) throw new Error(`no .bpmn, .dmn or .form files found in ${paths.join(', ')}`);
  return files;
}
