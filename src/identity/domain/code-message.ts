// The one-time sign-in code's e-mail/SMS in the language of the request that asked for it (issue 17). The
// identity module reads no HTTP: the edge (the login app, the API's /auth routes) passes the locale as data.

export const CODE_LOCALES = ['en', 'es'] as const;
export type CodeLocale = (typeof CODE_LOCALES)[number];

/** A supported locale, else English (an unknown or missing value never fails a code request). */
export const codeLocaleOf = (value: unknown): CodeLocale => (CODE_LOCALES as readonly unknown[]).includes(value) ? (value as CodeLocale) : 'en';

/** Subject and text of the message; the brand name (productName) as configured, in every language. */
export function codeMessage(locale: CodeLocale, productName: string, code: string, minutes: number): { subject: string; text: string } {
  if (locale === 'es') {
    return {
      subject: `Tu código de inicio de sesión de ${productName}: ${code}`,
      text: `Tu código de inicio de sesión de ${productName} es ${code}. Sirve una vez, durante ${minutes} minutos. Si no lo pediste, ignora este mensaje.`,
    };
  }
  return {
    subject: `Your ${productName} sign-in code: ${code}`,
    text: `Your ${productName} sign-in code is ${code}. It works once, for ${minutes} minutes. If you did not ask for it, ignore this message.`,
  };
}

/** The code that proves a new e-mail address (GraphQL userEmailRegistrationInitiate), in the request's language. */
export function emailRegistrationMessage(locale: CodeLocale, productName: string, code: string, minutes: number): { subject: string; text: string } {
  if (locale === 'es') {
    return {
      subject: `Tu código de ${productName} para añadir este correo: ${code}`,
      text: `Tu código para añadir esta dirección de correo a tu cuenta de ${productName} es ${code}. Sirve una vez, durante ${minutes} minutos. Si no lo pediste, ignora este mensaje.`,
    };
  }
  return {
    subject: `Your ${productName} code to add this email: ${code}`,
    text: `Your code to add this email address to your ${productName} account is ${code}. It works once, for ${minutes} minutes. If you did not ask for it, ignore this message.`,
  };
}
