/** Rows per chunk: small first chunks for short series, then fixed 4096-row chunks (no copying on growth). */
const CHUNK_SIZES = [64, 256, 1024, 4096];

/**
 * Compact storage for the rows of one series while a file streams in: timestamps and volumes as
 * `Float64Array`, source lines as `Uint32Array` (20 bytes per row), in chunks that are appended, never
 * copied, so growing costs no garbage and at most one partly filled chunk is spare. Rows may arrive in
 * any order; {@link SeriesBuffer.sorted} returns them ordered by time.
 *
 * @example
 * const b = new SeriesBuffer({ queue: 'reviews', language: 'ja' }, 'reviews|ja', 'UTC', 2);
 * b.push(3_600_000, 5, 3); b.push(0, 4, 2);
 * Array.from(b.sorted().timestamps) // => [0, 3600000]
 */
export class SeriesBuffer {
  readonly key: Readonly<Record<string, string>>;
  readonly id: string;
  readonly timeZone: string;
  /** Line of the first row (where the series' time zone was fixed). */
  readonly firstLine: number;
  private readonly tsChunks: Float64Array[] = [];
  private readonly vsChunks: Float64Array[] = [];
  private readonly lsChunks: Uint32Array[] = [];
  private ts: Float64Array = new Float64Array(0);
  private vs: Float64Array = new Float64Array(0);
  private ls: Uint32Array = new Uint32Array(0);
  /** Rows in the current (last) chunk. */
  private fill = 0;
  private n = 0;
  private inOrder = true;
  private last = Number.NEGATIVE_INFINITY;

  constructor(key: Readonly<Record<string, string>>, id: string, timeZone: string, firstLine: number) {
    this.key = key;
    this.id = id;
    this.timeZone = timeZone;
    this.firstLine = firstLine;
  }

  get length(): number {
    return this.n;
  }

  push(timestamp: number, volume: number, line: number): void {
    if (this.fill === this.ts.length) this.addChunk();
    const i = this.fill++;
    this.ts[i] = timestamp;
    this.vs[i] = volume;
    this.ls[i] = line;
    this.n++;
    if (timestamp <= this.last) this.inOrder = false;
    else this.last = timestamp;
  }

  private addChunk(): void {
    const size = CHUNK_SIZES[Math.min(this.tsChunks.length, CHUNK_SIZES.length - 1)];
    this.ts = new Float64Array(size);
    this.vs = new Float64Array(size);
    this.ls = new Uint32Array(size);
    this.tsChunks.push(this.ts);
    this.vsChunks.push(this.vs);
    this.lsChunks.push(this.ls);
    this.fill = 0;
  }

  private concat<T extends Float64Array | Uint32Array>(chunks: T[], out: T): T {
    let at = 0;
    for (let c = 0; c < chunks.length; c++) {
      const part = c === chunks.length - 1 ? chunks[c].subarray(0, this.fill) : chunks[c];
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** The rows ordered by timestamp (stable: equal timestamps keep file order), as contiguous arrays. */
  sorted(): { timestamps: Float64Array; volumes: Float64Array; lines: Uint32Array } {
    const n = this.n;
    const ts = this.concat(this.tsChunks, new Float64Array(n));
    const vs = this.concat(this.vsChunks, new Float64Array(n));
    const ls = this.concat(this.lsChunks, new Uint32Array(n));
    if (this.inOrder) return { timestamps: ts, volumes: vs, lines: ls };
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => ts[a] - ts[b] || ls[a] - ls[b]);
    const timestamps = new Float64Array(n);
    const volumes = new Float64Array(n);
    const lines = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      timestamps[i] = ts[idx[i]];
      volumes[i] = vs[idx[i]];
      lines[i] = ls[idx[i]];
    }
    return { timestamps, volumes, lines };
  }
}
