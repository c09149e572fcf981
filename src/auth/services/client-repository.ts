// SQL storage of OAuth 2.0 clients (table oauth2_clients). The public fields live in `metadata` as
// Hydra's JSON; the secret only as a hash.
import type { Queryable } from '../../db/database.ts';
import type { ClientStatus, OAuth2Client } from '../../hydra-port/types.ts';
import type { StoredClient } from '../domain/client.ts';

interface Row {
  client_id: string;
  secret_hash: string | null;
  status: ClientStatus;
  metadata: Omit<OAuth2Client, 'client_secret'>;
  created_at: Date;
  updated_at: Date;
}

const toStored = (row: Row): StoredClient => ({
  client: { ...row.metadata, client_id: row.client_id, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() },
  secretHash: row.secret_hash ?? undefined,
  status: row.status,
});

/** A row read as JSON (row_to_json) inside another statement (issue 18: the auth server's challenge read). */
export function storedClientFromJson(json: Omit<Row, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string }): StoredClient {
  return toStored({ ...json, created_at: new Date(json.created_at), updated_at: new Date(json.updated_at) });
}

export interface ClientRepository {
  find(id: string): Promise<StoredClient | undefined>;
  list(filter: { owner?: string; client_name?: string; limit: number; offset: number }): Promise<StoredClient[]>;
  /** Inserts; resolves false when the client_id is taken. */
  insert(client: StoredClient): Promise<boolean>;
  update(client: StoredClient): Promise<boolean>;
  setStatus(id: string, status: ClientStatus): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Keeps a replaced secret's hash working until `expiresAt` (issue 17 #5); at most `keep` per client. */
  keepRotatedSecret(id: string, secretHash: string, now: Date, expiresAt: Date, keep: number): Promise<void>;
  /** The hashes of rotated secrets still in their grace period. */
  rotatedSecretHashes(id: string, now: Date): Promise<string[]>;
  /** Ends every rotated secret's grace (a new secret was set, as Hydra clears them). */
  clearRotatedSecrets(id: string): Promise<void>;
}

export function createClientRepository(db: Queryable): ClientRepository {
  return {
    async find(id) {
      // Named: read on every authorization and token request (issue 18), parsed and planned once per connection. The
      // columns are listed: a prepared `*` fails ("cached plan must not change result type") once a migration adds one.
      const [row] = await db.query<Row>('SELECT client_id, secret_hash, status, metadata, created_at, updated_at FROM oauth2_clients WHERE client_id = $1', [id], {
        name: 'lightgate_client_find',
      });
      return row && toStored(row);
    },
    async list({ owner, client_name, limit, offset }) {
      const rows = await db.query<Row>(
        `SELECT * FROM oauth2_clients
          WHERE ($1::text IS NULL OR owner = $1) AND ($2::text IS NULL OR client_name = $2)
          ORDER BY created_at, client_id LIMIT $3 OFFSET $4`,
        [owner ?? null, client_name ?? null, limit, offset],
      );
      return rows.map(toStored);
    },
    async insert({ client, secretHash, status }) {
      const rows = await db.query(
        `INSERT INTO oauth2_clients (client_id, secret_hash, status, owner, client_name, metadata, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
        [client.client_id, secretHash ?? null, status, client.owner, client.client_name, JSON.stringify(client), client.created_at, client.updated_at],
      );
      return rows.length === 1;
    },
    async update({ client, secretHash, status }) {
      const rows = await db.query(
        `UPDATE oauth2_clients SET secret_hash = $2, status = $3, owner = $4, client_name = $5, metadata = $6, updated_at = $7
          WHERE client_id = $1 RETURNING client_id`,
        [client.client_id, secretHash ?? null, status, client.owner, client.client_name, JSON.stringify(client), client.updated_at],
      );
      return rows.length === 1;
    },
    async setStatus(id, status) {
      const rows = await db.query('UPDATE oauth2_clients SET status = $2, updated_at = now() WHERE client_id = $1 RETURNING client_id', [id, status]);
      return rows.length === 1;
    },
    async keepRotatedSecret(id, secretHash, now, expiresAt, keep) {
      await db.query(
        `INSERT INTO oauth2_client_rotated_secrets (client_id, secret_hash, rotated_at, expires_at) VALUES ($1, $2, $3::timestamptz, $4::timestamptz)
         ON CONFLICT (client_id, secret_hash) DO UPDATE SET rotated_at = EXCLUDED.rotated_at, expires_at = EXCLUDED.expires_at`,
        [id, secretHash, now.toISOString(), expiresAt.toISOString()],
      );
      await db.query(
        `DELETE FROM oauth2_client_rotated_secrets WHERE client_id = $1 AND (expires_at <= $2::timestamptz OR secret_hash NOT IN (
           SELECT secret_hash FROM oauth2_client_rotated_secrets WHERE client_id = $1 ORDER BY rotated_at DESC LIMIT $3))`,
        [id, now.toISOString(), keep],
      );
    },
    async rotatedSecretHashes(id, now) {
      const rows = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM oauth2_client_rotated_secrets WHERE client_id = $1 AND expires_at > $2::timestamptz', [id, now.toISOString()]);
      return rows.map((r) => r.secret_hash);
    },
    async clearRotatedSecrets(id) {
      await db.query('DELETE FROM oauth2_client_rotated_secrets WHERE client_id = $1', [id]);
    },
    async remove(id) {
      const rows = await db.query('DELETE FROM oauth2_clients WHERE client_id = $1 RETURNING client_id', [id]);
      return rows.length === 1;
    },
  };
}
