#!/usr/bin/env node
// tcp-forward.js LISTEN_HOST:PORT TARGET_HOST:PORT
// Accepts connections on LISTEN and relays each, both ways, to TARGET. scripts/swarm-node runs one
// inside the second node's network namespace and one on the host, so that node reaches the
// registry on 127.0.0.1:5000 as the first one does. Prints "listening" once it accepts.
'use strict';
const net = require('node:net');

function address(text, what) {
  const m = /^([0-9.]+):(\d+)$/.exec(text || '');
  if (!m) {
    console.error(`tcp-forward: ${what} must be HOST:PORT (an IPv4 address), got '${text}'`);
    process.exit(2);
  }
  return { host: m[1], port: Number(m[2]) };
}

const listen = address(process.argv[2], 'the listen address');
const target = address(process.argv[3], 'the target address');

const server = net.createServer((client) => {
  const upstream = net.connect(target.port, target.host);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.pipe(upstream);
  upstream.pipe(client);
});
server.on('error', (error) => {
  console.error(`tcp-forward: ${listen.host}:${listen.port}: ${error.message}`);
  process.exit(1);
});
server.listen(listen.port, listen.host, () => console.log('listening'));
process.on('SIGTERM', () => process.exit(0));
