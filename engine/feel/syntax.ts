import { parseExpression } from 'feelin';
import { CAMUNDA_FUNCTIONS } from './extensions';
import { escapeLineBreaksInStrings } from './literals';

/**
 * Deploy-time syntax check of a FEEL expression (`=...`), without evaluating it: returns a readable
 * problem or undefined when the expression parses (static values always pass). Zeebe refuses
 * deployments with unparsable expressions too, so a typo surfaces at deploy, not weeks later.
 */
export function feelSyntaxProblem(expression: string): string | undefined {
  if (!expression.startsWith('=')) return undefined;
  const source = escapeLineBreaksInStrings(expression.slice(1));
  if (source.trim() === '') return 'the FEEL expression after "=" is empty';
  let problem: string | undefined;
  // The extension functions' names (some with spaces or keywords, like 'get or else') must be known to parse.
  parseExpression(source, CAMUNDA_FUNCTIONS, undefined).iterate({
    enter: (node) => {
      if (problem || !node.type.isError) return;
      const near = source.slice(node.from, Math.max(node.to, node.from + 10)).trim();
      problem = node.from >= source.length
        ? `the FEEL expression '${source}' ends unexpectedly`
        : `the FEEL expression '${source}' has a syntax error at character ${node.from + 1}${near ? ` (near '${near}')` : ''}`;
    },
  });
  return problem;
}
