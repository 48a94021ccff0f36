// State several processes share through the `AccountManager`'s store: webhook deduplication
// (`SharedDeduper`), the hashtag budget (`new Hashtags(accounts, { shared: true })`) and the
// publishing quota (`new Publisher(accounts, { quota: 'shared' })`). Two managers over one store
// stand for two processes behind a load balancer.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ig, COMPANY, REDIRECT, connect } from './engage-support.mjs'

let sandbox
let one
let two
let travels

before(async () => {
  sandbox = await ig.Sandbox.start()
  const client = new ig.Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
  const store = ig.createMemoryJsStore()
  const sealingKey = ig.AccountManager.generateSealingKey()
  one = new ig.AccountManager(client, store, { sealingKey })
  two = new ig.AccountManager(client, store, { sealingKey })
  await connect(sandbox, one, COMPANY)
  travels = sandbox.seed.instagramAccounts.find((a) => a.username === 'alice.travels').id
})

after(async () => {
  await sandbox?.stop()
})

test('SharedDeduper: a delivery one process handled is a redelivery for the other', async () => {
  const body = JSON.stringify({
    object: 'instagram',
    entry: [{ id: travels, time: 1, changes: [{ field: 'comments', value: { id: 'C1', text: 'a' } }, { field: 'comments', value: { id: 'C2', text: 'b' } }] }],
  })
  const [first, second] = ig.Webhooks.parse(body).events
  const a = new ig.SharedDeduper(one)
  const b = new ig.SharedDeduper(two, 3600)
  assert.equal(await a.firstDelivery(first), true)
  assert.equal(await b.firstDelivery(first), false)
  assert.equal(await a.firstDelivery(first), false)
  assert.deepEqual((await b.retainNew(ig.Webhooks.parse(body).events)).map((e) => e.id), [second.id])
  assert.deepEqual(await a.retainNew(ig.Webhooks.parse(body).events), [])
  assert.equal(await a.firstDelivery('my-own-key'), true)
  assert.equal(await b.firstDelivery('my-own-key'), false)

  assert.throws(() => new ig.SharedDeduper(one, 0.5), (e) => e instanceof TypeError && e.argument === 'windowSeconds')
  await assert.rejects(a.firstDelivery({ type: 'comment' }), (e) => e instanceof TypeError && e.argument === 'event')
  await assert.rejects(
    b.retainNew([first, { type: 'comment' }]),
    (e) => e instanceof TypeError && e.argument === 'events[1]',
  )
})

test('a shared hashtag budget counts the searches of every process on the store', async () => {
  const a = new ig.Hashtags(one, { shared: true, limit: 2 })
  const b = new ig.Hashtags(two, { shared: true, limit: 2 })
  assert.deepEqual(await b.budget(COMPANY, travels), { used: 0, remaining: 2 })
  await a.search(COMPANY, travels, 'travel')
  assert.deepEqual(await b.budget(COMPANY, travels), { used: 1, remaining: 1 })
  await b.search(COMPANY, travels, 'photography')
  assert.deepEqual(await a.budget(COMPANY, travels), { used: 2, remaining: 0 })
  await assert.rejects(a.search(COMPANY, travels, 'bakery'), (e) => {
    assert.ok(e instanceof ig.QuotaExceededError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 'HASHTAG_BUDGET_EXCEEDED')
    return true
  })
  // A budget of this process only does not see the others' searches.
  const local = new ig.Hashtags(two, { limit: 2 })
  assert.deepEqual(await local.budget(COMPANY, travels), { used: 0, remaining: 2 })
})

test('a shared publishing quota: the other process is refused before creating a container', async () => {
  const box = await ig.Sandbox.start({ config: { publishingQuota: 1, imageProcessingMs: 0 } })
  try {
    const client = new ig.Client({
      appId: box.appId,
      appSecret: box.appSecret,
      mode: 'sandbox',
      sandboxUrl: box.baseUrl,
      redirectUri: REDIRECT,
    })
    const store = ig.createMemoryJsStore()
    const sealingKey = ig.AccountManager.generateSealingKey()
    const first = new ig.AccountManager(client, store, { sealingKey })
    const second = new ig.AccountManager(client, store, { sealingKey })
    await connect(box, first, COMPANY)
    const bakery = box.seed.instagramAccounts.find((a) => a.username === 'alice.bakery').id
    const a = new ig.Publisher(first, { quota: 'shared' })
    const b = new ig.Publisher(second, { quota: 'shared' })
    // Both read Meta's count (0 of 1) before either publishes, as long-running processes have.
    assert.equal((await a.quota(COMPANY, bakery)).used, 0)
    assert.equal((await b.quota(COMPANY, bakery)).used, 0)
    await a.publishImage(COMPANY, bakery, 'https://images.example.com/shared-quota.jpg')
    assert.equal((await b.quota(COMPANY, bakery)).used, 1, 'counted in the store')
    const created = box.callCount('container_create')
    await assert.rejects(
      b.publishImage(COMPANY, bakery, 'https://images.example.com/over-quota.jpg'),
      (e) => {
        assert.ok(e instanceof ig.QuotaExceededError, `${e.name}: ${e.message}`)
        return true
      },
    )
    assert.equal(box.callCount('container_create'), created, 'refused before any container')
    assert.equal(box.publishedCount(bakery), 1)
  } finally {
    await box.stop()
  }
})
