// Messaging automation: ice breakers and the persistent menu (set, read back, delete), the
// User Profile API and its consent rule, sender actions, and quick replies and generic
// templates through Messaging.send; every limit comes back as the core's InvalidInputError.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType, rejectsInvalid, rejectsGraph } from './engage-support.mjs'

let ctx
let automation
let messaging
const PERSON = '6912300000000001'

before(async () => {
  ctx = await setup()
  automation = new ig.Automation(ctx.accounts)
  messaging = new ig.Messaging(ctx.accounts)
  await ctx.sandbox.event({ type: 'message', from_user_id: PERSON, to_ig_id: ctx.bakery, text: 'Hello!', from_username: 'hungry.hannah' })
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('ice breakers: set, read back, delete', async () => {
  assert.deepEqual(await automation.iceBreakers(COMPANY, ctx.bakery), [])
  const breakers = [
    { locale: 'default', callToActions: [{ question: 'Open on Sunday?', payload: 'SUNDAY' }] },
    { locale: 'fr_FR', callToActions: [{ question: 'Ouvert le dimanche ?', payload: 'SUNDAY' }] },
  ]
  assert.equal(await automation.setIceBreakers(COMPANY, ctx.bakery, breakers), true)
  assert.deepEqual(await automation.iceBreakers(COMPANY, ctx.bakery), breakers)
  assert.equal(await automation.deleteIceBreakers(COMPANY, ctx.bakery), true)
  assert.deepEqual(await automation.iceBreakers(COMPANY, ctx.bakery), [])
  const five = Array.from({ length: 5 }, (_, i) => ({ question: `Q${i}`, payload: `P${i}` }))
  await rejectsInvalid(automation.setIceBreakers(COMPANY, ctx.bakery, [{ locale: 'default', callToActions: five }]), 'ice_breakers.call_to_actions')
  await rejectsInvalid(automation.setIceBreakers(COMPANY, ctx.bakery, [{ locale: 'en_GB', callToActions: five.slice(0, 1) }]), 'ice_breakers')
})

test('persistent menu: set, read back, delete', async () => {
  const menu = [{
    locale: 'default',
    callToActions: [
      { type: 'postback', title: 'Talk to a baker', payload: 'AGENT' },
      { type: 'web_url', title: 'Order online', url: 'https://bakery.example/order' },
    ],
  }]
  assert.equal(await automation.setPersistentMenu(COMPANY, ctx.bakery, menu), true)
  const read = await automation.persistentMenu(COMPANY, ctx.bakery)
  assert.deepEqual(read[0].callToActions.map((b) => [b.type, b.title, b.url ?? b.payload]), [
    ['postback', 'Talk to a baker', 'AGENT'],
    ['web_url', 'Order online', 'https://bakery.example/order'],
  ])
  assert.equal(await automation.deletePersistentMenu(COMPANY, ctx.bakery), true)
  assert.deepEqual(await automation.persistentMenu(COMPANY, ctx.bakery), [])
  await rejectsInvalid(
    automation.setPersistentMenu(COMPANY, ctx.bakery, [{ locale: 'default', callToActions: [{ type: 'postback', title: 'x'.repeat(31), payload: 'P' }] }]),
    'persistent_menu.title',
  )
  await rejectsType(
    automation.setPersistentMenu(COMPANY, ctx.bakery, [{ locale: 'default', callToActions: [{ type: 'call', title: 'Call' }] }]),
    'menu.callToActions',
  )
})

test('user profile after consent; a commenter who never messaged is refused', async () => {
  const p = await automation.userProfile(COMPANY, ctx.bakery, PERSON)
  assert.equal(p.id, PERSON)
  assert.equal(p.username, 'hungry.hannah')
  assert.equal(typeof p.followerCount, 'number')
  const media = ctx.seed.engagement.mediaWithManyComments
  await ctx.sandbox.event({ type: 'comment', media_id: media, text: 'yum', from_id: '6912300000000002', from_username: 'lurker' })
  await rejectsGraph(automation.userProfile(COMPANY, ctx.bakery, '6912300000000002'), 230)
  await rejectsType(automation.userProfile(COMPANY, ctx.bakery, ''), 'igsid')
})

test('sender actions, quick replies and a generic template', async () => {
  assert.equal(await automation.senderAction(COMPANY, ctx.bakery, PERSON, 'typing_on'), true)
  assert.equal(await automation.senderAction(COMPANY, ctx.bakery, PERSON, 'mark_seen'), true)
  await rejectsType(automation.senderAction(COMPANY, ctx.bakery, PERSON, 'dancing'), 'action')
  const asked = await messaging.send(COMPANY, ctx.bakery, {
    recipient: { id: PERSON },
    text: 'Bread or cake?',
    quickReplies: [{ title: 'Bread', payload: 'BREAD' }, { title: 'Cake', payload: 'CAKE' }],
  })
  assert.ok(asked.messageId)
  const card = await messaging.send(COMPANY, ctx.bakery, {
    recipient: { id: PERSON },
    template: [{ title: 'Sourdough', subtitle: 'Fresh at 7', imageUrl: 'https://bakery.example/s.jpg', buttons: [{ type: 'postback', title: 'Reserve', payload: 'R1' }] }],
  })
  assert.ok(card.messageId)
  const fourteen = Array.from({ length: 14 }, (_, i) => ({ title: `${i}`, payload: `${i}` }))
  await rejectsInvalid(messaging.send(COMPANY, ctx.bakery, { recipient: { id: PERSON }, text: 'Pick', quickReplies: fourteen }), 'quick_replies')
  await rejectsInvalid(messaging.send(COMPANY, ctx.bakery, { recipient: { id: PERSON }, template: [] }), 'template.elements')
})

test('unsubscribeApp turns the account\'s webhooks off; routing events parse typed', async () => {
  const hooks = new ig.Webhooks(ctx.accounts)
  assert.deepEqual(await hooks.subscribeApp(COMPANY, ctx.bakery, ['messages', 'messaging_referral']), { success: true })
  assert.equal((await hooks.subscribedApps(COMPANY, ctx.bakery)).length, 1)
  assert.deepEqual(await hooks.unsubscribeApp(COMPANY, ctx.bakery), { success: true })
  assert.deepEqual(await hooks.subscribedApps(COMPANY, ctx.bakery), [])
  await rejectsType(hooks.unsubscribeApp(COMPANY, ''), 'igUserId')

  const out = await ctx.sandbox.event({ type: 'handover', from_user_id: PERSON, to_ig_id: ctx.bakery, action: 'take_thread_control', new_owner_app_id: '42' })
  const [handover] = ig.Webhooks.parse(JSON.stringify(out.event)).events
  assert.equal(handover.type, 'handover')
  assert.equal(handover.action, 'take_thread_control')
  assert.equal(handover.newOwnerAppId, '42')
  const ref = await ctx.sandbox.event({ type: 'referral', from_user_id: PERSON, to_ig_id: ctx.bakery, ref: 'bio' })
  const [referral] = ig.Webhooks.parse(JSON.stringify(ref.event)).events
  assert.equal(referral.type, 'referral')
  assert.equal(referral.ref, 'bio')
})
