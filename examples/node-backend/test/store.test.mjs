// The stores: tokens are sealed at rest (SQLite, a JS store), a restarted service keeps its
// connections.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { startBackend, TOKEN_PATTERN } from './support.mjs'

const require = createRequire(import.meta.url)
const { Sandbox, AccountManager } = require('instagraph')

const dir = mkdtempSync(join(tmpdir(), 'node-backend-'))
let sandbox

before(async () => {
  sandbox = await Sandbox.start()
})

after(async () => {
  await sandbox?.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('sqlite: no plaintext token on disk; a restart keeps the accounts and can publish', async () => {
  const config = { storeUrl: `sqlite:${join(dir, 'ig.db')}`, sealingKey: AccountManager.generateSealingKey() }
  const first = await startBackend({ config, sandbox })
  let bakery
  try {
    const acme = await first.connect('acme', 0)
    const found = await first.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`)
    bakery = found.body.data.accounts.find((a) => a.username === 'alice.bakery').id
    await first.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: [{ id: bakery }] } })
  } finally {
    await first.stop()
  }
  // Every file of the store (database, WAL, journal), byte for byte.
  for (const file of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, file)).toString('latin1')
    assert.doesNotMatch(bytes, TOKEN_PATTERN, `a plaintext token in ${file}`)
  }

  const second = await startBackend({ config, sandbox })
  try {
    const added = await second.api('GET', '/instagram/get-added-accounts')
    assert.deepEqual(added.body.data.map((a) => a.id), [bakery])
    const post = await second.api('POST', '/instagram/social/post/instagram', {
      body: { instagramBusinessId: bakery, imageUrl: 'https://images.example.com/after-restart.jpg' },
    })
    assert.equal(post.status, 201, post.text)
    // Company B still sees nothing of A's after the restart.
    assert.deepEqual((await second.api('GET', '/instagram/get-added-accounts', { as: 'globex' })).body.data, [])
  } finally {
    await second.stop()
  }
})

test('a JS store (your own database): it only ever receives sealed tokens', async () => {
  const { MemoryJsStore } = require('instagraph')
  const store = new MemoryJsStore()
  const seen = []
  // Record every argument the SDK hands to the store.
  const spy = new Proxy(store, {
    get(target, key) {
      const value = target[key]
      if (typeof value !== 'function') return value
      return (...args) => {
        seen.push(JSON.stringify(args))
        return value.apply(target, args)
      }
    },
  })
  const sealingKey = AccountManager.generateSealingKey()
  const t = await startBackend({
    sandbox,
    config: { accounts: (client) => new AccountManager(client, spy, { sealingKey }) },
  })
  try {
    const acme = await t.connect('acme', 0)
    const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`)
    const bakery = found.body.data.accounts.find((a) => a.username === 'alice.bakery').id
    await t.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: [{ id: bakery }] } })
    const post = await t.api('POST', '/instagram/social/post/instagram', {
      body: { instagramBusinessId: bakery, imageUrl: 'https://images.example.com/js-store.jpg' },
    })
    assert.equal(post.status, 201, post.text)
  } finally {
    await t.stop()
  }
  // The arguments hold token rows as JSON text: their sealed secrets, escaped once more here.
  assert.ok(seen.some((args) => args.includes('\\"sealed\\":\\"v1.')), 'tokens were stored sealed')
  for (const args of seen) assert.doesNotMatch(args, TOKEN_PATTERN)
})
