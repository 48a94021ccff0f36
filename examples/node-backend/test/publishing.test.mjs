// Publishing: the old image route, stories, reels, carousels and scheduled posts; tenancy.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend, eventually } from './support.mjs'

let t
let bakery // an account of acme (Alice's)
let bob // globex's account

async function addAll(company, tokenId) {
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`, { as: company })
  assert.equal(found.status, 200, found.text)
  const accounts = found.body.data.accounts
  const add = await t.api('POST', '/instagram/add-instagram-account', { as: company, body: { instagramAccounts: accounts } })
  assert.equal(add.status, 200, add.text)
  return accounts
}

before(async () => {
  t = await startBackend()
  // Shorter video processing: the publisher's polling is the same, the test waits less.
  await t.sandboxConfig({ reel_processing_ms: 300, video_processing_ms: 300 })
  const acme = await t.connect('acme', 0)
  const globex = await t.connect('globex', 1)
  bakery = (await addAll('acme', acme.tokenId)).find((a) => a.username === 'alice.bakery').id
  bob = (await addAll('globex', globex.tokenId))[0].id
})

after(async () => {
  await t?.stop()
})

const IMAGE = 'https://images.example.com/photo.jpg'
const DAY_MS = 24 * 3600 * 1000

test('POST /instagram/social/post/instagram publishes an image, exactly once per key', async () => {
  const before = t.sandbox.publishedCount(bakery)
  const res = await t.api('POST', '/instagram/social/post/instagram', {
    body: { instagramBusinessId: bakery, caption: 'Fresh #sourdough', imageUrl: IMAGE, userAccessToken: 'ignored' },
    headers: { 'idempotency-key': 'post-1' },
  })
  assert.equal(res.status, 201, res.text)
  assert.deepEqual(Object.keys(res.body).sort(), ['mediaId', 'permalink', 'platform', 'postId', 'response', 'success'])
  assert.equal(res.body.success, true)
  assert.equal(res.body.platform, 'instagram')
  assert.ok(res.body.mediaId, 'the container id')
  assert.ok(res.body.postId, 'the published media id')
  assert.notEqual(res.body.mediaId, res.body.postId)
  assert.equal(t.sandbox.publishedCount(bakery), before + 1)

  const again = await t.api('POST', '/instagram/social/post/instagram', {
    body: { instagramBusinessId: bakery, caption: 'Fresh #sourdough', imageUrl: IMAGE, idempotencyKey: 'post-1' },
  })
  assert.equal(again.status, 200, again.text)
  assert.equal(again.body.postId, res.body.postId)
  assert.equal(again.body.response.replayed, true)
  assert.equal(t.sandbox.publishedCount(bakery), before + 1)

  // The published post is readable through the media route.
  const media = await t.api('GET', `/instagram/media/${res.body.postId}?igUserId=${bakery}`)
  assert.equal(media.status, 200, media.text)
  assert.equal(media.body.data.id, res.body.postId)
})

test('the limits are the SDK\'s: 2,200 emoji and a 255-byte key are accepted', async () => {
  const before = t.sandbox.publishedCount(bakery)
  // 2,200 characters that are 4,400 UTF-16 units: Meta counts characters.
  const caption = '\u{1F950}'.repeat(2200)
  const res = await t.api('POST', '/instagram/social/post/instagram', {
    body: { instagramBusinessId: bakery, imageUrl: IMAGE, caption, idempotencyKey: 'k'.repeat(255) },
  })
  assert.equal(res.status, 201, res.text)
  assert.equal(t.sandbox.publishedCount(bakery), before + 1)
})

test('publishing refuses bad input and other companies\' accounts before any call', async () => {
  const before = t.sandbox.publishedCount(bakery)
  const post = (body, as = 'acme') => t.api('POST', '/instagram/social/post/instagram', { as, body })
  t.assertError(await post({ caption: 'x', imageUrl: IMAGE }), 400, { field: 'igUserId' })
  t.assertError(await post({ instagramBusinessId: bakery }), 400, { field: 'imageUrl' })
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: 'not a url' }), 400, { field: 'imageUrl' })
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: 'file:///etc/passwd' }), 400, { field: 'imageUrl' })
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: IMAGE, caption: 'x'.repeat(2201) }), 400, { field: 'caption' })
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: IMAGE, caption: 42 }), 400, { field: 'caption' })
  const hashtags = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ')
  const tooMany = await post({ instagramBusinessId: bakery, imageUrl: IMAGE, caption: hashtags })
  t.assertError(tooMany, 400)
  // The SDK's limits, in its units (characters, not UTF-16 units), reported under this API's names.
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: IMAGE, altText: 'a'.repeat(1001) }), 400, { field: 'altText' })
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: IMAGE, idempotencyKey: 'k'.repeat(256) }), 400, {
    field: 'idempotencyKey',
  })
  const eleven = Array.from({ length: 11 }, (_, i) => ({ imageUrl: `https://images.example.com/${i}.jpg` }))
  t.assertError(await t.api('POST', '/instagram/carousels', { body: { igUserId: bakery, items: eleven } }), 400, { field: 'items' })
  // Company B's key on company A's account.
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: IMAGE }, 'globex'), 404)
  t.assertError(await post({ instagramBusinessId: bakery, imageUrl: IMAGE, companyId: 'acme' }, 'globex'), 403)
  assert.equal(t.sandbox.publishedCount(bakery), before)
})

test('POST /instagram/stories, /instagram/reels and /instagram/carousels', async () => {
  const before = t.sandbox.publishedCount(bakery)
  const story = await t.api('POST', '/instagram/stories', { body: { igUserId: bakery, imageUrl: IMAGE } })
  assert.equal(story.status, 201, story.text)
  assert.equal(story.body.platform, 'instagram')
  assert.ok(story.body.postId)

  const reel = await t.api('POST', '/instagram/reels', {
    body: { igUserId: bakery, videoUrl: 'https://videos.example.com/reel.mp4', caption: 'Behind the oven', shareToFeed: true },
  })
  assert.equal(reel.status, 201, reel.text)
  assert.ok(reel.body.postId)

  const carousel = await t.api('POST', '/instagram/carousels', {
    body: {
      igUserId: bakery,
      caption: 'Three loaves',
      items: [{ imageUrl: IMAGE }, { imageUrl: 'https://images.example.com/b.jpg', altText: 'a loaf' }, { videoUrl: 'https://videos.example.com/c.mp4' }],
    },
  })
  assert.equal(carousel.status, 201, carousel.text)
  assert.equal(carousel.body.response.itemContainers.length, 3)
  assert.equal(t.sandbox.publishedCount(bakery), before + 3)

  t.assertError(await t.api('POST', '/instagram/stories', { body: { igUserId: bakery } }), 400, { field: 'imageUrl' })
  t.assertError(
    await t.api('POST', '/instagram/stories', { body: { igUserId: bakery, imageUrl: IMAGE, videoUrl: 'https://v.example.com/a.mp4' } }),
    400,
  )
  t.assertError(await t.api('POST', '/instagram/reels', { body: { igUserId: bakery } }), 400, { field: 'videoUrl' })
  t.assertError(await t.api('POST', '/instagram/carousels', { body: { igUserId: bakery, items: [{ imageUrl: IMAGE }] } }), 400, {
    field: 'items',
  })
  t.assertError(
    await t.api('POST', '/instagram/carousels', { body: { igUserId: bakery, items: [{ imageUrl: IMAGE }, { file: '/etc/passwd' }] } }),
    400,
    { field: 'items[1].url' },
  )
  t.assertError(await t.api('POST', '/instagram/reels', { as: 'globex', body: { igUserId: bakery, videoUrl: 'https://v.example.com/a.mp4' } }), 404)
  assert.equal(t.sandbox.publishedCount(bakery), before + 3)
})

test('scheduling: schedule, list, get, the worker publishes, cancel; per company', async () => {
  const before = t.sandbox.publishedCount(bakery)
  const soon = new Date(Date.now() + 500).toISOString()
  const res = await t.api('POST', '/instagram/schedule', {
    body: { igUserId: bakery, publishAt: soon, imageUrl: IMAGE, caption: 'Later' },
  })
  assert.equal(res.status, 201, res.text)
  const job = res.body.data
  assert.equal(job.status, 'scheduled')
  assert.equal(job.igUserId, bakery)
  assert.equal(job.companyId, 'acme')

  const later = await t.api('POST', '/instagram/schedule', {
    body: { igUserId: bakery, publishAt: new Date(Date.now() + 30 * DAY_MS).toISOString(), kind: 'story', imageUrl: IMAGE },
  })
  assert.equal(later.status, 201, later.text)

  const list = await t.api('GET', '/instagram/schedule')
  assert.equal(list.status, 200)
  assert.ok(list.body.data.some((j) => j.id === job.id))
  assert.deepEqual(
    (await t.api('GET', '/instagram/schedule?status=scheduled')).body.data.map((j) => j.status).filter((s) => s !== 'scheduled'),
    [],
  )

  // The worker started with the server publishes it (bounded polling, not a fixed sleep).
  const done = await eventually(async () => {
    const one = await t.api('GET', `/instagram/schedule/${job.id}`)
    return one.body.data.status === 'published' ? one.body.data : null
  })
  assert.ok(done, 'the scheduled post was published')
  assert.ok(done.mediaId)
  assert.equal(t.sandbox.publishedCount(bakery), before + 1)

  // Company B sees none of A's jobs and cannot touch them.
  // (B's list holds B's own failed attempts on A's account, never A's jobs.)
  const theirs = (await t.api('GET', '/instagram/schedule', { as: 'globex' })).body.data
  assert.ok(theirs.every((j) => j.companyId === 'globex' && j.id !== job.id && j.id !== later.body.data.id))
  t.assertError(await t.api('GET', `/instagram/schedule/${later.body.data.id}`, { as: 'globex' }), 404)
  t.assertError(await t.api('DELETE', `/instagram/schedule/${later.body.data.id}`, { as: 'globex' }), 404)
  t.assertError(
    await t.api('POST', '/instagram/schedule', { as: 'globex', body: { igUserId: bakery, publishAt: soon, imageUrl: IMAGE } }),
    404,
  )

  // Newest first, page by page with `after`.
  const [newest] = (await t.api('GET', '/instagram/schedule?limit=1')).body.data
  assert.equal(newest.id, later.body.data.id)
  const [next] = (await t.api('GET', `/instagram/schedule?limit=1&after=${newest.id}`)).body.data
  assert.equal(next.id, job.id)
  t.assertError(await t.api('GET', '/instagram/schedule?after=not%20an%20id'), 400, { field: 'after' })

  const cancel = await t.api('DELETE', `/instagram/schedule/${later.body.data.id}`)
  assert.equal(cancel.status, 200, cancel.text)
  assert.equal(cancel.body.data.status, 'cancelled')

  t.assertError(await t.api('POST', '/instagram/schedule', { body: { igUserId: bakery, imageUrl: IMAGE } }), 400, { field: 'publishAt' })
  t.assertError(await t.api('POST', '/instagram/schedule', { body: { igUserId: bakery, imageUrl: IMAGE, publishAt: 'tomorrow-ish' } }), 400, {
    field: 'publishAt',
  })
  t.assertError(await t.api('POST', '/instagram/schedule', { body: { igUserId: bakery, publishAt: soon, kind: 'tweet' } }), 400, {
    field: 'kind',
  })
  t.assertError(await t.api('GET', '/instagram/schedule?status=nope'), 400, { field: 'status' })
  t.assertError(await t.api('GET', '/instagram/schedule/not%20an%20id'), 400)
  assert.ok(bob)
})

test('publishAt outside a year ago … two years ahead: 400 naming publishAt, nothing stored', async () => {
  const jobs = async () => (await t.api('GET', '/instagram/schedule')).body.data.length
  const stored = await jobs()
  const far = [
    '1900-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
    0,
    -8.64e15, // the earliest JS date, beyond what the SDK represents
    new Date(Date.now() - 400 * DAY_MS).toISOString(),
    new Date(Date.now() + 800 * DAY_MS).toISOString(),
  ]
  for (const publishAt of far) {
    const res = await t.api('POST', '/instagram/schedule', { body: { igUserId: bakery, publishAt, imageUrl: IMAGE } })
    t.assertError(res, 400, { field: 'publishAt' })
  }
  // Refused before the account is looked up or anything reaches the store.
  t.assertError(
    await t.api('POST', '/instagram/schedule', { body: { igUserId: '999', publishAt: '1900-01-01T00:00:00Z', imageUrl: IMAGE } }),
    400,
    { field: 'publishAt' },
  )
  assert.equal(await jobs(), stored)
})

test('collaborators on an image and people tagged on a story reach the SDK, which checks them', async () => {
  const tag = { username: 'alice.travels', x: 0.25, y: 0.75 }
  const ahead = new Date(Date.now() + 30 * DAY_MS).toISOString()
  // Stored as sent: the scheduled job's post is the route's.
  const image = await t.api('POST', '/instagram/schedule', {
    body: { igUserId: bakery, publishAt: ahead, kind: 'image', imageUrl: IMAGE, caption: 'With friends', collaborators: ['alice.travels'], userTags: [tag] },
  })
  assert.equal(image.status, 201, image.text)
  assert.deepEqual(image.body.data.post.collaborators, ['alice.travels'])
  const story = await t.api('POST', '/instagram/schedule', { body: { igUserId: bakery, publishAt: ahead, kind: 'story', imageUrl: IMAGE, userTags: [tag] } })
  assert.equal(story.status, 201, story.text)
  assert.deepEqual(story.body.data.post.userTags, [tag])
  for (const id of [image.body.data.id, story.body.data.id]) await t.api('DELETE', `/instagram/schedule/${id}`)

  // Published now: both accepted; past the SDK's limits, its refusal names the field.
  const posted = await t.api('POST', '/instagram/social/post/instagram', { body: { igUserId: bakery, imageUrl: IMAGE, collaborators: ['alice.travels'] } })
  assert.equal(posted.status, 201, posted.text)
  const storied = await t.api('POST', '/instagram/stories', { body: { igUserId: bakery, imageUrl: IMAGE, userTags: [tag] } })
  assert.equal(storied.status, 201, storied.text)
  const four = await t.api('POST', '/instagram/social/post/instagram', { body: { igUserId: bakery, imageUrl: IMAGE, collaborators: ['a1', 'a2', 'a3', 'a4'] } })
  t.assertError(four, 400, { field: 'collaborators' })
  const outside = await t.api('POST', '/instagram/stories', { body: { igUserId: bakery, imageUrl: IMAGE, userTags: [{ ...tag, x: 2 }] } })
  t.assertError(outside, 400)
  assert.match(outside.body.error.field, /user_?tags/i)
})
