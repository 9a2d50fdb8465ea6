import { z } from 'zod';
import type { Deps } from '../deps';
import { defineHandler } from '../framework';

/**
 * The configured psychiatry units for a vårdkedjeremiss (config/psykiatri-enheter.json): the remissport's checklist
 * options, the units' Swedish names (task forms and names) and which unit handles drug-freedom interventions.
 * A diagram cannot read configuration itself, so the process asks once at its start.
 */
export const psychiatryUnits = (deps: Deps) => defineHandler({
  type: 'vk.psykiatri.enheter',
  headers: z.object({}),
  variables: z.looseObject({}),
  async handle() {
    const { enheter, drogfrihetsenhet } = deps.config.psychiatryUnits;
    return {
      // form-js options (valuesKey): the drug-freedom unit is not chosen by hand, the two questions decide it.
      psykiatriEnheter: enheter.filter((e) => e.id !== drogfrihetsenhet).map((e) => ({ label: e.namn, value: e.id })),
      psykiatriEnhetNamn: Object.fromEntries(enheter.map((e) => [e.id, e.namn])),
      drogfrihetsenhet,
    };
  },
});
