// The kit's own words: the page frame, the language switch, error summaries, copy buttons.
import { defineMessages } from './i18n.ts';

export const tKit = defineMessages(
  {
    'kit.skip': 'Skip to content',
    'kit.footer': 'Secured by {name}. Never share your codes with anyone.',
    'kit.support': 'Help and support',
    'kit.language': 'Language',
    'kit.developers': '{name} Developers',
    'kit.developerFooter': '{name} developer portal',
    'kit.copy': 'Copy',
    'kit.copyLabel': 'Copy {what}',
    'kit.copied': 'Copied to the clipboard',
    'kit.copyFallback': 'Press Ctrl+C (or ⌘C) to copy',
    'kit.errorSummary': 'There is a problem',
    'kit.newTab': '(opens in a new tab)',
    'kit.logo': '{name} logo',
  },
  {
    'kit.skip': 'Ir al contenido',
    'kit.footer': 'Protegido por {name}. Nunca compartas tus códigos con nadie.',
    'kit.support': 'Ayuda y soporte',
    'kit.language': 'Idioma',
    'kit.developers': '{name} para desarrolladores',
    'kit.developerFooter': 'Portal para desarrolladores de {name}',
    'kit.copy': 'Copiar',
    'kit.copyLabel': 'Copiar {what}',
    'kit.copied': 'Copiado al portapapeles',
    'kit.copyFallback': 'Pulsa Ctrl+C (o ⌘C) para copiar',
    'kit.errorSummary': 'Hay un problema',
    'kit.newTab': '(se abre en una pestaña nueva)',
    'kit.logo': 'Logotipo de {name}',
  },
);
