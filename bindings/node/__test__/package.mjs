// Where the tests take the package from. `npm test` runs them against this source directory (the
// `.node` that `npm run build` writes beside binding.js). installed.sh copies them into a new
// project that installed the packed tarballs and sets INSTAGRAPH_TEST_INSTALLED=1: then they
// resolve `instagraph` by name from that project's node_modules, as a user's code does.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

/** Whether this run tests the installed package (installed.sh), not the source directory. */
export const INSTALLED = process.env.INSTAGRAPH_TEST_INSTALLED === '1'

/** The package's directory: the installed `instagraph`, or the source directory. */
export const PACKAGE_DIR = INSTALLED
  ? dirname(require.resolve('instagraph/package.json'))
  : join(dirname(fileURLToPath(import.meta.url)), '..')

/** A module of the package by its file name there (`errors.js`, `binding.js`, ...). */
export function packageModule(file) {
  return require(join(PACKAGE_DIR, file))
}

/** The package, as `require('instagraph')` gives it. */
export const ig = INSTALLED ? require('instagraph') : packageModule('index.js')
