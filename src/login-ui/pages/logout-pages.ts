// Sign-out confirmation and the pages after it.
import type { LogoutRequest } from '../../hydra-port/types.ts';
import { hidden } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { currentWeb } from '../../web/web-context.ts';
import { t } from '../messages.ts';
import { appName, csrfInput, MARK, strongIn, type FormContext } from './common.ts';

const brandName = () => currentWeb().theme.name;

export function renderLogoutPage(o: { form: FormContext; request: LogoutRequest }): string {
  const { form, request } = o;
  return renderPage({
    title: t('logout.title'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${t('logout.title')}</h1>
<p class="lead">${request.client ? strongIn(t('logout.askedBy', { app: MARK, name: brandName() }), appName(request.client)) : t('logout.about', { name: brandName() })} ${t('logout.keep')}</p>
<form method="post" action="/logout">
${csrfInput(form)}${hidden('logout_challenge', request.challenge)}
<div class="actions two">
<button type="submit" name="action" value="no" class="button secondary">${t('logout.stay')}</button>
<button type="submit" name="action" value="yes" class="button primary">${t('logout.yes')}</button>
</div>
</form>
</section>`,
  });
}

export function renderLoggedOutPage(stayed: boolean): string {
  return renderPage({
    title: stayed ? t('logout.stayedTitle') : t('logout.doneTitle'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${stayed ? t('logout.stayedHeading') : t('logout.doneHeading')}</h1>
<p class="lead">${stayed ? t('logout.stayedLead') : t('logout.doneLead', { name: brandName() })}</p>
</section>`,
  });
}

export function renderHomePage(): string {
  return renderPage({
    title: t('login.title'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${t('home.heading', { name: brandName() })}</h1>
<p class="lead">${t('home.lead')}</p>
</section>`,
  });
}
