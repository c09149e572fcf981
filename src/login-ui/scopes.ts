// What each scope lets an app do, in plain words for the consent screen (in the request's language).
import { t } from './messages.ts';

export interface ScopeText {
  title: string;
  /** Always granted with the rest (the user cannot untick it). */
  fixed: boolean;
  /** What granting it means, in a sentence under the title. */
  detail?: string;
  /** Optional extra: the person may untick it without refusing the app its other permissions. */
  extra?: boolean;
  /** Moves money out of the wallet (issue 17: styled as a warning). */
  money?: boolean;
}

type Key = Parameters<typeof t>[0];
interface ScopeRule {
  title: Key;
  fixed: boolean;
  detail?: Key;
  extra?: boolean;
  money?: boolean;
}

// Refresh tokens (Hydra's rule: offline or offline_access in the grant). A lasting power over a wallet,
// so the person decides and is told what it means (issue 11 #5); unticked, the app gets no refresh token.
const OFFLINE: ScopeRule = { title: 'scope.offline', fixed: false, extra: true, detail: 'scope.offlineDetail' };

const SCOPES: Record<string, ScopeRule> = {
  read: { title: 'scope.read', fixed: false },
  receive: { title: 'scope.receive', fixed: false },
  write: { title: 'scope.write', fixed: false, money: true, detail: 'scope.writeDetail' },
  openid: { title: 'scope.openid', fixed: true },
  offline_access: OFFLINE,
  offline: OFFLINE,
  email: { title: 'scope.email', fixed: true },
  phone: { title: 'scope.phone', fixed: true },
  profile: { title: 'scope.profile', fixed: true },
};

/** Scopes that move money: `write`, and any spending budget (issue 13) such as `budget` or `budget:…`. */
const movesMoney = (scope: string): boolean => SCOPES[scope]?.money === true || scope === 'budget' || scope.startsWith('budget:');

export function describeScope(scope: string): ScopeText {
  const rule = Object.hasOwn(SCOPES, scope) ? SCOPES[scope] : undefined;
  if (!rule) return { title: t('scope.other', { scope }), fixed: false, ...(movesMoney(scope) ? { money: true } : {}) };
  return {
    title: t(rule.title),
    fixed: rule.fixed,
    ...(rule.detail ? { detail: t(rule.detail) } : {}),
    ...(rule.extra ? { extra: true } : {}),
    ...(movesMoney(scope) ? { money: true } : {}),
  };
}
