// Hydra's public paths, served by oidc-provider.
export const HYDRA_ROUTES = {
  authorization: '/oauth2/auth',
  token: '/oauth2/token',
  userinfo: '/userinfo',
  revocation: '/oauth2/revoke',
  end_session: '/oauth2/sessions/logout',
  jwks: '/.well-known/jwks.json',
  // RFC 8628 at Hydra's paths (issue 16); the resume path of a device sign-in is code_verification/<uid>.
  device_authorization: '/oauth2/device/auth',
  code_verification: '/oauth2/device/verify',
  // RFC 9126 (issue 16): Hydra has none; served only when OAUTH2_PAR_ENABLED.
  pushed_authorization_request: '/oauth2/par',
} as const;
