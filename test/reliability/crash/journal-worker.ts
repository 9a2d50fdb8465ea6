/**
 * The crash test's generic job worker, run as a child process (children.ts). It completes every job of CRASH_TYPES
 * and journals, fsync'ed, `A <jobKey> <type> <pid>` after an activation and `C <jobKey> <ok|status> <pid>` after a
 * completion answer — the record invariants.ts checks "nothing completed twice" against.
 */
import fs from 'node:fs';
import { createCamundaClient, type CamundaClient } from '../../../common/camunda';
import { JOB_LOCK_MS, sleep } from './types';

async function main(): Promise<void> {
  const client = createCamundaClient();
  const fd = fs.openSync(process.env.CRASH_JOURNAL!, 'a');
  const write = (line: string) => {
    fs.writeSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
  };
  // One long-polling loop per job type, like one createJobWorker per type.
  const loop = async (type: string) => {
    for (;;) {
      let jobs: Awaited<ReturnType<CamundaClient['activateJobs']>>['jobs'] = [];
      try {
        jobs = (await client.activateJobs({ type, maxJobsToActivate: 5, timeout: JOB_LOCK_MS, worker: `crash-${process.pid}`, requestTimeout: 1000 })).jobs;
      } catch {
        await sleep(100); // engine down: try again
        continue;
      }
      for (const job of jobs) {
        write(`A ${job.jobKey} ${type} ${process.pid}`);
        try {
          await client.completeJob({ jobKey: job.jobKey, variables: { [`done_${job.elementId}`]: job.jobKey } });
          write(`C ${job.jobKey} ok ${process.pid}`);
        } catch (e) {
          write(`C ${job.jobKey} ${(e as { status?: number }).status ?? 'net'} ${process.pid}`);
        }
      }
    }
  };
  await Promise.all(process.env.CRASH_TYPES!.split(',').map(loop));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
