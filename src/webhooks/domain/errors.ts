// The webhooks module's error values; each transport maps them once (GraphQL codes, portal pages).
export type WebhookErrorCode =
  | 'INVALID_URL'
  | 'URL_NOT_ALLOWED'
  | 'ENDPOINT_NOT_FOUND'
  | 'DELIVERY_NOT_FOUND'
  | 'TOO_MANY_ENDPOINTS'
  | 'ENDPOINT_DISABLED'
  | 'TOO_MANY_REQUESTS';

export interface WebhookError {
  code: WebhookErrorCode;
  message: string;
}

export const webhookError = (code: WebhookErrorCode, message: string): WebhookError => ({ code, message });
