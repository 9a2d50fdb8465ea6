import type { CrashReport } from './types';

/** The crash test's report as `npm run crash-test` prints it (figures quoted in docs/reliability.md). */
export function printReport(r: CrashReport): void {
  console.log(`crash test: seed ${r.seed}, ${r.rounds.length} rounds, ${r.seconds.toFixed(1)} s`);
  for (const round of r.rounds) {
    console.log(`  round ${round.round}: kill -9 ${round.killed.padEnd(13)} after ${String(round.afterMs).padStart(4)} ms  +${round.started} instances  +${round.jobsCompleted} jobs  +${round.tasksCompleted} tasks  engine restart ${round.restartMs} ms`);
  }
  console.log(`  instances started (acknowledged): ${r.started} ${JSON.stringify(r.startedByProcess)}`);
  console.log(`  job completions acknowledged: ${r.jobCompletionsAcked}, user-task completions: ${r.taskCompletionsAcked}, messages published: ${r.messagesAcked}, timers fired: ${r.timersFired}`);
  console.log(`  jobs completed twice: ${r.duplicateCompletions}, activations after acknowledged completion: ${r.activationsAfterCompletion}`);
  console.log(`  care-chain processes driven: ${r.careChainProcesses.join(', ') || '(none)'}`);
  for (const [id, why] of Object.entries(r.careChainRefused)) console.log(`  care-chain process not startable with {caseRef, kommun}: ${id}: ${why}`);
  console.log(`  final row counts: ${JSON.stringify(r.finalCounts)}`);
  if (r.mail) console.log(`  real workers: ${r.mail.notifyJobs ?? 0} notification jobs completed, ${r.mail.received} e-mails received, ${r.mail.distinct} distinct Message-IDs, ${r.mail.duplicated.length} received twice, ${r.mail.uncertain ?? 0} not resent after a cut SMTP transaction (audited notification.uncertain); audit rows ${r.mail.auditRows}`);
  console.log(r.violations.length === 0 ? '  RESULT: all invariants hold' : `  RESULT: ${r.violations.length} violations:\n    ${r.violations.join('\n    ')}`);
}
