import type { UnsupportedFinding } from './types';

/**
 * Deploy refused: the resource cannot be executed by the embedded engine. `findings` lists every
 * problem (not only the first) so a process owner can fix the diagram in one round.
 */
export class BpmnDeployError extends Error {
  readonly findings: UnsupportedFinding[];

  constructor(resourceName: string, findings: UnsupportedFinding[]) {
    super(formatFindings(resourceName, findings));
    this.name = 'BpmnDeployError';
    this.findings = findings;
  }
}

function formatFindings(resourceName: string, findings: UnsupportedFinding[]): string {
  const count = findings.length === 1 ? '1 problem' : `${findings.length} problems`;
  const lines = findings.map((f) => `- ${f.message}`);
  return [`Cannot deploy '${resourceName}' (${count}):`, ...lines].join('\n');
}
