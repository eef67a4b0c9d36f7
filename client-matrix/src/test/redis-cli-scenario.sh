#!/usr/bin/env bash
# The client matrix scenario for redis-cli in RESP3 (-3), through Puerta: redis-cli-scenario.sh PORT PREFIX
set -euo pipefail
port=$1 p=$2
cli() { redis-cli -3 -h 127.0.0.1 -p "$port" "$@"; }
expect() { # expect WANT COMMAND...: the command's output must be WANT
  local want=$1; shift
  local got; got=$(cli "$@")
  if [ "$got" != "$want" ]; then echo "redis-cli $*: expected [$want], got [$got]" >&2; exit 1; fi
}
cli CLIENT INFO | grep -q 'resp=3' || { echo "redis-cli -3 is not RESP3 through Puerta" >&2; exit 1; }
# strings, hashes, sorted sets with scores (RESP3 doubles)
expect OK SET "$p:s" v
expect v GET "$p:s"
expect 2 INCRBY "$p:n" 2
cli HSET "$p:h" a 1 b 2 >/dev/null
expect $'a 1\nb 2' HGETALL "$p:h"   # a RESP3 map: a pair a line (RESP2 would give four lines)
cli ZADD "$p:z" 1.5 m >/dev/null
expect 1.5 ZSCORE "$p:z" m
# pipelining: a whole batch of commands over keys of every server
for i in $(seq 1 100); do printf 'SET %s:pipe:%d v%d\n' "$p" "$i" "$i"; done | redis-cli -3 -p "$port" --pipe | grep -q 'errors: 0, replies: 100'
expect v42 GET "$p:pipe:42"
# MULTI/EXEC on keys of one slot, on one connection
out=$(printf 'MULTI\nSET {%s}a 1\nINCR {%s}a\nEXEC\n' "$p" "$p" | cli)
[ "$(echo "$out" | tail -2 | tr '\n' ' ')" = "OK 2 " ] || { echo "MULTI/EXEC: $out" >&2; exit 1; }
# blocking pops
cli RPUSH "$p:q" job >/dev/null
expect "$p:q"$'\n'"job" BLPOP "$p:q" 1
expect "" BLPOP "$p:q" 0.2
# scripts and functions
expect v EVAL "return redis.call('GET', KEYS[1])" 1 "$p:s"
name=$(echo "$p" | tr -cd 'a-z0-9')
cli FUNCTION LOAD REPLACE "#!lua name=$name
redis.register_function('${name}_get', function(keys, args) return redis.call('GET', keys[1]) end)" >/dev/null
expect v FCALL "${name}_get" 1 "$p:s"
# SCAN over every server: redis-cli -3 --scan walks the whole keyspace
for i in $(seq 1 60); do printf 'SET %s:scan:%d x\n' "$p" "$i"; done | redis-cli -3 -p "$port" --pipe >/dev/null
[ "$(redis-cli -3 -p "$port" --scan --pattern "$p:scan:*" | sort -u | wc -l)" = 60 ] || { echo "--scan missed keys" >&2; exit 1; }
redis-cli -3 -p "$port" --bigkeys >/dev/null || { echo "--bigkeys failed" >&2; exit 1; }
# pub/sub: two channels in one SUBSCRIBE, the message pushed (waits are bounded, on what the output shows)
out=$(mktemp)
redis-cli -3 -p "$port" SUBSCRIBE "$p:news" "$p:other" >"$out" 2>&1 &
subscriber=$!
trap 'kill $subscriber 2>/dev/null || true; rm -f "$out"' EXIT
waited=0
until [ "$(grep -c '^subscribe$' "$out")" = 2 ]; do
  sleep 0.05; waited=$((waited + 1)); [ $waited -lt 200 ] || { echo "no subscribe confirmations: $(cat "$out")" >&2; exit 1; }
done
cli PUBLISH "$p:news" hello >/dev/null
waited=0
until grep -q '^hello$' "$out"; do
  sleep 0.05; waited=$((waited + 1)); [ $waited -lt 200 ] || { echo "no message: $(cat "$out")" >&2; exit 1; }
done
echo "redis-cli -3: ok"
