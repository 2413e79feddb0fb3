import type { Frequency, Series } from '../types.ts';

/** A {@link Series} as read from a volumes file, with how many of its periods are gaps. */
export interface VolumeSeries extends Series {
  /** Number of periods whose value is `NaN`: holes in the grid and rows with an empty volume. */
  readonly gaps: number;
}

/** Input formats of a volumes file. `jsonl` covers `.jsonl`, `.ndjson` and `.json` (one object per line). */
export type VolumeFormat = 'csv' | 'jsonl';

/** Options of `readVolumes` and `readVolumesFromStream`. */
export interface ReadVolumesOptions {
  /** Overrides the format guessed from the file extension. */
  readonly format?: VolumeFormat;
  /** Zone of rows without a `timezone` value (IANA name). Default `UTC`. */
  readonly timeZone?: string;
  /** Step of every series; default: inferred per series from its timestamps. */
  readonly freq?: Frequency;
  /** Number of row errors collected before reading stops. Default 50. */
  readonly maxErrors?: number;
}

/** Options of `readVolumesFromStream`: a label for error messages and the format are required. */
export interface ReadStreamOptions extends ReadVolumesOptions {
  /** Name used for the file in errors, e.g. the upload's name. */
  readonly file: string;
  readonly format: VolumeFormat;
  /** Decompress the stream with gunzip first. Default: detected from the gzip magic bytes. */
  readonly gzip?: boolean;
}
