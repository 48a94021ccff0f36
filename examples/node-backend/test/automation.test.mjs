// Messaging automation routes: ice breakers, persistent menu, a participant's profile, sender
// actions, quick replies and templates on a reply, private replies, comment search, template
// replies, the webhook subscription; bad input is a 4xx naming the field, and company B's key
// never reaches company A's account.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend } from './support.mjs'

let t
let bakery // acme's account
let bob // globex's account
let conversation // acme's conversation with FAN
const FAN = '9900000000000042'

async function addAll(company, tokenId) {
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`, { as: company })
  assert.equal(found.status, 200, found.text)
  const accounts = found.body.data.accounts
  await t.api('POST', '/instagram/add-instagram-account', { as: company, body: { instagramAccounts: accounts } })
  return accounts
}

before(async () => {
  t = await startBackend()
  const acme = await t.connect('acme', 0)
  const globex = await t.connect('globex', 1)
  bakery = (await addAll('acme', acme.tokenId)).find((a) => a.username === 'alice.bakery').id
  bob = (await addAll('globex', globex.tokenId))[0].id
  await t.sandbox.event({ type: 'message', from_user_id: FAN, to_ig_id: bakery, text: 'Do you bake rye?', from_username: 'rye.fan' })
  const list = await t.api('GET', `/instagram/conversations?igUserId=${bakery}&userId=${FAN}`)
  conversation = list.body.data[0].id
})

after(async () => {
  await t?.stop()
})

function refused(res) {
  assert.ok([403, 404].includes(res.status), `expected 403/404, got ${res.status}: ${res.text}`)
  t.assertError(res, res.status)
}

test('ice breakers: PUT, GET, DELETE; limits and shapes are 400s; tenancy', async () => {
  const path = `/instagram/accounts/${bakery}/ice-breakers`
  const iceBreakers = [{ locale: 'default', callToActions: [{ question: 'Do you deliver?', payload: 'DELIVERY' }] }]
  const put = await t.api('PUT', path, { body: { iceBreakers } })
  assert.equal(put.status, 200, put.text)
  const got = await t.api('GET', path)
  assert.equal(got.status, 200, got.text)
  assert.deepEqual(got.body.data, iceBreakers)
  const gone = await t.api('DELETE', path)
  assert.equal(gone.status, 200, gone.text)
  assert.deepEqual((await t.api('GET', path)).body.data, [])

  const five = Array.from({ length: 5 }, (_, i) => ({ question: `Q${i}`, payload: `P${i}` }))
  t.assertError(await t.api('PUT', path, { body: { iceBreakers: [{ locale: 'default', callToActions: five }] } }), 400, { field: 'iceBreakers.callToActions' })
  t.assertError(await t.api('PUT', path, { body: { iceBreakers: [{ locale: 'en_GB', callToActions: five.slice(0, 1) }] } }), 400, { field: 'iceBreakers' })
  t.assertError(await t.api('PUT', path, { body: { iceBreakers: 'nope' } }), 400, { field: 'iceBreakers' })
  t.assertError(await t.api('PUT', path, { body: { iceBreakers: [{ locale: 'default', callToActions: [{ question: 7 }] }] } }), 400)
  t.assertError(await t.api('PUT', path, { body: {} }), 400, { field: 'iceBreakers' })

  refused(await t.api('GET', path, { as: 'globex' }))
  refused(await t.api('PUT', path, { as: 'globex', body: { iceBreakers } }))
  refused(await t.api('DELETE', path, { as: 'globex' }))
  assert.deepEqual((await t.api('GET', path)).body.data, [], 'globex changed nothing')
})

test('persistent menu: PUT, GET, DELETE; limits are 400s; tenancy', async () => {
  const path = `/instagram/accounts/${bakery}/persistent-menu`
  const menu = [{ locale: 'default', callToActions: [
    { type: 'postback', title: 'Talk to a baker', payload: 'AGENT' },
    { type: 'web_url', title: 'Order online', url: 'https://bakery.example/order' },
  ] }]
  assert.equal((await t.api('PUT', path, { body: { menu } })).status, 200)
  const got = await t.api('GET', path)
  assert.equal(got.status, 200, got.text)
  assert.deepEqual(got.body.data[0].callToActions.map((b) => b.title), ['Talk to a baker', 'Order online'])
  refused(await t.api('DELETE', path, { as: 'globex' }))
  assert.equal((await t.api('GET', path)).body.data.length, 1, 'globex deleted nothing')
  assert.equal((await t.api('DELETE', path)).status, 200)
  assert.deepEqual((await t.api('GET', path)).body.data, [])

  const long = [{ locale: 'default', callToActions: [{ type: 'postback', title: 'x'.repeat(31), payload: 'P' }] }]
  t.assertError(await t.api('PUT', path, { body: { menu: long } }), 400, { field: 'persistentMenu.title' })
  const badType = [{ locale: 'default', callToActions: [{ type: 'phone', title: 'Call' }] }]
  t.assertError(await t.api('PUT', path, { body: { menu: badType } }), 400)
  refused(await t.api('PUT', path, { as: 'globex', body: { menu } }))
  refused(await t.api('GET', `/instagram/accounts/${bakery}/persistent-menu`, { as: 'globex' }))
  t.assertError(await t.api('GET', '/instagram/accounts/not%20an%20id/persistent-menu'), 400, { field: 'igUserId' })
})

test('a conversation participant\'s profile and sender actions', async () => {
  const profile = await t.api('GET', `/instagram/conversations/${conversation}/profile?igUserId=${bakery}`)
  assert.equal(profile.status, 200, profile.text)
  assert.equal(profile.body.data.id, FAN)
  assert.equal(profile.body.data.username, 'rye.fan')
  const typing = await t.api('POST', `/instagram/conversations/${conversation}/sender-action`, { body: { igUserId: bakery, action: 'typing_on' } })
  assert.equal(typing.status, 200, typing.text)
  assert.equal(typing.body.recipientId, FAN)

  t.assertError(await t.api('POST', `/instagram/conversations/${conversation}/sender-action`, { body: { igUserId: bakery, action: 'dance' } }), 400, { field: 'action' })
  t.assertError(await t.api('POST', `/instagram/conversations/${conversation}/sender-action`, { body: { igUserId: bakery } }), 400, { field: 'action' })
  t.assertError(await t.api('GET', `/instagram/conversations/${conversation}/profile?igUserId=${bakery}&recipientId=123`), 400, { field: 'recipientId' })
  refused(await t.api('GET', `/instagram/conversations/${conversation}/profile?igUserId=${bakery}`, { as: 'globex' }))
  refused(await t.api('GET', `/instagram/conversations/${conversation}/profile?igUserId=${bob}`, { as: 'globex' }))
  refused(await t.api('POST', `/instagram/conversations/${conversation}/sender-action`, { as: 'globex', body: { igUserId: bakery, action: 'mark_seen' } }))
})

test('a reply with quick replies or a generic template', async () => {
  const path = `/instagram/conversations/${conversation}/messages`
  const asked = await t.api('POST', path, { body: { igUserId: bakery, text: 'Rye or spelt?', quickReplies: [{ title: 'Rye', payload: 'RYE' }, { title: 'Spelt', payload: 'SPELT' }] } })
  assert.equal(asked.status, 201, asked.text)
  assert.ok(asked.body.messageId)
  const card = await t.api('POST', path, { body: { igUserId: bakery, template: [{ title: 'Rye loaf', subtitle: '750 g', buttons: [{ type: 'postback', title: 'Reserve', payload: 'R' }] }] } })
  assert.equal(card.status, 201, card.text)

  const fourteen = Array.from({ length: 14 }, (_, i) => ({ title: `${i}`, payload: `${i}` }))
  t.assertError(await t.api('POST', path, { body: { igUserId: bakery, text: 'Pick', quickReplies: fourteen } }), 400, { field: 'quickReplies' })
  t.assertError(await t.api('POST', path, { body: { igUserId: bakery, text: 'Pick', quickReplies: [{ title: 'x'.repeat(21), payload: 'P' }] } }), 400, { field: 'quickReplies.title' })
  t.assertError(await t.api('POST', path, { body: { igUserId: bakery, template: [{ title: 'Bare' }] } }), 400, { field: 'template.elements' })
  t.assertError(await t.api('POST', path, { body: { igUserId: bakery, text: 'x', template: [{ title: 'T', subtitle: 'S' }] } }), 400, { field: 'text' })
  t.assertError(await t.api('POST', path, { body: { igUserId: bakery, template: 'card' } }), 400, { field: 'template' })
  refused(await t.api('POST', path, { as: 'globex', body: { igUserId: bakery, template: [{ title: 'T', subtitle: 'S' }] } }))
})

test('private reply, comment search and template reply on a comment', async () => {
  const media = (await t.api('GET', `/instagram/media?igUserId=${bakery}`)).body.data[0].id
  const made = await t.sandbox.event({ type: 'comment', media_id: media, text: 'Is the rye vegan?', from_id: '9900000000000043', from_username: 'vegan.val' })
  const comment = made.created?.comment_id
  assert.ok(comment, JSON.stringify(made))

  const found = await t.api('GET', `/instagram/media/${media}/comments/search?igUserId=${bakery}&text=vegan`)
  assert.equal(found.status, 200, found.text)
  assert.ok(found.body.data.some((c) => c.id === comment), found.text)
  t.assertError(await t.api('GET', `/instagram/media/${media}/comments/search?igUserId=${bakery}&max=0`), 400, { field: 'max' })
  t.assertError(await t.api('GET', `/instagram/media/${media}/comments/search?igUserId=${bakery}&hidden=maybe`), 400, { field: 'hidden' })
  refused(await t.api('GET', `/instagram/media/${media}/comments/search?igUserId=${bakery}`, { as: 'globex' }))

  const templated = await t.api('POST', `/instagram/comments/${comment}/template-reply`, { body: { igUserId: bakery, template: 'Thanks @{username}! {custom:answer}', custom: { answer: 'Yes, it is.' } } })
  assert.equal(templated.status, 201, templated.text)
  assert.equal(templated.body.data.message, 'Thanks @vegan.val! Yes, it is.')
  t.assertError(await t.api('POST', `/instagram/comments/${comment}/template-reply`, { body: { igUserId: bakery, template: 'Hi', custom: [1] } }), 400, { field: 'custom' })
  t.assertError(await t.api('POST', `/instagram/comments/${comment}/template-reply`, { body: { igUserId: bakery } }), 400, { field: 'template' })
  refused(await t.api('POST', `/instagram/comments/${comment}/template-reply`, { as: 'globex', body: { igUserId: bakery, template: 'Hi' } }))

  refused(await t.api('POST', `/instagram/comments/${comment}/private-reply`, { as: 'globex', body: { igUserId: bakery, text: 'Check your DMs' } }))
  t.assertError(await t.api('POST', `/instagram/comments/${comment}/private-reply`, { body: { igUserId: bakery } }), 400, { field: 'text' })
  const dm = await t.api('POST', `/instagram/comments/${comment}/private-reply`, { body: { igUserId: bakery, text: 'Check your DMs' } })
  assert.equal(dm.status, 201, dm.text)
  assert.ok(dm.body.messageId)
})

test('webhook subscription: POST, DELETE; bad fields are 400s; tenancy', async () => {
  const path = `/instagram/accounts/${bakery}/webhook-subscription`
  const on = await t.api('POST', path, { body: { fields: ['comments', 'messages', 'messaging_postbacks'] } })
  assert.equal(on.status, 200, on.text)
  t.assertError(await t.api('POST', path, { body: { fields: [] } }), 400, { field: 'fields' })
  t.assertError(await t.api('POST', path, { body: { fields: 'comments' } }), 400, { field: 'fields' })
  refused(await t.api('POST', path, { as: 'globex', body: { fields: ['comments'] } }))
  refused(await t.api('DELETE', path, { as: 'globex' }))
  const off = await t.api('DELETE', path)
  assert.equal(off.status, 200, off.text)
})
