// IPv4 CIDR arithmetic for the runner subnet: is a range inside the VNet, does it overlap a subnet, and
// the highest free /28 of a range (the default runner subnet).
export interface Cidr {
  start: number;
  size: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n` (IPv4, network address aligned); undefined when it is not one. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const start = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return start % size === 0 ? { start, size } : undefined;
}

export function formatCidr(c: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(c.start / 2 ** shift) % 256);
  return `${octets.join(".")}/${32 - Math.log2(c.size)}`;
}

export const contains = (outer: Cidr, inner: Cidr) =>
  inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
export const overlaps = (a: Cidr, b: Cidr) => a.start < b.start + b.size && b.start < a.start + a.size;

/** The highest block of `size` addresses in `range` that overlaps none of `taken`. */
export function highestFree(range: Cidr, size: number, taken: Cidr[]): Cidr | undefined {
  for (let start = range.start + range.size - size; start >= range.start; start -= size) {
    const candidate = { start, size };
    if (!taken.some((t) => overlaps(t, candidate))) return candidate;
  }
  return undefined;
}
