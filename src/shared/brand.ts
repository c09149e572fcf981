// Branded IDs: a UserId cannot be passed where a WalletId is expected.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type AccountId = Brand<string, 'AccountId'>;
export type WalletId = Brand<string, 'WalletId'>;
export type ClientId = Brand<string, 'ClientId'>;
export type Subject = Brand<string, 'Subject'>;
