// Two service processes on one SQLite file (two app instances here): a webhook delivered to
// both is handled once, and the hashtag budget counts the searches of both.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { startBackend } from './support.mjs'

const require = createRequire(import.meta.url)
const { Sandbox, AccountManager, Webhooks } = require('instagraph')

const dir = mkdtempSync(join(tmpdir(), 'node-backend-shared-'))
let sandbox
let one
let two
let bakery

before(async () => {
  sandbox = await Sandbox.start()
  const config = {
    storeUrl: `sqlite:${join(dir, 'ig.db')}`,
    sealingKey: AccountManager.generateSealingKey(),
    scheduler: { workerId: 'one', pollIntervalMs: 100, maxPollIntervalMs: 250 },
  }
  one = await startBackend({ config, sandbox })
  two = await startBackend({ config: { ...config, scheduler: { ...config.scheduler, workerId: 'two' } }, sandbox })
  const acme = await one.connect('acme', 0)
  const found = await one.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`)
  bakery = found.body.data.accounts.find((a) => a.username === 'alice.bakery').id
  await one.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: [{ id: bakery }] } })
})

after(async () => {
  await one?.stop()
  await two?.stop()
  await sandbox?.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('a webhook delivered to both processes is handled by the first only', async () => {
  const body = JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: bakery,
        time: 1767225600,
        changes: [{ field: 'comments', value: { id: 'c-shared-1', text: 'hi', from: { id: '42', username: 'fan' }, media: { id: '1' } } }],
      },
    ],
  })
  const deliver = (t) =>
    t.api('POST', '/instagram/webhooks', {
      as: null,
      raw: body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': Webhooks.signatureHeader(sandbox.appSecret, body) },
    })
  const first = await deliver(one)
  assert.equal(first.status, 200, first.text)
  assert.deepEqual([first.body.received, first.body.new], [1, 1])
  const again = await deliver(two)
  assert.equal(again.status, 200, again.text)
  assert.deepEqual([again.body.received, again.body.new], [1, 0], 'a redelivery for the other process')
  const kept = async (t) => (await t.api('GET', '/instagram/webhooks/events')).body.data.length
  assert.equal(await kept(one), 1)
  assert.equal(await kept(two), 0)
})

test('the hashtag budget counts the searches of both processes', async () => {
  const budget = async (t) => {
    const res = await t.api('GET', `/instagram/accounts/${bakery}/hashtags/budget`)
    assert.equal(res.status, 200, res.text)
    return res.body.data
  }
  const before = await budget(two)
  const found = await one.api('GET', `/instagram/accounts/${bakery}/hashtags/search?q=sourdough`)
  assert.equal(found.status, 200, found.text)
  assert.ok(found.body.data.id, found.text)
  assert.deepEqual(await budget(two), { used: before.used + 1, remaining: before.remaining - 1 })
  // The same hashtag from the other process costs nothing more.
  assert.equal((await two.api('GET', `/instagram/accounts/${bakery}/hashtags/search?q=sourdough`)).status, 200)
  assert.deepEqual(await budget(one), { used: before.used + 1, remaining: before.remaining - 1 })
  // Another company's key is refused on this account.
  one.assertError(await one.api('GET', `/instagram/accounts/${bakery}/hashtags/budget`, { as: 'globex' }), 404)
})
