// HTTP statuses for the webhooks module's error codes (the portal's pages); GraphQL uses the codes as is.
import type { WebhookErrorCode } from './errors.ts';

export const WEBHOOK_ERROR_MESSAGES: Record<WebhookErrorCode, { status: number }> = {
  INVALID_URL: { status: 400 },
  URL_NOT_ALLOWED: { status: 400 },
  ENDPOINT_NOT_FOUND: { status: 404 },
  DELIVERY_NOT_FOUND: { status: 404 },
  TOO_MANY_ENDPOINTS: { status: 409 },
  ENDPOINT_DISABLED: { status: 409 },
  TOO_MANY_REQUESTS: { status: 429 },
};
