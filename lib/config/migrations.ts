/**
 * `migrations`: the Alembic migration Job and the backend's wait for the schema (lib/database/schema-wait.ts
 * holds their scripts; docs/real-cluster.md, "Migrations").
 */
import { z } from 'zod';
import { resources } from './types';

export const migrationsSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the database migrations (a Job with the backend image) before each new backend version serves'),
  command: z.array(z.string().min(1)).min(1).default(['alembic', 'upgrade', 'head']).describe('Command of the migration Job (run after a guard that skips it when the database is ahead of the image: a rollback)'),
  backoffLimit: z.number().int().min(0).default(2).describe('Retries of a failed migration pod before the Job fails'),
  activeDeadlineSeconds: z.number().int().min(30).default(900).describe('Seconds after which a running migration is killed and the Job fails'),
  ttlSecondsAfterFinished: z.number().int().min(0).default(86400).describe('Seconds a finished Job (and its logs) is kept'),
  waitForSchema: z.boolean().default(true)
    .describe('Backend pods wait in an init container while the database is behind the image\'s Alembic head (they start when `alembic current` = `alembic heads`, or when the database is at a revision the image does not know: a rollback after a newer release migrated it): a failed migration leaves new pods un-Ready and the old ones serving'),
  waitTimeoutSeconds: z.number().int().min(10).default(600).describe('Seconds the init container waits before it fails (the pod restarts it)'),
  resources: resources({ cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '1000m', memoryLimit: '512Mi' })
    .describe('Resources of the migration container (and the schema wait); a request may not exceed its limit'),
}).prefault({}).describe('Database migrations (Alembic): Job `backend-migrate` (see docs/real-cluster.md)');
