/**
 * Executes every notebook in notebooks/ top to bottom with Jupyter's nbconvert and the tslab kernel, as a
 * user would (notebooks/README.md), and checks the executed copy: every code cell ran, no cell left an
 * error or wrote to stderr, and each notebook displayed at least one chart (SVG) inline.
 *
 * Needs Debian's Jupyter (`/usr/bin/python3` with nbconvert) and the tslab kernel registered
 * (`npm run notebooks:kernel`); without them the tests fail, naming the command to run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const PYTHON = '/usr/bin/python3';
const KERNEL_INSTALL = 'npm run notebooks:kernel (that is: npx tslab install --python=/usr/bin/python3)';
const notebooks = readdirSync(NOTEBOOKS)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

/** The kernel finds `tslab` on PATH when its kernelspec names it bare, as `tslab install` does by default. */
const env = {
  ...process.env,
  PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
  PYDEVD_DISABLE_FILE_VALIDATION: '1',
};

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  outputs?: Output[];
  source: string | string[];
}

const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));

let outDir = '';

/** Why the notebooks cannot run here (no Jupyter, no tslab kernel), or undefined. */
async function setupProblem(): Promise<string | undefined> {
  if (!existsSync(PYTHON))
    return `${PYTHON} is missing: install Debian's jupyter-nbconvert and python3-ipykernel`;
  let specs: { kernelspecs: Record<string, { spec: { argv: string[] } }> };
  try {
    const { stdout } = await run(PYTHON, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], { env });
    specs = JSON.parse(stdout);
  } catch (e) {
    return `cannot list Jupyter kernels with ${PYTHON} -m jupyter (${(e as Error).message.split('\n')[0]}); install Debian's jupyter-nbconvert and python3-ipykernel`;
  }
  const tslab = specs.kernelspecs.tslab;
  if (!tslab) return `the tslab Jupyter kernel is not installed; run ${KERNEL_INSTALL}`;
  const binary = tslab.spec.argv[0];
  if (binary.includes('/') && !existsSync(binary))
    return `the tslab kernelspec starts ${binary}, which does not exist; run ${KERNEL_INSTALL}`;
  return undefined;
}

let problem: string | undefined;

beforeAll(async () => {
  // Checked once; each test then fails (never skips) with the reason and the command that fixes it.
  problem = await setupProblem();
  outDir = mkdtempSync(join(tmpdir(), 'modcap-notebooks-'));
}, 30_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('notebooks', () => {
  it('are there: planner, investigation, finance', () => {
    expect(notebooks).toEqual(['finance.ipynb', 'investigation.ipynb', 'planner.ipynb']);
  });

  it.each(notebooks)(
    '%s runs top to bottom with the tslab kernel and shows its charts inline',
    async (name) => {
      if (problem) throw new Error(problem);
      const source = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as {
        metadata: { kernelspec: { name: string } };
      };
      expect(source.metadata.kernelspec.name).toBe('tslab');
      try {
        await run(
          PYTHON,
          [
            '-m',
            'jupyter',
            'nbconvert',
            '--to',
            'notebook',
            '--execute',
            '--ExecutePreprocessor.timeout=300',
            '--output-dir',
            outDir,
            join(NOTEBOOKS, name),
          ],
          { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 },
        );
      } catch (e) {
        const err = e as Error & { stderr?: string };
        const tail = (err.stderr ?? err.message).split('\n').slice(-40).join('\n');
        throw new Error(`nbconvert failed on notebooks/${name}:\n${tail}`);
      }
      const executed = JSON.parse(readFileSync(join(outDir, name), 'utf8')) as { cells: Cell[] };
      const code = executed.cells.filter((c) => c.cell_type === 'code');
      expect(code.length).toBeGreaterThan(3);
      // tslab reports no execution counts, so a notebook that stopped early shows as a last cell without output
      expect(code[code.length - 1].outputs?.length ?? 0, 'outputs of the last code cell').toBeGreaterThan(0);
      const outputs = code.flatMap((c) => c.outputs ?? []);
      const errors = outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`);
      expect(errors, 'error outputs').toEqual([]);
      const stderr = outputs
        .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
        .map((o) => text(o.text));
      expect(stderr, 'cell output on stderr (tslab prints type errors and exceptions there)').toEqual([]);
      const displays = outputs.filter((o) => o.output_type === 'display_data' && o.data);
      const svgs = displays.map((o) => text(o.data?.['image/svg+xml'])).filter((s) => s !== '');
      expect(svgs.length, 'inline SVG charts').toBeGreaterThan(0);
      for (const svg of svgs) {
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).toContain('<text'); // labelled: titles and axes were drawn
      }
      const tables = displays.map((o) => text(o.data?.['text/html'])).filter((s) => s.includes('<table>'));
      expect(tables.length, 'inline HTML tables').toBeGreaterThan(0);
    },
    150_000,
  );
});
