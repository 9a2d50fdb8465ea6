import { Router } from 'express';
import { isLiveDefinition } from '../../store/processInstances';
import type { Engine } from '../../runtime/engine';
import { notFound } from '../../runtime/errors';
import { findDeployedForm } from '../../runtime/forms';
import { parseKey } from '../validation';
import { formResultView } from '../views';

/**
 * GET /process-definitions/{key}/form: the linked Camunda Form of the process's none start event (204 when it has
 * none), bound as the diagram says. A start form that is not deployed is 404, naming the form.
 */
export function startFormRoutes(engine: Engine): Router {
  const router = Router();
  router.get('/process-definitions/:key/form', async (req, res) => {
    const key = parseKey(req.params.key, 'process definition key');
    if (!isLiveDefinition(engine, key)) throw notFound(`Process definition with key '${key}' not found.`);
    const deployed = engine.definition(key);
    const link = deployed.process.startForm;
    if (!link) return void res.status(204).end();
    const formKey = findDeployedForm(engine.db, link, deployed.row.deployment_key);
    if (formKey === undefined) {
      throw notFound(`The start form '${link.formId}'${link.bindingType !== 'latest' ? ` (binding ${link.bindingType})` : ''} of process definition '${key}' is not deployed. Deploy the form.`);
    }
    res.json(formResultView(engine.db, formKey));
  });
  return router;
}
