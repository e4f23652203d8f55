import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ApiError } from '../../cluster/errors.js';
import { errors } from '../../cluster/errors.js';
import type { Pod } from '../../cluster/objects.js';
import { POD } from '../../cluster/resources.js';
import type { ApiContext } from '../context.js';
import { runDiagnostic } from './commands.js';

/**
 * `pods/<name>/exec` over the WebSocket protocol kubectl 1.30+ speaks (KEP-4006: subprotocols
 * v5.channel.k8s.io / v4.channel.k8s.io; every binary message starts with its channel: 1 stdout,
 * 2 stderr, 3 the final metav1.Status). The command runs at once (see commands.ts for which); a
 * non-zero exit is a NonZeroExitCode status, as the kubelet reports it, and a refused command a
 * Forbidden one. SPDY (the pre-1.30 protocol) is not spoken: the upgrade is refused with a Status.
 */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDOUT = 1;
const ERROR = 3;

const sockets = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

export function serveExec(ctx: ApiContext, req: IncomingMessage, socket: Duplex, head: Buffer, target: { namespace: string; name: string; query: URLSearchParams }): void {
  let pod: Pod;
  let container: Pod['spec']['containers'][number];
  try {
    pod = ctx.backend.store.require<Pod>(POD, target.namespace, target.name);
    const name = target.query.get('container') ?? (pod.spec.containers.length === 1 ? pod.spec.containers[0]!.name : undefined);
    if (!name) throw errors.badRequest(`a container name must be specified for pod ${target.name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`);
    const found = pod.spec.containers.find((c) => c.name === name);
    if (!found) throw errors.badRequest(`container ${name} is not valid for pod ${target.name}`);
    container = found;
    if (!target.query.getAll('command').length) throw errors.badRequest('you must specify at least 1 command');
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw errors.badRequest('the local cluster speaks the WebSocket exec protocol (kubectl 1.30+), not SPDY');
    if (!pod.status.containerStatuses?.find((s) => s.name === name)?.state.running) throw errors.badRequest(`container ${name} is not running`);
  } catch (error) {
    refuseUpgrade(socket, error as ApiError);
    return;
  }
  sockets.handleUpgrade(req, socket, head, (ws) => {
    const result = runDiagnostic({ pod, container, backend: ctx.backend }, target.query.getAll('command'));
    if (result.stdout) ws.send(Buffer.concat([Buffer.from([STDOUT]), Buffer.from(result.stdout)]));
    const status = result.refused
      ? { metadata: {}, status: 'Failure', message: result.refused, reason: 'Forbidden', code: 403 }
      : result.exitCode === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: error executing command [${target.query.getAll('command').join(' ')}], exit code ${result.exitCode}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
          };
    ws.send(Buffer.concat([Buffer.from([ERROR]), Buffer.from(JSON.stringify(status))]), () => ws.close(1000));
    ctx.logger.debug('exec', { namespace: target.namespace, pod: target.name, container: container.name, command: target.query.getAll('command'), exitCode: result.exitCode });
  });
}

/** An upgrade the server will not do is answered with a plain HTTP Status, as the API server answers it. */
export function refuseUpgrade(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus());
  const reason = error.code === 404 ? 'Not Found' : error.code === 401 ? 'Unauthorized' : error.code === 403 ? 'Forbidden' : 'Bad Request';
  socket.end(`HTTP/1.1 ${error.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
