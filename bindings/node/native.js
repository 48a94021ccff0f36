'use strict'
// Loads the native addon through binding.js, napi's generated loader, which takes the `.node`
// beside it (built from source) or else the `instagraph-<platform>` package that npm installs as
// an optional dependency. When neither is there its error says "Cannot find native binding" and
// names the package it looked for only deep in its `cause` chain; this names it up front: the
// package to install when it is one of ours, or that the platform has no prebuilt addon.

const { version, optionalDependencies = {} } = require('./package.json')

const PACKAGE_PREFIX = 'instagraph-'

/**
 * The `instagraph-<platform>` package whose absence the loader reported, if that is the cause: the
 * native one it tried first, not the WebAssembly fallback (`instagraph-wasm32-wasi`) it tries
 * next, which this package does not ship.
 */
function missingPlatformPackage(error) {
  for (let e = error, depth = 0; e && depth < 32; e = e.cause, depth += 1) {
    const match = /^Cannot find module '([^']+)'/.exec(String(e.message))
    if (match && match[1].startsWith(PACKAGE_PREFIX) && !match[1].includes('wasm32-wasi')) return match[1]
  }
  return null
}

function loadNative() {
  try {
    return require('./binding.js')
  } catch (error) {
    const name = missingPlatformPackage(error)
    if (!name) throw error
    const message = Object.hasOwn(optionalDependencies, name)
      ? `instagraph: the native addon for ${process.platform}-${process.arch} is in the package ` +
        `${name}@${version}, which is not installed. npm installs it with instagraph unless ` +
        'optional dependencies are omitted (--omit=optional) or package-lock.json was made on ' +
        `another platform: run \`npm install ${name}@${version}\`, or remove node_modules and ` +
        'package-lock.json and run `npm install` again (from a source checkout: `npm run build`).'
      : `instagraph: no prebuilt native addon for ${process.platform}-${process.arch} (there is ` +
        `no package ${name}); build it from source: \`npm run build\` in bindings/node of the ` +
        'instagraph repository (see its README, "Building from source").'
    const missing = new Error(message)
    missing.code = 'INSTAGRAPH_NATIVE_ADDON_MISSING'
    missing.cause = error
    throw missing
  }
}

module.exports = loadNative()
