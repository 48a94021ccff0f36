// The raw publishing steps (`Containers`), user and product tags on a `Publisher` post, the
// media other accounts tagged an account in, and `Publisher`'s calls on what it published.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType, rejectsInvalid } from './engage-support.mjs'

let ctx
let publisher
let containers

before(async () => {
  ctx = await setup({ sandboxOptions: { config: { reelProcessingMs: 0, imageProcessingMs: 0 } } })
  publisher = new ig.Publisher(ctx.accounts)
  containers = new ig.Containers(ctx.accounts)
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('create, status, wait, publish a container; the limit counts it', async () => {
  const before = await containers.limit(COMPANY, ctx.bakery)
  assert.equal(typeof before.quotaUsage, 'number')
  assert.ok(before.config.quotaTotal > 0)
  const { id } = await containers.create(COMPANY, ctx.bakery, {
    imageUrl: 'https://images.example.com/raw.jpg',
    caption: 'Step by step',
    userTags: [{ username: 'alice.travels', x: 0.2, y: 0.3 }],
  })
  assert.ok(id)
  const state = await containers.status(COMPANY, ctx.bakery, id)
  assert.equal(state.id, id)
  assert.ok(['IN_PROGRESS', 'FINISHED'].includes(state.statusCode), state.statusCode)
  const ready = await containers.wait(COMPANY, ctx.bakery, id, { timeoutMs: 10_000, initialIntervalMs: 10 })
  assert.equal(ready.statusCode, 'FINISHED')
  const published = await containers.publish(COMPANY, ctx.bakery, id)
  assert.ok(published.id)
  assert.equal((await containers.status(COMPANY, ctx.bakery, id)).statusCode, 'PUBLISHED')
  const after = await containers.limit(COMPANY, ctx.bakery)
  assert.equal(after.quotaUsage, before.quotaUsage + 1)
})

test("tagged: other accounts' media the account is tagged in, paged", async () => {
  const media = new ig.Media(ctx.accounts)
  const all = await media.tagged(COMPANY, ctx.travels)
  assert.ok(all.data.length >= 1)
  assert.ok(all.data.every((m) => m.id && m.username && m.username !== 'alice.travels'), JSON.stringify(all.data))
  const first = await media.tagged(COMPANY, ctx.travels, { limit: 1, fields: ['id', 'caption'] })
  assert.deepEqual(first.data.map((m) => m.id), [all.data[0].id])
  assert.equal(first.data[0].username, undefined)
  await rejectsType(media.tagged(COMPANY, ctx.travels, { limit: 0 }), 'options.limit')
})

test('a bad container is refused before any call, naming the field', async () => {
  await rejectsInvalid(containers.create(COMPANY, ctx.bakery, { mediaType: 'CAROUSEL', children: [] }), 'children')
  await assert.rejects(
    containers.create(COMPANY, ctx.bakery, { imageUrl: 'https://images.example.com/a.jpg', colour: 'red' }),
    (e) => e instanceof TypeError && e.argument === 'request',
  )
  await rejectsType(containers.status(COMPANY, ctx.bakery, ''), 'containerId')
  await rejectsType(containers.publish(COMPANY, ctx.bakery, ''), 'containerId')
})

test('a post carries user tags and product tags', async () => {
  const shopping = new ig.Shopping(ctx.accounts)
  const [{ catalogId }] = (await shopping.catalogs(COMPANY, ctx.bakery)).data
  const [product] = (await shopping.searchProducts(COMPANY, ctx.bakery, catalogId, 'rye')).data
  const productId = String(product.productId)
  const post = await publisher.publish(COMPANY, ctx.bakery, {
    kind: 'image',
    url: 'https://images.example.com/tagged.jpg',
    userTags: [{ username: 'alice.travels', x: 0.5, y: 0.5 }],
    productTags: [{ productId, x: 0.1, y: 0.9 }],
  })
  const tags = await shopping.productTags(COMPANY, ctx.bakery, post.mediaId)
  assert.deepEqual(tags.map((t) => [String(t.productId), t.x, t.y]), [[productId, 0.1, 0.9]])
  assert.ok(post.mediaId)
  await rejectsInvalid(
    publisher.publish(COMPANY, ctx.bakery, {
      kind: 'image',
      url: 'https://images.example.com/t.jpg',
      userTags: [{ username: 'alice.travels', x: 1.5, y: 0.5 }],
    }),
    'user_tags',
  )
})

test("the publisher's job, comments on/off and delete", async () => {
  const post = await publisher.publish(
    COMPANY,
    ctx.travels,
    { kind: 'image', url: 'https://images.example.com/job.jpg' },
    { idempotencyKey: 'job-of-a-key' },
  )
  const job = await publisher.job(COMPANY, 'job-of-a-key')
  assert.equal(job.id, post.jobId)
  assert.equal(job.status, 'published')
  assert.equal(await publisher.job(COMPANY, 'no-such-key'), null)

  const media = new ig.Media(ctx.accounts)
  assert.deepEqual(await publisher.setCommentsEnabled(COMPANY, ctx.travels, post.mediaId, false), { success: true })
  assert.equal((await media.get(COMPANY, ctx.travels, post.mediaId)).isCommentEnabled, false)
  assert.deepEqual(await publisher.deleteMedia(COMPANY, ctx.travels, post.mediaId), { success: true })
  await assert.rejects(media.get(COMPANY, ctx.travels, post.mediaId))
  await rejectsType(publisher.deleteMedia(COMPANY, ctx.travels, ''), 'mediaId')
  await rejectsType(publisher.job(COMPANY, ''), 'idempotencyKey')
})
