#!/usr/bin/env node
// lightgate-example-cli: sign in from a terminal (loopback redirect + PKCE) and print your balances.
//   node examples/cli/src/main.ts --client-id <id> [--issuer url] [--api url] [--scope "read"] [--no-browser]
// Flags win over the environment: LIGHTGATE_CLIENT_ID, LIGHTGATE_ISSUER, LIGHTGATE_API.
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { runDeviceCli } from './device.ts';

const USAGE = `usage: lightgate-example-cli --client-id <id> [--issuer <url>] [--api <url>] [--scope <scopes>] [--budget <sats>] [--no-browser | --device] [--timeout <seconds>]
  --client-id   a public client (token_endpoint_auth_method "none", redirect URI http://127.0.0.1/callback)  [$LIGHTGATE_CLIENT_ID]
  --issuer      the authorization server (default http://localhost:4444)                                    [$LIGHTGATE_ISSUER]
  --api         the wallet GraphQL endpoint (default http://localhost:4002/graphql)                          [$LIGHTGATE_API]
  --scope       scopes to ask for (default "read")
  --budget      with --scope "read write": ask for a spending budget of this many sats per day (RFC 9396)
  --no-browser  only print the sign-in URL
  --device      sign in on another device (RFC 8628): print a code and an address to open on a phone
  --timeout     seconds to wait for the browser (default 300)`;

let args;
try {
  args = parseArgs({
    options: {
      'client-id': { type: 'string' },
      issuer: { type: 'string' },
      api: { type: 'string' },
      scope: { type: 'string', default: 'read' },
      budget: { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      device: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
const clientId = args['client-id'] ?? process.env.LIGHTGATE_CLIENT_ID;
const timeoutSeconds = Number(args.timeout);
const budget = args.budget === undefined ? undefined : Number(args.budget);
if (args.help || !clientId || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || (budget !== undefined && !(Number.isSafeInteger(budget) && budget >= 0))) {
  process.stderr.write(`${args.help ? '' : 'error: --client-id is required (or LIGHTGATE_CLIENT_ID), --timeout must be a positive number and --budget a whole number of sats\n'}${USAGE}\n`);
  process.exit(args.help ? 0 : 2);
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const common = {
  issuer: args.issuer ?? process.env.LIGHTGATE_ISSUER ?? 'http://localhost:4444',
  api: args.api ?? process.env.LIGHTGATE_API ?? 'http://localhost:4002/graphql',
  clientId,
  scope: args.scope,
  timeoutSeconds,
  out,
};
if (args.device) process.exit(await runDeviceCli(common));

const code = await runCli({ ...common, openBrowser: !args['no-browser'], ...(budget !== undefined ? { budgetSatsPerDay: budget } : {}) });
process.exit(code);
