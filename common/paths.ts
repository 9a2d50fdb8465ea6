import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root folder (the one holding package.json). Code runs from the sources (tsx, jest) and compiled from
 * dist/ (npm start, the image), so paths to bpmn/, forms/, config/, web/public and node_modules must not be counted
 * in `..` steps from __dirname.
 */
export const PROJECT_ROOT = findRoot(__dirname);

/** True when this file runs compiled from dist/ rather than from the TypeScript sources. */
export const RUNNING_COMPILED = __filename.endsWith('.js');

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && !dir.endsWith(`${path.sep}dist`)) return dir;
    if (path.dirname(dir) === dir) throw new Error(`package.json not found above ${from}`);
  }
}
