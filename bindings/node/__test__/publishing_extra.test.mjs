// Trial reels, collaboration invites and Instagram Shopping through the npm package.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsInvalid, rejectsType } from './engage-support.mjs'

let ctx
let publisher

before(async () => {
  ctx = await setup({ sandboxOptions: { config: { reelProcessingMs: 0, imageProcessingMs: 0 } } })
  publisher = new ig.Publisher(ctx.accounts)
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('a trial reel publishes; trial parameters on an image are refused naming the field', async () => {
  const before = ctx.sandbox.publishedCount(ctx.bakery)
  const reel = await publisher.publish(COMPANY, ctx.bakery, {
    kind: 'reel',
    url: 'https://videos.example.com/trial.mp4',
    trialParams: { graduationStrategy: 'MANUAL' },
  })
  assert.ok(reel.mediaId)
  assert.equal(ctx.sandbox.publishedCount(ctx.bakery), before + 1)
  await rejectsInvalid(
    publisher.publish(COMPANY, ctx.bakery, {
      kind: 'image',
      url: 'https://images.example.com/a.jpg',
      trialParams: { graduationStrategy: 'MANUAL' },
    }),
    'trial_params',
  )
  await assert.rejects(
    publisher.publish(COMPANY, ctx.bakery, { kind: 'reel', url: 'https://videos.example.com/t.mp4', trialParams: { graduationStrategy: 'SOMETIMES' } }),
    (e) => e instanceof TypeError && e.argument === 'post',
  )
})

test('collaboration invites: listed, accepted, gone', async () => {
  const collaborations = new ig.Collaborations(ctx.accounts)
  assert.deepEqual((await collaborations.invites(COMPANY, ctx.travels)).data, [])
  const post = await publisher.publish(COMPANY, ctx.bakery, {
    kind: 'image',
    url: 'https://images.example.com/together.jpg',
    caption: 'Together',
    collaborators: ['alice.travels'],
  })
  const page = await collaborations.invites(COMPANY, ctx.travels, { limit: 5 })
  assert.deepEqual(
    page.data.map((i) => [i.mediaId, i.mediaOwnerUsername, i.caption]),
    [[post.mediaId, 'alice.bakery', 'Together']],
  )
  assert.deepEqual(await collaborations.accept(COMPANY, ctx.travels, post.mediaId), { success: true })
  assert.deepEqual((await collaborations.invites(COMPANY, ctx.travels)).data, [])
  await rejectsType(collaborations.decline(COMPANY, ctx.travels, ''), 'mediaId')
  await rejectsInvalid(collaborations.accept(COMPANY, ctx.travels, '1/2'), 'media_id')
  // An account of no company of ours.
  await assert.rejects(collaborations.invites('other', ctx.travels), (e) => e instanceof ig.NotFoundError)
})

test('shopping: catalogs, search, product tags, appeal', async () => {
  const shopping = new ig.Shopping(ctx.accounts)
  assert.equal(await shopping.productTagEligibility(COMPANY, ctx.bakery), true)
  assert.equal(await shopping.productTagEligibility(COMPANY, ctx.travels), false)
  const catalogs = await shopping.catalogs(COMPANY, ctx.bakery)
  assert.equal(catalogs.data.length, 1)
  const { catalogId } = catalogs.data[0]
  const found = await shopping.searchProducts(COMPANY, ctx.bakery, catalogId, 'rye')
  assert.deepEqual(found.data.map((p) => p.productName), ['Rye sourdough'])
  const productId = String(found.data[0].productId)
  const post = await publisher.publish(COMPANY, ctx.bakery, { kind: 'image', url: 'https://images.example.com/rye.jpg' })
  assert.deepEqual(await shopping.updateProductTags(COMPANY, ctx.bakery, post.mediaId, [{ productId, x: 0.5, y: 0.5 }]), { success: true })
  const tags = await shopping.productTags(COMPANY, ctx.bakery, post.mediaId)
  assert.deepEqual(tags.map((t) => [String(t.productId), t.x, t.y]), [[productId, 0.5, 0.5]])
  await rejectsInvalid(shopping.updateProductTags(COMPANY, ctx.bakery, post.mediaId, []), 'updated_tags')
  await rejectsInvalid(shopping.searchProducts(COMPANY, ctx.bakery, catalogId, '   '), 'q')
  assert.deepEqual(await shopping.appeal(COMPANY, ctx.bakery, '4382881195057752', 'A bread knife'), { success: true })
  const status = await shopping.appealStatus(COMPANY, ctx.bakery, '4382881195057752')
  assert.equal(status.eligibleForAppeal, false)
  await rejectsInvalid(shopping.appeal(COMPANY, ctx.bakery, '4382881195057752', ' '), 'appeal_reason')
})
