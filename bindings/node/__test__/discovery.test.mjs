// Discovery: the account's own profile, and business discovery of another professional
// account (profile, media paged with `nextCursor`), unknown and personal accounts not found,
// bad arguments refused before any call, another company's account refused.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType, rejectsInvalid } from './engage-support.mjs'

let ctx

before(async () => {
  ctx = await setup()
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('the own profile', async () => {
  const discovery = new ig.Discovery(ctx.accounts)
  const profile = await discovery.profile(COMPANY, ctx.bakery)
  assert.equal(profile.id, ctx.bakery)
  assert.equal(profile.username, 'alice.bakery')
  assert.equal(profile.followersCount, 5120)
  for (const key of ['name', 'biography', 'website', 'profilePictureUrl', 'followsCount', 'mediaCount']) {
    assert.ok(profile[key] !== undefined, key)
  }
})

test('business discovery pages the media of another account to the end', async () => {
  const discovery = new ig.Discovery(ctx.accounts)
  const first = await discovery.businessDiscovery(COMPANY, ctx.bakery, 'bob.builds', { limit: 2 })
  assert.equal(first.account.id, ctx.bob)
  assert.equal(first.account.username, 'bob.builds')
  assert.equal(first.account.media, undefined, 'the media comes apart from the profile')
  assert.equal(first.media.length, 2)
  const seen = first.media.map((m) => m.id)
  let cursor = first.nextCursor
  while (cursor) {
    const page = await discovery.businessDiscovery(COMPANY, ctx.bakery, 'bob.builds', { limit: 2, after: cursor })
    seen.push(...page.media.map((m) => m.id))
    cursor = page.nextCursor
  }
  assert.equal(new Set(seen).size, seen.length)
  assert.equal(seen.length, first.account.mediaCount)
})

test('unknown and personal accounts are NotFoundError; bad arguments are refused', async () => {
  const discovery = new ig.Discovery(ctx.accounts)
  for (const name of ['nobody.at.all', 'maya.eats']) {
    await assert.rejects(discovery.businessDiscovery(COMPANY, ctx.bakery, name), (e) => {
      assert.ok(e instanceof ig.NotFoundError, `${e.name}: ${e.message}`)
      return true
    })
  }
  await rejectsInvalid(discovery.businessDiscovery(COMPANY, ctx.bakery, 'bob builds'), 'username')
  await rejectsInvalid(discovery.businessDiscovery(COMPANY, ctx.bakery, 'b'.repeat(31)), 'username')
  await rejectsType(discovery.businessDiscovery(COMPANY, ctx.bakery, ''), 'username')
  await rejectsType(discovery.businessDiscovery(COMPANY, ctx.bakery, 'bob.builds', { limit: 0 }), 'options.limit')
  await rejectsType(discovery.businessDiscovery(COMPANY, ctx.bakery, 'bob.builds', { mediaFields: [] }), 'options.mediaFields')
  await rejectsInvalid(discovery.businessDiscovery(COMPANY, ctx.bakery, 'bob.builds', { after: 'x)y' }), 'media_after')
})

test("another company's account is not found", async () => {
  const discovery = new ig.Discovery(ctx.accounts)
  await assert.rejects(discovery.profile('other-company', ctx.bakery), (e) => e instanceof ig.NotFoundError)
  await assert.rejects(
    discovery.businessDiscovery('other-company', ctx.bakery, 'bob.builds'),
    (e) => e instanceof ig.NotFoundError,
  )
})
