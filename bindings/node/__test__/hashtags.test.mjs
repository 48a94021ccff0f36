// Hashtags: search within the 30-per-7-days budget (kept in Rust, refused before the call),
// hashtag nodes, top and recent media.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType, rejectsInvalid, rejectsGraph } from './engage-support.mjs'

let ctx

before(async () => {
  // The sandbox's own budget is 3 so that Meta's answer (code 18) can be seen too.
  ctx = await setup({ sandboxOptions: { config: { hashtagBudget: 3 } } })
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('search, get, top and recent media', async () => {
  const hashtags = new ig.Hashtags(ctx.accounts)
  const seeded = Object.fromEntries(ctx.seed.engagement.hashtags)
  const found = await hashtags.search(COMPANY, ctx.bakery, 'sourdough')
  assert.deepEqual(found, { id: seeded.sourdough })
  assert.deepEqual(await hashtags.get(COMPANY, ctx.bakery, found.id), { id: found.id, name: 'sourdough' })
  assert.deepEqual(await hashtags.get(COMPANY, ctx.bakery, found.id, { fields: ['id'] }), { id: found.id })
  const top = await hashtags.topMedia(COMPANY, ctx.bakery, found.id, { limit: 5 })
  assert.equal(top.data.length, 5)
  assert.equal(top.paging.hasNext, true)
  const next = await hashtags.topMedia(COMPANY, ctx.bakery, found.id, { limit: 5, after: top.paging.after })
  assert.ok(next.data.length > 0)
  assert.ok(!next.data.some((m) => top.data.some((t) => t.id === m.id)))
  const recent = await hashtags.recentMedia(COMPANY, ctx.bakery, found.id)
  assert.ok(recent.data.length > 0)
  assert.ok(recent.data.every((m) => m.id))
})

test('the budget: counted per account, free to repeat, refused before the call', async () => {
  const hashtags = new ig.Hashtags(ctx.accounts, { limit: 2 })
  assert.deepEqual(await hashtags.budget(COMPANY, ctx.travels), { used: 0, remaining: 2 })
  await hashtags.search(COMPANY, ctx.travels, 'travel')
  await hashtags.search(COMPANY, ctx.travels, 'TRAVEL') // the same hashtag: free
  assert.deepEqual(await hashtags.budget(COMPANY, ctx.travels), { used: 1, remaining: 1 })
  await hashtags.search(COMPANY, ctx.travels, 'photography')
  assert.deepEqual(await hashtags.budget(COMPANY, ctx.travels), { used: 2, remaining: 0 })
  await assert.rejects(hashtags.search(COMPANY, ctx.travels, 'bakery'), (e) => {
    assert.ok(e instanceof ig.QuotaExceededError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 'HASHTAG_BUDGET_EXCEEDED')
    return true
  })
  // Another account has its own budget.
  assert.deepEqual(await hashtags.budget(COMPANY, ctx.studio), { used: 0, remaining: 2 })

  // The bookkeeping survives a restart through a snapshot.
  const snapshot = hashtags.budgetSnapshot()
  assert.deepEqual(Object.keys(snapshot.accounts[ctx.travels]).sort(), ['photography', 'travel'])
  const restored = new ig.Hashtags(ctx.accounts, { limit: 2 })
  restored.restoreBudget(snapshot)
  assert.deepEqual(await restored.budget(COMPANY, ctx.travels), { used: 2, remaining: 0 })
  assert.throws(() => restored.restoreBudget({ accounts: 3 }), (e) => e instanceof TypeError && e.argument === 'snapshot')
})

test("Meta's own budget answer is a Graph error with its user message", async () => {
  // The SDK's budget allows more than the sandbox's 3: the 4th unique hashtag reaches Meta.
  const hashtags = new ig.Hashtags(ctx.accounts, { limit: 30 })
  for (const q of ['love', 'developers', 'woodworking']) {
    await hashtags.search(COMPANY, ctx.studio, q)
  }
  const e = await rejectsGraph(hashtags.search(COMPANY, ctx.studio, 'bakery'), 18)
  assert.equal(e.userTitle, 'Hashtag limit reached')
  assert.ok(e.userMessage)
  // A failed search gives its slot back.
  assert.deepEqual(await hashtags.budget(COMPANY, ctx.studio), { used: 3, remaining: 27 })
})

test('bad arguments are TypeErrors (or checked queries) naming the argument', async () => {
  const hashtags = new ig.Hashtags(ctx.accounts)
  await rejectsInvalid(hashtags.search(COMPANY, ctx.bakery, 'two words'), 'q')
  await rejectsInvalid(hashtags.search(COMPANY, ctx.bakery, ''), 'q')
  await rejectsType(hashtags.get(COMPANY, ctx.bakery, ''), 'hashtagId')
  await rejectsType(hashtags.get(COMPANY, ctx.bakery, '1', { fields: [''] }), 'options.fields')
  await rejectsType(hashtags.topMedia(COMPANY, ctx.bakery, '1', { limit: 0 }), 'options.limit')
  await rejectsType(hashtags.recentMedia(COMPANY, ctx.bakery, '1', { fields: [''] }), 'options.fields')
  await rejectsType(hashtags.budget('', ctx.bakery), 'companyId')
  assert.throws(() => new ig.Hashtags(ctx.accounts, { windowDays: 0 }), (e) => e instanceof TypeError && e.argument === 'options.windowDays')
})
