/**
 * Sends segment documents to an X-Ray daemon or an ADOT collector's `awsxray` receiver: one UDP
 * datagram per segment, the JSON header line then the document, as the X-Ray SDKs do.
 *
 * Hand-written (a few lines) rather than the aws-xray-sdk: that SDK is CommonJS built around
 * cls-hooked and patching `require`d http modules, which does not reach ESM imports or fetch; and since
 * February 2026 it is in maintenance mode (security fixes only), AWS pointing new work at OpenTelemetry.
 * The wire format here is small and stable, and this service makes its segments itself.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

const HEADER = '{"format": "json", "version": 1}\n';

export interface DaemonAddress {
  host: string;
  port: number;
}

/**
 * AWS_XRAY_DAEMON_ADDRESS as the SDKs read it: `HOST:PORT`, `[IPv6]:PORT`, or the two-address form
 * `tcp:HOST:PORT udp:HOST:PORT` (segments go to the udp one).
 */
export function parseDaemonAddress(text: string): DaemonAddress {
  const trimmed = text.trim();
  const parts = trimmed.split(/\s+/);
  let address = trimmed;
  if (parts.length > 1 || /^(udp|tcp):/.test(trimmed)) {
    const udp = parts.find((part) => part.startsWith('udp:'));
    if (!udp) throw new Error(`no udp: address in "${text}"`);
    address = udp.slice('udp:'.length);
  }
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65_535) throw new Error(`"${text}" is not HOST:PORT`);
  return { host: match[1] ?? match[2]!, port };
}

export class SegmentEmitter {
  private readonly socket: Socket;
  private failed = false;

  constructor(
    private readonly address: DaemonAddress,
    /** Told once, at the first segment that could not be sent (tracing never fails a request). */
    private readonly onFirstError: (error: Error) => void = () => undefined,
  ) {
    this.socket = createSocket(isIPv6(address.host) ? 'udp6' : 'udp4');
    this.socket.on('error', (error) => this.reportOnce(error));
    // Segments in flight never keep the process alive on shutdown.
    this.socket.unref();
  }

  send(document: Record<string, unknown>): void {
    const datagram = Buffer.from(HEADER + JSON.stringify(document));
    this.socket.send(datagram, this.address.port, this.address.host, (error) => {
      if (error) this.reportOnce(error);
    });
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private reportOnce(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.onFirstError(error);
  }
}
