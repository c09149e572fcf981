// What each scope lets an app do, in plain words for the consent screen.
export interface ScopeText {
  title: string;
  /** Always granted with the rest (the user cannot untick it). */
  fixed: boolean;
}

const SCOPES: Record<string, ScopeText> = {
  read: { title: 'See your balances and transactions', fixed: false },
  receive: { title: 'Create invoices and addresses', fixed: false },
  write: { title: 'Send payments and change settings', fixed: false },
  openid: { title: 'Know who you are (your account id)', fixed: true },
  offline_access: { title: 'Stay connected when you are not using the app', fixed: true },
  email: { title: 'See your email address', fixed: true },
  phone: { title: 'See your phone number', fixed: true },
  profile: { title: 'See your basic profile', fixed: true },
};

export function describeScope(scope: string): ScopeText {
  return SCOPES[scope] ?? { title: `Use the “${scope}” permission`, fixed: false };
}
