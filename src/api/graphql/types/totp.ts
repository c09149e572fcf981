// Two-step verification (TOTP) area types.
export const sdl = /* GraphQL */ `
type UserTotpRegistrationInitiatePayload { errors: [Error!]! totpRegistrationId: TotpRegistrationId totpSecret: TotpSecret }
input UserTotpRegistrationValidateInput { authToken: AuthToken totpCode: TotpCode! totpRegistrationId: TotpRegistrationId! }
type UserTotpRegistrationValidatePayload { errors: [Error!]! me: User }
type UserTotpDeletePayload { errors: [Error!]! me: User }
`;
