// The live events of the signed-in company (server-sent events): publish progress and new
// webhook events (comments, messages). One stream per tab, opened on first use; closed at
// sign-out, when a request finds the session ended (401), and when the browser gives the
// stream up for good (a refused reconnect: the session ended, or too many streams).
import { sessionEnded } from './api.mjs'

let source = null
const target = new EventTarget()

function open() {
  if (source) return
  const s = new EventSource('/console/api/events')
  source = s
  for (const type of ['publish', 'webhook']) {
    s.addEventListener(type, (e) => target.dispatchEvent(new CustomEvent(type, { detail: JSON.parse(e.data) })))
  }
  s.addEventListener('open', () => target.dispatchEvent(new CustomEvent('state', { detail: true })))
  // A dropped connection is retried by the browser (CONNECTING); a refused one is CLOSED.
  s.addEventListener('error', () => {
    if (s.readyState === EventSource.CLOSED && source === s) closeLive()
  })
}

/** Calls `listener(detail)` for each event of `type`; returns the function that stops it. */
export function onLive(type, listener) {
  open()
  const handler = (e) => listener(e.detail)
  target.addEventListener(type, handler)
  return () => target.removeEventListener(type, handler)
}

/**
 * Resolves once the stream's state is known: `true` when it is open (events sent after this
 * reach the listeners), `false` when it is not live (closed for good, or closed by sign-out):
 * the caller then goes by its HTTP answers alone.
 */
export function liveReady() {
  open()
  if (source.readyState === EventSource.OPEN) return Promise.resolve(true)
  return new Promise((resolve) => target.addEventListener('state', (e) => resolve(e.detail), { once: true }))
}

/** Closes the stream (sign-out, an ended session); a later onLive or liveReady opens a new one. */
export function closeLive() {
  if (!source) return
  source.close()
  source = null
  target.dispatchEvent(new CustomEvent('state', { detail: false }))
}

// A request answered 401 UNAUTHENTICATED: the session is over, and so is its stream.
sessionEnded.addEventListener('ended', closeLive)
