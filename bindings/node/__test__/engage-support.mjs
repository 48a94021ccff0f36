// Shared setup of the read/engage tests (media, comments, mentions, hashtags, insights,
// messaging): one sandbox, Alice's accounts connected to company `acme` with every scope
// these classes need. Not a test file itself (node --test only runs *.test.mjs).
import assert from 'node:assert/strict'
import { ig } from './package.mjs'

export { ig }

export const COMPANY = 'acme'
export const REDIRECT = 'https://agency.example/instagram/oauth2callback'
export const SCOPES = [
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_metadata',
  'pages_messaging',
  'business_management',
  'instagram_basic',
  'instagram_content_publish',
  'instagram_manage_comments',
  'instagram_manage_insights',
  'instagram_manage_messages',
  'instagram_manage_contents',
]

/** Starts a sandbox and connects Alice's accounts to `acme` (and, with no Insights scope,
 * to `other`). Returns what the tests need. */
export async function setup({ scopes = SCOPES, sandboxOptions } = {}) {
  const sandbox = await ig.Sandbox.start(sandboxOptions)
  const client = new ig.Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
  const accounts = new ig.AccountManager(client, 'memory:')
  const connection = await connect(sandbox, accounts, COMPANY, { scopes })
  const seed = sandbox.seed
  const byName = (name) => seed.instagramAccounts.find((a) => a.username === name).id
  return {
    sandbox,
    client,
    accounts,
    connection,
    seed,
    bakery: byName('alice.bakery'),
    travels: byName('alice.travels'),
    studio: byName('client.studio'),
    bob: byName('bob.builds'),
  }
}

/** Connects a seeded Facebook user's accounts (Alice by default) to `company`. */
export async function connect(sandbox, accounts, company, { scopes = SCOPES, user = 0 } = {}) {
  const start = await accounts.startConnect({ companyId: company, scopes })
  const callback = await sandbox.consent(start.url, sandbox.seedUsers[user].id, true)
  const connection = await accounts.finishConnect(callback)
  assert.ok(connection.accounts.length >= 1, JSON.stringify(connection.accounts))
  return connection
}

/** Asserts a rejection is a TypeError naming `argument`. */
export async function rejectsType(promise, argument) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof TypeError, `${e.name}: ${e.message}`)
    assert.equal(e.argument, argument, e.message)
    return true
  })
}

/** Asserts a rejection is an `InvalidInputError` naming `field`, before any call. */
export async function rejectsInvalid(promise, field) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof ig.InvalidInputError, `${e.name}: ${e.message}`)
    assert.equal(e.field, field, e.message)
    assert.equal(e.errorClass, 'invalidInput')
    return true
  })
}

/** Asserts a rejection is a Graph API error with Meta's fields. */
export async function rejectsGraph(promise, code) {
  let caught
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof ig.GraphApiError, `${e.name}: ${e.message}`)
    assert.ok(e instanceof ig.InstagraphError)
    assert.equal(e.code, code, e.message)
    assert.equal(typeof e.fbtraceId, 'string')
    assert.ok(e.fbtraceId.length > 0)
    for (const field of ['subcode', 'errorClass', 'userTitle', 'userMessage']) {
      assert.ok(field in e, field)
    }
    caught = e
    return true
  })
  return caught
}
