/**
 * Micro-benchmark of the engine's pure modules (`npx tsx bench/model-feel.ts`): BPMN compile time per
 * diagram (parse + validation) and FEEL evaluation cost for the expression shapes the care-chain
 * diagrams use. Prints figures; asserts nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileBpmn } from '../engine/model';
import { applyInputMappings, evaluate, evaluateCondition, evaluateStringList, scheduleTimer } from '../engine/feel';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const root = join(__dirname, '..');

function perOp(label: string, rounds: number, run: () => void): void {
  run();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) run();
  const micros = ((performance.now() - started) * 1000) / rounds;
  console.log(`${label.padEnd(48)} ${micros.toFixed(1).padStart(9)} µs/op`);
}

async function compileFigures(): Promise<void> {
  for (const dir of ['bpmn', join('test', 'fixtures', 'bpmn')]) {
    let files: string[] = [];
    try {
      files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.bpmn'));
    } catch {
      continue;
    }
    for (const file of files) {
      const xml = readFileSync(join(root, dir, file), 'utf8');
      const rounds = Math.max(5, Math.floor(ROUNDS / 20));
      let refused = false;
      const started = performance.now();
      for (let i = 0; i < rounds; i++) {
        try {
          await compileBpmn(xml, file);
        } catch {
          refused = true;
        }
      }
      const ms = (performance.now() - started) / rounds;
      console.log(`compile ${join(dir, file).padEnd(56)} ${ms.toFixed(2).padStart(7)} ms/op ${(xml.length / 1024).toFixed(1)} KiB${refused ? ' (refused)' : ''}`);
    }
  }
}

function feelFigures(): void {
  const vars = { beslut: 'bifall', kommun: 'vaxjo', caseRef: 'VK-2026-000123', placering: { hem: 'Novus', datum: '2026-12-01T09:00:00+01:00' } };
  perOp('static value', ROUNDS, () => evaluate('vk.notify', vars));
  perOp('FEEL variable', ROUNDS, () => evaluate('=caseRef', vars));
  perOp('FEEL string concatenation', ROUNDS, () => evaluate('="socialsekreterare-" + kommun', vars));
  perOp('condition with and/path', ROUNDS, () => evaluateCondition('=beslut = "bifall" and placering.hem != null', vars));
  perOp('candidate groups list', ROUNDS, () => evaluateStringList('=["chef-" + kommun, "remissgruppen"]', vars));
  perOp('timer date: date-time minus P14D', ROUNDS, () =>
    scheduleTimer({ type: 'date', expression: '=date and time(placering.datum) - duration("P14D")' }, vars, new Date()));
  perOp('timer duration (static P14D)', ROUNDS, () => scheduleTimer({ type: 'duration', expression: 'P14D' }, vars, new Date()));
  perOp('3 input mappings with dotted target', ROUNDS, () =>
    applyInputMappings([{ source: '=caseRef', target: 'ref' }, { source: '=kommun', target: 'a.kommun' }, { source: '=placering.hem', target: 'a.hem' }], vars));
}

void (async () => {
  console.log(`engine/model + engine/feel micro-benchmark, Node ${process.version}, ${ROUNDS} rounds`);
  await compileFigures();
  feelFigures();
})();
