#!/bin/sh
# preStop: hand the primary role over before @@SERVER@@ stops (waits at most PRESTOP_WAIT_SECONDS).
# shellcheck source=common.sh
. "$TEMPLATES_DIR/common.sh"
local_cli() { timeout 3 @@CLI@@ --user @@ADMIN_USER@@ --no-auth-warning -p "$REDIS_PORT" --raw "$@" 2>/dev/null; }
[ "$(local_cli ROLE | head -n 1)" = "master" ] || exit 0
local_cli SET @@HANDOVER_KEY@@ "$(date +%s)" EX @@HANDOVER_MARKER_SECONDS@@ >/dev/null || log "could not set the hand-over marker"
local_cli WAIT 1 1000 >/dev/null || true
# CLIENT PAUSE WRITE does not stop the primary's replication PINGs (every repl-ping-replica-period): one that
# lands between the promotion and the other replicas' switch leaves them ahead of the new primary, so they need
# a full resync, and for those seconds the new primary has no replica and refuses writes (min-replicas-to-write).
# No PINGs during the hand-over (restored if it does not happen).
config=$(awk 'toupper($1) == "RENAME-COMMAND" && toupper($2) == "CONFIG" { print $3 }' "$TEMPLATES_DIR/@@CONF@@")
config=${config:-CONFIG}
ping_period=$(local_cli "$config" GET repl-ping-replica-period | sed -n 2p)
local_cli "$config" SET repl-ping-replica-period 3600 >/dev/null || true
restore() { local_cli CLIENT UNPAUSE >/dev/null || true; local_cli "$config" SET repl-ping-replica-period "${ping_period:-10}" >/dev/null || true; }
local_cli CLIENT PAUSE "$((PRESTOP_WAIT_SECONDS * 1000))" WRITE >/dev/null || true
for s in $SENTINEL_NODES; do
  h=${s%:*}
  p=${s##*:}
  [ "$(sentinel_cli -h "$h" -p "$p" SENTINEL failover "$MASTER_NAME" 2>/dev/null)" = "OK" ] || continue
  log "primary is stopping: Sentinel $s fails over"
  tries=0
  while [ "$tries" -lt "$((PRESTOP_WAIT_SECONDS * 5))" ]; do
    sleep 0.2
    tries=$((tries + 1))
    # shellcheck disable=SC2046 # the answer's two lines (host, port) into $1 $2: split on purpose
    set -- $(sentinel_cli -h "$h" -p "$p" SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null) x x
    case "$2" in ''|*[!0-9]*) continue ;; esac
    if [ "$1" != "$POD_HOST" ] || [ "$2" != "$REDIS_PORT" ]; then
      log "Sentinel named $1:$2 after $((tries * 200)) ms"
      # Still paused and still primary here, so HAProxy keeps this pod up and writes wait instead of failing.
      # With min-replicas-to-write, the new primary takes writes (and HAProxy's check passes) only once enough
      # OTHER replicas are online at it: wait for that, then for HAProxy to see it up (HANDOVER_SETTLE_MS),
      # and only then become a replica (HAProxy takes this pod out; a write paused here fails once).
      need=$(awk '$1 == "min-replicas-to-write" { print $2 }' "$TEMPLATES_DIR/@@CONF@@")
      while [ "$tries" -lt "$((PRESTOP_WAIT_SECONDS * 5))" ] && [ "${need:-0}" -gt 0 ]; do
        others=$(timeout 3 @@CLI@@ --user @@ADMIN_USER@@ --no-auth-warning -h "$1" -p "$2" --raw INFO replication 2>/dev/null | tr -d '\r' \
          | grep -E '^slave[0-9]+:' | grep -v "ip=$POD_HOST,port=$REDIS_PORT," | grep -c 'state=online' || true)
        if [ "${others:-0}" -ge "$need" ]; then log "the new primary has $others other replica(s) online"; break; fi
        sleep 0.2
        tries=$((tries + 1))
      done
      sleep "$(awk -v ms="${HANDOVER_SETTLE_MS:-0}" 'BEGIN { printf "%.3f", ms / 1000 }')"
      local_cli REPLICAOF "$1" "$2" >/dev/null || true
      local_cli "$config" SET repl-ping-replica-period "${ping_period:-10}" >/dev/null || true
      log "handed over to $1:$2 after $((tries * 200)) ms"
      exit 0
    fi
  done
  log "Sentinel named no new primary within ${PRESTOP_WAIT_SECONDS}s; stopping as primary"
  restore
  exit 0
done
restore
log "no Sentinel accepted a failover; stopping as primary"
