"""The client matrix scenario for redis-py (Debian's python3-redis), through Puerta: scenario.py PORT PREFIX.

Debian bookworm's redis-py (4.3) speaks RESP2 only; the scenario is the same as the other clients'.
"""
import sys
import threading

import redis

port, p = int(sys.argv[1]), sys.argv[2]
c = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10)

assert c.client_info()["resp"] == "2", c.client_info()
# strings
assert c.set(f"{p}:s", "v") is True
assert c.get(f"{p}:s") == "v"
assert c.incrby(f"{p}:n", 2) == 2
# hashes
c.hset(f"{p}:h", mapping={"a": "1", "b": "2"})
assert c.hgetall(f"{p}:h") == {"a": "1", "b": "2"}
# sorted sets with scores
c.zadd(f"{p}:z", {"m": 1.5, "n": 2.5})
assert c.zscore(f"{p}:z", "m") == 1.5
assert c.zrange(f"{p}:z", 0, -1, withscores=True) == [("m", 1.5), ("n", 2.5)]
# pipelining over keys of every server
pipe = c.pipeline(transaction=False)
for i in range(100):
    pipe.set(f"{p}:pipe:{i}", f"v{i}")
for i in range(100):
    pipe.get(f"{p}:pipe:{i}")
replies = pipe.execute()
assert replies[100:] == [f"v{i}" for i in range(100)]
# MULTI/EXEC on keys of one slot
tx = c.pipeline(transaction=True)
tx.set("{%s}a" % p, "1")
tx.incr("{%s}a" % p)
assert tx.execute() == [True, 2]
# blocking pops
c.rpush(f"{p}:q", "job")
assert c.blpop(f"{p}:q", timeout=1) == (f"{p}:q", "job")
assert c.blpop(f"{p}:q", timeout=1) is None
# scripts and functions
assert c.eval("return redis.call('GET', KEYS[1])", 1, f"{p}:s") == "v"
name = "".join(ch for ch in p if ch.isalnum()).lower()
c.function_load(
    f"#!lua name={name}\nredis.register_function('{name}_get', function(keys, args) return redis.call('GET', keys[1]) end)",
    replace=True,
)
assert c.fcall(f"{name}_get", 1, f"{p}:s") == "v"
# SCAN over every server
for i in range(60):
    c.set(f"{p}:scan:{i}", "x")
assert len(set(c.scan_iter(match=f"{p}:scan:*", count=50))) == 60
# pub/sub: two channels in one SUBSCRIBE
pubsub = c.pubsub()
pubsub.subscribe(f"{p}:news", f"{p}:other")
for _ in range(2):
    confirmation = pubsub.get_message(timeout=10)
    assert confirmation and confirmation["type"] == "subscribe", confirmation
c.publish(f"{p}:news", "hello")
message = pubsub.get_message(timeout=10)
assert message and message["channel"] == f"{p}:news" and message["data"] == "hello", message
pubsub.close()
print("redis-py: ok")
