// `--device`: sign in a terminal that has no browser (RFC 8628), the way TVs and `gh auth login --web` on a
// remote machine do it. The CLI shows a short code and an address (and a QR code of it); the person opens it
// on their phone, types or checks the code, signs in and allows the app; meanwhile the CLI polls the token
// endpoint at the server's interval. Then the balances, as in the browser sign-in.
import QRCode from 'qrcode';
import { createWalletClient, discover, generateDPoPKeyPair, type LightgateError } from '@lightgate/sdk';
import { formatWallets } from './cli.ts';

export interface DeviceCliOptions {
  issuer: string;
  api: string;
  clientId: string;
  scope: string;
  timeoutSeconds: number;
  out: (line: string) => void;
}

const describe = (e: LightgateError) => `${e.message.replace(/\.$/, '')} (${e.code}${e.oauthError && e.oauthError !== e.code ? `, ${e.oauthError}` : ''})`;

export async function runDeviceCli(o: DeviceCliOptions): Promise<number> {
  const discovered = await discover({ issuer: o.issuer, clientId: o.clientId, dpop: await generateDPoPKeyPair() });
  if (!discovered.ok) {
    o.out(`error: cannot reach the authorization server at ${o.issuer}: ${describe(discovered.error)}`);
    return 1;
  }
  const client = discovered.value;
  const started = await client.startDeviceSignIn({ scope: o.scope });
  if (!started.ok) {
    o.out(`error: cannot start the device sign-in: ${describe(started.error)}`);
    return 1;
  }
  const device = started.value;
  o.out('To sign in, open this address on your phone or computer:');
  o.out(`  ${device.verificationUri}`);
  o.out(`and enter the code ${device.userCode}`);
  if (device.verificationUriComplete) {
    o.out('Or scan this QR code (then check that the page shows the same code):');
    o.out(await QRCode.toString(device.verificationUriComplete, { type: 'terminal', small: true }));
    o.out(`  ${device.verificationUriComplete}`);
  }
  o.out(`Waiting for you to sign in (the code expires in ${Math.round(device.expiresIn / 60)} minutes)...`);
  const tokens = await device.wait(AbortSignal.timeout(Math.min(o.timeoutSeconds, device.expiresIn) * 1000));
  if (!tokens.ok) {
    o.out(`error: sign-in failed: ${describe(tokens.error)}`);
    return 1;
  }
  o.out(`Signed in. Granted scope: ${tokens.value.scope.join(' ')}`);
  const me = await createWalletClient({ url: o.api, accessToken: tokens.value.accessToken, fetch: client.dpopFetch }).me();
  if (!me.ok) {
    o.out(`error: cannot read the wallet: ${describe(me.error)}`);
    return 1;
  }
  for (const line of formatWallets(me.value)) o.out(line);
  await client.revoke(tokens.value.refreshToken ?? tokens.value.accessToken);
  return 0;
}
