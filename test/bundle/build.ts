/** Builds a budgeted entry exactly as .size-limit.js measures it (not a test file). */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- .size-limit.js is plain JavaScript (size-limit loads it); its shape is the array below.
import budgets, { browserBuild } from '../../.size-limit.js';

export interface Budget {
  readonly name: string;
  readonly path: string;
  readonly limit: string;
}

/** The budgets of .size-limit.js. */
export const BUDGETS: readonly Budget[] = budgets as Budget[];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One budgeted client, bundled and minified for the browser: its code and the inputs with bytes in it. */
export async function buildBudget(budget: Budget): Promise<{ code: string; inputs: string[] }> {
  const options = (browserBuild as (c: BuildOptions) => BuildOptions)({
    entryPoints: [ROOT + budget.path],
    bundle: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const result = await build(options);
  const output = Object.values((result.metafile as Metafile).outputs)[0]!;
  const inputs = Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0);
  return { code: result.outputFiles![0]!.text, inputs: inputs.map(([path]) => path) };
}
