// The portal's face for other modules (the `lightgate admin` command): the admin role and the audit log.
// The portal's own server reaches its app/ and services/ directly; nothing outside the portal does.
export { grantAdminRole, revokeAdminRole } from './app/admin-role.ts';
export { listAudit, listGrantedAdmins } from './services/portal-store.ts';
