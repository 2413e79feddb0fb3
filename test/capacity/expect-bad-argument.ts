import { expect } from 'vitest';
import { ModcapError } from '../../src/errors.ts';

/** Asserts that `fn` throws ModcapError BAD_ARGUMENT whose `details.field` is `field`. */
export function expectBadArgument(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModcapError);
    expect((e as ModcapError).code).toBe('BAD_ARGUMENT');
    expect((e as ModcapError).details.field).toBe(field);
    return;
  }
  throw new Error(`expected BAD_ARGUMENT for ${field}`);
}

/** {@link expectBadArgument}, and the message names the field too. */
export function expectBadArgumentNamed(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModcapError);
    expect((e as ModcapError).code).toBe('BAD_ARGUMENT');
    expect((e as ModcapError).details.field).toBe(field);
    expect((e as ModcapError).message).toContain(field);
    return;
  }
  throw new Error(`expected BAD_ARGUMENT for ${field}`);
}
