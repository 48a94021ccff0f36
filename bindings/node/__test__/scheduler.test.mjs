// Scheduled posts from Node against the in-process sandbox: schedule, list, get, cancel,
// reschedule, a worker's single tick and a background worker started and stopped.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ig as instagraph } from './package.mjs'

const {
  Sandbox,
  Client,
  AccountManager,
  Publisher,
  Scheduler,
  Worker,
  NotFoundError,
  InvalidInputError,
} = instagraph

const REDIRECT = 'https://agency.example/instagram/oauth2callback'
const IMAGE = 'https://images.example.com/scheduled.jpg'
let sandbox
let accounts
let scheduler
let ig

before(async () => {
  sandbox = await Sandbox.start()
  const client = new Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
  accounts = new AccountManager(client, 'memory:')
  const start = await accounts.startConnect({ companyId: 'acme' })
  const callback = await sandbox.consent(start.url, sandbox.seedUsers[0].id, true)
  const connection = await accounts.finishConnect(callback)
  ig = connection.accounts[0].igUserId
  await accounts.add('acme', [ig])
  scheduler = new Scheduler(new Publisher(accounts))
})

after(async () => {
  await sandbox?.stop()
})

const inAnHour = () => new Date(Date.now() + 3600 * 1000)

async function until(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('a due job is published by one tick of a worker; a later one waits', async () => {
  const due = await scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE, caption: 'Due now #instagraph' },
    new Date(Date.now() - 60 * 1000))
  assert.equal(due.status, 'scheduled')
  assert.equal(due.companyId, 'acme')
  assert.equal(due.igUserId, ig)
  assert.equal(due.attempts, 0)
  assert.equal(due.mediaId, null)
  assert.ok(Date.parse(due.publishAt) < Date.now())
  assert.equal(due.post.caption, 'Due now #instagraph')

  const later = await scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE }, inAnHour().toISOString(), {
    idempotencyKey: 'later-1',
  })
  assert.equal(later.idempotencyKey, 'later-1')
  // The same key returns the job stored the first time.
  const again = await scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE }, Date.now(), { idempotencyKey: 'later-1' })
  assert.equal(again.id, later.id)
  assert.equal(again.publishAt, later.publishAt)

  const listed = await scheduler.list('acme', { status: 'scheduled', igUserId: ig })
  assert.deepEqual(listed.map((j) => j.id).sort(), [due.id, later.id].sort())
  // Newest first, one page at a time.
  const [newest] = await scheduler.list('acme', { limit: 1 })
  assert.equal(newest.id, later.id)
  const [older] = await scheduler.list('acme', { limit: 1, after: newest.id })
  assert.equal(older.id, due.id)
  assert.deepEqual(await scheduler.list('acme', { after: older.id }), [])
  assert.equal((await scheduler.list('other-company')).length, 0)
  assert.equal((await scheduler.get('acme', later.id)).id, later.id)

  const worker = scheduler.worker('node-worker-once')
  assert.ok(worker instanceof Worker)
  assert.equal(worker.id, 'node-worker-once')
  const published = sandbox.publishedCount(ig)
  const report = await worker.runOnce()
  assert.deepEqual(report, { claimed: 1, published: 1, deferred: 0, failed: 0, retried: 0, released: 0 })
  assert.equal(sandbox.publishedCount(ig), published + 1)
  const done = await scheduler.get('acme', due.id)
  assert.equal(done.status, 'published')
  assert.ok(done.mediaId)
  assert.equal(done.attempts, 1)
  assert.equal(done.lastError, null)
  assert.equal((await scheduler.list('acme', { status: 'published' })).length, 1)

  // The later job is not due: nothing is claimed, nothing published.
  assert.equal((await worker.runOnce()).claimed, 0)
  assert.equal(sandbox.publishedCount(ig), published + 1)

  // A published job cannot be cancelled or rescheduled.
  await assert.rejects(scheduler.cancel('acme', due.id), (e) => {
    assert.ok(e instanceof InvalidInputError, `${e.name}: ${e.message}`)
    assert.equal(e.field, 'job_id')
    assert.match(e.message, /already published/)
    return true
  })
})

test('a publishAt more than a year ago or two years ahead is refused, naming publish_at', async () => {
  for (const at of ['1900-01-01T00:00:00Z', '9999-12-31T00:00:00Z', 0]) {
    await assert.rejects(scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE }, at), (e) => {
      assert.ok(e instanceof InvalidInputError, `${e.name}: ${e.message}`)
      assert.equal(e.field, 'publish_at')
      return true
    })
  }
  assert.equal((await scheduler.list('acme')).filter((j) => Date.parse(j.publishAt) < Date.parse('2000-01-01')).length, 0)
})

test('cancel and reschedule', async () => {
  const job = await scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE }, inAnHour())
  const moved = await scheduler.reschedule('acme', job.id, new Date(Date.now() + 7200 * 1000))
  assert.equal(moved.status, 'scheduled')
  assert.ok(Date.parse(moved.publishAt) > Date.parse(job.publishAt))

  const cancelled = await scheduler.cancel('acme', job.id)
  assert.equal(cancelled.status, 'cancelled')
  // Cancelling again returns it unchanged; rescheduling it is refused.
  assert.equal((await scheduler.cancel('acme', job.id)).status, 'cancelled')
  await assert.rejects(scheduler.reschedule('acme', job.id, new Date()), (e) => {
    assert.ok(e instanceof InvalidInputError)
    assert.equal(e.code, 'INVALID_INPUT')
    assert.equal(e.errorClass, 'invalidInput')
    assert.match(e.message, /cancelled/)
    return true
  })
  // A cancelled job is never published.
  const published = sandbox.publishedCount(ig)
  const dueNow = await scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE }, new Date(Date.now() - 1000))
  assert.equal((await scheduler.cancel('acme', dueNow.id)).status, 'cancelled')
  assert.equal((await scheduler.worker('node-worker-cancel').runOnce()).claimed, 0)
  assert.equal(sandbox.publishedCount(ig), published)

  // Other tenants and unknown ids.
  await assert.rejects(scheduler.get('other-company', job.id), (e) => {
    assert.ok(e instanceof NotFoundError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 'NOT_FOUND')
    assert.equal(e.subcode, null)
    assert.equal(e.fbtraceId, null)
    return true
  })
  await assert.rejects(scheduler.cancel('acme', 'no-such-job'), NotFoundError)
  await assert.rejects(scheduler.schedule('acme', '17849999999999999', { kind: 'image', url: IMAGE }, new Date()), NotFoundError)
})

test('a background worker publishes a job rescheduled to now, then stops', async () => {
  const worker = scheduler.worker('node-worker-bg', { pollIntervalMs: 20, maxPollIntervalMs: 100, leaseMs: 60000 })
  assert.equal(worker.running, false)
  await worker.stop() // not running: resolves at once
  assert.equal(worker.start(), true)
  assert.equal(worker.start(), false, 'already running')
  assert.equal(worker.running, true)

  const job = await scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE, caption: 'background' }, inAnHour())
  const published = sandbox.publishedCount(ig)
  await scheduler.reschedule('acme', job.id, new Date(Date.now() - 1000))
  const done = await until('the worker to publish', async () => {
    const j = await scheduler.get('acme', job.id)
    return j.status === 'published' ? j : null
  })
  assert.ok(done.mediaId)
  assert.equal(sandbox.publishedCount(ig), published + 1)

  await worker.stop()
  assert.equal(worker.running, false)
  // Stopped: a due job stays scheduled.
  const idle = await scheduler.schedule('acme', ig, { kind: 'image', url: IMAGE }, new Date(Date.now() - 1000))
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.equal((await scheduler.get('acme', idle.id)).status, 'scheduled')
  assert.equal(sandbox.publishedCount(ig), published + 1)
  await scheduler.cancel('acme', idle.id)
  // It can run again after a stop.
  assert.equal(worker.start(), true)
  await worker.stop()
})

test('bad arguments throw TypeErrors that name the argument', async () => {
  const post = { kind: 'image', url: IMAGE }
  await assert.rejects(scheduler.schedule('', ig, post, new Date()), (e) => {
    assert.ok(e instanceof TypeError)
    assert.equal(e.argument, 'companyId')
    assert.match(e.message, /Scheduler\.schedule/)
    return true
  })
  await assert.rejects(scheduler.schedule('acme', ig, post, 'next tuesday'), (e) => e instanceof TypeError && e.argument === 'publishAt')
  await assert.rejects(scheduler.schedule('acme', ig, post, new Date('nope')), (e) => e instanceof TypeError && e.argument === 'publishAt')
  await assert.rejects(scheduler.schedule('acme', ig, { kind: 'image' }, new Date()), (e) => e instanceof TypeError && e.argument === 'post.items[0]')
  await assert.rejects(scheduler.schedule('acme', ig, post, new Date(), { idempotencyKey: ' ' }),
    (e) => e instanceof TypeError && e.argument === 'options.idempotencyKey')
  // An invalid post is refused before anything is stored.
  await assert.rejects(scheduler.schedule('acme', ig, { ...post, caption: 'x'.repeat(2201) }, new Date()), InvalidInputError)
  await assert.rejects(scheduler.reschedule('acme', '', new Date()), (e) => e instanceof TypeError && e.argument === 'jobId')
  await assert.rejects(scheduler.list('acme', { status: 'bogus' }), (e) => e instanceof TypeError && e.argument === 'options.status')
  await assert.rejects(scheduler.list('acme', { limit: 0 }), (e) => e instanceof TypeError && e.argument === 'options.limit')
  await assert.rejects(scheduler.get('acme', ''), (e) => e instanceof TypeError && e.argument === 'jobId')
  await assert.rejects(scheduler.cancel('', 'x'), (e) => e instanceof TypeError && e.argument === 'companyId')
  assert.throws(() => scheduler.worker(''), (e) => e instanceof TypeError && e.argument === 'workerId')
  assert.throws(() => scheduler.worker('w', { leaseMs: 10 }), (e) => e instanceof TypeError && e.argument === 'options.leaseMs')
  assert.throws(() => scheduler.worker('w', { batch: 0 }), (e) => e instanceof TypeError && e.argument === 'options.batch')
  assert.throws(
    () => scheduler.worker('w', { pollIntervalMs: 500, maxPollIntervalMs: 100 }),
    (e) => e instanceof TypeError && e.argument === 'options.maxPollIntervalMs',
  )
  assert.throws(() => new Scheduler({}), TypeError)
})
