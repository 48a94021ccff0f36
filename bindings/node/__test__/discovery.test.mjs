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

test('live media while a broadcast runs', async () => {
  const discovery = new ig.Discovery(ctx.accounts)
  assert.deepEqual((await discovery.liveMedia(COMPANY, ctx.bakery)).data, [])
  const res = await fetch(`${ctx.sandbox.baseUrl}/__sandbox/live`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ig_user_id: ctx.bakery, live: true }),
  })
  const started = await res.json()
  const page = await discovery.liveMedia(COMPANY, ctx.bakery, { limit: 5 })
  assert.deepEqual(page.data.map((m) => m.id), [started.id])
  assert.equal(page.data[0].mediaType, 'BROADCAST')
  await rejectsType(discovery.liveMedia(COMPANY, ctx.bakery, { limit: 0 }), 'options.limit')
  await assert.rejects(discovery.liveMedia('other-company', ctx.bakery), (e) => e instanceof ig.NotFoundError)
})

test('oEmbed of a public post with the app token', async () => {
  const discovery = new ig.Discovery(ctx.accounts)
  const media = await new ig.Media(ctx.accounts).list(COMPANY, ctx.bakery, { limit: 10 })
  const post = media.data.find((m) => m.permalink?.includes('/p/'))
  const embed = await discovery.oembed(post.permalink, { maxWidth: 400, omitScript: true })
  assert.ok(embed.html.includes(post.permalink))
  assert.ok(!embed.html.includes('embed.js'))
  assert.equal(embed.width, 400)
  assert.equal(embed.type, 'rich')
  await rejectsInvalid(discovery.oembed('https://example.com/p/x/'), 'url')
  await rejectsInvalid(discovery.oembed(post.permalink, { maxWidth: 100 }), 'max_width')
  await rejectsType(discovery.oembed(''), 'url')
})

test('the hashtag budget seeded from recently searched hashtags after a restart', async () => {
  const before = new ig.Hashtags(ctx.accounts)
  for (const q of ['coffee', 'sourdough', 'COFFEE']) await before.search(COMPANY, ctx.studio, q)
  const listed = await before.recentlySearched(COMPANY, ctx.studio)
  assert.deepEqual(listed.data.map((t) => t.name).sort(), ['coffee', 'sourdough'])
  const restarted = new ig.Hashtags(ctx.accounts)
  assert.deepEqual(await restarted.budget(COMPANY, ctx.studio), { used: 0, remaining: 30 })
  assert.deepEqual(await restarted.seedBudget(COMPANY, ctx.studio), { used: 2, remaining: 28 })
  await rejectsInvalid(restarted.recentlySearched(COMPANY, ctx.studio, { limit: 31 }), 'limit')
  await assert.rejects(restarted.seedBudget('other-company', ctx.studio), (e) => e instanceof ig.NotFoundError)
})

test('the insights metrics added since 2025 by name', async () => {
  const media = await new ig.Media(ctx.accounts).list(COMPANY, ctx.bakery, { limit: 10 })
  const reel = media.data.find((m) => m.mediaProductType === 'REELS')
  const insights = new ig.Insights(ctx.accounts)
  const got = await insights.media(COMPANY, ctx.bakery, reel.id, { metrics: ['reposts', 'reels_skip_rate', 'facebook_views'] })
  assert.deepEqual(got.metrics.map((m) => m.name), ['reposts', 'reels_skip_rate', 'facebook_views'])
  const rate = got.metrics[1].values[0].value
  assert.ok(rate >= 0 && rate <= 100, String(rate))
})
