/**
 * The two shell scripts that keep the backend and its database schema in step, both run with the backend
 * image (its `alembic` and its alembic.ini/env.py, so the database URL comes from the image's own config):
 *
 * - the migration Job's guard (`migrationScript`): when the database is at a revision this image does not
 *   know, a newer release has migrated it and this is a rollback: nothing to do (Alembic would fail with
 *   "Can't locate revision"); otherwise it runs the configured command (`migrations.command`, default
 *   `alembic upgrade head`) as given;
 * - the backend's `wait-for-schema` init container (`schemaWaitScript`): starts the pod when the database is
 *   at the image's head (`alembic current` = `alembic heads`) or ahead of it (a revision the image does not
 *   know: after a rollback), and waits only while it is behind (no revision yet, or an older one), failing
 *   after the timeout (the kubelet restarts it; the pod stays un-Ready and the old pods keep serving).
 *
 * "Ahead" is recognised by Alembic's own error for a revision missing from the image's scripts ("Can't
 * locate revision identified by '<rev>'", which `alembic current` prints on stdout with exit status 255):
 * a database of this application only gets revisions from our images, so an unknown one is a newer
 * release's. A database that cannot be reached is neither: the wait goes on. Proven with real Alembic and
 * PostgreSQL (test/schema-wait.tools.test.ts): behind waits, at head starts, ahead after a rollback starts.
 */

/** Alembic's message for a database revision that is missing from the image's migration scripts. */
export const UNKNOWN_REVISION = "Can't locate revision identified by";

/**
 * Revision ids of `alembic heads` / `alembic current` output, sorted, space-separated: the first word of each
 * line, leaving out log lines (an application's logging config may send Alembic's INFO lines to stdout).
 */
const REVS = 'revs() { awk \'NF && $1 !~ /^(INFO|WARN|WARNING|DEBUG|ERROR|CRITICAL)$/ {print $1}\' | sort | tr "\\n" " " | sed "s/ $//"; }';

export function schemaWaitScript(timeoutSeconds: number): string {
  return [
    'set -u',
    REVS,
    'out="${TMPDIR:-/tmp}/schema-wait.out"',
    `deadline=$(( $(date +%s) + ${timeoutSeconds} ))`,
    'want=$(alembic heads 2>/dev/null | revs)',
    'if [ -z "$want" ]; then echo "schema-wait: alembic heads printed nothing (no migrations in the image?)" >&2; exit 1; fi',
    'while :; do',
    '  alembic current >"$out" 2>&1; rc=$?',
    '  have=$(revs <"$out")',
    '  if [ "$rc" -eq 0 ] && [ "$have" = "$want" ]; then echo "schema-wait: database at the image\'s head $want"; exit 0; fi',
    `  if [ "$rc" -ne 0 ] && grep -q "${UNKNOWN_REVISION}" "$out"; then`,
    '    echo "schema-wait: the database is ahead of this image (head $want): $(grep -o "' + UNKNOWN_REVISION + ' \'[^\']*\'" "$out" | head -n 1); a newer release migrated it (a rollback): starting"; exit 0',
    '  fi',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    '    if [ "$rc" -eq 0 ]; then echo "schema-wait: database at \'$have\', behind the image\'s \'$want\' (did the migration Job backend-migrate fail?)" >&2',
    '    else echo "schema-wait: cannot read the database\'s revision: $(tail -n 1 "$out")" >&2; fi',
    '    exit 1',
    '  fi',
    '  sleep 5',
    'done',
  ].join('\n');
}

/** The migration Job's shell: the rollback guard, then the configured command as given ("$@"). */
export function migrationScript(): string {
  return [
    'set -u',
    'out="${TMPDIR:-/tmp}/migrate-current.out"',
    'alembic current >"$out" 2>&1; rc=$?',
    `if [ "$rc" -ne 0 ] && grep -q "${UNKNOWN_REVISION}" "$out"; then`,
    '  echo "migrate: the database is ahead of this image: $(grep -o "' + UNKNOWN_REVISION + ' \'[^\']*\'" "$out" | head -n 1); a newer release migrated it (a rollback): nothing to do"',
    '  exit 0',
    'fi',
    'exec "$@"',
  ].join('\n');
}

/** The Job container's command: `sh -c <guard> migrate <command...>`. */
export function migrationCommand(command: readonly string[]): string[] {
  return ['sh', '-c', migrationScript(), 'migrate', ...command];
}
