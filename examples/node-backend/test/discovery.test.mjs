// Profiles and business discovery; bad input (4xx, never 5xx) and tenancy on each route.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend } from './support.mjs'

let t
let bakery // acme's account
let bob // globex's account

async function addAll(company, tokenId) {
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`, { as: company })
  assert.equal(found.status, 200, found.text)
  const accounts = found.body.data.accounts
  await t.api('POST', '/instagram/add-instagram-account', { as: company, body: { instagramAccounts: accounts } })
  return accounts
}

before(async () => {
  t = await startBackend()
  const acme = await t.connect('acme', 0)
  const globex = await t.connect('globex', 1)
  bakery = (await addAll('acme', acme.tokenId)).find((a) => a.username === 'alice.bakery').id
  bob = (await addAll('globex', globex.tokenId))[0].id
})

after(async () => {
  await t?.stop()
})

/** Company B's key on company A's account: 403 or 404, with the error shape. */
function refused(res) {
  assert.ok([403, 404].includes(res.status), `expected 403/404, got ${res.status}: ${res.text}`)
  t.assertError(res, res.status)
}

test('GET /instagram/accounts/:igUserId/profile reads the account\'s own profile', async () => {
  const res = await t.api('GET', `/instagram/accounts/${bakery}/profile`)
  assert.equal(res.status, 200, res.text)
  const p = res.body.data
  assert.equal(p.id, bakery)
  assert.equal(p.username, 'alice.bakery')
  for (const key of ['name', 'biography', 'website', 'profilePictureUrl', 'followersCount', 'followsCount', 'mediaCount']) {
    assert.ok(p[key] !== undefined, `${key} in ${res.text}`)
  }
  refused(await t.api('GET', `/instagram/accounts/${bakery}/profile`, { as: 'globex' }))
  t.assertError(await t.api('GET', '/instagram/accounts/not%20an%20id/profile'), 400, { field: 'igUserId' })
  refused(await t.api('GET', '/instagram/accounts/17849999999999999/profile'))
})

test('GET /instagram/accounts/:igUserId/discovery/:username pages another account\'s media', async () => {
  const first = await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=2`)
  assert.equal(first.status, 200, first.text)
  assert.equal(first.body.data.id, bob)
  assert.equal(first.body.data.username, 'bob.builds')
  assert.equal(first.body.media.length, 2)
  assert.equal(first.body.paging.hasNext, true)
  const seen = first.body.media.map((m) => m.id)
  let after = first.body.paging.after
  while (after) {
    const page = await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=2&after=${encodeURIComponent(after)}`)
    assert.equal(page.status, 200, page.text)
    seen.push(...page.body.media.map((m) => m.id))
    after = page.body.paging.after
  }
  assert.equal(new Set(seen).size, first.body.data.mediaCount)
})

test('discovery: unknown and personal accounts are 404, bad input is 400, other companies refused', async () => {
  for (const name of ['nobody.at.all', 'maya.eats']) {
    t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/${name}`), 404)
  }
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob%20builds`), 400, { field: 'username' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/${'b'.repeat(31)}`), 400, { field: 'username' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=0`), 400, { field: 'limit' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=abc`), 400, { field: 'limit' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?after=a)b`), 400, { field: 'after' })
  t.assertError(await t.api('GET', `/instagram/accounts/x%24y/discovery/bob.builds`), 400, { field: 'igUserId' })
  // Globex's key on acme's account, and acme's key on globex's.
  refused(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds`, { as: 'globex' }))
  refused(await t.api('GET', `/instagram/accounts/${bob}/discovery/alice.bakery`))
})
