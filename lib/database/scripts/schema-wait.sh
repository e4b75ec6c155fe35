# wait-for-schema: the backend's init container (sh -c, with the backend image's alembic and alembic.ini).
# Starts the pod when the database is at the image's Alembic head (`alembic current` = `alembic heads`) or
# ahead of it (a revision the image does not know, which `alembic current` reports with Alembic's "unknown
# revision" error: a newer release migrated it and this is a rollback); waits while it is behind or cannot be
# reached, and fails after the timeout (the kubelet restarts it, the pod stays un-Ready, the old pods serve).
# revs: the revision ids of `alembic heads` / `alembic current`, sorted, space-separated, log lines left out
# (an application's logging config may send Alembic's INFO lines to stdout).
# lib/database/schema-wait.ts fills in the @@NAME@@ placeholders; this comment block and the final newline
# are not part of the container's command.
set -u
revs() { awk 'NF && $1 !~ /^(INFO|WARN|WARNING|DEBUG|ERROR|CRITICAL)$/ {print $1}' | sort | tr "\n" " " | sed "s/ $//"; }
out="${TMPDIR:-/tmp}/schema-wait.out"
timeout_seconds=@@TIMEOUT_SECONDS@@
deadline=$(( $(date +%s) + timeout_seconds ))
want=$(alembic heads 2>/dev/null | revs)
if [ -z "$want" ]; then echo "schema-wait: alembic heads printed nothing (no migrations in the image?)" >&2; exit 1; fi
while :; do
  alembic current >"$out" 2>&1; rc=$?
  have=$(revs <"$out")
  if [ "$rc" -eq 0 ] && [ "$have" = "$want" ]; then echo "schema-wait: database at the image's head $want"; exit 0; fi
  if [ "$rc" -ne 0 ] && grep -q "@@UNKNOWN_REVISION@@" "$out"; then
    echo "schema-wait: the database is ahead of this image (head $want): $(grep -o "@@UNKNOWN_REVISION@@ '[^']*'" "$out" | head -n 1); a newer release migrated it (a rollback): starting"; exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    if [ "$rc" -eq 0 ]; then echo "schema-wait: database at '$have', behind the image's '$want' (did the migration Job backend-migrate fail?)" >&2
    else echo "schema-wait: cannot read the database's revision: $(tail -n 1 "$out")" >&2; fi
    exit 1
  fi
  sleep 5
done
