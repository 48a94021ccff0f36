// The publishing quota as the publisher counts it, a fresh read of Meta's count, and the rate-limit
// usage Meta reported: against the sandbox.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType } from './engage-support.mjs'

let ctx
let publisher

before(async () => {
  ctx = await setup()
  publisher = new ig.Publisher(ctx.accounts)
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('quota counts this publisher’s publishes; refreshQuota reads Meta’s count again', async () => {
  const first = await publisher.quota(COMPANY, ctx.bakery)
  assert.equal(first.remaining, first.total - first.used)
  assert.ok(first.total > 0 && first.windowSeconds > 0, JSON.stringify(first))
  assert.ok(!Number.isNaN(Date.parse(first.readAt)), first.readAt)

  await publisher.publishImage(COMPANY, ctx.bakery, 'https://images.example.com/quota.jpg')
  const counted = await publisher.quota(COMPANY, ctx.bakery)
  assert.equal(counted.used, first.used + 1)
  assert.equal(counted.readAt, first.readAt, 'counted locally, not read again')

  const refreshed = await publisher.refreshQuota(COMPANY, ctx.bakery)
  assert.equal(refreshed.used, counted.used, 'Meta counts the same publish')
  assert.ok(Date.parse(refreshed.readAt) >= Date.parse(first.readAt))

  await rejectsType(publisher.quota('', ctx.bakery), 'companyId')
  await rejectsType(publisher.refreshQuota(COMPANY, ''), 'igUserId')
})

test('rateLimitStatus holds the usage of the latest Graph responses', async () => {
  const fresh = new ig.Client({
    appId: ctx.sandbox.appId,
    mode: 'sandbox',
    sandboxUrl: ctx.sandbox.baseUrl,
  })
  assert.deepEqual(fresh.rateLimitStatus().business, {}, 'nothing reported before any call')
  await publisher.quota(COMPANY, ctx.bakery)
  const status = ctx.client.rateLimitStatus()
  assert.ok(status.app, JSON.stringify(status))
  assert.equal(typeof status.app.callCount, 'number')
  assert.ok(typeof status.updatedAt === 'string', 'camelCase keys')
})
