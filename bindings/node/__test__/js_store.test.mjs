// A store written in JavaScript: the crate's conformance suite case by case against the
// reference store (js-store.js), an AccountManager on it end to end against the sandbox, and
// how a broken store fails (StoreErrors naming the method, TypeErrors at construction).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const {
  Sandbox,
  Client,
  AccountManager,
  Publisher,
  StoreError,
  MemoryJsStore,
  createMemoryJsStore,
  storeConformanceCases,
  runStoreConformanceCase,
} = require('../index.js')

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..')
const REDIRECT = 'https://agency.example/instagram/oauth2callback'
const KEY = AccountManager.generateSealingKey()

// ---- the conformance suite, one test per case -------------------------------------------------

const cases = storeConformanceCases()

test('the suite lists every case of the Rust backends', () => {
  assert.ok(cases.length >= 45, `${cases.length} cases`)
  for (const name of ['tokens::token_put_and_get', 'states::state_concurrent_take', 'jobs::job_claim_exclusive_concurrent']) {
    assert.ok(cases.includes(name), name)
  }
  assert.equal(new Set(cases).size, cases.length, 'names are unique')
})

for (const name of cases) {
  test(`conformance ${name}`, async () => {
    let made = 0
    const outcome = await runStoreConformanceCase(name, () => {
      made++
      return createMemoryJsStore()
    })
    assert.equal(made, 1, 'a fresh store per case')
    assert.equal(outcome.name, name)
    assert.ok(outcome.passed, outcome.failure)
  })
}

test('the suite catches a store that breaks the contract', async () => {
  // A take that does not remove the state: OAuth states would be reusable.
  const reusable = () => {
    const store = createMemoryJsStore()
    store.takeState = async function (state) {
      return this.states.get(state) ?? null
    }
    return store
  }
  const outcome = await runStoreConformanceCase('states::state_put_take_single_use', reusable)
  assert.equal(outcome.passed, false)
  assert.match(outcome.failure, /single use/)
  // A store that leaks another company's token is refused before the case even compares.
  const leaky = () => {
    const store = createMemoryJsStore()
    store.getToken = async function (_company, id) {
      return [...this.tokens.values()].find((t) => t.id === id) ?? null
    }
    return store
  }
  const isolation = await runStoreConformanceCase('tokens::token_tenant_isolation', leaky)
  assert.equal(isolation.passed, false)
  assert.match(isolation.failure, /getToken.*another company/)
})

test('a store without the optional rotation methods reports them unsupported, and passes', async () => {
  for (const name of cases.filter((n) => n.startsWith('rotation::'))) {
    const outcome = await runStoreConformanceCase(name, () =>
      Object.assign(createMemoryJsStore(), { tokensSealedWithoutKey: null, replaceSealed: null }),
    )
    assert.ok(outcome.passed, `${name}: ${outcome.failure}`)
  }
})

test('an unknown case name or a bad factory is a TypeError naming the argument', async () => {
  await assert.rejects(runStoreConformanceCase('nope::nope', createMemoryJsStore), (e) => {
    assert.ok(e instanceof TypeError)
    assert.equal(e.argument, 'name')
    return true
  })
  await assert.rejects(runStoreConformanceCase(cases[0], () => 42), (e) => e instanceof TypeError && e.argument === 'makeStore')
  await assert.rejects(runStoreConformanceCase(cases[0], 'not a function'), (e) => e instanceof TypeError && e.argument === 'makeStore')
})

// ---- an AccountManager on a JS store, end to end ---------------------------------------------

let sandbox
let client

before(async () => {
  sandbox = await Sandbox.start()
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

/** The reference store, recording which methods were called. */
function recordingStore() {
  const store = new MemoryJsStore()
  store.calls = []
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || typeof prop !== 'string') return value
      return function (...args) {
        target.calls.push(prop)
        return value.apply(target, args)
      }
    },
  })
}

test('an AccountManager on the JS store connects, adds, lists and publishes', async () => {
  const store = recordingStore()
  const accounts = new AccountManager(client, store, { sealingKey: KEY })
  const start = await accounts.startConnect({ companyId: 'js-co' })
  assert.equal(store.states.size, 1, 'the OAuth state is in the JS store')
  const [stored] = store.states.values()
  assert.equal(stored.state, start.state)
  assert.equal(stored.company, 'js-co')
  assert.match(stored.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'six fractional digits')

  const callback = await sandbox.consent(start.url, sandbox.seedUsers[0].id, true)
  const connection = await accounts.finishConnect(callback)
  assert.equal(store.states.size, 0, 'the state was taken (single use)')
  assert.ok(connection.accounts.length > 0)
  const first = connection.accounts[0].igUserId

  // Tokens reach the JS store sealed: the plaintext never crosses.
  assert.ok(store.tokens.size >= 1)
  for (const token of store.tokens.values()) {
    assert.equal(token.company, 'js-co')
    assert.match(token.sealed, /^v1\./)
    assert.ok(!/^(EAA|IG)/.test(token.sealed))
  }
  const userToken = [...store.tokens.values()].find((t) => t.id === connection.tokenId)
  assert.equal(userToken.kind, 'user')
  assert.equal(userToken.subjectId, sandbox.seedUsers[0].id)

  assert.deepEqual(await accounts.add('js-co', [first]), { updated: 1, unknown: [] })
  const row = [...store.accounts.values()].find((a) => a.igUserId === first)
  assert.equal(row.isAdded, true, 'the flag is written to the JS store')
  const list = await accounts.added('js-co')
  assert.equal(list.total, 1)
  assert.equal(list.items[0].account.igUserId, first)
  assert.ok(list.items[0].live, list.items[0].liveError ?? 'live details')

  const publisher = new Publisher(accounts)
  const published = sandbox.publishedCount(first)
  const result = await publisher.publishImage('js-co', first, 'https://images.example.com/js-store.jpg', {
    caption: 'Stored by a JavaScript store',
    idempotencyKey: 'js-store-post-1',
  })
  assert.ok(result.mediaId)
  assert.equal(sandbox.publishedCount(first), published + 1)
  const job = [...store.jobs.values()].find((j) => j.idempotencyKey === 'js-store-post-1')
  assert.equal(job.status, 'published')
  assert.equal(job.mediaId, result.mediaId)
  assert.equal(job.leaseOwner, null, 'the publisher released its lease')
  const again = await publisher.publishImage('js-co', first, 'https://images.example.com/js-store.jpg', {
    idempotencyKey: 'js-store-post-1',
  })
  assert.equal(again.replayed, true)
  assert.equal(sandbox.publishedCount(first), published + 1, 'exactly once')

  for (const method of ['putState', 'takeState', 'putToken', 'upsertAccounts', 'setAdded', 'insertJob', 'updateJob']) {
    assert.ok(store.calls.includes(method), `${method} was called`)
  }
})

test('a failing or malformed JS store gives StoreErrors that name the method', async () => {
  const rejecting = createMemoryJsStore()
  rejecting.listTokens = async () => {
    throw new Error('connection refused by db')
  }
  const a = new AccountManager(client, rejecting, { sealingKey: KEY })
  await assert.rejects(a.add('acme', ['1']), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /listTokens/)
    assert.match(e.message, /connection refused by db/)
    return true
  })

  const throwing = createMemoryJsStore()
  throwing.putState = () => {
    throw new Error('sync failure')
  }
  const b = new AccountManager(client, throwing, { sealingKey: KEY })
  await assert.rejects(b.startConnect({ companyId: 'acme' }), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /putState.*sync failure/)
    return true
  })

  const malformed = createMemoryJsStore()
  malformed.putState = async () => 'yes'
  const c = new AccountManager(client, malformed, { sealingKey: KEY })
  await assert.rejects(c.startConnect({ companyId: 'acme' }), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /putState.*malformed/)
    return true
  })

  const badRecord = createMemoryJsStore()
  badRecord.listTokens = async () => [{ id: 't1', company: 'acme' }]
  const d = new AccountManager(client, badRecord, { sealingKey: KEY })
  await assert.rejects(d.assignments('acme'), (e) => {
    assert.ok(e instanceof StoreError)
    assert.match(e.message, /listTokens.*malformed.*item 0/)
    return true
  })
})

test('a JS store method that never settles fails the call naming the method', async () => {
  const stuck = createMemoryJsStore()
  stuck.listTokens = () => new Promise(() => {})
  const accounts = new AccountManager(client, stuck, { sealingKey: KEY, storeTimeoutMs: 200 })
  await assert.rejects(accounts.add('acme', ['1']), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /store method listTokens did not answer within 200ms/)
    return true
  })
  assert.throws(
    () => new AccountManager(client, createMemoryJsStore(), { sealingKey: KEY, storeTimeoutMs: 0 }),
    (e) => e instanceof TypeError && e.argument === 'options.storeTimeoutMs',
  )
})

test('a plain synchronous store object is accepted', async () => {
  const states = new Map()
  const store = createMemoryJsStore()
  store.putState = (s) => {
    if (states.has(s.state)) return false
    states.set(s.state, s)
    return true
  }
  const accounts = new AccountManager(client, store, { sealingKey: KEY })
  const start = await accounts.startConnect({ companyId: 'sync-co' })
  assert.equal(states.get(start.state).company, 'sync-co')

  // So is a thenable that is not a native Promise (a query builder, say), resolved or rejected.
  const thenable = createMemoryJsStore()
  thenable.putState = (s) => ({ then: (resolve) => setTimeout(() => resolve(states.set(s.state, s) && true), 1) })
  const viaThenable = new AccountManager(client, thenable, { sealingKey: KEY })
  const second = await viaThenable.startConnect({ companyId: 'thenable-co' })
  assert.equal(states.get(second.state).company, 'thenable-co')
  thenable.putState = () => ({ then: (_resolve, reject) => reject(new Error('builder failed')) })
  const rejecting = new AccountManager(client, thenable, { sealingKey: KEY })
  await assert.rejects(rejecting.startConnect({ companyId: 'thenable-co' }), (e) => e instanceof StoreError && /putState.*builder failed/.test(e.message))
})

test('construction checks the store object and asks for a sealing key', () => {
  const missing = createMemoryJsStore()
  missing.claimDueJobs = undefined
  assert.throws(
    () => new AccountManager(client, missing, { sealingKey: KEY }),
    (e) => {
      assert.ok(e instanceof TypeError)
      assert.equal(e.argument, 'store')
      assert.match(e.message, /claimDueJobs/)
      return true
    },
  )
  const notAFunction = { ...createMemoryJsStore(), putToken: 'nope' }
  assert.throws(
    () => new AccountManager(client, notAFunction, { sealingKey: KEY }),
    (e) => e instanceof TypeError && e.argument === 'store' && /putToken/.test(e.message),
  )
  assert.throws(
    () => new AccountManager(client, createMemoryJsStore()),
    (e) => e instanceof TypeError && e.argument === 'options.sealingKey',
  )
  // The key-rotation methods are optional; present, they must be functions.
  const withoutRotation = Object.assign(createMemoryJsStore(), { tokensSealedWithoutKey: null, replaceSealed: undefined })
  assert.ok(new AccountManager(client, withoutRotation, { sealingKey: KEY }))
  assert.throws(
    () => new AccountManager(client, Object.assign(createMemoryJsStore(), { replaceSealed: 'yes' }), { sealingKey: KEY }),
    (e) => e instanceof TypeError && e.argument === 'store' && /replaceSealed/.test(e.message),
  )
  assert.throws(
    () => new AccountManager(client, 42, { sealingKey: KEY }),
    (e) => e instanceof TypeError && e.argument === 'store',
  )
})

test('a JS store does not keep Node running', () => {
  const script = `
    const { Client, AccountManager, createMemoryJsStore } = require(${JSON.stringify(join(PACKAGE, 'index.js'))})
    const client = new Client({ appId: '1', appSecret: 's', mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:9', redirectUri: 'https://x.example/cb' })
    globalThis.keep = new AccountManager(client, createMemoryJsStore(), { sealingKey: AccountManager.generateSealingKey() })
    console.log('made')
  `
  const run = spawnSync(process.execPath, ['-e', script], { timeout: 30_000, encoding: 'utf8' })
  assert.equal(run.error, undefined, 'exited on its own')
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /made/)
})
