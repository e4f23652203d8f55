/**
 * The sockets a process serves on (TCP listening, UDP bound and unconnected), read from /proc, so tests
 * can check that a stack binds nothing but loopback (Linux only).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ServingSocket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
}

export function servingSockets(pid: number): ServingSocket[] {
  const inodes = new Set<string>();
  for (const fd of safe(() => readdirSync(`/proc/${pid}/fd`), [])) {
    const target = safe(() => readlinkSync(`/proc/${pid}/fd/${fd}`), '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const sockets: ServingSocket[] = [];
  for (const [file, protocol] of [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']] as const) {
    for (const line of safe(() => readFileSync(`/proc/${pid}/net/${file}`, 'utf8'), '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      const [localHex, localPortHex] = fields[1]!.split(':') as [string, string];
      const remotePort = parseInt(fields[2]!.split(':')[1]!, 16);
      const serving = protocol === 'tcp' ? fields[3] === '0A' /* LISTEN */ : remotePort === 0;
      if (serving) sockets.push({ protocol, address: decodeAddress(localHex), port: parseInt(localPortHex, 16) });
    }
  }
  return sockets;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function decodeAddress(hex: string): string {
  const bytes = (h: string) => (h.match(/../g) ?? []).map((b) => parseInt(b, 16));
  if (hex.length === 8) return bytes(hex).reverse().join('.');
  // IPv6: four little-endian 32-bit words.
  const words = (hex.match(/.{8}/g) ?? []).flatMap((w) => bytes(w).reverse());
  if (words.slice(0, 10).every((b) => b === 0) && words[10] === 0xff && words[11] === 0xff) return `::ffff:${words.slice(12).join('.')}`;
  if (words.slice(0, 15).every((b) => b === 0)) return words[15] === 1 ? '::1' : '::';
  return (hex.match(/.{4}/g) ?? []).join(':');
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
