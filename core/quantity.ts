/**
 * Kubernetes resource quantities ("250m", "512Mi", "1.5Gi", "2", "128974848", "1e3").
 */
const binarySuffix: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffix: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/.exec(value.trim());
  if (!match) throw new SyntaxError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got "${value}")`);
  const number = Number(match[1]);
  if (match[2]) return number * binarySuffix[match[2]]!;
  if (match[3]) return number * 10 ** Number(match[3].slice(1));
  return number * decimalSuffix[match[4] ?? '']!;
}

/** CPU cores -> "250m" / "2". */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes -> "512Mi" when exact, else "123456Ki". */
export function formatMemory(bytes: number): string {
  for (const [suffix, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return `${Math.round(bytes / 1024)}Ki`;
}

/** Size strings of Chaos Mesh stressors ("256MB", "1GB", "512MiB", "80%"): bytes, or a fraction of a limit. */
export function parseStressSize(value: string): { bytes?: number; fraction?: number } {
  const trimmed = value.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) return { fraction: Number(percent[1]) / 100 };
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|K|M|G|T)?$/i.exec(trimmed);
  if (!match) throw new SyntaxError(`invalid size "${value}" (expected forms like 256MB, 1GB or 80%)`);
  const unit = (match[2] ?? 'B').toUpperCase();
  const factor: Record<string, number> = {
    B: 1, K: 1024, KB: 1024, KIB: 1024, M: 2 ** 20, MB: 2 ** 20, MIB: 2 ** 20,
    G: 2 ** 30, GB: 2 ** 30, GIB: 2 ** 30, T: 2 ** 40, TB: 2 ** 40, TIB: 2 ** 40,
  };
  return { bytes: Number(match[1]) * factor[unit]! };
}
