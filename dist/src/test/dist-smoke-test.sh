#!/usr/bin/env bash
# Checks the distribution as a user gets it: unpack the tar.gz, list plugins, refuse a broken plugin jar by
# name, validate the example configuration, and proxy redis-cli and redis-benchmark traffic to a real
# redis-server; then a fleet of one on a real etcd (the etcd plugin, isolated in plugins/etcd). Needs redis-server,
# redis-cli, redis-benchmark and etcd on the PATH (test.sh installs them).
set -euo pipefail
tarball=$1
passed=0
failed=0
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2"; return 0; }
check() { # description, command...
  local what=$1; shift
  local output
  if output=$("$@" 2>&1); then ok "$what"; else fail "$what" "$output"; fi
}

for tool in redis-server redis-cli redis-benchmark etcd; do
  command -v "$tool" >/dev/null || { echo "dist smoke test: $tool is not installed (run ./test.sh, which installs it)"; exit 1; }
done

# Ports below the kernel's ephemeral range (32768+), so that no outgoing connection holds the one we pick.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; return 1
}
wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

tar -xzf "$tarball" -C "$work"
home=$(echo "$work"/puerta-*)

check "bin/puerta --help" "$home/bin/puerta" --help

listing=$("$home/bin/puerta" plugins 2>&1) || true
for expected in "redis-cluster  (" "health-checker: redis-cluster-node" "pikiwidb  (" "health-checker: redis-ping" \
                "mongo-affinity  (" "client-identifier: socket-addr" "client-identifier: session-id" \
                "router: mongo-affinity" "health-checker: mongo-hello" "router: single-backend" \
                "etcd  (" "config-source: etcd"; do
  if grep -qF -- "$expected" <<<"$listing"; then ok "plugins lists '$expected'"; else fail "plugins lists '$expected'" "$listing"; fi
done

broken="$work/broken-home"
cp -r "$home" "$broken"
echo "not a jar" > "$broken/plugins/broken.jar"
if output=$("$broken/bin/puerta" plugins 2>&1); then
  fail "a broken jar in plugins/ is refused" "$output"
elif grep -qF "$broken/plugins/broken.jar: not a jar file" <<<"$output"; then
  ok "a broken jar in plugins/ is refused, naming the file"
else
  fail "a broken jar in plugins/ is refused, naming the file" "$output"
fi

# the TLS example names its certificate files relative to where Puerta runs: make them there, as it says
mkdir -p "$work/examples/tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/examples/tls/puerta.key" -out "$work/examples/tls/puerta.pem" \
  -days 1 -subj /CN=localhost >/dev/null 2>&1
cp "$work/examples/tls/puerta.pem" "$work/examples/tls/clients-ca.pem"
for example in "$home"/conf/examples/*.conf; do
  check "check-config accepts $(basename "$example")" \
    bash -c 'cd "$1" && "$2" check-config --config "$3"' _ "$work/examples" "$home/bin/puerta" "$example"
done

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
wait_port "$redis_port" || { echo "redis-server did not start"; cat "$work/redis.log"; exit 1; }

sed "s/127.0.0.1:6379/127.0.0.1:$redis_port/" "$home/conf/puerta.conf" > "$work/puerta.conf"
check "check-config accepts the example configuration" "$home/bin/puerta" check-config --config "$work/puerta.conf"

proxy_port=$(free_port)
admin_port=$(free_port)
PUERTA_LISTEN_PORT=$proxy_port PUERTA_ADMIN_PORT=$admin_port "$home/bin/puerta" --config "$work/puerta.conf" \
  >"$work/puerta.log" 2>&1 &
puerta_pid=$!
pids+=($puerta_pid)
if wait_port "$proxy_port"; then
  ok "bin/puerta listens on the port from PUERTA_LISTEN_PORT"
else
  fail "bin/puerta starts" "$(cat "$work/puerta.log")"
  echo "smoke: $passed passed, $failed failed"
  exit 1
fi

# every client command has a deadline: a smoke test must fail, never hang
cli() { timeout 10 redis-cli "$@"; }
check "redis-cli SET through Puerta" test "$(cli -p "$proxy_port" SET smoke "through puerta")" = OK
check "the value reached the real server" test "$(cli -p "$redis_port" GET smoke)" = "through puerta"
check "redis-cli GET through Puerta" test "$(cli -p "$proxy_port" GET smoke)" = "through puerta"

bench=$(timeout 120 redis-benchmark -p "$proxy_port" -q -n 20000 -c 50 -P 16 -t set,get,incr,lpush,mset 2>&1) || true
if grep -qiE "error|ERR" <<<"$bench" || [ "$(grep -c "requests per second" <<<"$bench")" -lt 5 ]; then
  fail "redis-benchmark through Puerta runs without errors" "$bench"
else
  ok "redis-benchmark through Puerta runs without errors"
fi
check "counts match after the benchmark" test "$(cli -p "$proxy_port" DBSIZE)" = "$(cli -p "$redis_port" DBSIZE)"

# the admin listener, as an operator reaches it
admin_get() { timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$admin_port"'; printf "GET %s HTTP/1.0\r\n\r\n" "$1" >&3; cat <&3' _ "$1"; }
check "the admin listener answers /health" grep -q "^ok" <<<"$(admin_get /health)"
check "/ready says ready" grep -q '"ready":true' <<<"$(admin_get /ready)"
check "/metrics counts the requests" grep -qE "^puerta_requests_total [1-9]" <<<"$(admin_get /metrics)"
check "bin/puerta status shows the backend" grep -q "127.0.0.1:$redis_port" \
  <<<"$("$home/bin/puerta" status --admin "127.0.0.1:$admin_port" 2>&1)"
kill -HUP "$puerta_pid"
for _ in $(seq 1 50); do grep -q "reloaded (SIGHUP)" "$work/puerta.log" && break; sleep 0.1; done
check "SIGHUP reloads the configuration" grep -q "reloaded (SIGHUP)" "$work/puerta.log"

kill -TERM "$puerta_pid"
for _ in $(seq 1 100); do kill -0 "$puerta_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$puerta_pid" 2>/dev/null; then
  fail "SIGTERM stops Puerta gracefully" "$(tail -5 "$work/puerta.log")"
elif grep -q "Puerta stopped" "$work/puerta.log"; then
  ok "SIGTERM stops Puerta gracefully"
else
  fail "SIGTERM stops Puerta gracefully" "$(tail -20 "$work/puerta.log")"
fi

# started under nohup, the JVM cannot see SIGHUP: Puerta says so instead of ignoring kill -HUP silently
nohup_port=$(free_port)
nohup_admin=$(free_port)
PUERTA_LISTEN_PORT=$nohup_port PUERTA_ADMIN_PORT=$nohup_admin nohup "$home/bin/puerta" --config "$work/puerta.conf" \
  >"$work/nohup.log" 2>&1 &
nohup_pid=$!
pids+=($nohup_pid)
wait_port "$nohup_port" || true
for _ in $(seq 1 50); do grep -q "SIGHUP was ignored" "$work/nohup.log" && break; sleep 0.1; done
check "under nohup, Puerta says that kill -HUP will not reload" grep -q "SIGHUP was ignored" "$work/nohup.log"
kill -TERM "$nohup_pid" 2>/dev/null || true

# a fleet of one on a real etcd: the operator pushes the shared configuration, the instance takes it from etcd
etcd_port=$(free_port)
etcd_peer=$(free_port)
etcd --name smoke --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" --initial-cluster "smoke=http://127.0.0.1:$etcd_peer" \
  >"$work/etcd.log" 2>&1 &
pids+=($!)
wait_port "$etcd_port" || { echo "etcd did not start"; cat "$work/etcd.log"; exit 1; }
fleet_port=$(free_port)
fleet_admin=$(free_port)
cat >"$work/fleet-member.conf" <<EOF
puerta {
  listen.port = $fleet_port
  admin.port = $fleet_admin
  config-source { kind = "etcd", member = "smoke-1" }
  etcd { endpoints = ["http://127.0.0.1:$etcd_port"], prefix = "/puerta/smoke" }
}
EOF
cat >"$work/fleet-shared.conf" <<EOF
puerta {
  router = "pikiwidb-ring"
  backends = [{ address = "127.0.0.1:$redis_port" }]
}
EOF
pushed=""
for _ in $(seq 1 50); do
  pushed=$("$home/bin/puerta" config push "$work/fleet-shared.conf" --config "$work/fleet-member.conf" 2>&1) && break
  sleep 0.2 # etcd opens its port before it serves requests
done
check "bin/puerta config push writes the shared configuration to etcd" grep -q "as revision" <<<"$pushed"
"$home/bin/puerta" --config "$work/fleet-member.conf" >"$work/fleet.log" 2>&1 &
fleet_pid=$!
pids+=($fleet_pid)
if wait_port "$fleet_port"; then
  check "a fleet member serves with the configuration it read from etcd" \
    test "$(cli -p "$fleet_port" GET smoke)" = "through puerta"
  check "bin/puerta fleet status lists the member" grep -q "^smoke-1 .*127.0.0.1:$fleet_port" \
    <<<"$("$home/bin/puerta" fleet status --config "$work/fleet-member.conf" 2>&1)"
else
  fail "a fleet member starts from etcd" "$(cat "$work/fleet.log")"
fi
kill -TERM "$fleet_pid" 2>/dev/null || true

echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
