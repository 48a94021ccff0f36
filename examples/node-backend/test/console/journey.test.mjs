// The console as a person uses it, in Chromium against the sandbox: sign in, connect with the
// sandbox's consent screen, add two accounts, assign one, and the pages after; every page is
// checked with axe and photographed at 1280×800 and 390×844 (see browser.mjs for the folder).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend, KEYS, VERIFY_TOKEN } from '../support.mjs'
import { launch, newPage, checkPage, signIn, failureShot, SCREENSHOTS } from './browser.mjs'

let t
let browser
let page

before(async () => {
  t = await startBackend()
  browser = await launch()
  page = await newPage(browser)
  console.log(`screenshots: ${SCREENSHOTS}`)
})

after(async () => {
  await browser?.close()
  await t?.stop()
})

const accountRows = () => page.locator('table.accounts tbody tr[data-account]')

test('sign in: a wrong key is refused in words, the right one opens the console', async () => {
  await page.goto(`${t.base}/`)
  await page.getByLabel('API key').waitFor()
  await checkPage(page, '01-sign-in')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('alert').filter({ hasText: 'Enter your company’s API key' }).waitFor()
  await page.getByLabel('API key').fill('not-the-right-key')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('alert').filter({ hasText: 'This API key is not known' }).waitFor()
  await signIn(page, t.base, KEYS.acme)
  assert.equal(new URL(page.url()).pathname, '/console/accounts')
  await page.getByText('No accounts match.').waitFor()
  assert.equal(await page.locator('header').getByText('acme').count(), 1)
  // The session cookie is out of the scripts' reach; the key is nowhere in the page's storage.
  const seen = await page.evaluate(() => document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage))
  assert.ok(!seen.includes(KEYS.acme) && !seen.includes('ig_console'), seen)
  const [cookie] = await page.context().cookies()
  assert.equal(cookie.httpOnly, true)
  assert.equal(cookie.sameSite, 'Strict')
})

test('connect: a denied consent is explained in words', async () => {
  await page.getByRole('link', { name: 'Connect', exact: true }).click()
  await page.getByRole('button', { name: 'Continue to the consent screen' }).click()
  await page.getByRole('button', { name: 'Deny' }).click()
  await page.waitForURL(/\/console\/connect\?error=access_denied/)
  await page.getByRole('alert').filter({ hasText: 'permission was not granted' }).waitFor()
  await checkPage(page, '03-connect-denied')
})

test('connect: Facebook Login through the consent screen, then add two accounts', async () => {
  await page.goto(`${t.base}/console/connect`)
  await checkPage(page, '03-connect')
  await page.getByLabel(/Facebook Login/).check()
  await page.getByRole('button', { name: 'Continue to the consent screen' }).click()
  // The sandbox's consent screen, as Meta's would be: pick the user, approve.
  const alice = t.sandbox.seedUsers[0]
  await page.locator(`input[name="sandbox_user"][value="${alice.id}"]`).check()
  await page.getByRole('button', { name: 'Approve' }).click()
  await page.waitForURL(/\/console\/connect\?tokenId=/)
  await page.getByRole('heading', { name: 'Accounts found' }).waitFor()
  await page.getByLabel(/@alice\.bakery/).waitFor()
  await checkPage(page, '03-connect-found')
  await page.getByLabel(/@alice\.bakery/).check()
  await page.getByLabel(/@alice\.travels/).check()
  await page.getByRole('button', { name: 'Add selected accounts' }).click()
  await page.getByRole('status').filter({ hasText: '2 accounts added.' }).waitFor()
  assert.equal(await page.getByLabel(/@alice\.bakery/).isDisabled(), true)
  await page.getByRole('link', { name: 'Go to accounts' }).click()
  await page.waitForURL(/\/console\/accounts$/)
  await accountRows().nth(1).waitFor()
  assert.deepEqual(await accountRows().evaluateAll((rows) => rows.map((r) => r.dataset.account)), ['alice.bakery', 'alice.travels'])
})

test('accounts: assign one to a client, filter, search, sort, status', async () => {
  await page.getByRole('button', { name: 'Assign @alice.bakery' }).click()
  const dialog = page.getByRole('dialog', { name: 'Assign to a client' })
  await dialog.getByLabel('Client').selectOption({ label: 'The Bakery' })
  await dialog.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: '@alice.bakery is assigned to The Bakery.' }).waitFor()
  await page.locator('tr[data-account="alice.bakery"] td[data-label="Client"]', { hasText: 'The Bakery' }).waitFor()
  await page.locator('tr[data-account="alice.bakery"] .badge.connected').waitFor()
  await checkPage(page, '02-accounts')

  await page.getByLabel('Client', { exact: true }).selectOption({ label: 'The Bakery' })
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-account]').length === 1)
  assert.deepEqual(await accountRows().evaluateAll((rows) => rows.map((r) => r.dataset.account)), ['alice.bakery'])
  await page.getByLabel('Client', { exact: true }).selectOption({ label: 'All clients' })
  await page.getByLabel('Assignment').selectOption({ label: 'Not assigned' })
  await page.waitForFunction(() => document.querySelector('tbody tr[data-account]')?.dataset.account === 'alice.travels' && document.querySelectorAll('tbody tr[data-account]').length === 1)
  await page.getByLabel('Assignment').selectOption({ label: 'Any' })
  await page.getByLabel('Search').fill('travels')
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-account]').length === 1 && document.querySelector('tbody tr[data-account]').dataset.account === 'alice.travels')
  await page.getByLabel('Search').fill('')
  // Sorting by followers, most first: alice.travels (20,480) before alice.bakery (5,120).
  await page.getByRole('button', { name: 'Followers' }).click()
  await page.getByRole('button', { name: /Followers ▲/ }).click()
  await page.waitForFunction(() => [...document.querySelectorAll('tbody tr[data-account]')].map((r) => r.dataset.account).join() === 'alice.travels,alice.bakery')
  // The status filter is the route's: the count and the pages are of the matching accounts.
  const pager = page.getByRole('navigation', { name: 'Pages of accounts' })
  await page.getByLabel('Status').selectOption({ label: 'Reconnect needed' })
  await page.getByText('No accounts match.').waitFor()
  await pager.getByText('0 of 0', { exact: true }).waitFor()
  await page.getByLabel('Status').selectOption({ label: 'Connected' })
  await pager.getByText('1–2 of 2', { exact: true }).waitFor()
  await accountRows().nth(1).waitFor()
  await page.getByLabel('Status').selectOption({ label: 'Any' })
  // Keyboard only, on the phone layout: the skip link comes first and leads into the page; the
  // navigation marks the current page.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${t.base}/console/accounts`)
  await accountRows().first().waitFor()
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.id === 'main')
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => Boolean(document.activeElement.closest('main'))), true)
  assert.equal(await page.getByRole('link', { name: 'Accounts', exact: true }).getAttribute('aria-current'), 'page')
  await page.setViewportSize({ width: 1280, height: 800 })
})

test('writes need the session’s CSRF token; company B never sees company A’s accounts', async () => {
  const ids = await page.evaluate(async () => (await (await fetch('/instagram/get-added-accounts')).json()).data.map((a) => a.id))
  assert.equal(ids.length, 2)
  const forged = await page.evaluate(async (id) => {
    const res = await fetch(`/instagram/accounts/${id}`, { method: 'DELETE' })
    return { status: res.status, body: await res.json() }
  }, ids[0])
  assert.equal(forged.status, 403)
  assert.equal(forged.body.error.code, 'CSRF')

  const other = await newPage(browser)
  try {
    await signIn(other, t.base, KEYS.globex)
    await other.getByText('No accounts match.').waitFor()
    assert.equal(await other.locator('tr[data-account]').count(), 0)
    const { csrfToken } = await other.evaluate(async () => (await fetch('/console/api/session')).json())
    for (const id of ids) {
      const probes = await other.evaluate(
        async ({ id, csrfToken }) => {
          const get = await fetch(`/instagram/accounts/${id}/profile`)
          const del = await fetch(`/instagram/accounts/${id}`, { method: 'DELETE', headers: { 'x-csrf-token': csrfToken } })
          return [get.status, del.status]
        },
        { id, csrfToken },
      )
      assert.ok(probes.every((s) => s === 403 || s === 404), `company B reached account ${id}: ${probes}`)
    }
  } finally {
    await other.context().close()
  }
  // Company A still has both.
  const after = await t.api('GET', '/instagram/get-added-accounts')
  assert.equal(after.body.total, 2)
})

/** A small valid PNG (1×1), as a file a person would pick. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

test('composer: an empty caption with 31 hashtags shows the core’s message, and nothing is sent', async () => {
  await page.getByRole('link', { name: 'Composer' }).click()
  await page.getByLabel('Account').selectOption({ label: '@alice.bakery' })
  // What the core takes, by kind: people tagged on an image, a reel or a story; collaborators
  // on an image, a carousel or a reel.
  const offered = async () => ({
    tags: await page.getByRole('button', { name: 'Tag a person' }).count(),
    collaborators: await page.getByLabel(/^Collaborators/).count(),
  })
  for (const [kind, tags, collaborators] of [['Story', 1, 0], ['Carousel', 0, 1], ['Reel', 1, 1], ['Image', 1, 1]]) {
    await page.getByLabel(kind, { exact: true }).check()
    assert.deepEqual(await offered(), { tags, collaborators }, kind)
  }
  await page.getByLabel('Image URL').fill('https://images.example.com/bread.jpg')
  const sent = []
  const watch = (req) => req.url().includes('/instagram/') && req.method() !== 'GET' && sent.push(req.url())
  page.on('request', watch)
  try {
    await page.getByLabel('Caption').fill(Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' '))
    await page.getByText('Hashtags 31 / 30').waitFor()
    await page.getByRole('alert').filter({ hasText: 'has 31 hashtags; the limit is 30 hashtags' }).first().waitFor()
    await checkPage(page, '04-composer-refused')
    await page.getByRole('button', { name: 'Publish now' }).click()
    await page.getByRole('alert').filter({ hasText: /^Not sent: .*31 hashtags; the limit is 30 hashtags/ }).waitFor()
  } finally {
    page.off('request', watch)
  }
  assert.deepEqual(sent, [], 'no write reached the service')
})

test('composer: an uploaded image published now, with its progress live', async () => {
  await page.getByLabel('Caption').fill('Fresh #sourdough from @alice.travels')
  await page.getByText('Hashtags 1 / 30').waitFor()
  await page.getByText('Mentions 1 / 20').waitFor()
  await page.getByLabel('or upload image').setInputFiles({ name: 'bread.png', mimeType: 'image/png', buffer: PNG })
  await page.getByText(`Uploaded ${PNG.length} bytes`).waitFor()
  const url = await page.getByLabel('Image URL').inputValue()
  assert.match(url, /\/console\/uploads\/[\w-]{20,}$/)
  // Meta fetches the file without a session.
  const served = await fetch(url)
  assert.equal(served.status, 200)
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG)
  await page.getByLabel('Image alt text').fill('A loaf of sourdough')
  await page.getByRole('button', { name: 'Tag a person' }).click()
  await page.getByLabel('Person 1 username').fill('@alice.travels')
  await page.getByLabel('Person 1 x (0–1)').fill('0.3')
  await page.getByLabel('Person 1 y (0–1)').fill('0.6')
  await page.getByLabel(/^Collaborators/).fill('@alice.travels')
  await checkPage(page, '04-composer')
  // The image stays in processing on the sandbox until its clock moves on: the step is drawn
  // whatever the machine's speed.
  await t.sandboxConfig({ image_processing_ms: 3_600_000 })
  const sent = page.waitForRequest((req) => req.url().endsWith('/instagram/social/post/instagram'))
  await page.getByRole('button', { name: 'Publish now' }).click()
  const publishRequest = await sent
  const request = publishRequest.postDataJSON()
  assert.deepEqual(request.userTags, [{ username: 'alice.travels', x: 0.3, y: 0.6 }])
  assert.deepEqual(request.collaborators, ['alice.travels'])
  await page.locator('ol.progress li[data-step="processing"]').waitFor()
  await fetch(`${t.sandbox.baseUrl}/__sandbox/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: 3601 }),
  })
  await t.sandboxConfig({ image_processing_ms: 0 })
  // The permalink is the last step, as the stream brought it.
  const link = page.locator('ol.progress li[data-step="published"] a')
  await link.waitFor()
  // The SDK's own steps, as they happened: the container first, processing, the post last.
  const steps = await page.locator('ol.progress li').evaluateAll((items) => items.map((li) => li.dataset.step))
  assert.equal(steps[0], 'created', steps.join())
  assert.ok(steps.includes('processing'), steps.join())
  assert.equal(steps.at(-1), 'published', steps.join())
  await page.getByRole('status').filter({ hasText: 'Published.' }).waitFor()
  const jobs = await t.api('GET', '/instagram/schedule')
  const job = jobs.body.data.find((j) => j.idempotencyKey === publishRequest.headers()['idempotency-key'])
  assert.equal(job?.status, 'published', JSON.stringify(jobs.body.data))
  assert.equal(job.post.kind, 'image')
  assert.match(job.permalink, /^https?:\/\//)
  assert.equal(await link.getAttribute('href'), job.permalink)
  // Shown once: the HTTP answer's link is not repeated under the steps.
  assert.equal(await page.getByRole('link', { name: await link.textContent() }).count(), 1)
  await checkPage(page, '04-composer-published')
})

test('composer and calendar: a reel scheduled now is published by the worker; another is rescheduled and cancelled', async () => {
  await page.goto(`${t.base}/console/composer`)
  await page.getByLabel('Account').selectOption({ label: '@alice.bakery' })
  await page.getByLabel('Reel').check()
  await page.getByLabel('Video URL').fill('https://videos.example.com/bake.mp4')
  await page.getByLabel('Caption').fill('Behind the counter #bakery')
  await page.getByLabel('Schedule').check()
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
  await page.getByLabel('Publish at (your time)').fill(local(new Date()))
  await checkPage(page, '04-composer-schedule')
  await page.getByRole('button', { name: 'Schedule' }).click()
  await page.getByRole('status').filter({ hasText: /^Scheduled for/ }).waitFor()

  // A second reel, for next week's Wednesday at noon, to move, reschedule and cancel.
  const now = new Date()
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 6) % 7))
  const nextWeek = (dayOffset) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 7 + dayOffset, 12, 0)
  await page.getByLabel('Publish at (your time)').fill(local(nextWeek(2)))
  await page.getByRole('button', { name: 'Schedule' }).click()
  await page.getByRole('link', { name: 'See it in the calendar' }).click()
  await page.waitForURL(/\/console\/calendar$/)
  // The worker publishes the first: the calendar refreshes itself until it shows so.
  await page.locator('.job[data-status="published"]', { hasText: 'reel' }).waitFor({ timeout: 60_000 })
  await page.locator('.job[data-status="published"] a', { hasText: 'View the post' }).first().waitFor()
  await checkPage(page, '05-calendar')

  await page.getByRole('button', { name: 'Next week' }).click()
  const later = page.locator('.job[data-status="scheduled"]', { hasText: 'reel' })
  await later.waitFor()
  await checkPage(page, '05-calendar-next-week')
  const jobId = await later.getAttribute('data-job')
  const publishAt = async () => new Date((await t.api('GET', `/instagram/schedule/${jobId}`)).body.data.publishAt)
  const dayLabel = (d) => d.toLocaleDateString('en', { weekday: 'short', day: 'numeric', month: 'short' })
  // Dragged from Wednesday to Thursday: same time, the next day.
  await later.dragTo(page.getByRole('region', { name: dayLabel(nextWeek(3)) }))
  await page.getByRole('status').filter({ hasText: /^Rescheduled to/ }).waitFor()
  assert.equal((await publishAt()).getTime(), nextWeek(3).getTime())
  // With the date picker: Friday, 3 pm.
  const friday = new Date(nextWeek(4).getTime() + 3 * 3600_000)
  await page.locator(`.job[data-job="${jobId}"]`).getByRole('button', { name: /^Reschedule/ }).click()
  await page.getByRole('dialog', { name: 'Reschedule the post' }).getByLabel('Publish at (your time)').fill(local(friday))
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await page.getByRole('region', { name: dayLabel(friday) }).locator(`.job[data-job="${jobId}"]`).waitFor()
  assert.equal((await publishAt()).getTime(), friday.getTime())
  // By day: today has the published reel, not the one of next week.
  await page.getByLabel('View').selectOption('day')
  await page.getByRole('button', { name: 'Today' }).click()
  await page.locator('.job[data-status="published"]', { hasText: 'reel' }).waitFor()
  assert.equal(await page.locator(`.job[data-job="${jobId}"]`).count(), 0)
  assert.equal(await page.locator('section.day').count(), 1)
  await page.getByLabel('View').selectOption('week')
  await page.getByRole('button', { name: 'Next week' }).click()
  await page.locator(`.job[data-job="${jobId}"]`).getByRole('button', { name: /^Cancel/ }).click()
  await page.getByRole('status').filter({ hasText: 'The post was cancelled.' }).waitFor()
  assert.equal((await t.api('GET', `/instagram/schedule/${jobId}`)).body.data.status, 'cancelled')
})

test('insights: charts over 7, 30 and 90 days, the per-media table sorted, exported as CSV', async () => {
  await page.getByRole('link', { name: 'Insights' }).click()
  await page.getByLabel('Account').selectOption({ label: '@alice.bakery' })
  await page.locator('figure.chart canvas').first().waitFor()
  assert.equal(await page.locator('figure.chart').count(), 5)
  // Views, accounts engaged and interactions are charted too: the core reads them one total a day.
  for (const name of ['Views', 'Accounts engaged', 'Interactions']) {
    await page.locator('figure.chart', { hasText: name }).locator('canvas').waitFor()
  }
  await page.locator('tr[data-media]').first().waitFor()
  await checkPage(page, '06-insights')
  for (const [range, by] of [['Last 7 days', 'Day'], ['Last 90 days', 'Week'], ['Last 90 days', 'Month']]) {
    await page.getByLabel('Range').selectOption({ label: range })
    await page.getByLabel('By').selectOption({ label: by })
    await page.locator('figure.chart canvas').first().waitFor()
    await page.getByRole('alert').waitFor({ state: 'detached' })
  }
  await page.getByRole('button', { name: 'likes' }).click()
  const likes = await page.locator('tr[data-media] td.num:nth-child(5)').allTextContents()
  const numbers = likes.map((s) => Number(s.replace(/[^\d]/g, '')))
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), `sorted by likes: ${likes}`)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
  assert.equal(download.suggestedFilename(), 'insights-alice.bakery.csv')
  const { readFile } = await import('node:fs/promises')
  const csv = await readFile(await download.path(), 'utf8')
  const lines = csv.trim().split('\r\n')
  assert.equal(lines[0], 'media_id,posted,type,caption,permalink,reach,views,likes,comments,saved,shares,total_interactions')
  assert.equal(lines.length - 1, await page.locator('tr[data-media]').count())
})

test('inbox: answer a comment with a template and a message in its window, both updated live', async () => {
  const register = await fetch(`${t.sandbox.baseUrl}/__sandbox/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callback_url: `${t.base}/instagram/webhooks`, verify_token: VERIFY_TOKEN }),
  })
  assert.equal(register.status, 200, await register.text())
  const accounts = (await t.api('GET', '/instagram/get-added-accounts')).body.data
  const bakery = accounts.find((a) => a.username === 'alice.bakery').id
  const media = (await t.api('GET', `/instagram/media?igUserId=${bakery}`)).body.data

  await page.getByRole('link', { name: 'Inbox' }).click()
  await page.getByLabel('Account').selectOption({ label: '@alice.bakery' })
  await page.getByLabel('Post').selectOption(media[0].id)
  await page.locator('li.comment, p:text("No comments.")').first().waitFor()
  // A new comment arrives through Meta's webhook: the list updates without a reload.
  const made = await t.sandbox.event({ type: 'comment', media_id: media[0].id, text: 'Is the rye vegan?', from_id: '9900000000000043', from_username: 'vegan.val' })
  assert.equal(made.delivered, true, JSON.stringify(made))
  const comment = page.locator('li.comment', { hasText: 'Is the rye vegan?' })
  await comment.waitFor()
  await checkPage(page, '07-inbox-comments')
  await comment.getByLabel('Template for @vegan.val').selectOption({ label: 'Thank you' })
  assert.equal(await comment.getByLabel('Reply to @vegan.val').inputValue(), 'Thank you, @{username}! 💛')
  await comment.getByRole('button', { name: 'Send reply to @vegan.val' }).click()
  await page.getByRole('status').filter({ hasText: 'Reply posted.' }).waitFor()
  await comment.getByText('Thank you, @vegan.val! 💛').waitFor()
  await comment.getByRole('button', { name: 'Hide the comment of @vegan.val' }).click()
  await comment.getByRole('button', { name: 'Unhide the comment of @vegan.val' }).waitFor()
  // Opened again, the thread is read back with the comment: the reply is still there.
  await page.getByRole('link', { name: 'Accounts' }).click()
  await page.getByRole('link', { name: 'Inbox' }).click()
  await page.getByLabel('Account').selectOption({ label: '@alice.bakery' })
  await page.getByLabel('Post').selectOption(media[0].id)
  await page.locator('li.comment', { hasText: 'Is the rye vegan?' }).getByText('Thank you, @vegan.val! 💛').waitFor()
  // Deleting asks first: cancelled, the comment stays; confirmed, it goes.
  await comment.getByRole('button', { name: 'Delete the comment of @vegan.val' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete the comment' })
  await confirm.getByText('Is the rye vegan?').waitFor()
  await checkPage(page, '07-inbox-delete')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await confirm.waitFor({ state: 'hidden' })
  assert.equal(await comment.count(), 1)
  await comment.getByRole('button', { name: 'Delete the comment of @vegan.val' }).click()
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await page.getByRole('status').filter({ hasText: 'Comment deleted.' }).waitFor()
  await comment.waitFor({ state: 'detached' })

  await page.getByRole('tab', { name: 'Messages' }).click()
  const fan = '9900000000000077'
  await t.sandbox.event({ type: 'message', from_user_id: fan, to_ig_id: bakery, text: 'Are you open on Sunday?', from_username: 'sunday.sam' })
  await page.getByText('Are you open on Sunday?').waitFor().catch(failureShot(page, 'inbox-message'))
  await page.getByText(/^Reply window open until/).waitFor()
  // The conversation is named by the person it is with, not by its id.
  await page.getByRole('button', { name: /@sunday\.sam/ }).waitFor()
  await checkPage(page, '07-inbox-messages')
  await page.getByLabel('Reply', { exact: true }).fill('Yes, from 8 until noon!')
  await page.getByLabel(/Offer quick replies/).check()
  await page.getByRole('button', { name: 'Send message' }).click()
  await page.getByRole('status').filter({ hasText: 'Message sent.' }).waitFor()
  await page.locator('ol.bubbles li.mine', { hasText: 'Yes, from 8 until noon!' }).waitFor()
  // Another account: its own conversations, one of them open; nothing of the bakery's stays.
  await page.getByLabel('Account').selectOption({ label: '@alice.travels' })
  await page.locator('button.conv[aria-current="true"]').waitFor()
  await page.locator('ol.bubbles li').first().waitFor()
  assert.equal(await page.getByRole('button', { name: /@sunday\.sam/ }).count(), 0)
  assert.equal(await page.getByText('Yes, from 8 until noon!').count(), 0)
})

test('Instagram Login: connect and add; once its token expired, Reconnect connects again', async () => {
  // Company B this time (its own session): Instagram Login's token is the account's own, 60 days.
  const other = await newPage(browser)
  try {
    await signIn(other, t.base, KEYS.globex)
    await other.getByRole('link', { name: 'Connect', exact: true }).click()
    await other.getByLabel(/Instagram Login/).check()
    await other.getByRole('button', { name: 'Continue to the consent screen' }).click()
    await other.getByRole('button', { name: 'Approve' }).click()
    await other.waitForURL(/\/console\/connect\?tokenId=/)
    const box = other.locator('ul.discovered input[type="checkbox"]').first()
    await box.waitFor()
    await box.check()
    await other.getByRole('button', { name: 'Add selected accounts' }).click()
    await other.getByRole('status').filter({ hasText: '1 account added.' }).waitFor()
    await other.goto(`${t.base}/console/accounts`)
    await other.locator('tr[data-account] .badge.connected').waitFor()

    // 70 days later on the sandbox's clock.
    const res = await fetch(`${t.sandbox.baseUrl}/__sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 70 * 86400 }),
    })
    assert.equal(res.status, 200)
    await other.reload()
    await other.locator('tr[data-account] .badge.reconnect', { hasText: 'Reconnect needed' }).waitFor()
    await checkPage(other, '02-accounts-reconnect')
    await other.locator('tr[data-account]').getByRole('button', { name: /^Reconnect/ }).click()
    await other.getByRole('button', { name: 'Approve' }).click()
    await other.waitForURL(/\/console\/connect\?tokenId=/)
    await other.getByText('already added').first().waitFor()
    await other.goto(`${t.base}/console/accounts`)
    await other.locator('tr[data-account] .badge.connected').waitFor()
  } catch (err) {
    await failureShot(other, 'instagram-login')(err)
  } finally {
    await other.context().close()
  }
})

test('composer: with the live stream refused, Publish now still ends, on the HTTP answer', async () => {
  const other = await newPage(browser)
  try {
    // The stream answers 401 (as it does once the session has ended): the browser gives it up.
    await other.route('**/console/api/events', (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{"success":false,"error":{"code":"UNAUTHENTICATED","message":"sign in"}}' }),
    )
    await signIn(other, t.base, KEYS.acme)
    await other.goto(`${t.base}/console/composer`)
    await other.getByLabel('Account').selectOption({ label: '@alice.bakery' })
    await other.getByLabel('Image URL').fill('https://images.example.com/offline.jpg')
    await other.getByRole('button', { name: 'Publish now' }).click()
    await other.getByRole('status').filter({ hasText: 'Live progress is not available' }).waitFor()
    const link = other.getByRole('link', { name: /instagram\.com|\/p\// })
    await link.waitFor()
    assert.match(await link.getAttribute('href'), /^https?:\/\//)
    assert.equal(await other.getByRole('button', { name: 'Publish now' }).isDisabled(), false)
  } catch (err) {
    await failureShot(other, 'composer-not-live')(err)
  } finally {
    await other.context().close()
  }
})
