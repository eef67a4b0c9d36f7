// The client matrix scenario for Node.js clients, through Puerta: node scenario.js ioredis|node-redis PORT PREFIX
// Runs the scenario in RESP2, then RESP3 (which the client must keep: CLIENT INFO through Puerta says resp=3).
'use strict';
const assert = require('node:assert/strict');

const [, , library, portText, prefix] = process.argv;
const port = Number(portText);

function lib(name) {
  return `#!lua name=${name}\nredis.register_function('${name}_get', function(keys, args) return redis.call('GET', keys[1]) end)`;
}

function lower(commands) {
  return commands.map(([name, ...args]) => [name.toLowerCase(), ...args]);
}

// One API over both libraries: call(...args) sends a raw command; the rest are what the scenario needs.
async function connect(protocol) {
  if (library === 'ioredis') {
    const Redis = require('ioredis');
    const options = { host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, protocol };
    const client = new Redis(options);
    await client.connect();
    return {
      call: (...args) => client.call(...args),
      // ioredis names commands by its methods: lower case
      pipeline: async (commands) => (await client.pipeline(lower(commands)).exec()).map(([error, value]) => {
        if (error) throw error;
        return value;
      }),
      multi: async (commands) => (await client.multi(lower(commands)).exec()).map(([error, value]) => {
        if (error) throw error;
        return value;
      }),
      subscribe: async (channels, onMessage) => {
        const subscriber = new Redis({ ...options });
        await subscriber.connect();
        subscriber.on('message', onMessage);
        await subscriber.subscribe(...channels);
        return () => subscriber.quit();
      },
      hgetall: (key) => client.hgetall(key),
      zscore: (key, member) => client.zscore(key, member),
      quit: () => client.quit(),
    };
  }
  const { createClient } = require('redis');
  const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false }, RESP: protocol });
  client.on('error', (error) => console.error('node-redis error:', error.message));
  await client.connect();
  return {
    call: (...args) => client.sendCommand(args.map(String)),
    pipeline: async (commands) => {
      const batch = client.multi();
      for (const command of commands) batch.addCommand(command.map(String));
      return batch.execAsPipeline();
    },
    multi: async (commands) => {
      const batch = client.multi();
      for (const command of commands) batch.addCommand(command.map(String));
      return batch.exec();
    },
    subscribe: async (channels, onMessage) => {
      const subscriber = client.duplicate();
      subscriber.on('error', (error) => console.error('node-redis subscriber error:', error.message));
      await subscriber.connect();
      await subscriber.subscribe(channels, (message, channel) => onMessage(channel, message));
      return () => subscriber.quit();
    },
    hgetall: (key) => client.hGetAll(key),
    zscore: (key, member) => client.zScore(key, member),
    quit: () => client.quit(),
  };
}

async function scenario(protocol) {
  const p = `${prefix}-resp${protocol}`;
  const c = await connect(protocol);
  try {
    const info = String(await c.call('CLIENT', 'INFO'));
    assert.ok(info.includes(`resp=${protocol}`), `${library} speaks RESP${protocol}: ${info}`);
    // strings
    assert.equal(await c.call('SET', `${p}:s`, 'v'), 'OK');
    assert.equal(await c.call('GET', `${p}:s`), 'v');
    assert.equal(Number(await c.call('INCRBY', `${p}:n`, 2)), 2);
    // hashes
    await c.call('HSET', `${p}:h`, 'a', '1', 'b', '2');
    assert.deepEqual({ ...(await c.hgetall(`${p}:h`)) }, { a: '1', b: '2' });
    // sorted sets with scores
    await c.call('ZADD', `${p}:z`, '1.5', 'm');
    assert.equal(Number(await c.zscore(`${p}:z`, 'm')), 1.5);
    // pipelining over keys of every server
    const sets = [];
    for (let i = 0; i < 100; i++) sets.push(['SET', `${p}:pipe:${i}`, `v${i}`]);
    const gets = [];
    for (let i = 0; i < 100; i++) gets.push(['GET', `${p}:pipe:${i}`]);
    const replies = await c.pipeline([...sets, ...gets]);
    for (let i = 0; i < 100; i++) assert.equal(String(replies[100 + i]), `v${i}`);
    // MULTI/EXEC on keys of one slot
    const exec = await c.multi([['SET', `{${p}}a`, '1'], ['INCR', `{${p}}a`]]);
    assert.deepEqual(exec.map(String), ['OK', '2']);
    // blocking pops
    await c.call('RPUSH', `${p}:q`, 'job');
    const popped = await c.call('BLPOP', `${p}:q`, '1');
    assert.deepEqual(popped.map(String), [`${p}:q`, 'job']);
    assert.equal(await c.call('BLPOP', `${p}:q`, '0.2'), null);
    // scripts and functions
    assert.equal(await c.call('EVAL', "return redis.call('GET', KEYS[1])", '1', `${p}:s`), 'v');
    const name = p.replace(/[^a-z0-9]/g, '');
    await c.call('FUNCTION', 'LOAD', 'REPLACE', lib(name));
    assert.equal(await c.call('FCALL', `${name}_get`, '1', `${p}:s`), 'v');
    // SCAN over every server
    for (let i = 0; i < 60; i++) await c.call('SET', `${p}:scan:${i}`, 'x');
    const seen = new Set();
    let cursor = '0';
    do {
      const [next, keys] = await c.call('SCAN', cursor, 'MATCH', `${p}:scan:*`, 'COUNT', '50');
      cursor = String(next);
      keys.forEach((key) => seen.add(String(key)));
    } while (cursor !== '0');
    assert.equal(seen.size, 60);
    // pub/sub: two channels (different slots in a cluster) in one SUBSCRIBE
    let received;
    const message = new Promise((resolve) => { received = resolve; });
    const unsubscribe = await c.subscribe([`${p}:news`, `${p}:other`], (channel, text) => received(`${channel}=${text}`));
    await c.call('PUBLISH', `${p}:news`, 'hello');
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no message in 10 s')), 10000));
    assert.equal(await Promise.race([message, timeout]), `${p}:news=hello`);
    await unsubscribe();
    console.log(`${library} RESP${protocol}: ok`);
  } finally {
    await c.quit();
  }
}

(async () => {
  await scenario(2);
  await scenario(3);
})().then(
  () => process.exit(0),
  (error) => {
    console.error(`${library}: ${error.stack || error}`);
    process.exit(1);
  },
);
