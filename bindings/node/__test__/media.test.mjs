// Media: list with cursors, listAll streamed in Rust, stories, get, children, delete and
// comments on/off, against the sandbox; tokens stay in Rust (found by company + account).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, connect, ig, COMPANY, rejectsType, rejectsGraph } from './engage-support.mjs'

let ctx
let media

before(async () => {
  ctx = await setup()
  media = new ig.Media(ctx.accounts)
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('list pages with cursors, newest first', async () => {
  const seeded = ctx.seed.instagramAccounts.find((a) => a.id === ctx.bakery).media
  const first = await media.list(COMPANY, ctx.bakery, { limit: 2 })
  assert.deepEqual(first.data.map((m) => m.id), seeded.slice(0, 2))
  assert.equal(first.paging.hasNext, true)
  assert.equal(typeof first.paging.after, 'string')
  assert.ok(first.data[0].mediaType, 'camelCase keys')
  assert.ok(first.data[0].permalink.startsWith('https://www.instagram.com/'))
  const second = await media.list(COMPANY, ctx.bakery, { limit: 2, after: first.paging.after })
  assert.deepEqual(second.data.map((m) => m.id), seeded.slice(2, 4))
  const picked = await media.list(COMPANY, ctx.bakery, { limit: 1, fields: ['id', 'caption'] })
  assert.deepEqual(Object.keys(picked.data[0]).sort(), ['caption', 'id'])
})

test('listAll streams every page, or stops at max', async () => {
  const seeded = ctx.seed.instagramAccounts.find((a) => a.id === ctx.bakery).media
  const all = await media.listAll(COMPANY, ctx.bakery, { limit: 2 })
  assert.deepEqual(all.map((m) => m.id), seeded)
  const three = await media.listAll(COMPANY, ctx.bakery, { max: 3, limit: 2 })
  assert.deepEqual(three.map((m) => m.id), seeded.slice(0, 3))
  const defaults = await media.listAll(COMPANY, ctx.bakery)
  assert.equal(defaults.length, seeded.length)
})

test('get, children of a carousel, stories', async () => {
  const all = await media.listAll(COMPANY, ctx.bakery)
  const carousel = all.find((m) => m.mediaType === 'CAROUSEL_ALBUM')
  assert.ok(carousel, 'the bakery has a carousel')
  const one = await media.get(COMPANY, ctx.bakery, carousel.id)
  assert.equal(one.id, carousel.id)
  assert.equal(one.caption, carousel.caption)
  const narrow = await media.get(COMPANY, ctx.bakery, carousel.id, { fields: ['id', 'like_count'] })
  assert.equal(typeof narrow.likeCount, 'number')
  assert.equal(narrow.caption, undefined)
  const children = await media.children(COMPANY, ctx.bakery, carousel.id)
  assert.equal(children.length, 3)
  assert.ok(children.every((c) => c.id && c.mediaType))

  const stories = await media.stories(COMPANY, ctx.studio)
  const ids = stories.data.map((s) => s.id)
  assert.ok(ids.includes(ctx.seed.engagement.storyManyViewers), JSON.stringify(ids))
  assert.equal(stories.paging.hasNext, false)
})

test('comments on/off and delete; a carousel item cannot be deleted alone', async () => {
  const [newest] = (await media.list(COMPANY, ctx.travels, { limit: 1 })).data
  assert.deepEqual(await media.setCommentsEnabled(COMPANY, ctx.travels, newest.id, false), { success: true })
  assert.equal((await media.get(COMPANY, ctx.travels, newest.id)).isCommentEnabled, false)
  await media.setCommentsEnabled(COMPANY, ctx.travels, newest.id, true)
  assert.equal((await media.get(COMPANY, ctx.travels, newest.id)).isCommentEnabled, true)

  const all = await media.listAll(COMPANY, ctx.bakery)
  const carousel = all.find((m) => m.mediaType === 'CAROUSEL_ALBUM')
  const [child] = await media.children(COMPANY, ctx.bakery, carousel.id)
  const e = await rejectsGraph(media.delete(COMPANY, ctx.bakery, child.id), 100)
  assert.equal(e.subcode, 2207073)
  assert.equal(e.userTitle, 'Cannot delete a carousel item')
  assert.match(e.userMessage, /individually/)
  assert.equal(e.errorClass, 'invalidInput')
  assert.match(e.message, /Media\.delete failed/)

  const before = await media.listAll(COMPANY, ctx.travels)
  const victim = before.at(-1)
  const deleted = await media.delete(COMPANY, ctx.travels, victim.id)
  assert.equal(deleted.deleted, true)
  const afterDelete = await media.listAll(COMPANY, ctx.travels)
  assert.equal(afterDelete.length, before.length - 1)
  assert.ok(!afterDelete.some((m) => m.id === victim.id))
})

test('an account of another company is NotFound; tokens never reach JS', async () => {
  // Bob connects his account to company `globex` in the same store.
  const bob = await connect(ctx.sandbox, ctx.accounts, 'globex', { user: 1 })
  assert.deepEqual(bob.accounts.map((a) => a.igUserId), [ctx.bob])
  assert.equal((await media.list('globex', ctx.bob, { limit: 1 })).data.length, 1)
  for (const [company, account] of [['globex', ctx.bakery], [COMPANY, ctx.bob]]) {
    await assert.rejects(media.list(company, account), (e) => {
      assert.ok(e instanceof ig.NotFoundError, `${e.name}: ${e.message}`)
      assert.equal(e.code, 'NOT_FOUND')
      return true
    })
  }
  const page = await media.list(COMPANY, ctx.bakery, { limit: 1 })
  assert.ok(!JSON.stringify(page).includes('access_token'))
})

test('bad arguments are TypeErrors naming the argument', async () => {
  await rejectsType(media.list('', ctx.bakery), 'companyId')
  await rejectsType(media.list(COMPANY, ' '), 'igUserId')
  await rejectsType(media.list(COMPANY, ctx.bakery, { limit: 0 }), 'options.limit')
  await rejectsType(media.list(COMPANY, ctx.bakery, { since: 'yesterday' }), 'options.since')
  await rejectsType(media.list(COMPANY, ctx.bakery, { fields: [] }), 'options.fields')
  await rejectsType(media.list(COMPANY, ctx.bakery, { after: 'a', before: 'b' }), 'options.after')
  await rejectsType(media.listAll(COMPANY, ctx.bakery, { max: 0 }), 'options.max')
  await rejectsType(media.get(COMPANY, ctx.bakery, ''), 'mediaId')
  await rejectsType(media.delete(COMPANY, ctx.bakery, ''), 'mediaId')
  await assert.rejects(async () => media.setCommentsEnabled(COMPANY, ctx.bakery, '1', 'yes'), TypeError)
})

test('since/until narrow the list', async () => {
  const all = await media.listAll(COMPANY, ctx.bakery)
  const oldest = all.at(-1)
  // Sandbox timestamps look like 2025-06-01T09:30:00+0000.
  const t = Date.parse(oldest.timestamp.replace(/\+0000$/, 'Z')) / 1000
  const page = await media.list(COMPANY, ctx.bakery, { until: t + 1, since: t - 1 })
  assert.deepEqual(page.data.map((m) => m.id), [oldest.id])
  const iso = await media.list(COMPANY, ctx.bakery, { since: new Date((t + 1) * 1000).toISOString() })
  assert.equal(iso.data.length, all.length - 1)
})
