/**
 * The bpmn-engine baseline both benchmarks compare against: the same start → 3 tasks → end diagram executed
 * in-process by `bpmn-engine`, its state (getState()) persisted to SQLite (WAL, synchronous=FULL) after every
 * step, like one durable transaction per command. Also the machine's SQLite durable-commit ceiling.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Engine as BpmnEngine } from 'bpmn-engine';

/** The service-chain fixture's shape (start → a → b → c → end); bpmn-engine's user tasks wait for a signal. */
const BASELINE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs-baseline" targetNamespace="http://vardkedjan/bench">
  <process id="chain" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
    <userTask id="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    <userTask id="b"/><sequenceFlow id="f3" sourceRef="b" targetRef="c"/>
    <userTask id="c"/><sequenceFlow id="f4" sourceRef="c" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

export const BPMN_ENGINE_VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', 'bpmn-engine', 'package.json'), 'utf8')).version;

function openDurable(prefix: string): { db: Database.Database; dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'state.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return { db, dir, file };
}

/** Runs `task(i)` for i in [0, n) with at most `limit` in flight; stops early when `left()` reaches 0 ms. */
export async function pool(n: number, limit: number, left: () => number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n && left() > 0) {
      const i = next++;
      await task(i);
      done++;
    }
  }));
  return done;
}

export interface BaselineResult { cases: number; seconds: number; perSecond: number; latency: number[]; stateBytes: number }

export async function runBpmnEngineBaseline(cases: number, concurrency: number, left: () => number): Promise<BaselineResult> {
  const { db, dir, file } = openDurable('bpmn-engine-baseline-');
  db.exec('CREATE TABLE state (id TEXT PRIMARY KEY, step INTEGER NOT NULL, json TEXT NOT NULL)');
  const save = db.prepare('INSERT INTO state (id, step, json) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET step = excluded.step, json = excluded.json');
  const latency: number[] = [];
  const t0 = performance.now();
  const done = await pool(cases, concurrency, left, async (i) => {
    const s = performance.now();
    const id = `case-${i}`;
    const engine = new BpmnEngine({ name: id, source: BASELINE_BPMN });
    const listener = new EventEmitter();
    let step = 0;
    listener.on('wait', (api: { signal: (v?: unknown) => void }) => {
      // A worker completes the step; the state is persisted after every step, like one transaction per command.
      void engine.getState().then((state: unknown) => {
        save.run(id, ++step, JSON.stringify(state));
        api.signal({ done: step });
      });
    });
    const ended = new Promise((r) => engine.once('end', r));
    await engine.execute({ listener, variables: { lastType: 'c', caseRef: 'VK-2026-E2E' } });
    await ended;
    save.run(id, ++step, JSON.stringify(await engine.getState()));
    latency.push(performance.now() - s);
  });
  const seconds = (performance.now() - t0) / 1000;
  const stateBytes = fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { cases: done, seconds, perSecond: done / seconds, latency, stateBytes };
}

/** One-row transactions, WAL, synchronous=FULL, for `ms`: the most durable commits per second this disk allows. */
export function sqliteCommitCeiling(ms: number): { commits: number; perSecond: number } {
  const { db, dir } = openDurable('sqlite-ceiling-');
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const one = db.transaction((v: string) => insert.run(v));
  const t0 = performance.now();
  let commits = 0;
  while (performance.now() - t0 < ms) {
    one('x'.repeat(64));
    commits++;
  }
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { commits, perSecond: commits / seconds };
}
