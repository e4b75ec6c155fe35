/**
 * The two shell scripts that keep the backend and its database schema in step, kept as files in
 * lib/database/scripts/ (loaded as lib/script-files.ts says) and both run with the backend image (its `alembic`
 * and its alembic.ini/env.py, so the database URL comes from the image's own config):
 *
 * - the migration Job's guard (`migrate.sh`, `migrationScript`): when the database is at a revision this image
 *   does not know, a newer release has migrated it and this is a rollback: nothing to do (Alembic would fail
 *   with "Can't locate revision"); otherwise it runs the configured command (`migrations.command`, default
 *   `alembic upgrade head`) as given;
 * - the backend's `wait-for-schema` init container (`schema-wait.sh`, `schemaWaitScript`): starts the pod when
 *   the database is at the image's head (`alembic current` = `alembic heads`) or ahead of it (a revision the
 *   image does not know: after a rollback), and waits only while it is behind (no revision yet, or an older
 *   one), failing after `migrations.waitTimeoutSeconds` (the kubelet restarts it; the pod stays un-Ready and
 *   the old pods keep serving).
 *
 * "Ahead" is recognised by Alembic's own error for a revision missing from the image's scripts ("Can't
 * locate revision identified by '<rev>'", which `alembic current` prints on stdout with exit status 255):
 * a database of this application only gets revisions from our images, so an unknown one is a newer
 * release's. A database that cannot be reached is neither: the wait goes on. Proven with real Alembic and
 * PostgreSQL (test/schema-wait.tools.test.ts): behind waits, at head starts, ahead after a rollback starts.
 */

/// <reference path="../text-files.d.ts" />
import { inlineScript } from '../script-files';
import migrateSh from './scripts/migrate.sh';
import schemaWaitSh from './scripts/schema-wait.sh';

/** Alembic's message for a database revision that is missing from the image's migration scripts. */
export const UNKNOWN_REVISION = "Can't locate revision identified by";

/** The `wait-for-schema` init container's shell: waits at most `timeoutSeconds` for the database to be at the image's head. */
export function schemaWaitScript(timeoutSeconds: number): string {
  return inlineScript('lib/database/scripts/schema-wait.sh', schemaWaitSh, { TIMEOUT_SECONDS: timeoutSeconds, UNKNOWN_REVISION });
}

/** The migration Job's shell: the rollback guard, then the configured command as given ("$@"). */
export function migrationScript(): string {
  return inlineScript('lib/database/scripts/migrate.sh', migrateSh, { UNKNOWN_REVISION });
}

/** The Job container's command: `sh -c <guard> migrate <command...>`. */
export function migrationCommand(command: readonly string[]): string[] {
  return ['sh', '-c', migrationScript(), 'migrate', ...command];
}
