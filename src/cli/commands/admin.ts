// `lightgate admin …`: the portal's admin role and audit log, for operators.
//   admin grant <email>     make the person an admin of the developer portal
//   admin revoke <email>    take the role back (ADMIN_EMAILS entries stay admins: edit the config)
//   admin list              admins from ADMIN_EMAILS and from grants
//   admin audit [--limit N] the audit log, newest first
import { userInfo } from 'node:os';
import type { Config } from '../../config/config.ts';
import type { Queryable } from '../../db/database.ts';
import { grantAdminRole, listAudit, listGrantedAdmins, revokeAdminRole } from '../../portal/portal-service.ts';

export const ADMIN_USAGE = `Usage: lightgate admin <command>

Commands:
  grant <email>         give the developer portal's admin role to this email
  revoke <email>        take the role back (ADMIN_EMAILS entries are managed in the config)
  list                  list admins (from ADMIN_EMAILS and from grants)
  audit [--limit N]     print the audit log of admin actions, newest first (default 50)
`;

export interface AdminCommandDeps {
  /** A migrated database. */
  db: Queryable;
  config: Pick<Config, 'adminEmails'>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Who runs the command, for the audit log (default: the OS user). */
  operator?: string;
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function runAdminCommand(argv: readonly string[], deps: AdminCommandDeps): Promise<number> {
  const [command, ...rest] = argv;
  const actor = { id: null, email: `cli:${deps.operator ?? operatorName()}` };
  switch (command) {
    case 'grant':
    case 'revoke': {
      if (rest.length !== 1) break;
      const done = command === 'grant' ? await grantAdminRole(deps.db, actor, rest[0]!) : await revokeAdminRole(deps.db, actor, rest[0]!);
      if (!done.ok) {
        deps.stderr(`lightgate admin ${command}: ${done.error}\n`);
        return 2;
      }
      const { email, changed } = done.value;
      if (command === 'grant') deps.stdout(changed ? `${email} is now an admin of the developer portal\n` : `${email} was already an admin\n`);
      else {
        deps.stdout(changed ? `${email} is no longer an admin (granted role removed)\n` : `${email} had no granted admin role\n`);
        if (deps.config.adminEmails.includes(email)) deps.stdout(`note: ${email} is listed in ADMIN_EMAILS and stays an admin until it is removed there\n`);
      }
      return 0;
    }
    case 'list': {
      if (rest.length !== 0) break;
      for (const email of deps.config.adminEmails) deps.stdout(`${email}\tADMIN_EMAILS\n`);
      for (const a of await listGrantedAdmins(deps.db)) deps.stdout(`${a.email}\tgranted by ${a.grantedBy} at ${a.grantedAt.toISOString()}\n`);
      return 0;
    }
    case 'audit': {
      let limit = 50;
      if (rest.length === 2 && rest[0] === '--limit' && /^\d{1,5}$/.test(rest[1]!) && Number(rest[1]) > 0) limit = Number(rest[1]);
      else if (rest.length !== 0) break;
      const entries = await listAudit(deps.db, limit);
      if (entries.length === 0) deps.stdout('no admin action recorded\n');
      for (const e of entries) {
        const details = Object.entries(e.details).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ');
        deps.stdout(`${e.at.toISOString()}\t${e.actorEmail}\t${e.action}\t${e.target}${details ? `\t${details}` : ''}\n`);
      }
      return 0;
    }
  }
  deps.stderr(`${command ? `unknown or incomplete command: admin ${argv.join(' ')}\n\n` : ''}${ADMIN_USAGE}`);
  return 2;
}
