import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ModcapError } from '../../../src/errors.ts';
import { readVolumesFromStream } from '../../../src/forecast/io/read.ts';

const H = 3_600_000;
const START = Date.parse('2024-01-01T00:00:00Z');

/** A CSV produced on demand, `rowsPerChunk` rows per `read()` call, time-major like a warehouse export. */
function generated(
  nSeries: number,
  hours: number,
  volume: (s: number, h: number) => string,
  rowsPerChunk = 500,
) {
  let h = 0;
  let s = 0;
  const stats = { rowsProduced: 0, reads: 0 };
  const stream = new Readable({
    read() {
      stats.reads++;
      if (h >= hours) {
        this.push(null);
        return;
      }
      let text = stats.rowsProduced === 0 && s === 0 && h === 0 ? 'timestamp,queue,language,volume\n' : '';
      for (let k = 0; k < rowsPerChunk && h < hours; k++) {
        text += `${new Date(START + h * H).toISOString()},q${s},en,${volume(s, h)}\n`;
        stats.rowsProduced++;
        if (++s === nSeries) {
          s = 0;
          h++;
        }
      }
      this.push(text);
    },
  });
  return { stream, stats };
}

describe('readVolumesFromStream on a generated stream', () => {
  it('reads 300,000 rows produced on demand into 60 complete hourly series', async () => {
    const volume = (s: number, h: number) => (s * 31 + h * 7) % 101;
    const { stream, stats } = generated(60, 5000, (s, h) => String(volume(s, h)));
    const series = await readVolumesFromStream(stream, { file: 'generated.csv', format: 'csv' });
    expect(stats.rowsProduced).toBe(300_000);
    expect(stats.reads).toBeGreaterThan(500); // pulled chunk by chunk, not as one blob
    expect(series).toHaveLength(60);
    for (const x of series) {
      const s = Number(x.key.queue.slice(1));
      expect(x.freq).toBe('hour');
      expect(x.gaps).toBe(0);
      expect(x.values).toHaveLength(5000);
      expect(x.timestamps[0]).toBe(START);
      expect(x.timestamps[4999]).toBe(START + 4999 * H);
      let want = 0;
      let got = 0;
      for (let h = 0; h < 5000; h++) {
        want += volume(s, h);
        got += x.values[h];
      }
      expect(got).toBe(want);
    }
  });

  it('stops reading once maxErrors bad rows are found, long before the end of a 10-million-row stream', async () => {
    const { stream, stats } = generated(100, 100_000, () => '-1');
    const error = await readVolumesFromStream(stream, {
      file: 'generated.csv',
      format: 'csv',
      maxErrors: 50,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModcapError);
    expect((error as ModcapError).details.errors).toHaveLength(50);
    expect(stats.rowsProduced).toBeLessThan(1_000_000);
  });
});
