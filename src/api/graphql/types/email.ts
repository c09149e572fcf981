// The account holder's email address area types (Blink's userEmailRegistration* and userEmailDelete payloads).
export const sdl = /* GraphQL */ `
input UserEmailRegistrationInitiateInput { email: EmailAddress! }
type UserEmailRegistrationInitiatePayload { emailRegistrationId: EmailRegistrationId errors: [Error!]! me: User }
input UserEmailRegistrationValidateInput { code: OneTimeAuthCode! emailRegistrationId: EmailRegistrationId! }
type UserEmailRegistrationValidatePayload { errors: [Error!]! me: User }
type UserEmailDeletePayload { errors: [Error!]! me: User }
`;
