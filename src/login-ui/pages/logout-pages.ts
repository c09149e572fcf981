// Sign-out confirmation and the pages after it.
import type { LogoutRequest } from '../../hydra-port/types.ts';
import { hidden } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { appName, csrfInput, type FormContext } from './common.ts';

export function renderLogoutPage(o: { form: FormContext; request: LogoutRequest }): string {
  const { form, request } = o;
  return renderPage({
    title: 'Sign out?',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">Sign out?</h1>
<p class="lead">${request.client ? html`<strong>${appName(request.client)}</strong> asks to sign you out of Lightgate.` : 'You are about to sign out of Lightgate.'} Apps you allowed keep their access until you remove it.</p>
<form method="post" action="/logout">
${csrfInput(form)}${hidden('logout_challenge', request.challenge)}
<div class="actions two">
<button type="submit" name="action" value="no" class="button secondary">Stay signed in</button>
<button type="submit" name="action" value="yes" class="button primary">Sign out</button>
</div>
</form>
</section>`,
  });
}

export function renderLoggedOutPage(stayed: boolean): string {
  return renderPage({
    title: stayed ? 'Still signed in' : 'Signed out',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${stayed ? 'You are still signed in' : 'You are signed out'}</h1>
<p class="lead">${stayed ? 'Nothing changed. You can close this page and go back to the app.' : 'You have been signed out of Lightgate. You can close this page.'}</p>
</section>`,
  });
}

export function renderHomePage(): string {
  return renderPage({
    title: 'Sign in',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">Lightgate sign-in</h1>
<p class="lead">This is where apps send you to sign in to your wallet and decide what they may do. Start from the app you want to use.</p>
</section>`,
  });
}
