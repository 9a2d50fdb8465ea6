import fc from 'fast-check';
import { BpmnDeployError, compileBpmn, parseForm } from '../../engine/model';
import { around, processXml, serviceTask } from '../helpers/bpmn-xml';

/** Bad input must always end in a BpmnDeployError with findings, never in a crash or a silent success of garbage. */
async function outcome(xml: string): Promise<'compiled' | 'refused'> {
  try {
    await compileBpmn(xml, 'fuzz.bpmn');
    return 'compiled';
  } catch (error) {
    if (!(error instanceof BpmnDeployError)) throw error;
    expect(error.findings.length).toBeGreaterThan(0);
    for (const finding of error.findings) {
      expect(finding.elementId).not.toBe('');
      expect(finding.message.length).toBeGreaterThan(20);
    }
    return 'refused';
  }
}

const valid = processXml(around(serviceTask('t', 'vk.test', '<zeebe:ioMapping><zeebe:input source="=caseRef" target="ref" /></zeebe:ioMapping>')));

describe('compileBpmn robustness', () => {
  it('refuses arbitrary text with a BpmnDeployError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        expect(await outcome(text)).toBe('refused');
      }),
      { numRuns: 150 },
    );
  });

  it('either compiles or refuses with findings when a valid diagram is cut or has characters removed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length - 1 }), fc.nat({ max: 40 }), async (start, length) => {
        const damaged = valid.slice(0, start) + valid.slice(start + length);
        await outcome(damaged);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses every truncation of a valid diagram', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: valid.length - 30 }), async (cut) => {
        expect(await outcome(valid.slice(0, cut))).toBe('refused');
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseForm robustness', () => {
  it('either parses or throws BpmnDeployError for any JSON value or text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        try {
          const form = parseForm(text, 'fuzz.form');
          expect(form.formId.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(BpmnDeployError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
