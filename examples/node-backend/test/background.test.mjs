// The service's background work: the token sweep on a timer, and the scheduler worker's health.
// A store that cannot open makes both fail for real: the worker dies (GET /health says so),
// the sweeps log their failures and go on, and 5xx bodies never carry the store's own text.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBackend, eventually } from './support.mjs'

const require = createRequire(import.meta.url)
const ig = require('instagraph')

const DAY_MS = 24 * 3600 * 1000
// alice.travels, the sandbox's Instagram Login account.
const IG_TRAVELS = '17841400000000002'

/** The store's RFC 3339 form (six fractional digits) of `ms`. */
const storeTime = (ms) => new Date(ms).toISOString().replace('Z', '000Z')

test('the token sweep runs on a timer: refreshes an Instagram Login token before it ends; stops at shutdown', async () => {
  const lines = []
  // Tokens look two days old to the SDK (a sweep only refreshes tokens older than a day).
  class AgedStore extends ig.MemoryJsStore {
    compareAndSwap(key, expected, next) {
      if (!key.startsWith('tokens/') || next === null) return super.compareAndSwap(key, expected, next)
      const aged = { ...JSON.parse(next), issued_at: storeTime(Date.now() - 2 * DAY_MS) }
      return super.compareAndSwap(key, expected, JSON.stringify(aged))
    }
  }
  const sealingKey = ig.AccountManager.generateSealingKey()
  let sweeps = 0
  const accounts = (client) => {
    const manager = new ig.AccountManager(client, new AgedStore(), { sealingKey })
    const sweep = manager.sweepTokens.bind(manager)
    manager.sweepTokens = (...args) => {
      sweeps++
      return sweep(...args)
    }
    return manager
  }
  const t = await startBackend({ log: (line) => lines.push(line), config: { tokenSweep: { intervalMs: 100 }, accounts } })
  try {
    // Tokens that last 3 days: within the sweep's week from the start.
    await t.sandboxConfig({ long_lived_seconds: 3 * 86400 })
    const auth = await t.api('GET', '/instagram/auth/url?companyId=acme&login=instagram')
    const back = await t.api('GET', await t.sandbox.consent(auth.body.url, IG_TRAVELS, true), { as: null })
    assert.equal(back.status, 302, back.text)
    const tokenId = new URL(back.location).searchParams.get('tokenId')
    assert.ok(tokenId, back.location)
    // Meta refreshes tokens at least a day old by its own clock too.
    t.sandbox.advanceClock(25 * 3600)

    const refreshed = await eventually(() => lines.find((l) => /^token sweep: acme: 1 refreshed/.test(l)))
    assert.ok(refreshed, lines.join('\n'))
    const status = await t.api('GET', `/instagram/connections/${tokenId}/status`)
    assert.equal(status.body.data.valid, true, status.text)
    assert.equal((await t.api('GET', '/health', { as: null })).status, 200)
  } finally {
    await t.stop()
  }
  // Stopped: no sweep starts after shutdown (the timers are cleared, not merely unref'd).
  const count = sweeps
  assert.ok(count >= 2, `${count} sweeps`)
  await new Promise((resolve) => setTimeout(resolve, 500))
  assert.equal(sweeps, count)
})

test('a store that fails: the dead worker shows in /health, sweeps log and go on, 5xx bodies stay clean', async () => {
  // A "directory" that is a file: opening the SQLite store fails with the OS's own words.
  const dir = mkdtempSync(join(tmpdir(), 'node-backend-'))
  const file = join(dir, 'not-a-directory')
  writeFileSync(file, '')
  const lines = []
  const t = await startBackend({
    log: (line) => lines.push(line),
    config: {
      storeUrl: `sqlite:${file}/ig.db`,
      sealingKey: ig.AccountManager.generateSealingKey(),
      tokenSweep: { intervalMs: 50 },
    },
  })
  const internal = (text) => ['os error', 'File exists', 'not-a-directory', dir, 'store backend error'].filter((p) => text.includes(p))
  try {
    const health = await eventually(async () => {
      const res = await t.api('GET', '/health', { as: null })
      return res.status === 503 ? res : null
    })
    assert.ok(health, 'GET /health turns 503 once the worker has died')
    t.assertError(health, 503, { code: 'WORKER_STOPPED' })
    assert.equal(health.body.error.cause.code, 'STORE_UNAVAILABLE', health.text)
    assert.deepEqual(internal(health.text), [], health.text)
    // It stays 503, and the detail was logged once.
    assert.equal((await t.api('GET', '/health', { as: null })).status, 503)
    const died = lines.filter((l) => l.startsWith('the scheduler worker'))
    assert.equal(died.length, 1, lines.join('\n'))
    assert.ok(died[0].includes('not-a-directory'), died[0])

    const res = await t.api('GET', '/instagram/get-added-accounts')
    t.assertError(res, 503, { code: 'STORE_UNAVAILABLE' })
    assert.deepEqual(internal(res.text), [], res.text)
    assert.ok(lines.some((l) => l.startsWith('GET /instagram/get-added-accounts → 503') && l.includes('not-a-directory')), lines.join('\n'))

    // Every sweep fails and is logged; the next ones still run, and the service still answers.
    const failed = await eventually(() => lines.filter((l) => l.startsWith('token sweep of acme')).length >= 3)
    assert.ok(failed, lines.join('\n'))
    t.assertError(await t.api('GET', '/instagram/accounts/assignments'), 503, { code: 'STORE_UNAVAILABLE' })
  } finally {
    // Closing with a dead worker still closes the server and the sandbox.
    await t.stop()
  }
})
