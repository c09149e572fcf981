// Blink's custom scalars, each validating its input: a bad value is a GraphQL error before any resolver runs.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { MAX_CENTS, MAX_SATS } from '../../wallet/wallet-service.ts';

function scalar(name: string, parse: (value: unknown) => unknown, serialize: (value: unknown) => unknown = (v) => v): GraphQLScalarType {
  const fail = (message: string): never => {
    throw new GraphQLError(`Invalid value for ${name}: ${message}`, { extensions: { code: 'INVALID_INPUT' } });
  };
  const checked = (value: unknown) => {
    try {
      return parse(value);
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
  };
  return new GraphQLScalarType({
    name,
    serialize,
    parseValue: checked,
    parseLiteral(ast: ValueNode) {
      if (ast.kind === Kind.INT) return checked(Number(ast.value));
      if (ast.kind === Kind.FLOAT) return checked(Number(ast.value));
      if (ast.kind === Kind.STRING) return checked(ast.value);
      if (ast.kind === Kind.BOOLEAN) return checked(ast.value);
      return fail('unsupported literal');
    },
  });
}

const positiveInt = (max: number) => (value: unknown) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error('expected a whole number');
  if (value <= 0) throw new Error('must be greater than zero');
  if (value > max) throw new Error(`must be at most ${max}`);
  return value;
};

const string = (test: RegExp, what: string, transform: (s: string) => string = (s) => s) => (value: unknown) => {
  if (typeof value !== 'string' || !test.test(value)) throw new Error(`expected ${what}`);
  return transform(value);
};

export const scalars: Record<string, GraphQLScalarType> = {
  SatAmount: scalar('SatAmount', positiveInt(MAX_SATS)),
  CentAmount: scalar('CentAmount', positiveInt(MAX_CENTS)),
  Minutes: scalar('Minutes', positiveInt(7 * 24 * 60)),
  SignedAmount: scalar('SignedAmount', () => {
    throw new Error('output only');
  }),
  SafeInt: scalar('SafeInt', (v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error('expected a safe integer');
    return v;
  }),
  Timestamp: scalar(
    'Timestamp',
    positiveInt(Number.MAX_SAFE_INTEGER),
    (v) => (v instanceof Date ? Math.floor(v.getTime() / 1000) : v),
  ),
  WalletId: scalar('WalletId', string(/^[0-9a-fA-F-]{36}$/, 'a wallet id', (s) => s.toLowerCase())),
  Username: scalar('Username', string(/^[a-zA-Z0-9_]{3,50}$/, '3 to 50 letters, digits or underscores')),
  Memo: scalar('Memo', string(/^[^\0]{0,1024}$/su, 'at most 1024 characters')),
  PaymentHash: scalar('PaymentHash', string(/^[0-9a-fA-F]{64}$/, '64 hex characters', (s) => s.toLowerCase())),
  Hex32Bytes: scalar('Hex32Bytes', string(/^[0-9a-fA-F]{64}$/, '64 hex characters', (s) => s.toLowerCase())),
  LnPaymentRequest: scalar('LnPaymentRequest', string(/^ln[a-zA-Z0-9]{1,4000}$/, 'a BOLT 11 payment request')),
  LnPaymentSecret: scalar('LnPaymentSecret', string(/^[0-9a-f]{64}$/, '64 hex characters')),
  LnPaymentPreImage: scalar('LnPaymentPreImage', string(/^[0-9a-f]{64}$/, '64 hex characters')),
  TxExternalId: scalar('TxExternalId', string(/^[a-zA-Z0-9_.:-]{1,100}$/, 'up to 100 letters, digits or _.:-')),
  DisplayCurrency: scalar('DisplayCurrency', string(/^[a-zA-Z]{3}$/, 'a 3-letter currency code', (s) => s.toUpperCase())),
  OnChainAddress: scalar('OnChainAddress', string(/^[a-zA-Z0-9]{14,90}$/, 'a Bitcoin address')),
  OnChainTxHash: scalar('OnChainTxHash', string(/^[0-9a-f]{64}$/, '64 hex characters')),
  EndpointUrl: scalar('EndpointUrl', string(/^https?:\/\/\S{1,2000}$/, 'an http(s) URL')),
  SignedDisplayMajorAmount: scalar('SignedDisplayMajorAmount', () => {
    throw new Error('output only');
  }),
  AuthToken: scalar('AuthToken', string(/^\S{1,4096}$/, 'a token')),
  TotpCode: scalar('TotpCode', string(/^\s*\d{6}\s*$/, 'a 6-digit code', (s) => s.trim())),
  TotpRegistrationId: scalar('TotpRegistrationId', string(/^[0-9a-fA-F-]{36}$/, 'a registration id', (s) => s.toLowerCase())),
  EmailRegistrationId: scalar('EmailRegistrationId', string(/^[0-9a-fA-F-]{36}$/, 'a registration id', (s) => s.toLowerCase())),
  OneTimeAuthCode: scalar('OneTimeAuthCode', string(/^\s*\d{6}\s*$/, 'a 6-digit code', (s) => s.trim())),
  CountryCode: scalar('CountryCode', string(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code')),
  Language: scalar('Language', string(/^(|DEFAULT|[a-z]{2,3}(-[A-Za-z0-9]{2,8})?)$/, 'a language tag or DEFAULT', (s) => (s === 'DEFAULT' ? '' : s))),
  Seconds: scalar('Seconds', () => {
    throw new Error('output only');
  }),
  TotpSecret: scalar('TotpSecret', () => {
    throw new Error('output only');
  }),
};
