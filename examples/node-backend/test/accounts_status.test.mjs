// GET /instagram/get-added-accounts?status: the status filter applies before the pages, so
// `total` and each page count only the matching accounts (the console's Accounts page pages
// through it). Alice's and Bob's accounts through Facebook Login are connected; alice.travels,
// through Instagram Login with a token made to last 3 days, is expiring.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend } from './support.mjs'

let t
const CONNECTED = ['alice.bakery', 'bob.builds', 'client.studio']

async function add(tokenId, usernames) {
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`)
  assert.equal(found.status, 200, found.text)
  const ids = found.body.data.accounts.filter((a) => usernames.includes(a.username)).map((a) => a.id)
  const added = await t.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: ids } })
  assert.equal(added.status, 200, added.text)
}

before(async () => {
  t = await startBackend()
  await add((await t.connect('acme', 0)).tokenId, CONNECTED)
  await add((await t.connect('acme', 1)).tokenId, CONNECTED)
  await t.sandboxConfig({ long_lived_seconds: 3 * 86400 })
  const travels = t.sandbox.seed.instagramAccounts.find((a) => a.username === 'alice.travels').id
  const auth = await t.api('GET', '/instagram/auth/url?companyId=acme&login=instagram')
  const back = await t.api('GET', await t.sandbox.consent(auth.body.url, travels, true), { as: null })
  assert.equal(back.status, 302, back.text)
  const added = await t.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: [travels] } })
  assert.equal(added.status, 200, added.text)
})

after(async () => {
  await t?.stop()
})

const names = (res) => res.body.data.map((a) => a.username)

test('status=expiring|connected: only those accounts, counted and paged as one list', async () => {
  const all = await t.api('GET', '/instagram/get-added-accounts')
  assert.equal(all.body.total, 4)

  const expiring = await t.api('GET', '/instagram/get-added-accounts?status=expiring')
  assert.equal(expiring.status, 200, expiring.text)
  assert.deepEqual(names(expiring), ['alice.travels'])
  assert.equal(expiring.body.total, 1)
  assert.equal(expiring.body.data[0].state, 'expiring')

  // Pages of 2 of the connected ones: the total counts them only, the pages hold them only.
  const pages = []
  for (let offset = 0; offset < CONNECTED.length; offset += 2) {
    const page = await t.api('GET', `/instagram/get-added-accounts?status=connected&sortBy=username&limit=2&offset=${offset}`)
    assert.equal(page.status, 200, page.text)
    assert.equal(page.body.total, CONNECTED.length)
    assert.ok(page.body.data.length <= 2)
    pages.push(...names(page))
  }
  assert.deepEqual(pages, CONNECTED)
  // The other filters still apply, and `status` is checked.
  assert.deepEqual(names(await t.api('GET', '/instagram/get-added-accounts?status=connected&search=bob')), ['bob.builds'])
  assert.equal((await t.api('GET', '/instagram/get-added-accounts?status=unreachable')).body.total, 0)
  t.assertError(await t.api('GET', '/instagram/get-added-accounts?status=sleepy'), 400, { field: 'status' })
  t.assertError(await t.api('GET', '/instagram/get-added-accounts?status=connected&limit=101'), 400, { field: 'limit' })
})

test('status=reconnect: once the Instagram Login token has expired', async () => {
  const res = await fetch(`${t.sandbox.baseUrl}/__sandbox/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: 4 * 86400 }),
  })
  assert.equal(res.status, 200)
  const reconnect = await t.api('GET', '/instagram/get-added-accounts?status=reconnect')
  assert.deepEqual(names(reconnect), ['alice.travels'])
  assert.equal(reconnect.body.total, 1)
  assert.equal((await t.api('GET', '/instagram/get-added-accounts?status=connected')).body.total, CONNECTED.length)
})
