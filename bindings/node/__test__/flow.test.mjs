// The whole flow from Node against the in-process sandbox: connect, add, publish with
// progress, and typed errors.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ig } from './package.mjs'

const {
  Sandbox,
  Client,
  AccountManager,
  Publisher,
  InstagraphError,
  AuthError,
} = ig

const REDIRECT = 'https://agency.example/instagram/oauth2callback'
let sandbox
let client

before(async () => {
  // Images process for 300 ms (Meta's, and the sandbox's by default, are ready at creation) so
  // that a publish lasts long enough for the event loop's timers to run during it.
  sandbox = await Sandbox.start({ config: { imageProcessingMs: 300 } })
  client = new Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
})

after(async () => {
  await sandbox?.stop()
})

async function connect(accounts, company) {
  const start = await accounts.startConnect({ companyId: company })
  assert.match(start.url, /^http:\/\/127\.0\.0\.1:\d+\//)
  assert.equal(start.redirectUri, REDIRECT)
  assert.equal(start.appId, sandbox.appId)
  assert.ok(start.state.length > 10)
  const alice = sandbox.seedUsers[0]
  const callback = await sandbox.consent(start.url, alice.id, true)
  assert.ok(callback.startsWith(REDIRECT), callback)
  const connection = await accounts.finishConnect(callback)
  assert.equal(connection.company, company)
  assert.equal(connection.userId, alice.id)
  assert.ok(connection.accounts.length > 0)
  return connection
}

test('connect, add, assign and publish an image with progress (memory store)', async () => {
  const accounts = new AccountManager(client, 'memory:')
  const connection = await connect(accounts, 'acme')
  const first = connection.accounts[0].igUserId

  const added = await accounts.add('acme', [first])
  assert.deepEqual(added, { updated: 1, unknown: [] })
  await accounts.assign('acme', 'client-42', [first])
  const assignments = await accounts.assignments('acme')
  assert.deepEqual(
    assignments.map((a) => [a.igUserId, a.clientId]),
    [[first, 'client-42']],
  )
  const list = await accounts.added('acme')
  assert.equal(list.total, 1)
  assert.equal(list.items[0].account.igUserId, first)

  const publisher = new Publisher(accounts)
  const events = []
  const before = sandbox.publishedCount(first)
  // The event loop keeps running while Rust publishes.
  let ticks = 0
  const timer = setInterval(() => ticks++, 5)
  const pending = publisher.publishImage('acme', first, 'https://images.example.com/photo.jpg', {
    caption: 'Hello from Node #instagraph',
    idempotencyKey: 'node-post-1',
    onProgress: (event) => events.push(event),
  })
  const result = await pending.finally(() => clearInterval(timer))
  assert.ok(ticks > 0, 'timers ran during the publish')
  assert.ok(result.mediaId, JSON.stringify(result))
  assert.equal(result.idempotencyKey, 'node-post-1')
  assert.equal(result.replayed, false)
  assert.equal(sandbox.publishedCount(first), before + 1)
  // Progress calls are queued without blocking; let the loop deliver any still pending.
  await new Promise((resolve) => setImmediate(resolve))
  const types = events.map((e) => e.type)
  assert.equal(types[0], 'created', types.join(','))
  assert.ok(events[0].containerId)
  assert.equal(types.at(-1), 'published', types.join(','))
  assert.equal(events.at(-1).mediaId, result.mediaId)

  // Exactly once: the same key returns the same result without publishing again.
  const again = await publisher.publish('acme', first, { kind: 'image', url: 'https://images.example.com/photo.jpg' }, {
    idempotencyKey: 'node-post-1',
  })
  assert.equal(again.mediaId, result.mediaId)
  assert.equal(again.replayed, true)
  assert.equal(sandbox.publishedCount(first), before + 1)
})

test('a sqlite store by URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'instagraph-node-'))
  try {
    const key = AccountManager.generateSealingKey()
    const accounts = new AccountManager(client, `sqlite:${join(dir, 'ig.db')}`, { sealingKey: key })
    const connection = await connect(accounts, 'sqlite-co')
    const first = connection.accounts[0].igUserId
    await accounts.add('sqlite-co', [first])
    await accounts.remove('sqlite-co', first)
    const list = await accounts.added('sqlite-co')
    assert.equal(list.total, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('bad arguments throw TypeErrors that name the argument', async () => {
  assert.throws(() => new AccountManager(client, 'redis://localhost'), (e) => {
    assert.ok(e instanceof TypeError)
    assert.equal(e.argument, 'storeUrl')
    assert.match(e.message, /storeUrl/)
    return true
  })
  assert.throws(() => new AccountManager(client, 'sqlite:/tmp/x.db'), (e) => {
    assert.ok(e instanceof TypeError)
    assert.equal(e.argument, 'options.sealingKey')
    return true
  })
  assert.throws(() => new Client({ appId: '' }), (e) => e instanceof TypeError && e.argument === 'config.appId')
  assert.throws(
    () => new Client({ appId: '1', mode: 'staging' }),
    (e) => e instanceof TypeError && e.argument === 'config.mode',
  )
  const accounts = new AccountManager(client, 'memory:')
  await assert.rejects(accounts.add('', ['1']), (e) => {
    assert.ok(e instanceof TypeError)
    assert.equal(e.argument, 'companyId')
    assert.match(e.message, /AccountManager\.add/)
    return true
  })
  await assert.rejects(
    new Publisher(accounts).publish('acme', '1', { kind: 'image' }),
    (e) => e instanceof TypeError && e.argument === 'post.items[0]',
  )
  // A napi conversion failure (a number for a string) is a TypeError too.
  await assert.rejects(async () => accounts.add(42, ['1']), TypeError)
  // A wrong or missing field of an object argument names the field (napi converts the
  // `#[napi(object)]`; index.js names the parameter).
  assert.throws(() => new Client({ appId: 7 }), (e) => e instanceof TypeError && e.argument === 'config.appId')
  assert.throws(() => new Client({}), (e) => e instanceof TypeError && e.argument === 'config.appId')
  await assert.rejects(accounts.startConnect({ companyId: 7 }), (e) => e instanceof TypeError && e.argument === 'request.companyId')
})

test('SDK failures are InstagraphError subclasses with Meta-style fields', async () => {
  const accounts = new AccountManager(client, 'memory:')
  await assert.rejects(
    accounts.finishConnect(`${REDIRECT}?code=abc&state=not-a-state`),
    (e) => {
      assert.ok(e instanceof AuthError, `${e.name}: ${e.message}`)
      assert.ok(e instanceof InstagraphError)
      assert.equal(e.name, 'AuthError')
      assert.match(e.message, /AccountManager\.finishConnect failed/)
      assert.equal(e.field, 'state', 'an OAuth failure names the callback parameter at fault')
      for (const field of ['code', 'subcode', 'fbtraceId', 'errorClass', 'userTitle', 'userMessage']) {
        assert.ok(field in e, field)
      }
      return true
    },
  )
})
