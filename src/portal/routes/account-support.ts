// Sending an account-area page (its own frame, pages/account-pages.ts) and its confirmation pages.
import type { FastifyReply } from 'fastify';
import type { SafeHtml } from '../../web/html.ts';
import { accountPage, type AccountSection } from '../pages/account-pages.ts';
import { confirmBody, type Confirmation } from '../pages/confirm-page.ts';
import type { Flash, FormToken } from '../pages/shell.ts';
import { sendHtml, type SignedIn } from './support.ts';

export function accountReply(reply: FastifyReply, o: { title: string; viewer: SignedIn; current: AccountSection; form: FormToken; flash?: Flash; body: SafeHtml }, status = 200) {
  return sendHtml(reply, accountPage(o), status);
}

/** Issue 17 #5: the account area's destructive actions ask first, on a page that works without JavaScript. */
export function accountConfirm(reply: FastifyReply, o: { viewer: SignedIn; current: AccountSection; form: FormToken; confirmation: Confirmation }) {
  return accountReply(reply, { title: o.confirmation.title, viewer: o.viewer, current: o.current, form: o.form, body: confirmBody(o.confirmation, o.form) });
}
