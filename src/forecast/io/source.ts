import { PassThrough, pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Bytes (or text) that can be read as a volumes file: a Node stream or any async iterable of chunks. */
export type ByteSource = Readable | AsyncIterable<Uint8Array | string>;

/**
 * Wraps a byte source as a readable stream of plain text bytes, gunzipping it when `gzip` is true, or,
 * when `gzip` is undefined, when the first bytes are the gzip magic number (1f 8b). Errors of the source
 * and of the decompressor surface on the returned stream.
 *
 * @example for await (const chunk of openText(createReadStream('v.csv.gz'))) // plain CSV bytes
 */
export function openText(source: ByteSource, gzip?: boolean): Readable {
  const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  let first: IteratorResult<Uint8Array | string> | undefined;
  async function* chunks(): AsyncGenerator<Uint8Array | string> {
    first ??= await iterator.next();
    if (first.done) return;
    yield first.value;
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      yield r.value;
    }
  }
  const out = new PassThrough();
  const done = (err?: Error | null) => {
    if (err) out.destroy(err);
  };
  iterator.next().then(
    (r) => {
      first = r;
      const head = r.done ? undefined : r.value;
      const isGzip =
        gzip ??
        (head !== undefined &&
          typeof head !== 'string' &&
          head.length >= 2 &&
          head[0] === 0x1f &&
          head[1] === 0x8b);
      const body = Readable.from(chunks(), { objectMode: false });
      if (isGzip) pipeline(body, createGunzip(), out, done);
      else pipeline(body, out, done);
    },
    (e: Error) => out.destroy(e),
  );
  return out;
}
