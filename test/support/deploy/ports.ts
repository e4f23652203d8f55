/** Free loopback ports for tests: asked from the kernel (port 0), so parallel test runs do not collide. */
import { createServer, type Server } from 'node:net';
import type { StackPorts } from '../../../infra/local/deploy/config.js';

export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    servers.push(server);
    ports.push((server.address() as { port: number }).port);
  }
  await Promise.all(servers.map((s) => new Promise((resolveClose) => s.close(resolveClose))));
  return ports;
}

/** `count` sets of distinct free ports for whole stacks. */
export async function freeStackPorts(count = 1): Promise<StackPorts[]> {
  const ports = await freePorts(6 * count);
  return Array.from({ length: count }, (_, i) => {
    const [prometheus, alertmanager, kube, simulation, agent, mcp] = ports.slice(6 * i, 6 * i + 6) as [number, number, number, number, number, number];
    return { prometheus, alertmanager, kube, simulation, agent, mcp };
  });
}
