/**
 * Writes a small MaxMind DB (format 2.0, IPv4 tree, 24-bit records) for tests: a
 * network (AS) database like GeoLite2-ASN, or a country one, from a list of networks
 * and their records. Only the value types those records need: maps, UTF-8 strings and
 * unsigned 16/32/64-bit integers. Spec: https://maxmind.github.io/MaxMind-DB/
 */

type Value = string | number | bigint | { readonly [key: string]: Value } | readonly Value[];

/** Typed unsigned integers (the spec tells uint16 from uint32). */
export const u16 = (n: number) => ({ u16: n }) as unknown as Value;

function control(type: number, size: number): Buffer {
  const head: number[] = [];
  let sizeBits: number;
  const ext: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) [sizeBits, ext[0]] = [29, size - 29];
  else [sizeBits, ext[0], ext[1]] = [30, (size - 285) >> 8, (size - 285) & 255];
  if (type <= 7) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.from([...head, ...ext]);
}

function uint(type: number, n: bigint): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) bytes.unshift(Number(v & 255n));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([control(2, b.length), b]);
  }
  if (typeof v === 'bigint') return uint(9, v);
  if (typeof v === 'number') return uint(6, BigInt(v));
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)]);
  if ('u16' in (v as object)) return uint(5, BigInt((v as unknown as { u16: number }).u16));
  const entries = Object.entries(v as Record<string, Value>);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}

interface Node {
  kids: [Node | number | null, Node | number | null];
}

/** A database holding `networks` (IPv4 CIDR → record); `type` is its database_type. */
export function writeMmdb(type: string, networks: ReadonlyArray<readonly [string, Record<string, Value>]>, buildEpoch = 1_780_000_000): Buffer {
  const data: Buffer[] = [];
  let dataSize = 0;
  const root: Node = { kids: [null, null] };
  for (const [cidr, record] of networks) {
    const [addr, len] = cidr.split('/') as [string, string];
    const bits = addr.split('.').reduce((a, o) => (a << 8n) | BigInt(o), 0n);
    const offset = dataSize;
    const enc = encode(record);
    data.push(enc);
    dataSize += enc.length;
    let node = root;
    const prefix = Number(len);
    for (let i = 0; i < prefix; i++) {
      const bit = Number((bits >> BigInt(31 - i)) & 1n);
      if (i === prefix - 1) node.kids[bit] = offset;
      else {
        let next = node.kids[bit];
        if (typeof next !== 'object' || next === null) node.kids[bit] = next = { kids: [null, null] };
        node = next;
      }
    }
  }
  const nodes: Node[] = [];
  const number = new Map<Node, number>();
  const walk = (n: Node) => {
    number.set(n, nodes.length);
    nodes.push(n);
    for (const k of n.kids) if (k !== null && typeof k === 'object') walk(k);
  };
  walk(root);
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((n, i) => {
    n.kids.forEach((k, side) => {
      const value = k === null ? count : typeof k === 'number' ? count + 16 + k : (number.get(k) as number);
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    });
  });
  const meta = encode({
    binary_format_major_version: u16(2), binary_format_minor_version: u16(0), build_epoch: BigInt(buildEpoch),
    database_type: type, description: { en: `sipwarden test ${type}` }, ip_version: u16(4), languages: ['en'],
    node_count: count, record_size: u16(24),
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'), meta]);
}
