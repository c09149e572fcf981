// A use case's problem value in the person's language (issue 17): the app layer says what went wrong as a value,
// the page words it from the route catalog (`pe.*`, `act.*`); statuses of apps use the portal catalog's words.
import type { PortalProblem } from '../app/context.ts';
import { tp } from '../portal-messages.ts';
import { tr } from '../portal-route-messages.ts';

const APP_STATUSES = new Set(['pending', 'approved', 'rejected', 'suspended']);

const statusWord = (status: string): string =>
  APP_STATUSES.has(status) ? tp(`status.${status}` as 'status.pending').toLocaleLowerCase() : status;

export function problemText(p: PortalProblem): string {
  switch (p.is) {
    case 'onlyPendingApprove':
    case 'onlyPendingReject':
    case 'onlyPendingRegistration':
      return tr(`pe.${p.is}`, { status: statusWord(p.status) });
    case 'appLimit':
      return tr('pe.appLimit', { max: p.max });
    case 'reasonLength':
      return tr('err.reason', { max: p.max });
    case 'refused':
      return tr('pe.refused', { detail: p.detail });
    case 'unsupported':
    case 'unavailable':
      return tr(`pe.${p.is}`, { action: tr(`act.${p.action}`), status: String(p.status) });
    default:
      return tr(`pe.${p.is}`);
  }
}
