// Hydra's login session on oidc-provider's Session model.
// - No session row exists before a login is accepted (issue 19 #16): the login request's session_id is a
//   fresh id that becomes the session's id only when the login verifier is used in the browser that
//   started the flow (verifier-step.ts puts it on ctx.state), so the ID token's sid still equals it.
// - A login accepted with remember=false gives a transient session (oidc-provider: a browser-session
//   cookie): it finishes the flow but never lets a later login request skip (issue 19 #10).
import Provider from 'oidc-provider';

type SessionProto = {
  uid: string;
  new?: boolean;
  accountId?: string;
  transient?: boolean;
  loginAccount(details: Record<string, unknown>): void;
};

export function applySessionRules(provider: Provider): void {
  const proto = (provider.Session as unknown as { prototype: SessionProto }).prototype;
  const loginAccount = proto.loginAccount;
  proto.loginAccount = function adoptLoginSessionId(this: SessionProto, details: Record<string, unknown>) {
    const sessionId = (Provider.ctx?.state as { lgSessionId?: unknown } | undefined)?.lgSessionId;
    if (this.new && !this.accountId && typeof sessionId === 'string' && sessionId) this.uid = sessionId;
    // oidc-provider only ever sets transient; a remembered login after a transient one must clear it.
    if (!details.transient && this.transient) this.transient = false;
    return loginAccount.call(this, details);
  };
}

/** Whether a session may let a login request skip: only a remembered (non-transient) login (Hydra's `remember`). */
export const rememberedLogin = (session: { accountId?: string; transient?: boolean } | undefined): boolean => Boolean(session?.accountId) && !session?.transient;
