// AccountManager beyond connect/add/publish: one account, listings with options, unassign,
// discover, connection status, the token sweep, company isolation, and argument errors —
// on the built-in memory store and on the reference JS store alike.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ig } from './package.mjs'

const { Sandbox, Client, AccountManager, NotFoundError, createMemoryJsStore } = ig

const REDIRECT = 'https://agency.example/instagram/oauth2callback'
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

async function connect(accounts, company, user) {
  const start = await accounts.startConnect({ companyId: company })
  const callback = await sandbox.consent(start.url, user.id, true)
  return accounts.finishConnect(callback)
}

const notFound = (e) => {
  assert.ok(e instanceof NotFoundError, `${e.name}: ${e.message}`)
  assert.equal(e.code, 'NOT_FOUND')
  return true
}

const STORES = {
  'memory:': () => new AccountManager(client, 'memory:'),
  'a JS store': () =>
    new AccountManager(client, createMemoryJsStore(), { sealingKey: AccountManager.generateSealingKey() }),
}

for (const [label, make] of Object.entries(STORES)) {
  test(`one account, listings, unassign and discover (${label})`, async () => {
    const accounts = make()
    const connection = await connect(accounts, 'acme', sandbox.seedUsers[0])
    const ids = connection.accounts.map((a) => a.igUserId)
    assert.ok(ids.length >= 2, `alice reaches ${ids.length} accounts`)
    const [first, second] = ids

    const one = await accounts.account('acme', first)
    assert.equal(one.igUserId, first)
    assert.equal(one.company, 'acme')
    assert.equal(one.isAdded, false)
    assert.equal(one.tokenId === null || typeof one.tokenId === 'string', true)
    assert.match(one.createdAt, /^\d{4}-\d\d-\d\dT/)
    await assert.rejects(accounts.account('acme', '999999999'), notFound)

    // Stored listing with options: no API call, every discovered account.
    const all = await accounts.accounts('acme')
    assert.equal(all.total, ids.length)
    assert.equal(all.offset, 0)
    assert.equal(all.limit, 50)
    const page = await accounts.accounts('acme', { sortBy: 'username', limit: 1, offset: 1 })
    assert.equal(page.items.length, 1)
    assert.equal(page.total, ids.length)
    const byName = [...all.items].sort((a, b) => (a.username ?? '').localeCompare(b.username ?? '') || a.igUserId.localeCompare(b.igUserId))
    assert.equal(page.items[0].igUserId, byName[1].igUserId, 'second by username')
    const desc = await accounts.accounts('acme', { sortBy: 'username', descending: true, limit: 1 })
    assert.equal(desc.items[0].igUserId, byName.at(-1).igUserId)

    await accounts.add('acme', [first])
    assert.deepEqual((await accounts.accounts('acme', { isAdded: true })).items.map((a) => a.igUserId), [first])
    assert.equal((await accounts.accounts('acme', { isAdded: false })).total, ids.length - 1)
    const username = one.username
    assert.ok(username)
    const searched = await accounts.added('acme', { search: username.toUpperCase() })
    assert.deepEqual(searched.items.map((i) => i.account.igUserId), [first])
    assert.equal((await accounts.added('acme', { search: 'no-such-name-anywhere' })).total, 0)

    // Assign, then unassign; unknown ids are reported, not fatal.
    assert.deepEqual(await accounts.assign('acme', 'client-7', [first, second]), { updated: 2, unknown: [] })
    assert.equal((await accounts.accounts('acme', { clientId: 'client-7' })).total, 2)
    assert.deepEqual(await accounts.unassign('acme', [first, '424242']), { updated: 1, unknown: ['424242'] })
    assert.deepEqual((await accounts.assignments('acme')).map((a) => a.igUserId), [second])
    assert.equal((await accounts.account('acme', first)).assignedClientId, null)
    assert.deepEqual(await accounts.unassign('acme', [first]), { updated: 0, unknown: [] })

    // Discovery again with the stored user token finds the same accounts, none new.
    const again = await accounts.discover('acme', connection.tokenId)
    assert.equal(again.tokenId, connection.tokenId)
    assert.equal(again.inserted, 0)
    assert.deepEqual(again.accounts.map((a) => a.igUserId).sort(), [...ids].sort())
    assert.equal((await accounts.account('acme', first)).isAdded, true, 'discovery keeps the flags')
    await assert.rejects(accounts.discover('acme', 'no-such-token'), notFound)
  })

  test(`company B cannot read, assign or remove company A's accounts (${label})`, async () => {
    const accounts = make()
    const a = await connect(accounts, 'company-a', sandbox.seedUsers[0])
    const b = await connect(accounts, 'company-b', sandbox.seedUsers[1])
    const mine = new Set(b.accounts.map((x) => x.igUserId))
    const theirs = a.accounts.map((x) => x.igUserId).find((id) => !mine.has(id))
    assert.ok(theirs, 'company A has an account company B does not')
    await accounts.add('company-a', [theirs])
    const before = await accounts.account('company-a', theirs)

    await assert.rejects(accounts.account('company-b', theirs), notFound)
    await assert.rejects(accounts.remove('company-b', theirs), notFound)
    assert.deepEqual(await accounts.add('company-b', [theirs]), { updated: 0, unknown: [theirs] })
    assert.deepEqual(await accounts.assign('company-b', 'x', [theirs]), { updated: 0, unknown: [theirs] })
    assert.deepEqual(await accounts.unassign('company-b', [theirs]), { updated: 0, unknown: [theirs] })
    assert.ok(!(await accounts.accounts('company-b')).items.some((x) => x.igUserId === theirs))
    assert.equal((await accounts.added('company-b')).total, 0)
    // A's token is not B's either.
    await assert.rejects(accounts.connectionStatus('company-b', a.tokenId), notFound)
    await assert.rejects(accounts.discover('company-b', a.tokenId), notFound)
    await assert.rejects(accounts.disconnect('company-b', a.tokenId), notFound)

    assert.deepEqual(await accounts.account('company-a', theirs), before, "A's row is untouched")
    // A company that never connected has nothing at all.
    await assert.rejects(accounts.added('nobody'), notFound)
    await assert.rejects(accounts.sweepTokens('nobody'), notFound)
  })
}

test('connection status and the token sweep', async () => {
  const accounts = new AccountManager(client, 'memory:')
  const connection = await connect(accounts, 'sweep-co', sandbox.seedUsers[0])
  const status = await accounts.connectionStatus('sweep-co', connection.tokenId)
  assert.equal(status.tokenId, connection.tokenId)
  assert.equal(status.login, 'facebook')
  assert.equal(status.valid, true)
  assert.ok(Array.isArray(status.scopes) && status.scopes.length > 0)
  assert.ok(Array.isArray(status.missingScopes))
  assert.equal(status.reason, null)
  assert.ok(status.expiresAt === null || !Number.isNaN(Date.parse(status.expiresAt)))
  assert.equal(status.expiring, false, 'about 60 days left: not due within the week')

  // The long-lived user token lives about 60 days: nothing to do within the default week...
  const quiet = await accounts.sweepTokens('sweep-co')
  assert.deepEqual(quiet, { refreshed: [], reconnect: [] })
  // ...but within 61 days, its user must log in again (Facebook tokens cannot be refreshed).
  const due = await accounts.sweepTokens('sweep-co', 61 * 86400)
  const entry = due.reconnect.find((r) => r.tokenId === connection.tokenId)
  assert.ok(entry, JSON.stringify(due))
  assert.equal(entry.login, 'facebook')
  assert.equal(entry.subjectId, sandbox.seedUsers[0].id)
  assert.ok(entry.reason.length > 0)
  for (const acc of connection.accounts.filter((x) => x.tokenId === connection.tokenId)) {
    assert.ok(entry.accounts.includes(acc.igUserId), acc.igUserId)
  }
})

test('bad arguments are TypeErrors naming the argument, before any call', async () => {
  const accounts = new AccountManager(client, 'memory:')
  const typeError = (argument) => (e) => {
    assert.ok(e instanceof TypeError, `${e.name}: ${e.message}`)
    assert.equal(e.argument, argument)
    return true
  }
  // Wrong JS types, caught from the argument table build.rs derives from the Rust declarations.
  await assert.rejects(accounts.add(42, []), typeError('companyId'))
  await assert.rejects(accounts.add('acme', '1'), typeError('igUserIds'))
  await assert.rejects(accounts.assign('acme', 'c', ['1', 2]), typeError('igUserIds[1]'))
  await assert.rejects(accounts.account('acme'), typeError('igUserId'))
  await assert.rejects(accounts.sweepTokens('acme', '3600'), typeError('withinSeconds'))
  await assert.rejects(accounts.accounts('acme', 'all'), typeError('options'))
  assert.throws(() => new AccountManager('client', 'memory:'), typeError('client'))
  // Values the Rust side judges.
  await assert.rejects(accounts.unassign('acme', []), typeError('igUserIds'))
  await assert.rejects(accounts.unassign('', ['1']), typeError('companyId'))
  await assert.rejects(accounts.connectionStatus('acme', ' '), typeError('tokenId'))
  await assert.rejects(accounts.sweepTokens('acme', -1), typeError('withinSeconds'))
  await assert.rejects(accounts.sweepTokens('acme', 1.5), typeError('withinSeconds'))
  await assert.rejects(accounts.accounts('acme', { limit: 501 }), typeError('options.limit'))
  await assert.rejects(accounts.accounts('acme', { limit: 0 }), typeError('options.limit'))
  await assert.rejects(accounts.accounts('acme', { offset: -5 }), typeError('options.offset'))
  await assert.rejects(accounts.accounts('acme', { sortBy: 'followers_count' }), typeError('options.sortBy'))
  await assert.rejects(accounts.added('acme', { clientId: '' }), typeError('options.clientId'))
  assert.throws(() => new AccountManager(client, 'redis://x'), typeError('storeUrl'))
})

test('postgres:// URLs need a sealing key and are opened on first use', () => {
  assert.throws(
    () => new AccountManager(client, 'postgres://app@127.0.0.1:1/agency'),
    (e) => e instanceof TypeError && e.argument === 'options.sealingKey',
  )
  // Nothing is contacted before the first call.
  const key = AccountManager.generateSealingKey()
  assert.ok(new AccountManager(client, 'postgresql://app@127.0.0.1:1/agency', { sealingKey: key }))
})

const PG = process.env.INSTAGRAPH_TEST_POSTGRES_URL
test('a postgres store by URL, shared by two managers', { skip: PG ? false : 'set INSTAGRAPH_TEST_POSTGRES_URL to run' }, async () => {
  const key = AccountManager.generateSealingKey()
  const company = `pg-${process.pid}-${Date.now()}`
  const one = new AccountManager(client, PG, { sealingKey: key })
  const connection = await connect(one, company, sandbox.seedUsers[0])
  const first = connection.accounts[0].igUserId
  assert.deepEqual(await one.add(company, [first]), { updated: 1, unknown: [] })
  // Another manager (another process, in production) on the same database sees it.
  const two = new AccountManager(client, PG, { sealingKey: key })
  assert.equal((await two.account(company, first)).isAdded, true)
  const listed = await two.added(company)
  assert.deepEqual(listed.items.map((i) => i.account.igUserId), [first])
  assert.ok(listed.items[0].live, 'the token opens with the shared key')
  await two.remove(company, first)
  await assert.rejects(one.account(company, first), notFound)
})
