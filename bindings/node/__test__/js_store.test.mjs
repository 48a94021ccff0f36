// A key-value store written in JavaScript: the crate's conformance suite case by case against
// the reference store (js-store.js), an AccountManager on it end to end against the sandbox,
// key rotation over it and over SQLite, and how a broken store fails (StoreErrors naming the
// method, TypeErrors at construction).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { ig, PACKAGE_DIR } from './package.mjs'

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
} = ig

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
  // A compare-and-swap that reports deleting without deleting: OAuth states would be reusable.
  const reusable = () => {
    const store = createMemoryJsStore()
    store.compareAndSwap = async function (key, expected, next) {
      if (next === null) return (this.entries.get(key) ?? null) === expected
      return MemoryJsStore.prototype.compareAndSwap.call(this, key, expected, next)
    }
    return store
  }
  const outcome = await runStoreConformanceCase('states::state_put_take_single_use', reusable)
  assert.equal(outcome.passed, false)
  assert.match(outcome.failure, /single use/)
})

test('a scan that ignores its prefix cannot leak another company: the core drops those rows', async () => {
  const leaky = () => {
    const store = createMemoryJsStore()
    store.scan = async function () {
      return [...this.entries]
    }
    return store
  }
  for (const name of ['tokens::token_tenant_isolation', 'accounts::account_tenant_isolation', 'jobs::job_tenant_isolation']) {
    const outcome = await runStoreConformanceCase(name, leaky)
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

/** The stored rows under `prefix`, parsed. */
function rows(store, prefix) {
  return [...store.entries].filter(([key]) => key.startsWith(prefix)).map(([, value]) => JSON.parse(value))
}

async function connect(accounts, companyId, user = sandbox.seedUsers[0]) {
  const start = await accounts.startConnect({ companyId })
  const callback = await sandbox.consent(start.url, user.id, true)
  return accounts.finishConnect(callback)
}

test('an AccountManager on the JS store connects, adds, lists and publishes', async () => {
  const store = recordingStore()
  const accounts = new AccountManager(client, store, { sealingKey: KEY })
  const start = await accounts.startConnect({ companyId: 'js-co' })
  const [stored] = rows(store, 'oauth-states/')
  assert.equal(stored.state, start.state, 'the OAuth state is in the JS store')
  assert.equal(stored.company, 'js-co')

  const callback = await sandbox.consent(start.url, sandbox.seedUsers[0].id, true)
  const connection = await accounts.finishConnect(callback)
  assert.deepEqual(rows(store, 'oauth-states/'), [], 'the state was taken (single use)')
  assert.ok(connection.accounts.length > 0)
  const first = connection.accounts[0].igUserId

  // Tokens reach the JS store sealed: the plaintext never crosses.
  const tokens = rows(store, 'tokens/js-co/')
  assert.ok(tokens.length >= 1)
  for (const token of tokens) {
    assert.equal(token.company, 'js-co')
    assert.match(token.sealed, /^v1\./)
    assert.ok(!/^(EAA|IG)/.test(token.sealed))
  }
  for (const [key, value] of store.entries) assert.ok(!/EAA|IGQ/.test(value), `a plaintext token at ${key}`)
  const userToken = tokens.find((t) => t.id === connection.tokenId)
  assert.equal(userToken.kind, 'user')
  assert.equal(userToken.subject_id, sandbox.seedUsers[0].id)

  assert.deepEqual(await accounts.add('js-co', [first]), { updated: 1, unknown: [] })
  const row = JSON.parse(store.entries.get(`accounts/js-co/${first}`))
  assert.equal(row.is_added, true, 'the flag is written to the JS store')
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
  const job = rows(store, 'jobs/js-co/').find((j) => j.idempotency_key === 'js-store-post-1')
  assert.equal(job.status, 'published')
  assert.equal(job.media_id, result.mediaId)
  assert.equal(job.lease_owner, null, 'the publisher released its lease')
  assert.equal(store.entries.get('job-keys/js-co/js-store-post-1'), job.id, 'the idempotency key points at the job')
  const again = await publisher.publishImage('js-co', first, 'https://images.example.com/js-store.jpg', {
    idempotencyKey: 'js-store-post-1',
  })
  assert.equal(again.replayed, true)
  assert.equal(sandbox.publishedCount(first), published + 1, 'exactly once')

  assert.deepEqual([...new Set(store.calls)].sort(), ['compareAndSwap', 'get', 'scan'])
})

// ---- key rotation ------------------------------------------------------------------------------

/** Connects with key A, rotates to B with A as previous, reseals, then reads with B alone. */
async function rotate(location) {
  const [A, B] = [AccountManager.generateSealingKey(), AccountManager.generateSealingKey()]
  const company = `rotate-${process.pid}-${Math.random().toString(36).slice(2)}`
  const before = new AccountManager(client, location, { sealingKey: A })
  const { tokenId } = await connect(before, company)
  assert.ok(await before.connectionStatus(company, tokenId))

  const rotated = new AccountManager(client, location, { sealingKey: B, previousSealingKeys: [A] })
  assert.ok(await rotated.connectionStatus(company, tokenId), 'a token sealed with A opens with A as previous')
  const report = await rotated.resealTokens()
  assert.ok(report.resealed >= 1, JSON.stringify(report))
  assert.equal(report.unreadable, 0)
  assert.equal(report.found, report.resealed + report.changed)
  assert.deepEqual(await rotated.resealTokens(), { found: 0, resealed: 0, changed: 0, unreadable: 0 }, 'nothing left')

  const after = new AccountManager(client, location, { sealingKey: B })
  assert.ok(await after.connectionStatus(company, tokenId), 'resealed: B alone opens it')
  const stale = new AccountManager(client, location, { sealingKey: A })
  await assert.rejects(stale.connectionStatus(company, tokenId), (e) => e instanceof StoreError && /sealing failed/.test(e.message))
}

test('calls on an account read the JS store once; a removal shows on the next call', async () => {
  const { Media, NotFoundError } = ig
  const store = recordingStore()
  const accounts = new AccountManager(client, store, { sealingKey: KEY })
  const { accounts: found } = await connect(accounts, 'cached-co')
  const [first, second] = found.map((a) => a.igUserId)
  const media = new Media(accounts)
  await media.list('cached-co', first, { limit: 1 })
  const reads = store.calls.length
  for (let i = 0; i < 10; i++) await media.list('cached-co', first, { limit: 1 })
  assert.equal(store.calls.length, reads, 'the opened token served the calls: no store read')

  await media.list('cached-co', second, { limit: 1 })
  await accounts.remove('cached-co', second)
  await assert.rejects(media.list('cached-co', second, { limit: 1 }), (e) => e instanceof NotFoundError)

  const uncached = recordingStore()
  const every = new AccountManager(client, uncached, { sealingKey: KEY, accessCacheTtlMs: 0 })
  const { accounts: again } = await connect(every, 'uncached-co')
  const everyMedia = new Media(every)
  await everyMedia.list('uncached-co', again[0].igUserId, { limit: 1 })
  const before = uncached.calls.length
  await everyMedia.list('uncached-co', again[0].igUserId, { limit: 1 })
  assert.ok(uncached.calls.length > before, 'accessCacheTtlMs: 0 reads the store on every call')
})

test('key rotation over a JS store: read with A as previous, reseal, drop A', async () => {
  const store = createMemoryJsStore()
  await rotate(store)
})

test('key rotation over a SQLite file: read with A as previous, reseal, drop A', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'instagraph-rotate-'))
  try {
    await rotate(`sqlite:${join(dir, 'ig.db')}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('without the old key as previous, reading a token is a StoreError, not a crash', async () => {
  const store = createMemoryJsStore()
  const company = 'rotate-missing'
  const { tokenId } = await connect(new AccountManager(client, store, { sealingKey: KEY }), company)
  const other = new AccountManager(client, store, { sealingKey: AccountManager.generateSealingKey() })
  await assert.rejects(other.connectionStatus(company, tokenId), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 'STORE')
    assert.match(e.message, /token sealing failed: wrong key or tampered row/)
    return true
  })
  const report = await other.resealTokens()
  assert.ok(report.unreadable >= 1, 'reseal counts the token it cannot open and leaves it')
  assert.ok(await new AccountManager(client, store, { sealingKey: KEY }).connectionStatus(company, tokenId))
})

test('previousSealingKeys are checked at construction, naming the option', () => {
  assert.throws(
    () => new AccountManager(client, 'memory:', { sealingKey: KEY, previousSealingKeys: ['not base64!'] }),
    (e) => e instanceof TypeError && e.argument === 'options.previousSealingKeys' && /key 1/.test(e.message),
  )
  assert.throws(
    () => new AccountManager(client, 'memory:', { previousSealingKeys: [KEY] }),
    (e) => e instanceof TypeError && e.argument === 'options.previousSealingKeys',
  )
  assert.throws(
    () => new AccountManager(client, 'memory:', { sealingKey: 'short' }),
    (e) => e instanceof TypeError && e.argument === 'options.sealingKey',
  )
})

test('the sealing keys come from the environment when the options have none', () => {
  const [A, B] = [AccountManager.generateSealingKey(), AccountManager.generateSealingKey()]
  const script = `
    const { Client, AccountManager, createMemoryJsStore } = require(${JSON.stringify(join(PACKAGE_DIR, 'index.js'))})
    const client = new Client({ appId: '1', appSecret: 's', mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:9', redirectUri: 'https://x.example/cb' })
    try {
      new AccountManager(client, createMemoryJsStore())
      console.log('opened')
    } catch (e) {
      console.log(e.name, e.argument)
    }
  `
  const run = (env) => spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 })
  assert.match(run({ INSTAGRAPH_SEALING_KEY: B, INSTAGRAPH_PREVIOUS_SEALING_KEYS: A }).stdout, /opened/)
  assert.match(
    run({ INSTAGRAPH_SEALING_KEY: B, INSTAGRAPH_PREVIOUS_SEALING_KEYS: `${A},nope` }).stdout,
    /TypeError INSTAGRAPH_PREVIOUS_SEALING_KEYS/,
  )
})

// ---- a broken JS store ---------------------------------------------------------------------------

test('a failing or malformed JS store gives StoreErrors that name the method', async () => {
  const rejecting = createMemoryJsStore()
  rejecting.scan = async () => {
    throw new Error('connection refused by db')
  }
  const a = new AccountManager(client, rejecting, { sealingKey: KEY })
  await assert.rejects(a.assignments('acme'), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /scan/)
    assert.match(e.message, /connection refused by db/)
    return true
  })

  const throwing = createMemoryJsStore()
  throwing.compareAndSwap = () => {
    throw new Error('sync failure')
  }
  const b = new AccountManager(client, throwing, { sealingKey: KEY })
  await assert.rejects(b.startConnect({ companyId: 'acme' }), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /compareAndSwap.*sync failure/)
    return true
  })

  const malformed = createMemoryJsStore()
  malformed.compareAndSwap = async () => 'yes'
  const c = new AccountManager(client, malformed, { sealingKey: KEY })
  await assert.rejects(c.startConnect({ companyId: 'acme' }), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /compareAndSwap.*malformed.*expected a boolean, got a string/)
    return true
  })

  const badScan = createMemoryJsStore()
  badScan.scan = async () => [['only a key']]
  const d = new AccountManager(client, badScan, { sealingKey: KEY })
  await assert.rejects(d.assignments('acme'), (e) => e instanceof StoreError && /scan.*malformed.*\[key, value\]/.test(e.message))

  const badValue = createMemoryJsStore()
  badValue.get = async () => '{"is_added": EAAB-not-json'
  const f = new AccountManager(client, badValue, { sealingKey: KEY })
  await assert.rejects(f.account('acme', '1784'), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /malformed value at key "accounts\/acme\/1784"/)
    assert.ok(!e.message.includes('EAAB'), 'the stored text is not echoed')
    return true
  })
})

test('a JS store method that never settles fails the call naming the method', async () => {
  const stuck = createMemoryJsStore()
  stuck.scan = () => new Promise(() => {})
  const accounts = new AccountManager(client, stuck, { sealingKey: KEY, storeTimeoutMs: 200 })
  await assert.rejects(accounts.assignments('acme'), (e) => {
    assert.ok(e instanceof StoreError, `${e.name}: ${e.message}`)
    assert.match(e.message, /store method scan did not answer within 200ms/)
    return true
  })
  assert.throws(
    () => new AccountManager(client, createMemoryJsStore(), { sealingKey: KEY, storeTimeoutMs: 0 }),
    (e) => e instanceof TypeError && e.argument === 'options.storeTimeoutMs',
  )
})

test('a plain synchronous store object, and thenables, are accepted', async () => {
  const entries = new Map()
  const store = {
    get: (key) => entries.get(key), // undefined for an absent key
    scan: (prefix) => [...entries].filter(([key]) => key.startsWith(prefix)),
    compareAndSwap: (key, expected, next) => {
      if ((entries.get(key) ?? null) !== expected) return false
      next === null ? entries.delete(key) : entries.set(key, next)
      return true
    },
  }
  const accounts = new AccountManager(client, store, { sealingKey: KEY })
  const start = await accounts.startConnect({ companyId: 'sync-co' })
  assert.equal(JSON.parse(entries.get(`oauth-states/${start.state}`)).company, 'sync-co')

  // So is a thenable that is not a native Promise (a query builder, say), resolved or rejected.
  const thenable = { ...store, get: (key) => ({ then: (resolve) => setTimeout(() => resolve(entries.get(key) ?? null), 1) }) }
  const viaThenable = new AccountManager(client, thenable, { sealingKey: KEY })
  const second = await viaThenable.startConnect({ companyId: 'thenable-co' })
  assert.equal(JSON.parse(entries.get(`oauth-states/${second.state}`)).company, 'thenable-co')
  thenable.get = () => ({ then: (_resolve, reject) => reject(new Error('builder failed')) })
  const rejecting = new AccountManager(client, thenable, { sealingKey: KEY })
  await assert.rejects(rejecting.account('thenable-co', '1'), (e) => e instanceof StoreError && /get.*builder failed/.test(e.message))
})

test('construction checks the store object and asks for a sealing key', () => {
  const missing = createMemoryJsStore()
  missing.compareAndSwap = undefined
  assert.throws(
    () => new AccountManager(client, missing, { sealingKey: KEY }),
    (e) => {
      assert.ok(e instanceof TypeError)
      assert.equal(e.argument, 'store')
      assert.match(e.message, /compareAndSwap/)
      return true
    },
  )
  const notAFunction = { ...createMemoryJsStore(), get: () => null, compareAndSwap: () => true, scan: 'nope' }
  assert.throws(
    () => new AccountManager(client, notAFunction, { sealingKey: KEY }),
    (e) => e instanceof TypeError && e.argument === 'store' && /scan/.test(e.message),
  )
  assert.throws(
    () => new AccountManager(client, createMemoryJsStore()),
    (e) => e instanceof TypeError && e.argument === 'options.sealingKey',
  )
  assert.throws(
    () => new AccountManager(client, 42, { sealingKey: KEY }),
    (e) => e instanceof TypeError && e.argument === 'store',
  )
})

test('a JS store does not keep Node running', () => {
  const script = `
    const { Client, AccountManager, createMemoryJsStore } = require(${JSON.stringify(join(PACKAGE_DIR, 'index.js'))})
    const client = new Client({ appId: '1', appSecret: 's', mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:9', redirectUri: 'https://x.example/cb' })
    globalThis.keep = new AccountManager(client, createMemoryJsStore(), { sealingKey: AccountManager.generateSealingKey() })
    console.log('made')
  `
  const run = spawnSync(process.execPath, ['-e', script], { timeout: 30_000, encoding: 'utf8' })
  assert.equal(run.error, undefined, 'exited on its own')
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /made/)
})
