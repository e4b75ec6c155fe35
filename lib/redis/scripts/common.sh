# shellcheck shell=sh
# Shared by start-redis.sh, start-sentinel.sh and prestop-redis.sh. Needs: MASTER_NAME, POD_HOST, REDIS_PORT,
# REDIS_NODES, SENTINEL_NODES ("host:port" lists, pod 0 first), SENTINEL_REQUIRES_PASSWORD, TEMPLATES_DIR,
# RUNTIME_DIR, DATA_DIR, START_WAIT_SECONDS, REDISCLI_AUTH (the @@ADMIN_USER@@ user's password) and @@PASSWORD_VAR_PREFIX@@<USER>
# for every ACL user (from the Secret), and during a password rotation @@PREVIOUS_PASSWORD_VAR_PREFIX@@<USER> (optional
# keys of the Secret).
set -eu

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $0: $*" >&2; }

# Sentinel keeps its state (rewritten sentinel.conf) on the data volume, beside the AOF: it survives restarts.
SENTINEL_DIR="$DATA_DIR/sentinel"
SENTINEL_STATE="$SENTINEL_DIR/sentinel.conf"
QUORUM=$(awk '$1 == "sentinel" && $2 == "monitor" { print $6 }' "$TEMPLATES_DIR/sentinel.conf")

sentinel_cli() {
  if [ "$SENTINEL_REQUIRES_PASSWORD" = "true" ]; then
    timeout 3 @@CLI@@ --user @@ADMIN_USER@@ --no-auth-warning --raw "$@"
  else
    timeout 3 env -u REDISCLI_AUTH @@CLI@@ --raw "$@"
  fi
}

# Every Sentinel that answers, the other pods' first: one line "epoch host port flags" each (SENTINEL MASTER).
sentinel_views() {
  own="$POD_HOST:$SENTINEL_PORT"
  for s in $SENTINEL_NODES; do [ "$s" = "$own" ] || echo "$s"; done | { cat; echo "$own"; } | while read -r s; do
    sentinel_cli -h "${s%:*}" -p "${s##*:}" SENTINEL master "$MASTER_NAME" 2>/dev/null </dev/null \
      | awk 'NR % 2 == 1 { k = $0; next } { v[k] = $0 } END { if (v["port"] ~ /^[0-9]+$/) print v["config-epoch"] + 0, v["ip"], v["port"], v["flags"] }' || true
  done
}

# The primary as the Sentinels see it: "host port", from the answer with the highest config epoch (a Sentinel
# that slept through a failover knows an older primary). Waits (up to START_WAIT_SECONDS) until a quorum of
# Sentinels answers and no failover is in progress; with NAMED_SELF_MUST_BE_UP=1 also while they report
# this pod, named primary, as down (Sentinel is about to fail over: starting as primary would make two).
# Returns 1 when the Sentinels never got there.
sentinel_primary() {
  deadline=$(( $(date +%s) + START_WAIT_SECONDS ))
  while :; do
    views=$(sentinel_views)
    n=$(printf '%s\n' "$views" | grep -c . || true)
    best=$(printf '%s\n' "$views" | grep . | sort -k1,1nr | head -n 1)
    # shellcheck disable=SC2086 # split on purpose: the words are a host, a port and flags (no glob characters)
    set -- $best x x x x
    why=""
    if [ "$n" -lt "$QUORUM" ]; then why="$n of $QUORUM Sentinels answer"
    elif printf '%s\n' "$views" | grep -q failover_in_progress; then why="a failover is in progress"
    elif [ "${NAMED_SELF_MUST_BE_UP:-0}" = 1 ] && [ "$2" = "$POD_HOST" ] && [ "$3" = "$REDIS_PORT" ] && echo "$4" | grep -Eq 's_down|o_down'; then
      why="the Sentinels name this pod primary but see it down ($4)"
    else
      log "Sentinels ($n answer) name primary $2:$3 (config epoch $1)"
      echo "$2 $3"
      return 0
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "still $why after ${START_WAIT_SECONDS}s"
      [ -n "$best" ] && echo "$2 $3 stale"
      return 1
    fi
    log "waiting: $why"
    sleep 1
  done
}

# The primary this pod's own Sentinel last knew (its state on the data volume), or nothing.
persisted_primary() {
  [ -s "$SENTINEL_STATE" ] || return 1
  awk -v m="$MASTER_NAME" '$1 == "sentinel" && $2 == "monitor" && $3 == m { print $4, $5; found = 1 } END { exit !found }' "$SENTINEL_STATE"
}

first_node() { for first in $REDIS_NODES; do break; done; echo "${first%:*} ${first##*:}"; }

# A value for a double-quoted redis.conf string (written with printf '%s': dash's echo would eat its backslashes).
conf_quote() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

# A user's password from the environment: @@PASSWORD_VAR_PREFIX@@<USER>, or with "previous"
# @@PREVIOUS_PASSWORD_VAR_PREFIX@@<USER> (empty when the Secret has no such key).
user_password() {
  u=$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')
  if [ "${2:-}" = previous ]; then printenv "@@PREVIOUS_PASSWORD_VAR_PREFIX@@$u" || true; else printenv "@@PASSWORD_VAR_PREFIX@@$u" || true; fi
}

# The ACL users of a template ($1: acl.conf or sentinel-acl.conf), each with its password from the Secret. During a
# password rotation (docs/cache.md) the Secret also holds the user's previous password (an optional key): the user
# then accepts both, so that clients still on the previous one keep working when this pod restarts mid-rotation.
# A user without a password in the environment cannot start the server: the kubelet would not have started it.
acl_lines() {
  grep -E '^user ' "$TEMPLATES_DIR/$1" | while read -r _ name rules; do
    if [ "$name" = default ]; then echo "user default $rules"; continue; fi
    pw=$(user_password "$name")
    [ -n "$pw" ] || { log "no password for ACL user $name"; exit 1; }
    prev=$(user_password "$name" previous)
    if [ -n "$prev" ] && [ "$prev" != "$pw" ]; then
      log "password rotation: user $name accepts its previous password too until it leaves the Secret"
      printf 'user %s %s ">%s" ">%s"\n' "$name" "$rules" "$(conf_quote "$pw")" "$(conf_quote "$prev")"
    else
      printf 'user %s %s ">%s"\n' "$name" "$rules" "$(conf_quote "$pw")"
    fi
  done
}

# Fills the @...@ placeholders of a template into a private file (mode 600): $4, else RUNTIME_DIR/<name>.tmp.
render() {
  umask 077
  sed -e "s|@POD_HOST@|$POD_HOST|g" -e "s|@REDIS_PORT@|$REDIS_PORT|g" -e "s|@SENTINEL_PORT@|$SENTINEL_PORT|g" \
      -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@RUNTIME_DIR@|$RUNTIME_DIR|g" -e "s|@SENTINEL_DIR@|$SENTINEL_DIR|g" \
      -e "s|@PRIMARY_HOST@|$2|g" -e "s|@PRIMARY_PORT@|$3|g" "$TEMPLATES_DIR/$1" > "${4:-$RUNTIME_DIR/$1.tmp}"
}
