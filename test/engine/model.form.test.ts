import { BpmnDeployError, parseForm } from '../../engine/model';

function formError(json: string): BpmnDeployError {
  try {
    parseForm(json, 'uppdrag.form');
  } catch (error) {
    if (error instanceof BpmnDeployError) return error;
    throw error;
  }
  throw new Error('expected parseForm to refuse the form');
}

const validForm = {
  id: 'uppdragsblankett',
  type: 'default',
  components: [{ type: 'textfield', key: 'caseRef', label: 'Ärendereferens' }],
  schemaVersion: 16,
  exporter: { name: 'Camunda Modeler', version: '5.30.0' },
};

describe('parseForm', () => {
  it('returns the form id and the schema exactly as given', () => {
    const json = JSON.stringify(validForm, null, 2);
    expect(parseForm(json, 'uppdrag.form')).toEqual({ formId: 'uppdragsblankett', schema: json });
  });

  it('returns the version tag when the form has one', () => {
    expect(parseForm(JSON.stringify({ ...validForm, versionTag: 'v3' }), 'f.form').versionTag).toBe('v3');
  });

  it('refuses invalid JSON with the parser reason and the file name', () => {
    const error = formError('{"id": "x", ');
    expect(error.findings).toHaveLength(1);
    expect(error.findings[0]!.elementId).toBe('uppdrag.form');
    expect(error.message).toMatch(/Form 'uppdrag\.form' is not valid JSON: .+\. Export the form again/);
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"form"'],
  ])('refuses %s instead of an object', (_what, json) => {
    expect(formError(json).message).toMatch(/must contain a JSON object/);
  });

  it('refuses a missing or empty id', () => {
    const { id: _id, ...withoutId } = validForm;
    expect(formError(JSON.stringify(withoutId)).message).toMatch(/"id"/);
    expect(formError(JSON.stringify({ ...validForm, id: '  ' })).message).toMatch(/non-empty string "id"/);
    expect(formError(JSON.stringify({ ...validForm, id: 7 })).message).toMatch(/"id"/);
  });

  it('refuses a wrong type and missing components, listing every problem', () => {
    const error = formError(JSON.stringify({ id: 'f', type: 'other' }));
    expect(error.findings).toHaveLength(2);
    expect(error.message).toMatch(/"type": "default"/);
    expect(error.message).toMatch(/"components" array/);
  });

  it('refuses components that are not an array', () => {
    expect(formError(JSON.stringify({ ...validForm, components: {} })).message).toMatch(/"components" array/);
  });
});
