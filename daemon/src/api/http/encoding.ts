/**
 * @module api/http/encoding
 * Accept-Encoding, read once: which of the encodings we produce (brotli, gzip) the client takes.
 */

export type Encoding = 'br' | 'gzip';

/**
 * The encodings among `br` and `gzip` that `header` accepts (q > 0, `*` included), e.g.
 * `gzip, deflate, br` → {br, gzip}; `br;q=0, *` → {gzip}; no header → none (identity).
 */
export function acceptedEncodings(header: string | undefined): Set<Encoding> {
  const out = new Set<Encoding>();
  if (!header) return out;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const star = q.get('*');
  for (const enc of ['br', 'gzip'] as const) {
    const v = q.get(enc) ?? (enc === 'gzip' ? q.get('x-gzip') : undefined) ?? star ?? 0;
    if (v > 0) out.add(enc);
  }
  return out;
}

/** Brotli when accepted, else gzip, else none: brotli is ~15 % smaller on JSON and JS. */
export function preferredEncoding(header: string | undefined): Encoding | undefined {
  const accepted = acceptedEncodings(header);
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : undefined;
}
