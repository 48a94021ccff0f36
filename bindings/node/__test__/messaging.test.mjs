// Messaging: conversations, the 20 newest messages, send (text, attachment, HUMAN_AGENT),
// the 24-hour window as MessagingWindowError, reactions.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType, rejectsInvalid } from './engage-support.mjs'

let ctx
let messaging
let byWindow

before(async () => {
  ctx = await setup()
  messaging = new ig.Messaging(ctx.accounts)
  const mine = ctx.seed.engagement.conversations.filter((c) => c.igId === ctx.bakery)
  byWindow = Object.fromEntries(mine.map((c) => [c.window, c]))
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('conversations page with cursors and filter by person', async () => {
  const mine = ctx.seed.engagement.conversations.filter((c) => c.igId === ctx.bakery)
  const first = await messaging.conversations(COMPANY, ctx.bakery, { limit: 2 })
  assert.equal(first.data.length, 2)
  assert.equal(first.paging.hasNext, true)
  const rest = await messaging.conversations(COMPANY, ctx.bakery, { limit: 2, after: first.paging.after })
  const ids = [...first.data, ...rest.data].map((c) => c.id)
  assert.deepEqual(ids.sort(), mine.map((c) => c.id).sort())
  assert.ok(first.data[0].updatedTime)
  const one = await messaging.conversations(COMPANY, ctx.bakery, { userId: byWindow.open.userId })
  assert.deepEqual(one.data.map((c) => c.id), [byWindow.open.id])
})

test("conversations through the account's Page (Facebook Login, Page token)", async () => {
  const pageId = ctx.seed.instagramAccounts.find((a) => a.id === ctx.bakery).pageId
  assert.ok(pageId)
  const direct = await messaging.conversations(COMPANY, ctx.bakery, { limit: 50 })
  const viaPage = await messaging.conversations(COMPANY, ctx.bakery, { limit: 50, pageId })
  assert.deepEqual(viaPage.data.map((c) => c.id), direct.data.map((c) => c.id))
  const one = await messaging.conversations(COMPANY, ctx.bakery, { pageId, userId: byWindow.open.userId })
  assert.deepEqual(one.data.map((c) => c.id), [byWindow.open.id])
  await rejectsType(messaging.conversations(COMPANY, ctx.bakery, { pageId: '' }), 'options.pageId')
})

test('one message, in full or with chosen fields', async () => {
  const [newest] = await messaging.messages(COMPANY, ctx.bakery, byWindow.open.id, { limit: 1 })
  const message = await messaging.message(COMPANY, ctx.bakery, newest.id)
  assert.equal(message.id, newest.id)
  assert.equal(message.message, newest.message)
  assert.ok(message.createdTime)
  const idOnly = await messaging.message(COMPANY, ctx.bakery, newest.id, { fields: ['id'] })
  assert.equal(idOnly.id, newest.id)
  assert.equal(idOnly.createdTime, undefined)
  await rejectsType(messaging.message(COMPANY, ctx.bakery, ''), 'messageId')
  await rejectsType(messaging.message(COMPANY, ctx.bakery, newest.id, { fields: [] }), 'options.fields')
})

test('messages: the 20 newest, newest first', async () => {
  const open = byWindow.open
  assert.ok(open.messages > 20)
  const messages = await messaging.messages(COMPANY, ctx.bakery, open.id)
  assert.equal(messages.length, 20)
  assert.ok(messages.every((m) => m.id && m.createdTime))
  const times = messages.map((m) => Date.parse(m.createdTime.replace(/\+0000$/, 'Z')))
  assert.ok(times.every((t, i) => i === 0 || t <= times[i - 1]), 'newest first')
  const three = await messaging.messages(COMPANY, ctx.bakery, open.id, { limit: 3, fields: ['id', 'message'] })
  assert.deepEqual(three.map((m) => m.id), messages.slice(0, 3).map((m) => m.id))
  await rejectsType(messaging.messages(COMPANY, ctx.bakery, open.id, { limit: 21 }), 'options.limit')
})

test('send text and an attachment inside the window; react and unreact', async () => {
  const open = byWindow.open
  const sent = await messaging.send(COMPANY, ctx.bakery, { recipient: { id: open.userId }, text: 'Your order is ready 🥖' })
  assert.equal(sent.recipientId, open.userId)
  assert.ok(sent.messageId)
  const [newest] = await messaging.messages(COMPANY, ctx.bakery, open.id, { limit: 1 })
  assert.equal(newest.id, sent.messageId)
  assert.equal(newest.message, 'Your order is ready 🥖')
  const pic = await messaging.send(COMPANY, ctx.bakery, {
    recipient: { id: open.userId },
    attachment: { type: 'image', url: 'https://images.example.com/bread.jpg' },
  })
  assert.ok(pic.messageId)
  const reacted = await messaging.react(COMPANY, ctx.bakery, open.userId, newest.id)
  assert.equal(reacted.recipientId, open.userId)
  const unreacted = await messaging.unreact(COMPANY, ctx.bakery, open.userId, newest.id)
  assert.equal(unreacted.recipientId, open.userId)
})

test('outside the 24 h window: MessagingWindowError; HUMAN_AGENT within 7 days', async () => {
  const late = byWindow.human_agent
  await assert.rejects(
    messaging.send(COMPANY, ctx.bakery, { recipient: { id: late.userId }, text: 'Hello?' }),
    (e) => {
      assert.ok(e instanceof ig.MessagingWindowError, `${e.name}: ${e.message}`)
      assert.ok(e instanceof ig.GraphApiError)
      assert.equal(e.code, 10)
      assert.equal(e.subcode, 2534022)
      assert.equal(typeof e.fbtraceId, 'string')
      return true
    },
  )
  const tagged = await messaging.send(COMPANY, ctx.bakery, { recipient: { id: late.userId }, text: 'Following up', tag: 'HUMAN_AGENT' })
  assert.ok(tagged.messageId)
  const closed = byWindow.closed
  await assert.rejects(
    messaging.send(COMPANY, ctx.bakery, { recipient: { id: closed.userId }, text: 'Hi', tag: 'HUMAN_AGENT' }),
    ig.MessagingWindowError,
  )
})

test('a private reply through send({ recipient: { commentId } })', async () => {
  const comments = await new ig.Comments(ctx.accounts).list(COMPANY, ctx.bakery, ctx.seed.engagement.mediaWithManyComments, { limit: 1 })
  const sent = await messaging.send(COMPANY, ctx.bakery, { recipient: { commentId: comments.data[0].id }, text: 'Check your DMs' })
  assert.ok(sent.messageId)
})

test('bad arguments are TypeErrors (or checked texts) naming the argument', async () => {
  const to = { id: byWindow.open.userId }
  await rejectsType(messaging.send(COMPANY, ctx.bakery, { recipient: {}, text: 'x' }), 'message.recipient')
  await rejectsType(messaging.send(COMPANY, ctx.bakery, { recipient: { id: '1', commentId: '2' }, text: 'x' }), 'message.recipient')
  await rejectsType(messaging.send(COMPANY, ctx.bakery, { recipient: to }), 'message.text')
  await rejectsType(messaging.send(COMPANY, ctx.bakery, { recipient: to, text: 'x', attachment: { type: 'image', url: 'https://a.example/x.jpg' } }), 'message.text')
  await rejectsType(messaging.send(COMPANY, ctx.bakery, { recipient: to, attachment: { type: 'gif', url: 'https://a.example/x.gif' } }), 'message.attachment.type')
  await rejectsType(messaging.send(COMPANY, ctx.bakery, { recipient: to, text: 'x', tag: 'CONFIRMED_EVENT_UPDATE' }), 'message.tag')
  await rejectsInvalid(messaging.send(COMPANY, ctx.bakery, { recipient: to, text: '  ' }), 'text')
  await rejectsInvalid(messaging.send(COMPANY, ctx.bakery, { recipient: to, text: '€'.repeat(334) }), 'text')
  await rejectsInvalid(messaging.send(COMPANY, ctx.bakery, { recipient: to, attachment: { type: 'image', url: 'ftp://a.example/x' } }), 'url')
  await rejectsType(messaging.conversations(COMPANY, ctx.bakery, { userId: '' }), 'options.userId')
  await rejectsType(messaging.messages(COMPANY, ctx.bakery, ''), 'conversationId')
  await rejectsType(messaging.react(COMPANY, ctx.bakery, '', '1'), 'recipientId')
  await rejectsType(messaging.unreact(COMPANY, ctx.bakery, '1', ''), 'messageId')
})
