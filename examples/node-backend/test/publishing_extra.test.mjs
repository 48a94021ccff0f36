// More publishing: rescheduling, stories, trial reels, collaboration invites, Instagram
// Shopping, the token sweep on demand; bad input (4xx, never 5xx) and tenancy for each.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend, eventually } from './support.mjs'

let t
let bakery // acme's (Alice's) account with a shop
let travels // acme's other account
let bob // globex's account
let acmeToken // acme's connection (token id)

before(async () => {
  t = await startBackend()
  await t.sandboxConfig({ reel_processing_ms: 300, video_processing_ms: 300 })
  const acme = await t.connect('acme', 0)
  acmeToken = acme.tokenId
  const globex = await t.connect('globex', 1)
  const add = async (company, tokenId) => {
    const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`, { as: company })
    assert.equal(found.status, 200, found.text)
    const accounts = found.body.data.accounts
    const added = await t.api('POST', '/instagram/add-instagram-account', { as: company, body: { instagramAccounts: accounts } })
    assert.equal(added.status, 200, added.text)
    return accounts
  }
  const acmeAccounts = await add('acme', acme.tokenId)
  bakery = acmeAccounts.find((a) => a.username === 'alice.bakery').id
  travels = acmeAccounts.find((a) => a.username === 'alice.travels').id
  bob = (await add('globex', globex.tokenId))[0].id
})

after(async () => {
  await t?.stop()
})

const IMAGE = 'https://images.example.com/photo.jpg'
const VIDEO = 'https://videos.example.com/reel.mp4'
const DAY_MS = 24 * 3600 * 1000

test('POST /instagram/reels with trialParams publishes a trial reel; bad trialParams are 400', async () => {
  const before = t.sandbox.publishedCount(bakery)
  const reel = await t.api('POST', '/instagram/reels', {
    body: { igUserId: bakery, videoUrl: VIDEO, caption: 'Trial', trialParams: { graduationStrategy: 'SS_PERFORMANCE' } },
  })
  assert.equal(reel.status, 201, reel.text)
  assert.equal(t.sandbox.publishedCount(bakery), before + 1)
  // Kept on a scheduled reel too.
  const later = await t.api('POST', '/instagram/schedule', {
    body: { igUserId: bakery, kind: 'reel', videoUrl: VIDEO, publishAt: new Date(Date.now() + 5 * DAY_MS).toISOString(), trialParams: { graduationStrategy: 'MANUAL' } },
  })
  assert.equal(later.status, 201, later.text)
  assert.deepEqual(later.body.data.post.trialParams, { graduationStrategy: 'MANUAL' })
  await t.api('DELETE', `/instagram/schedule/${later.body.data.id}`)

  const reelWith = (trialParams, as = 'acme', igUserId = bakery) =>
    t.api('POST', '/instagram/reels', { as, body: { igUserId, videoUrl: VIDEO, trialParams } })
  t.assertError(await reelWith('MANUAL'), 400, { field: 'trialParams' })
  t.assertError(await reelWith([]), 400, { field: 'trialParams' })
  t.assertError(await reelWith({ graduationStrategy: 'SOMETIMES' }), 400, { field: 'trialParams.graduationStrategy' })
  t.assertError(await reelWith({}), 400, { field: 'trialParams.graduationStrategy' })
  // Company B's key on company A's account.
  t.assertError(await reelWith({ graduationStrategy: 'MANUAL' }, 'globex'), 404)
  assert.equal(t.sandbox.publishedCount(bakery), before + 1)
})

test('PATCH /instagram/schedule/:jobId moves a scheduled post; refused once published; per company', async () => {
  const at = (days) => new Date(Date.now() + days * DAY_MS).toISOString()
  const created = await t.api('POST', '/instagram/schedule', { body: { igUserId: bakery, publishAt: at(3), imageUrl: IMAGE } })
  assert.equal(created.status, 201, created.text)
  const job = created.body.data
  const moved = await t.api('PATCH', `/instagram/schedule/${job.id}`, { body: { publishAt: at(4) } })
  assert.equal(moved.status, 200, moved.text)
  assert.equal(moved.body.data.id, job.id)
  assert.equal(moved.body.data.status, 'scheduled')
  assert.ok(new Date(moved.body.data.publishAt) > new Date(job.publishAt))

  t.assertError(await t.api('PATCH', `/instagram/schedule/${job.id}`, { body: {} }), 400, { field: 'publishAt' })
  t.assertError(await t.api('PATCH', `/instagram/schedule/${job.id}`, { body: { publishAt: 'soon' } }), 400, { field: 'publishAt' })
  t.assertError(await t.api('PATCH', `/instagram/schedule/${job.id}`, { body: { publishAt: '9999-01-01T00:00:00Z' } }), 400, { field: 'publishAt' })
  t.assertError(await t.api('PATCH', '/instagram/schedule/not%20an%20id', { body: { publishAt: at(1) } }), 400)
  t.assertError(await t.api('PATCH', '/instagram/schedule/1234567', { body: { publishAt: at(1) } }), 404)
  // Company B cannot move A's job.
  t.assertError(await t.api('PATCH', `/instagram/schedule/${job.id}`, { as: 'globex', body: { publishAt: at(1) } }), 404)

  // Due now: the worker publishes it; a published job is not moved.
  const due = await t.api('PATCH', `/instagram/schedule/${job.id}`, { body: { publishAt: new Date().toISOString() } })
  assert.equal(due.status, 200, due.text)
  const done = await eventually(async () => {
    const one = await t.api('GET', `/instagram/schedule/${job.id}`)
    return one.body.data.status === 'published' ? one.body.data : null
  })
  assert.ok(done, 'the rescheduled post was published')
  const refused = await t.api('PATCH', `/instagram/schedule/${job.id}`, { body: { publishAt: at(2) } })
  t.assertError(refused, 400)
  assert.match(refused.body.error.message, /published/)
})

test('GET /instagram/stories lists the live stories; per company', async () => {
  const story = await t.api('POST', '/instagram/stories', { body: { igUserId: bakery, imageUrl: IMAGE } })
  assert.equal(story.status, 201, story.text)
  const res = await t.api('GET', `/instagram/stories?igUserId=${bakery}`)
  assert.equal(res.status, 200, res.text)
  assert.ok(res.body.data.data.some((s) => s.id === story.body.postId), res.text)
  t.assertError(await t.api('GET', '/instagram/stories'), 400, { field: 'igUserId' })
  t.assertError(await t.api('GET', '/instagram/stories?igUserId=not%20an%20id'), 400, { field: 'igUserId' })
  t.assertError(await t.api('GET', `/instagram/stories?igUserId=${bakery}`, { as: 'globex' }), 404)
  t.assertError(await t.api('GET', `/instagram/stories?igUserId=${bakery}&companyId=acme`, { as: 'globex' }), 403)
})

test('collaboration invites: a post naming an account invites it; list, accept, decline; per company', async () => {
  const invites = (as = 'acme', igUserId = travels) => t.api('GET', `/instagram/collaboration-invites?igUserId=${igUserId}`, { as })
  assert.deepEqual((await invites()).body.data, [])
  const post = async (caption) => {
    const res = await t.api('POST', '/instagram/carousels', {
      body: { igUserId: bakery, caption, items: [{ imageUrl: IMAGE }, { imageUrl: 'https://images.example.com/b.jpg' }], collaborators: ['alice.travels'] },
    })
    assert.equal(res.status, 201, res.text)
    return res.body.postId
  }
  const first = await post('Together')
  const second = await post('Again')
  const listed = await invites()
  assert.equal(listed.status, 200, listed.text)
  assert.deepEqual(listed.body.data.map((i) => i.mediaId), [second, first])
  assert.equal(listed.body.data[0].mediaOwnerUsername, 'alice.bakery')
  const page = await t.api('GET', `/instagram/collaboration-invites?igUserId=${travels}&limit=1`)
  assert.equal(page.body.data.length, 1)
  assert.equal(page.body.paging.hasNext, true)

  // Company B can neither read nor answer A's invites.
  t.assertError(await invites('globex'), 404)
  t.assertError(await t.api('POST', `/instagram/collaboration-invites/${first}/accept`, { as: 'globex', body: { igUserId: travels } }), 404)

  const accepted = await t.api('POST', `/instagram/collaboration-invites/${first}/accept`, { body: { igUserId: travels } })
  assert.equal(accepted.status, 200, accepted.text)
  assert.deepEqual(accepted.body, { success: true })
  const declined = await t.api('POST', `/instagram/collaboration-invites/${second}/decline`, { body: { igUserId: travels } })
  assert.equal(declined.status, 200, declined.text)
  assert.deepEqual((await invites()).body.data, [])
  // Answering twice is Meta's invalid parameter.
  t.assertError(await t.api('POST', `/instagram/collaboration-invites/${first}/decline`, { body: { igUserId: travels } }), 400)

  t.assertError(await t.api('GET', '/instagram/collaboration-invites'), 400, { field: 'igUserId' })
  t.assertError(await t.api('GET', `/instagram/collaboration-invites?igUserId=${travels}&limit=0`), 400, { field: 'limit' })
  t.assertError(await t.api('POST', `/instagram/collaboration-invites/${first}/accept`, { body: {} }), 400, { field: 'igUserId' })
  t.assertError(await t.api('POST', '/instagram/collaboration-invites/a%20b/accept', { body: { igUserId: travels } }), 400, { field: 'mediaId' })
  t.assertError(await t.api('POST', `/instagram/collaboration-invites/${first}/maybe`, { body: { igUserId: travels } }), 404)
  // Four collaborators are more than Meta takes: the SDK refuses before any call.
  t.assertError(
    await t.api('POST', '/instagram/carousels', {
      body: { igUserId: bakery, items: [{ imageUrl: IMAGE }, { imageUrl: IMAGE }], collaborators: ['a', 'b', 'c', 'd'] },
    }),
    400,
    { field: 'collaborators' },
  )
})

test('shopping: catalogs, product search, product tags, appeals; per company', async () => {
  const catalogs = await t.api('GET', `/instagram/catalogs?igUserId=${bakery}`)
  assert.equal(catalogs.status, 200, catalogs.text)
  assert.equal(catalogs.body.eligible, true)
  assert.equal(catalogs.body.data.length, 1)
  const catalogId = catalogs.body.data[0].catalogId
  const none = await t.api('GET', `/instagram/catalogs?igUserId=${travels}`)
  assert.equal(none.body.eligible, false)
  assert.deepEqual(none.body.data, [])

  const search = await t.api('GET', `/instagram/catalogs/${catalogId}/products?igUserId=${bakery}&q=sourdough`)
  assert.equal(search.status, 200, search.text)
  assert.equal(search.body.data.length, 2)
  const productId = String(search.body.data[0].productId)

  const published = await t.api('POST', '/instagram/social/post/instagram', { body: { igUserId: bakery, imageUrl: IMAGE } })
  assert.equal(published.status, 201, published.text)
  const media = published.body.postId
  const tagged = await t.api('POST', `/instagram/media/${media}/product-tags`, {
    body: { igUserId: bakery, tags: [{ productId, x: 0.25, y: 0.75 }] },
  })
  assert.equal(tagged.status, 200, tagged.text)
  const tags = await t.api('GET', `/instagram/media/${media}/product-tags?igUserId=${bakery}`)
  assert.equal(tags.status, 200, tags.text)
  assert.deepEqual(tags.body.data.map((tag) => [String(tag.productId), tag.x, tag.y]), [[productId, 0.25, 0.75]])

  const appeal = await t.api('POST', '/instagram/products/4382881195057752/appeal', { body: { igUserId: bakery, reason: 'A bread knife' } })
  assert.equal(appeal.status, 200, appeal.text)
  const status = await t.api('GET', `/instagram/products/4382881195057752/appeal?igUserId=${bakery}`)
  assert.equal(status.body.data.eligibleForAppeal, false)

  // Bad input: 400 naming the field, never a 5xx.
  t.assertError(await t.api('GET', '/instagram/catalogs'), 400, { field: 'igUserId' })
  t.assertError(await t.api('GET', `/instagram/catalogs/a%20b/products?igUserId=${bakery}`), 400, { field: 'catalogId' })
  t.assertError(await t.api('GET', `/instagram/catalogs/${catalogId}/products?igUserId=${bakery}&limit=1000`), 400, { field: 'limit' })
  t.assertError(await t.api('GET', `/instagram/catalogs/${catalogId}/products?igUserId=${bakery}&q=%20`), 400, { field: 'q' })
  t.assertError(await t.api('GET', `/instagram/catalogs/123/products?igUserId=${bakery}`), 400)
  const tag = (body) => t.api('POST', `/instagram/media/${media}/product-tags`, { body: { igUserId: bakery, ...body } })
  t.assertError(await tag({}), 400, { field: 'tags' })
  t.assertError(await tag({ tags: 'x' }), 400, { field: 'tags' })
  t.assertError(await tag({ tags: [{}] }), 400, { field: 'tags[0].productId' })
  t.assertError(await tag({ tags: [{ productId, x: '0.5', y: 0.5 }] }), 400, { field: 'tags[0].x' })
  t.assertError(await tag({ tags: [] }), 400, { field: 'updatedTags' })
  t.assertError(await tag({ tags: [{ productId, x: 2, y: 0.5 }] }), 400, { field: 'updatedTags' })
  const many = Array.from({ length: 31 }, (_, i) => ({ productId: `${1000 + i}` }))
  t.assertError(await tag({ tags: many }), 400, { field: 'updatedTags' })
  t.assertError(await tag({ tags: [{ productId: '4382881195057752', x: 0.5, y: 0.5 }] }), 400)
  t.assertError(await t.api('POST', '/instagram/products/4382881195057752/appeal', { body: { igUserId: bakery } }), 400, { field: 'reason' })

  // Company B's key on company A's account and media.
  t.assertError(await t.api('GET', `/instagram/catalogs?igUserId=${bakery}`, { as: 'globex' }), 404)
  t.assertError(await t.api('GET', `/instagram/catalogs/${catalogId}/products?igUserId=${bakery}`, { as: 'globex' }), 404)
  t.assertError(await t.api('GET', `/instagram/media/${media}/product-tags?igUserId=${bakery}`, { as: 'globex' }), 404)
  t.assertError(
    await t.api('POST', `/instagram/media/${media}/product-tags`, { as: 'globex', body: { igUserId: bakery, tags: [{ productId }] } }),
    404,
  )
  // B's own account cannot reach A's media either (Meta refuses: not B's).
  const cross = await t.api('POST', `/instagram/media/${media}/product-tags`, { as: 'globex', body: { igUserId: bob, tags: [{ productId }] } })
  assert.ok(cross.status >= 400 && cross.status < 500, cross.text)
  t.assertError(await t.api('POST', '/instagram/products/4382881195057752/appeal', { as: 'globex', body: { igUserId: bakery, reason: 'x' } }), 404)
})

test('POST /instagram/tokens/sweep runs the sweep now, for the caller\'s company only', async () => {
  const res = await t.api('POST', '/instagram/tokens/sweep', { body: {} })
  assert.equal(res.status, 200, res.text)
  assert.ok(Array.isArray(res.body.data.refreshed))
  assert.ok(Array.isArray(res.body.data.reconnect))
  const within = await t.api('POST', '/instagram/tokens/sweep', { body: { withinDays: 59 } })
  assert.equal(within.status, 200, within.text)
  t.assertError(await t.api('POST', '/instagram/tokens/sweep', { body: { withinDays: 0 } }), 400, { field: 'withinDays' })
  t.assertError(await t.api('POST', '/instagram/tokens/sweep', { body: { withinDays: 'week' } }), 400, { field: 'withinDays' })
  t.assertError(await t.api('POST', '/instagram/tokens/sweep', { as: 'globex', body: { companyId: 'acme' } }), 403)
  t.assertError(await t.api('POST', '/instagram/tokens/sweep', { as: null, body: {} }), 401)
})

test('GET /instagram/businesses names the portfolios and the Pages without an Instagram account', async () => {
  const res = await t.api('GET', `/instagram/businesses?tokenId=${acmeToken}`)
  assert.equal(res.status, 200, res.text)
  assert.deepEqual(res.body.businesses.map((b) => b.name), ['Alice Agency'])
  assert.deepEqual(res.body.pagesWithoutInstagram.map((p) => p.name), ['Alice Notes'])
  assert.ok(res.body.pages.length >= 1)
  // From the store (no token id): portfolios by id only.
  const stored = await t.api('GET', '/instagram/businesses')
  assert.equal(stored.status, 200, stored.text)
  assert.deepEqual(stored.body.businesses.map((b) => b.id), res.body.businesses.map((b) => b.id))
  assert.equal(stored.body.pagesWithoutInstagram, null)
  t.assertError(await t.api('GET', '/instagram/businesses?tokenId=not%20an%20id'), 400, { field: 'tokenId' })
  // Company B's key with company A's connection.
  t.assertError(await t.api('GET', `/instagram/businesses?tokenId=${acmeToken}`, { as: 'globex' }), 404)
  const theirs = await t.api('GET', '/instagram/businesses', { as: 'globex' })
  assert.equal(theirs.status, 200, theirs.text)
  assert.ok(!theirs.text.includes('Alice'), theirs.text)
})
