// Where the native addon comes from: beside binding.js in a source checkout (`npm run build`), from
// the `instagraph-<platform>` package once installed from npm (installed.sh runs these tests
// there). Without the addon, `require('instagraph')` names the package to install.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, sep } from 'node:path'
import { ig, INSTALLED, PACKAGE_DIR } from './package.mjs'

const require = createRequire(import.meta.url)
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'))

/** The `.node` files this process loaded (CommonJS caches them by their real path). */
function loadedAddons() {
  return Object.keys(require.cache).filter((file) => file.endsWith('.node'))
}

/** `instagraph.linux-x64-gnu.node` → `instagraph-linux-x64-gnu`, the package that ships it. */
function platformPackageOf(addon) {
  const match = /^instagraph\.([a-z0-9-]+)\.node$/.exec(basename(addon))
  assert.ok(match, `unexpected addon file name: ${addon}`)
  return `instagraph-${match[1]}`
}

/** Runs `require(<dir>)` in a child process; its error's code and message, or 'loaded'. */
function requireInChild(dir, env = {}) {
  const script = `
    try {
      require(${JSON.stringify(dir)})
      console.log(JSON.stringify({ loaded: true }))
    } catch (e) {
      console.log(JSON.stringify({ code: e.code ?? null, message: e.message }))
    }
  `
  const childEnv = { ...process.env, ...env }
  if (!('NAPI_RS_NATIVE_LIBRARY_PATH' in env)) delete childEnv.NAPI_RS_NATIVE_LIBRARY_PATH
  const run = spawnSync(process.execPath, ['-e', script], { env: childEnv, encoding: 'utf8', timeout: 30_000 })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout.trim().split('\n').pop())
}

/** The package's published files (package.json `files`, no addon) copied into a fresh directory. */
function packageWithoutAddon(t, editManifest = (m) => m) {
  const dir = mkdtempSync(join(tmpdir(), 'instagraph-no-addon-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  for (const file of manifest.files) copyFileSync(join(PACKAGE_DIR, file), join(dir, file))
  writeFileSync(join(dir, 'package.json'), JSON.stringify(editManifest({ ...manifest })))
  return dir
}

test('the addon is loaded from beside binding.js from source, from the platform package once installed', () => {
  assert.equal(typeof ig.Sandbox.start, 'function')
  const addons = loadedAddons()
  assert.equal(addons.length, 1, `one addon loaded, got ${JSON.stringify(addons)}`)
  const [addon] = addons
  const packageDir = realpathSync(PACKAGE_DIR)
  if (process.env.NAPI_RS_NATIVE_LIBRARY_PATH) {
    // The loader's override (bench/README.md): the addon named there, wherever it is.
    assert.equal(addon, realpathSync(process.env.NAPI_RS_NATIVE_LIBRARY_PATH))
    return
  }
  if (!INSTALLED) {
    assert.equal(dirname(addon), packageDir)
    return
  }
  // Installed: `instagraph` holds no addon; it came from node_modules/instagraph-<platform>.
  assert.deepEqual(readdirSync(packageDir).filter((f) => f.endsWith('.node')), [])
  const name = platformPackageOf(addon)
  const platformDir = realpathSync(dirname(require.resolve(`${name}/package.json`)))
  assert.equal(dirname(addon), platformDir)
  assert.ok(platformDir.endsWith(`${sep}node_modules${sep}${name}`), platformDir)
  const platformManifest = JSON.parse(readFileSync(join(platformDir, 'package.json'), 'utf8'))
  assert.equal(platformManifest.version, manifest.version)
  assert.equal(platformManifest.main, basename(addon))
  assert.equal(manifest.optionalDependencies[name], manifest.version)
})

test('without its addon, require("instagraph") names the platform package to install', (t) => {
  const name = platformPackageOf(loadedAddons()[0])
  assert.ok(name in manifest.optionalDependencies, `${name} is one of the declared platform packages`)
  const outcome = requireInChild(packageWithoutAddon(t))
  assert.equal(outcome.code, 'INSTAGRAPH_NATIVE_ADDON_MISSING', outcome.message)
  assert.match(outcome.message, new RegExp(`npm install ${name}@${manifest.version.replace(/\./g, '\\.')}\``))
})

test('on a platform with no prebuilt package, the error says to build from source', (t) => {
  const name = platformPackageOf(loadedAddons()[0])
  const dir = packageWithoutAddon(t, (m) => {
    const optionalDependencies = { ...m.optionalDependencies }
    delete optionalDependencies[name]
    return { ...m, optionalDependencies }
  })
  const outcome = requireInChild(dir)
  assert.equal(outcome.code, 'INSTAGRAPH_NATIVE_ADDON_MISSING', outcome.message)
  assert.match(outcome.message, /no prebuilt native addon/)
  assert.ok(outcome.message.includes(`no package ${name})`), outcome.message)
  assert.match(outcome.message, /npm run build/)
})

test('a load failure other than a missing platform package keeps napi\'s error', (t) => {
  const dir = packageWithoutAddon(t)
  const outcome = requireInChild(dir, { NAPI_RS_NATIVE_LIBRARY_PATH: join(dir, 'absent.node') })
  assert.equal(outcome.code, null)
  assert.match(outcome.message, /^Cannot find native binding/)
})
