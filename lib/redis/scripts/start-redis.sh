#!/bin/sh
# Starts @@SERVER@@. Its role comes from the Sentinels (their state survives restarts on the data volume):
# a replica of the primary they name; primary only when they name this pod and do not see it down (a crashed
# primary that restarts before the failover ends rejoins as a replica instead of becoming a second primary).
# Only a set no Sentinel has ever known (the very first start) bootstraps with pod 0.
# shellcheck source=common.sh
. "$TEMPLATES_DIR/common.sh"
# "host port" (or "host port stale") into $1 $2 $3: split on purpose (no glob characters)
# shellcheck disable=SC2086,SC2046
if primary=$(NAMED_SELF_MUST_BE_UP=1 sentinel_primary); then
  set -- $primary
else
  set -- $primary x x x
  if [ "$3" = "stale" ]; then
    # The Sentinels answer but never settled: no failover came (e.g. no replica fit to promote). Follow them.
    log "following the Sentinels' last answer: $1:$2"
  elif own=$(persisted_primary); then
    set -- $own
    log "no quorum of Sentinels answers: using this pod's last known primary $1:$2"
  else
    set -- $(first_node)
    log "no Sentinel knows a primary and this pod has no Sentinel state: first start, bootstrapping with $1:$2"
  fi
fi
render @@CONF@@ "$1" "$2"
{
  acl_lines acl.conf
  echo "masteruser replication"
  printf 'masterauth "%s"\n' "$(conf_quote "$(user_password replication)")"
  if [ "$1" = "$POD_HOST" ] && [ "$2" = "$REDIS_PORT" ]; then
    log "starting as primary"
  else
    log "starting as replica of $1:$2"
    echo "replicaof $1 $2"
  fi
} >> "$RUNTIME_DIR/@@CONF@@.tmp"
mv "$RUNTIME_DIR/@@CONF@@.tmp" "$RUNTIME_DIR/@@CONF@@"
exec @@SERVER@@ "$RUNTIME_DIR/@@CONF@@"
