import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainHttpServer } from './drain.js';

/** An HTTP server whose responses say `Connection: close` once it drains, as the app's middleware does. */
function startServer(handle: (respond: () => void) => void = (respond) => respond()) {
  let draining = false;
  const server = createServer((_req, res) => {
    handle(() => {
      if (draining) res.setHeader('connection', 'close');
      res.end('ok');
    });
  });
  return new Promise<{ server: Server; port: number; drain: (options: { graceMs: number; lingerMs?: number }) => Promise<boolean> }>(
    (resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        resolve({
          server,
          port,
          drain: (options) => {
            draining = true;
            return drainHttpServer(server, options);
          },
        });
      });
    },
  );
}

const REQUEST = 'GET / HTTP/1.1\r\nHost: test\r\n\r\n';

/** A raw keep-alive connection: what arrives on it, and whether the server closed it. */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const responses = () => received.split('HTTP/1.1 200').length - 1;
  return { socket, ended, responses, connected: new Promise<void>((resolve) => socket.once('connect', () => resolve())) };
}

const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
};

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

describe('drainHttpServer', () => {
  it('answers a request that reached an idle keep-alive connection just as the drain began', async () => {
    const { server, port, drain } = await startServer();
    servers.push(server);
    const connection = rawConnection(port);
    await connection.connected;
    connection.socket.write(REQUEST);
    await until(() => connection.responses() === 1);

    // Written, but not read by the server yet when the drain starts (it is read on a later turn of the loop).
    connection.socket.write(REQUEST);
    const drained = await drain({ graceMs: 2_000, lingerMs: 200 });

    await connection.ended;
    expect(connection.responses()).toBe(2);
    expect(drained).toBe(true);
  });

  it('stops accepting connections at once and ends a busy connection after its response', async () => {
    let respond: (() => void) | undefined;
    const { server, port, drain } = await startServer((answer) => {
      respond = answer;
    });
    servers.push(server);
    const busy = rawConnection(port);
    await busy.connected;
    busy.socket.write(REQUEST);
    await until(() => respond !== undefined);

    const draining = drain({ graceMs: 2_000, lingerMs: 50 });
    const refused = await new Promise<boolean>((resolve) => {
      const late = connect(port, '127.0.0.1');
      late.on('error', () => resolve(true));
      late.on('connect', () => {
        late.destroy();
        resolve(false);
      });
    });
    expect(refused).toBe(true);
    respond?.();
    await busy.ended;
    expect(busy.responses()).toBe(1);
    expect(await draining).toBe(true);
  });

  it('cuts connections still busy when the grace runs out', async () => {
    const { server, port, drain } = await startServer(() => undefined);
    servers.push(server);
    const stuck = rawConnection(port);
    await stuck.connected;
    stuck.socket.write(REQUEST);
    expect(await drain({ graceMs: 200, lingerMs: 50 })).toBe(false);
    await stuck.ended;
    expect(stuck.responses()).toBe(0);
  });
});
