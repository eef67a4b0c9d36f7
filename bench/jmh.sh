#!/usr/bin/env bash
# JMH benchmarks of Puerta's hot path: RESP decode/encode, MongoDB routing fields, CRC16 and ketama lookups, the
# ring hand-off (against routing on the I/O thread) and batched flushes. About two minutes.
#   bench/jmh.sh                 # all of them
#   bench/jmh.sh RingBenchmark   # those matching a regular expression (any JMH option works too)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building (mvn package, tests skipped) ..."
mvn -q -B -DskipTests -Dspotless.check.skip=true package -pl bench -am
exec java -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main "$@"
