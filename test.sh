#!/usr/bin/env bash
# Runs every test, the fault suite included (tagged "faults"; its figures are printed at the end): unit tests,
# end-to-end tests against real redis-server processes, and the smoke test of the
# assembled distribution (redis-cli and redis-benchmark through bin/puerta), and the twemproxy compatibility
# tests (real nutcracker beside Puerta), the fleet tests (a real etcd, three Puerta instances sharing one
# configuration), the differential tester (random command sequences against one redis-server and through
# Puerta) and the client matrix (Jedis, Lettuce, ioredis, node-redis, redis-py, redis-cli through bin/puerta).
# Installs the Debian packages the tests need when they are missing and this runs as root (CI does); otherwise
# says what to install. openssl makes the TLS tests' certificates; the
# Prometheus client library and Chromium check the admin listener's metrics and status page.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test.sh: the client matrix needs Node.js and npm ($tool not found)" >&2; exit 1; }
done
for tool in redis-server redis-cli redis-benchmark nutcracker openssl etcd; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# the fleet tests (plugins/etcd) and the distribution's smoke test start Debian's etcd (package etcd-server)
# the admin listener's tests read /metrics with the Prometheus client library's own parser (Debian's python3),
# and load the status page in a real browser (Debian's Chromium and its driver)
/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || missing+=(python3-prometheus-client)
# the client matrix (client-matrix/) runs Debian's redis-py; its Node.js clients come from the npm registry
/usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || missing+=(python3-redis)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing the Debian packages the tests need (missing: ${missing[*]}) ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools nutcracker openssl \
      python3-prometheus-client python3-redis chromium chromium-driver etcd-server >/dev/null
  else
    echo "test.sh: missing ${missing[*]}; install the Debian packages redis-server, redis-tools, nutcracker, openssl," \
      "python3-prometheus-client, python3-redis, chromium, chromium-driver and etcd-server" >&2
    exit 1
  fi
fi
rm -f ./*/target/fault-figures.tsv ./plugins/*/target/fault-figures.tsv  # this run's figures only
mvn -B -ntp verify "$@"

# No secret in any log line: every secret a test used (KnownSecrets writes them to target/test-secrets.txt) is
# looked for in the output of the whole run, every module's tests, at every level they log (DEBUG and up).
secrets=$(cat ./*/target/test-secrets.txt ./plugins/*/target/test-secrets.txt 2>/dev/null | sort -u || true)
if [ -z "$secrets" ]; then
  echo "test.sh: no test recorded a secret (target/test-secrets.txt); the secrets check did not run" >&2
  exit 1
fi
leaks=$(grep -rlF --include='*-output.txt' -f <(printf '%s\n' "$secrets") . || true)
if [ -n "$leaks" ]; then
  echo "test.sh: a secret a test used appears in the log of:" >&2
  echo "$leaks" >&2
  exit 1
fi
echo "secrets check: $(wc -l <<<"$secrets") secrets used by the tests, none in any test's log output"

# The fault suite's figures (tests tagged "faults"; docs/reliability.md keeps the latest run's table).
figures=$(cat ./*/target/fault-figures.tsv ./plugins/*/target/fault-figures.tsv 2>/dev/null || true)
if [ -n "$figures" ]; then
  echo
  echo "fault suite: scenario | operations | errors | when the errors came | wrong replies | acknowledged writes lost by Puerta | lost by the servers"
  sed 's/\t/ | /g' <<<"$figures"
fi
