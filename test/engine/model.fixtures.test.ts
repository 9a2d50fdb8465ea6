import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnDeployError, compileBpmn } from '../../engine/model';

/**
 * The shared engine fixtures (test/fixtures/bpmn) double as a regression guard for the model: every
 * fixture compiles, except the ones named invalid-* / unsupported-*, which must be refused with
 * findings that name an element.
 */
const dir = join(__dirname, '..', 'fixtures', 'bpmn');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.bpmn'));
const refusedByName = (file: string) => file.startsWith('invalid-') || file.startsWith('unsupported-');

describe('shared BPMN fixtures', () => {
  it('exist', () => {
    expect(fixtures.length).toBeGreaterThan(5);
  });

  it.each(fixtures.filter((f) => !refusedByName(f)))('%s compiles', async (file) => {
    const processes = await compileBpmn(readFileSync(join(dir, file), 'utf8'), file);
    expect(processes.length).toBeGreaterThan(0);
    for (const process of processes) expect(process.startEventIds.length).toBeGreaterThan(0);
  });

  it.each(fixtures.filter(refusedByName))('%s is refused naming an element', async (file) => {
    const refusal = compileBpmn(readFileSync(join(dir, file), 'utf8'), file);
    await expect(refusal).rejects.toBeInstanceOf(BpmnDeployError);
    const { findings } = (await refusal.catch((e: BpmnDeployError) => e)) as BpmnDeployError;
    expect(findings.some((f) => f.elementId !== '(document)' && f.message.includes(`'${f.elementId}'`))).toBe(true);
  });
});
