// Hydra's health endpoints, on every server: alive answers while the process serves; ready also needs the database.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';

export function registerHealthRoutes(app: FastifyInstance, db: Database, version: string): void {
  app.get('/health/alive', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    try {
      await db.ping();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ errors: { database: 'the database is unreachable' } });
    }
  });
  app.get('/version', async () => ({ version }));
}
