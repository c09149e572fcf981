// A developer applies for an OAuth2 app: validated, stored as pending for an admin's review.
import { err, ok, type Result } from '../../shared/result.ts';
import { parseApplicationForm, type Application } from '../domain/application.ts';
import { countApplicationsOf, insertApplication } from '../services/portal-store.ts';
import type { PortalContext, PortalError } from './context.ts';

/** Apps per developer, so one account cannot flood the review queue. */
export const MAX_APPLICATIONS_PER_OWNER = 25;

export async function submitApplication(ctx: PortalContext, ownerId: string, form: Record<string, unknown>): Promise<Result<Application, PortalError>> {
  const parsed = parseApplicationForm(form);
  if (!parsed.ok) return err({ code: 'INVALID_INPUT', problem: { is: 'fields' }, fields: parsed.error.errors, values: parsed.error.values });
  if ((await countApplicationsOf(ctx.db, ownerId)) >= MAX_APPLICATIONS_PER_OWNER) {
    return err({ code: 'INVALID_STATE', problem: { is: 'appLimit', max: MAX_APPLICATIONS_PER_OWNER } });
  }
  return ok(await insertApplication(ctx.db, ownerId, parsed.value));
}
