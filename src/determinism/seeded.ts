import { createHmac } from 'node:crypto';

/**
 * A reproducible byte stream: HMAC-SHA256(seed, "<label>:<run>:<block>") for block 0, 1, 2…
 * The same seed and run give the same bytes; another run (a restart on the same store) or
 * label gives an unrelated stream, so it never re-draws SIDs an earlier run handed out.
 */
export class SeededStream {
  private block = 0;
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly seed: string,
    private readonly label: string,
    private readonly run: number,
  ) {}

  next(n: number): Buffer {
    while (this.buffer.length < n) this.buffer = Buffer.concat([this.buffer, this.digest(this.block++)]);
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return Buffer.from(out);
  }

  private digest(block: number): Buffer {
    return createHmac('sha256', this.seed).update(`${this.label}:${this.run}:${block}`).digest();
  }
}

/** A key derived from the seed alone: the same for every run on every store. */
export function seededKey(seed: string, purpose: string): Buffer {
  return createHmac('sha256', seed).update(`key:${purpose}`).digest();
}
