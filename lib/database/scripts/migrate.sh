# The migration Job's rollback guard (sh -c <this> migrate <command...>, backend image): when the database is
# at a revision this image does not know (Alembic's "unknown revision" error), a newer release has migrated it
# and this is a rollback: nothing to do (`alembic upgrade head` would fail). Otherwise it runs the configured
# command as given ("$@").
# lib/database/schema-wait.ts fills in the @@NAME@@ placeholders; this comment block and the final newline
# are not part of the container's command.
set -u
out="${TMPDIR:-/tmp}/migrate-current.out"
alembic current >"$out" 2>&1; rc=$?
if [ "$rc" -ne 0 ] && grep -q "@@UNKNOWN_REVISION@@" "$out"; then
  echo "migrate: the database is ahead of this image: $(grep -o "@@UNKNOWN_REVISION@@ '[^']*'" "$out" | head -n 1); a newer release migrated it (a rollback): nothing to do"
  exit 0
fi
exec "$@"
