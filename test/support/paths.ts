import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, from dist/test/support/ or test/support/. */
const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
