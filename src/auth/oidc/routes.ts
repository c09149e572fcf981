// Hydra's public paths, served by oidc-provider.
export const HYDRA_ROUTES = {
  authorization: '/oauth2/auth',
  token: '/oauth2/token',
  userinfo: '/userinfo',
  revocation: '/oauth2/revoke',
  end_session: '/oauth2/sessions/logout',
  jwks: '/.well-known/jwks.json',
} as const;
