'use strict'
// `npm run start:sandbox`: the demo company gets a connection and an added account through the
// real routes (auth URL → the sandbox's consent → the callback → add), so the console opens on
// data. The sandbox seeds the accounts' posts, comments, conversations and insights.

/**
 * Connects the sandbox's seeded user `userIndex` to the demo company with `apiKey`, adds every
 * account it reaches, and points the sandbox's webhooks at the service (`verifyToken`).
 * Resolves to the added accounts' usernames.
 */
async function seedDemo({ url, sandbox, apiKey, verifyToken, userIndex = 1 }) {
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
