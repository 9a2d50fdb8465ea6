import express, { Router } from 'express';
import type { Engine, Resource } from '../../runtime/engine';
import type { DeployedResource } from '../../runtime/deploy';
import { invalidArgument } from '../../runtime/errors';
import { TENANT } from '../views';

/** POST /deployments: multipart/form-data with one or more files in the field `resources`. */
export function deploymentRoutes(engine: Engine): Router {
  const router = Router();
  router.post('/deployments', express.raw({ type: 'multipart/form-data', limit: '50mb' }), async (req, res) => {
    const resources = await readResources(req.headers['content-type'], req.body);
    const { deploymentKey, resources: deployed } = await engine.deploy(resources);
    res.json({
      deploymentKey: String(deploymentKey),
      tenantId: TENANT,
      deployments: deployed.map(deploymentEntry),
    });
  });
  return router;
}

function deploymentEntry(r: DeployedResource) {
  switch (r.kind) {
    case 'process':
      return { processDefinition: { processDefinitionId: r.bpmnProcessId, processDefinitionVersion: r.version, resourceName: r.resourceName, tenantId: TENANT, processDefinitionKey: String(r.key) } };
    case 'form':
      return { form: { formId: r.formId, version: r.version, resourceName: r.resourceName, tenantId: TENANT, formKey: String(r.key) } };
    case 'decision':
      return {
        decisionDefinition: {
          decisionDefinitionId: r.decisionId, version: r.version, name: r.name, tenantId: TENANT, decisionRequirementsId: r.drgId,
          decisionDefinitionKey: String(r.key), decisionRequirementsKey: String(r.drgKey),
        },
      };
    case 'decisionRequirements':
      return {
        decisionRequirements: {
          decisionRequirementsId: r.drgId, version: r.version, decisionRequirementsName: r.name, tenantId: TENANT, resourceName: r.resourceName,
          decisionRequirementsKey: String(r.key),
        },
      };
  }
}

/** Node's built-in (undici) multipart parser, via the Fetch API's Response.formData(). */
async function readResources(contentType: string | undefined, body: unknown): Promise<Resource[]> {
  if (!contentType?.startsWith('multipart/form-data') || !Buffer.isBuffer(body)) {
    throw invalidArgument('Expected a multipart/form-data request with the files in the field "resources".');
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw invalidArgument(`The multipart body could not be read: ${(error as Error).message}.`);
  }
  const resources: Resource[] = [];
  const entries: [string, FormDataEntryValue][] = [];
  form.forEach((value, field) => entries.push([field, value]));
  for (const [field, value] of entries) {
    if (field === 'tenantId') {
      if (value !== TENANT) throw invalidArgument(`Only the default tenant '${TENANT}' exists in the embedded engine, not '${String(value)}'.`);
      continue;
    }
    if (field !== 'resources') throw invalidArgument(`Unknown multipart field '${field}'. Send the files in the field "resources".`);
    if (typeof value === 'string') throw invalidArgument('Each "resources" part must be a file with a file name (e.g. process.bpmn).');
    resources.push({ name: value.name, content: Buffer.from(await value.arrayBuffer()) });
  }
  return resources;
}
