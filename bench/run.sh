#!/usr/bin/env bash
# The end-to-end benchmark, one command: builds Puerta, starts real backends on loopback (3 standalone
# redis-servers, a 3-master Redis Cluster, 3 MongoDB wire servers in a process of their own), twemproxy, a minimal
# Netty relay (the floor: no parsing, no routing) and Puerta in each mode; runs redis-benchmark against direct
# servers, twemproxy, the relay and Puerta (plain, and TLS clients on OpenSSL) interleaved over several rounds, with
# one client too; a MongoDB driver workload through each client identifier; idle CPU; and 10,000 idle connections.
# Prints a markdown report (also saved to bench/last-run.md).
#   bench/run.sh              # 3 rounds, about 25 minutes on 2 cores
#   bench/run.sh --quick      # fewer requests per run, for a first look
#   bench/run.sh --rounds 5
# Installs redis-server, redis-tools (redis-cli, redis-benchmark), nutcracker and openssl from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-benchmark >/dev/null || missing+=(redis-tools)
command -v nutcracker >/dev/null || missing+=(nutcracker)
command -v openssl >/dev/null || missing+=(openssl)   # the TLS row's certificates
if ((${#missing[@]})); then
  echo "installing ${missing[*]} (apt-get) ..."
  if [[ $(id -u) -eq 0 ]]; then apt-get -qq update && apt-get -qq install -y "${missing[@]}" >/dev/null
  else sudo apt-get -qq update && sudo apt-get -qq install -y "${missing[@]}" >/dev/null; fi
fi
echo "building Puerta and the harness (mvn package, tests skipped) ..."
mvn -q -B -DskipTests -Dspotless.check.skip=true package
home=$(echo "$PWD"/dist/target/puerta-*/)
exec java -Xmx2g -cp "bench/target/classes:bench/target/lib/*" io.puerta.bench.harness.Harness "$home" "$@"
