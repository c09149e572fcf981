// The device sign-in pages' words (RFC 8628, issue 16) in English and Spanish, beside the app's catalog
// (messages.ts); a theme's messages/<locale>.json may override these keys too.
import { defineMessages } from '../web/i18n.ts';

export const td = defineMessages(
  {
    'device.title': 'Sign in a device',
    'device.lead': 'Enter the code your terminal or app shows. Only continue if you started the sign-in on that device yourself.',
    'device.code': 'Code shown on the device',
    'device.hint': 'Eight letters, like BCDF-GHJK',
    'device.continue': 'Continue',
    'device.empty': 'Enter the code shown on your device.',
    'device.wrong': 'That code did not work. Check the code on your device and try again.',
    'device.expiredTitle': 'This device sign-in has expired',
    'device.expired': 'Open the sign-in address shown on your device again.',
    'device.restart': 'Start again',
    'device.tooManyTitle': 'Too many tries',
    'device.tooMany': 'Too many codes were tried. Wait a while, then start again from your device.',
    'device.doneTitle': 'Device signed in',
    'device.doneHeading': 'Your device is signed in',
    'device.done': 'You can close this page and go back to your device.',
  },
  {
    'device.title': 'Iniciar sesión en un dispositivo',
    'device.lead': 'Escribe el código que muestra tu terminal o aplicación. Continúa solo si tú iniciaste la sesión en ese dispositivo.',
    'device.code': 'Código que muestra el dispositivo',
    'device.hint': 'Ocho letras, como BCDF-GHJK',
    'device.continue': 'Continuar',
    'device.empty': 'Escribe el código que muestra tu dispositivo.',
    'device.wrong': 'Ese código no funcionó. Revisa el código en tu dispositivo y vuelve a intentarlo.',
    'device.expiredTitle': 'Este inicio de sesión del dispositivo caducó',
    'device.expired': 'Vuelve a abrir la dirección que muestra tu dispositivo.',
    'device.restart': 'Empezar de nuevo',
    'device.tooManyTitle': 'Demasiados intentos',
    'device.tooMany': 'Se probaron demasiados códigos. Espera un rato y vuelve a empezar desde tu dispositivo.',
    'device.doneTitle': 'Dispositivo conectado',
    'device.doneHeading': 'Tu dispositivo inició sesión',
    'device.done': 'Puedes cerrar esta página y volver a tu dispositivo.',
  },
);
