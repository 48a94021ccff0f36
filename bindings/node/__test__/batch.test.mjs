// Batch requests from Node against the in-process sandbox: results in order, per-operation
// errors as objects, splitting beyond 50 operations, and argument checks.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ig as instagraph } from './package.mjs'

const { Sandbox, Client, AccountManager, Batch, NotFoundError, InvalidInputError } = instagraph

const REDIRECT = 'https://agency.example/instagram/oauth2callback'
let sandbox
let accounts
let ig
// Comments need instagram_manage_comments (the 'no-comments' company goes without it).
const SCOPES = ['pages_show_list', 'business_management', 'instagram_basic', 'instagram_manage_comments', 'pages_read_engagement']

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
  const start = await accounts.startConnect({ companyId: 'acme', scopes: SCOPES })
  const connection = await accounts.finishConnect(await sandbox.consent(start.url, sandbox.seedUsers[0].id, true))
  ig = connection.accounts[0].igUserId
  await accounts.add('acme', [ig])
})

after(async () => {
  await sandbox?.stop()
})

test('GET, POST and DELETE in order, with a per-operation error as an object', async () => {
  const batch = new Batch(accounts)
  const [user, media, missing] = await batch.send('acme', ig, [
    { method: 'GET', relativeUrl: `${ig}?fields=id,username` },
    { method: 'GET', relativeUrl: `${ig}/media?fields=id&limit=1` },
    { method: 'GET', relativeUrl: 'nope-404?fields=id' },
  ])
  assert.equal(user.ok, true)
  assert.equal(user.code, 200)
  assert.equal(user.body.id, ig)
  assert.ok(user.body.username)
  assert.equal(user.error, null)
  assert.equal(media.ok, true)
  const mediaId = media.body.data[0].id
  assert.ok(mediaId)
  // One operation failing does not fail the batch.
  assert.equal(missing.ok, false)
  assert.equal(missing.code, 400)
  assert.equal(missing.body, null)
  assert.equal(missing.error.code, 100)
  assert.equal(missing.error.httpStatus, 400)
  assert.equal(typeof missing.error.message, 'string')
  assert.ok('subcode' in missing.error && 'fbtraceId' in missing.error)
  assert.equal(missing.error.errorClass, 'invalidInput')

  // An account connected without instagram_manage_comments: the POST fails alone.
  const withoutComments = SCOPES.filter((scope) => scope !== 'instagram_manage_comments')
  const start = await accounts.startConnect({ companyId: 'no-comments', scopes: withoutComments })
  await accounts.finishConnect(await sandbox.consent(start.url, sandbox.seedUsers[0].id, true))
  const [refused, fine] = await batch.send('no-comments', ig, [
    { method: 'POST', relativeUrl: `${mediaId}/comments`, body: { message: 'not allowed' } },
    { method: 'GET', relativeUrl: `${ig}?fields=id` },
  ])
  assert.equal(refused.ok, false)
  assert.equal(refused.error.code, 10)
  assert.equal(refused.error.type, 'OAuthException')
  assert.equal(refused.error.errorClass, 'permissionMissing')
  assert.ok(refused.error.fbtraceId)
  assert.equal(fine.ok, true)

  const [created] = await batch.send('acme', ig, [
    { method: 'POST', relativeUrl: `${mediaId}/comments`, body: { message: 'from a Node batch & more' } },
  ])
  assert.equal(created.ok, true, JSON.stringify(created))
  const commentId = created.body.id
  assert.ok(commentId)
  const [read, removed] = await batch.send('acme', ig, [
    { relativeUrl: `${commentId}?fields=text` }, // GET by default
    { method: 'delete', relativeUrl: commentId },
  ])
  assert.equal(read.body.text, 'from a Node batch & more', 'the form body is encoded')
  assert.equal(removed.ok, true, JSON.stringify(removed))
  const [gone] = await batch.send('acme', ig, [{ relativeUrl: `${commentId}?fields=text` }])
  assert.equal(gone.ok, false, 'the comment was deleted')
})

test('more than 50 operations are split and come back in order', async () => {
  const ops = Array.from({ length: 120 }, (_, i) => ({ method: 'GET', relativeUrl: `${ig}?fields=id&n=${i}` }))
  ops[77] = { method: 'GET', relativeUrl: 'nope-77' }
  const results = await new Batch(accounts).send('acme', ig, ops, { concurrency: 2 })
  assert.equal(results.length, 120)
  results.forEach((r, i) => {
    if (i === 77) assert.equal(r.ok, false)
    else assert.equal(r.body.id, ig, `result ${i}`)
  })
})

test('bad arguments are refused before any call', async () => {
  const batch = new Batch(accounts)
  const get = { method: 'GET', relativeUrl: `${ig}?fields=id` }
  await assert.rejects(batch.send('acme', ig, []), (e) => {
    assert.ok(e instanceof TypeError)
    assert.equal(e.argument, 'ops')
    assert.match(e.message, /Batch\.send/)
    return true
  })
  await assert.rejects(batch.send('', ig, [get]), (e) => e instanceof TypeError && e.argument === 'companyId')
  await assert.rejects(batch.send('acme', '', [get]), (e) => e instanceof TypeError && e.argument === 'igUserId')
  await assert.rejects(batch.send('acme', ig, [get, { method: 'PATCH', relativeUrl: 'x' }]), (e) => e instanceof TypeError && e.argument === 'ops[1].method')
  await assert.rejects(batch.send('acme', ig, [{ method: 'GET' }]), (e) => e instanceof TypeError && e.argument === 'ops[0].relativeUrl')
  await assert.rejects(batch.send('acme', ig, [{ ...get, body: { a: 1 } }]), (e) => e instanceof TypeError && e.argument === 'ops[0].body')
  // index.js's type check may name the array itself before the Rust side names the element.
  await assert.rejects(batch.send('acme', ig, ['GET me']), (e) => e instanceof TypeError && ['ops', 'ops[0]'].includes(e.argument))
  await assert.rejects(batch.send('acme', ig, [get], { concurrency: 0 }), (e) => e instanceof TypeError && e.argument === 'options.concurrency')
  const tooMany = Array.from({ length: 1001 }, () => get)
  await assert.rejects(batch.send('acme', ig, tooMany), (e) => e instanceof TypeError && e.argument === 'ops')
  // The SDK's own check: a URL that is not relative to the Graph host.
  await assert.rejects(batch.send('acme', ig, [{ relativeUrl: 'https://evil.example/x' }]), (e) => {
    assert.ok(e instanceof InvalidInputError, `${e.name}: ${e.message}`)
    assert.equal(e.field, 'relative_url')
    return true
  })
  await assert.rejects(batch.send('acme', '17849999999999999', [get]), NotFoundError)
})
