'use strict'
// `npm run start:sandbox`: the demo company gets a connection and an added account through the
// real routes (auth URL → the sandbox's consent → the callback → add), so the console opens on
// data. The sandbox seeds the accounts' posts, comments and insights; the demo adds, for every
// page to show something on first open, conversations (people writing in through the sandbox's
// event endpoint, a reply sent through the service), a post scheduled a few days ahead and one
// published at start, and the assignment of the account to one of the company's clients.

const DAY_MS = 86_400_000
// People writing to the demo account: [their sandbox user id, username, their messages].
const CONVERSATIONS = [
  ['9900000000000101', 'maple.joiner', ['Hi! Do you build tiny houses to order?', 'Something around 20 m², for a garden.']],
  ['9900000000000102', 'oak.and.pine', ['Loved the timber frame reel. Which wood was that?']],
]

/**
 * Connects the sandbox's seeded user `userIndex` to the demo company with `apiKey`, adds every
 * account it reaches, gives the first one conversations, a scheduled post and a client
 * (`clientId`, one of the company's), and points the sandbox's webhooks at the service
 * (`verifyToken`). Resolves to the added accounts' usernames.
 */
async function seedDemo({ url, sandbox, apiKey, verifyToken, clientId, userIndex = 1, now = Date.now() }) {
  const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' }
  const call = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, { method, headers, body: body && JSON.stringify(body), redirect: 'manual' })
    const json = await res.json()
    if (!json.success) throw new Error(`seeding the demo: ${method} ${path} answered ${res.status} ${json.error?.code}`)
    return json
  }
  const auth = await call('GET', '/instagram/auth/url?companyId=demo')
  const callback = await sandbox.consent(auth.url, sandbox.seedUsers[userIndex].id, true)
  const back = await fetch(callback, { redirect: 'manual' })
  const tokenId = new URL(back.headers.get('location')).searchParams.get('tokenId')
  if (!tokenId) throw new Error('seeding the demo: the callback did not connect')
  const found = await call('GET', `/instagram/get-accounts-businesses?tokenId=${encodeURIComponent(tokenId)}`)
  const accounts = found.data.accounts
  await call('POST', '/instagram/add-instagram-account', { instagramAccounts: accounts.map((a) => ({ id: a.id })) })
  const igUserId = accounts[0].id
  // The Inbox's messages: people write in (the sandbox's incoming-message event, before the
  // webhooks point here), the account answers the first through the service.
  for (const [userId, username, texts] of CONVERSATIONS) {
    for (const text of texts) await sandbox.event({ type: 'message', from_user_id: userId, to_ig_id: igUserId, text, from_username: username })
  }
  const first = await call('GET', `/instagram/conversations?igUserId=${igUserId}&userId=${CONVERSATIONS[0][0]}`)
  const conversation = first.data[0]?.id
  if (!conversation) throw new Error('seeding the demo: the sandbox made no conversation')
  await call('POST', `/instagram/conversations/${encodeURIComponent(conversation)}/messages`, {
    igUserId,
    text: 'Yes! Tell us the size and where it will stand, and we will send a first sketch.',
  })
  // The Calendar's posts: one three days ahead, at 10 am (the server's time), and one due now,
  // which the scheduler worker publishes at once: the week the Calendar opens on always shows
  // a post, whatever the day (three days ahead may be next week).
  const at = new Date(now + 3 * DAY_MS)
  at.setHours(10, 0, 0, 0)
  const demoPost = (publishAt, imageUrl, caption) => call('POST', '/instagram/schedule', { igUserId, kind: 'image', imageUrl, caption, publishAt })
  await demoPost(at.toISOString(), 'https://images.example.com/demo/timber-frame.jpg', 'The frame of our next tiny house is up 🪵 #timberframe #tinyhouse')
  await demoPost(new Date(now).toISOString(), 'https://images.example.com/demo/workshop.jpg', 'In the workshop today: oak pegs, no nails. #joinery')
  // The Accounts page's client column.
  if (clientId) await call('POST', '/instagram/accounts/assign-to-client', { clientId, accountIds: [igUserId] })
  // The sandbox delivers its webhooks (new comments, messages) to the service, as Meta would
  // once the app's subscription is set: the console's inbox updates live.
  const subscribe = await fetch(`${sandbox.baseUrl}/__sandbox/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callback_url: `${url}/instagram/webhooks`, verify_token: verifyToken }),
  })
  if (!subscribe.ok) throw new Error(`seeding the demo: the sandbox's webhook subscription answered ${subscribe.status}`)
  return accounts.map((a) => a.username)
}

module.exports = { seedDemo }
