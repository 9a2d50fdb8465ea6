import { z } from 'zod';
import { BpmnDeployError } from './errors';

/** The parts of a Camunda Form (form-js schema) the engine relies on; other fields are kept as they are. */
const ID_REQUIRED = 'the form needs a non-empty string "id" (the formId user tasks link to)';
const formSchema = z.looseObject({
  id: z.string({ error: ID_REQUIRED }).trim().min(1, ID_REQUIRED),
  type: z.literal('default', { error: 'the form needs "type": "default"' }),
  components: z.array(z.unknown(), { error: 'the form needs a "components" array' }),
  versionTag: z.string({ error: 'the form\'s "versionTag" must be a string' }).optional(),
});

export interface ParsedForm {
  formId: string;
  /** The form JSON exactly as deployed, served back to task clients. */
  schema: string;
  versionTag?: string;
}

/** Validates a Camunda Forms file (`*.form`); throws BpmnDeployError naming the file and the problem. */
export function parseForm(json: string, fileName: string): ParsedForm {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new BpmnDeployError(fileName, [
      { elementId: fileName, message: `Form '${fileName}' is not valid JSON: ${(error as Error).message}. Export the form again from Camunda Modeler.` },
    ]);
  }
  const result = formSchema.safeParse(parsed);
  if (!result.success) {
    const findings = result.error.issues.map((issue) => ({
      elementId: fileName,
      message: `Form '${fileName}': ${issue.code === 'invalid_type' && issue.path.length === 0 ? 'the file must contain a JSON object' : issue.message}.`,
    }));
    throw new BpmnDeployError(fileName, findings);
  }
  const form: ParsedForm = { formId: result.data.id.trim(), schema: json };
  if (result.data.versionTag) form.versionTag = result.data.versionTag;
  return form;
}
