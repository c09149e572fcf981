// What each scope lets an app do, in plain words for the consent screen.
export interface ScopeText {
  title: string;
  /** Always granted with the rest (the user cannot untick it). */
  fixed: boolean;
  /** What granting it means, in a sentence under the title. */
  detail?: string;
  /** Optional extra: the person may untick it without refusing the app its other permissions. */
  extra?: boolean;
}

// Refresh tokens (Hydra's rule: offline or offline_access in the grant). A lasting power over a wallet,
// so the person decides and is told what it means (issue 11 #5); unticked, the app gets no refresh token.
const OFFLINE: ScopeText = {
  title: 'Stay connected when you are away',
  fixed: false,
  extra: true,
  detail: 'The app can keep using these permissions after you close it, until you take this access back. Untick it and the app must ask you again when its access expires.',
};

const SCOPES: Record<string, ScopeText> = {
  read: { title: 'See your balances and transactions', fixed: false },
  receive: { title: 'Create invoices and addresses', fixed: false },
  write: { title: 'Send payments and change settings', fixed: false },
  openid: { title: 'Know who you are (your account id)', fixed: true },
  offline_access: OFFLINE,
  offline: OFFLINE,
  email: { title: 'See your email address', fixed: true },
  phone: { title: 'See your phone number', fixed: true },
  profile: { title: 'See your basic profile', fixed: true },
};

export function describeScope(scope: string): ScopeText {
  return SCOPES[scope] ?? { title: `Use the “${scope}” permission`, fixed: false };
}
