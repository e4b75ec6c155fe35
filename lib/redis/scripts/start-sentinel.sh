#!/bin/sh
# Starts @@SENTINEL@@ with its configuration on the data volume, so that what it learned (the current primary,
# epochs, known replicas and Sentinels, its own id) survives container and pod restarts: a Sentinel restarted
# during an outage still knows the replicas it can promote. The template is re-rendered on every start (a
# changed setting applies); only those state lines are carried over, and the password always comes from the
# Secret (a rotated password applies too).
# shellcheck source=common.sh
. "$TEMPLATES_DIR/common.sh"
mkdir -p "$SENTINEL_DIR"
# "host port" into $1 $2: split on purpose (no glob characters)
# shellcheck disable=SC2086,SC2046
if own=$(persisted_primary); then
  set -- $own
  log "restart: this Sentinel last knew primary $1:$2"
  state=$(grep -E '^sentinel (myid|current-epoch|config-epoch|leader-epoch|known-replica|known-sentinel) ' "$SENTINEL_STATE" || true)
else
  # New volume: the primary the other Sentinels know, else (first start of the set) pod 0; every other pod is
  # rendered as a known replica, so this Sentinel can promote one even if it never sees the primary.
  if primary=$(START_WAIT_SECONDS=3 sentinel_primary); then set -- $primary; else set -- $(first_node); fi
  log "first start on this volume: monitoring $1:$2"
  state=$(for n in $REDIS_NODES; do [ "$n" = "$1:$2" ] || echo "sentinel known-replica $MASTER_NAME ${n%:*} ${n##*:}"; done)
fi
render sentinel.conf "$1" "$2" "$SENTINEL_STATE.tmp"
pw=$(conf_quote "$(user_password sentinel)")
{
  [ -z "$state" ] || printf '%s\n' "$state"
  echo "sentinel auth-user $MASTER_NAME sentinel"
  printf 'sentinel auth-pass %s "%s"\n' "$MASTER_NAME" "$pw"
  if [ "$SENTINEL_REQUIRES_PASSWORD" = "true" ]; then
    acl_lines sentinel-acl.conf
    echo "sentinel sentinel-user sentinel"
    printf 'sentinel sentinel-pass "%s"\n' "$pw"
  fi
} >> "$SENTINEL_STATE.tmp"
mv "$SENTINEL_STATE.tmp" "$SENTINEL_STATE"
exec @@SENTINEL@@ "$SENTINEL_STATE"
