// The console's live stream in the browser (console/assets/events.mjs), with a stand-in
// EventSource: liveReady settles whatever happens to the stream, and the stream is closed
// when a request finds the session ended.
import { test } from 'node:test'
import assert from 'node:assert/strict'

/** A stand-in for the browser's EventSource: the test plays the server's side. */
class FakeEventSource extends EventTarget {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static made = []
  constructor(url) {
    super()
    this.url = url
    this.readyState = FakeEventSource.CONNECTING
    this.closed = false
    FakeEventSource.made.push(this)
  }
  close() {
    this.closed = true
    this.readyState = FakeEventSource.CLOSED
  }
  /** The server accepted the stream. */
  accept() {
    this.readyState = FakeEventSource.OPEN
    this.dispatchEvent(new Event('open'))
  }
  /** The connection dropped: the browser will retry. */
  drop() {
    this.readyState = FakeEventSource.CONNECTING
    this.dispatchEvent(new Event('error'))
  }
  /** The (re)connection was refused (401, 503): the browser gives the stream up. */
  refuse() {
    this.readyState = FakeEventSource.CLOSED
    this.dispatchEvent(new Event('error'))
  }
}
globalThis.EventSource = FakeEventSource

const { liveReady, onLive, closeLive } = await import('../console/assets/events.mjs')
const { sessionEnded } = await import('../console/assets/api.mjs')

/** What a promise has settled to so far (after the pending callbacks ran), or 'pending'. */
async function state(promise) {
  let seen = 'pending'
  promise.then((v) => (seen = { value: v }), (e) => (seen = { error: e }))
  await new Promise((resolve) => setImmediate(resolve))
  return seen
}

test('liveReady: true once open, false when the stream is refused for good, never left waiting', async () => {
  const ready = liveReady()
  const first = FakeEventSource.made.at(-1)
  assert.equal(first.url, '/console/api/events')
  assert.equal(await state(ready), 'pending')
  first.accept()
  assert.deepEqual(await state(ready), { value: true })
  assert.deepEqual(await state(liveReady()), { value: true })

  // Dropped, the browser retries: still waiting; refused on the retry (a 401): false, closed.
  first.drop()
  const waiting = liveReady()
  assert.equal(await state(waiting), 'pending')
  first.refuse()
  assert.deepEqual(await state(waiting), { value: false })
  assert.equal(first.closed, true)

  // Asked again, a new stream is tried (and refused at once: false again).
  const again = liveReady()
  const second = FakeEventSource.made.at(-1)
  assert.notEqual(second, first)
  second.refuse()
  assert.deepEqual(await state(again), { value: false })
})

test('a request that finds the session ended closes the stream; so does sign-out, settling liveReady', async () => {
  const events = []
  const stop = onLive('publish', (e) => events.push(e))
  const stream = FakeEventSource.made.at(-1)
  stream.accept()
  stream.dispatchEvent(Object.assign(new Event('publish'), { data: '{"type":"created"}' }))
  assert.deepEqual(events, [{ type: 'created' }])
  sessionEnded.dispatchEvent(new Event('ended'))
  assert.equal(stream.closed, true, 'the stream of an ended session was left open')

  const waiting = liveReady()
  const next = FakeEventSource.made.at(-1)
  assert.notEqual(next, stream)
  closeLive()
  assert.equal(next.closed, true)
  assert.deepEqual(await state(waiting), { value: false })
  stop()
})
