// Ory Hydra's public paths (the portal shows them to developers; Lightgate serves the same).
export const HYDRA_PATHS = { authorize: '/oauth2/auth', token: '/oauth2/token' } as const;
