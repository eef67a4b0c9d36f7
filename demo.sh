#!/usr/bin/env bash
# End-to-end demo: builds Puerta, starts a real redis-server on loopback (the one on the PATH, or the binary
# shipped in a Maven Central jar), runs the Puerta distribution in front of it, routes real client traffic
# through it and prints the result. Needs only Java 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")"
echo "building Puerta (mvn package, tests skipped; ./test.sh runs them) ..."
mvn -q -B -DskipTests -Dspotless.check.skip=true package
home=$(echo "$PWD"/dist/target/puerta-*/)
# ./demo.sh mongo: the MongoDB driver through Puerta in mongo-affinity mode instead
main=io.puerta.examples.demo.Demo
if [[ "${1:-}" == "mongo" ]]; then main=io.puerta.examples.demo.MongoDemo; fi
# ./demo.sh fleet: three instances sharing one configuration in etcd (Debian's etcd-server), a slot move under
# traffic through all three, and the fleet seen as one Redis Cluster
if [[ "${1:-}" == "fleet" ]]; then
  command -v etcd >/dev/null || { echo "./demo.sh fleet needs etcd: apt-get install etcd-server" >&2; exit 1; }
  main=io.puerta.examples.demo.FleetDemo
fi
exec java -cp "examples/demo/target/classes:examples/demo/target/lib/*" "$main" "$home"
