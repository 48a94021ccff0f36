// The live events of the signed-in company (server-sent events): publish progress and new
// webhook events (comments, messages). One stream per tab, opened on first use.
let source = null
const target = new EventTarget()

function open() {
  if (source) return
  source = new EventSource('/console/api/events')
  for (const type of ['publish', 'webhook']) {
    source.addEventListener(type, (e) => target.dispatchEvent(new CustomEvent(type, { detail: JSON.parse(e.data) })))
  }
  source.addEventListener('open', () => target.dispatchEvent(new Event('ready')))
}

/** Calls `listener(detail)` for each event of `type`; returns the function that stops it. */
export function onLive(type, listener) {
  open()
  const handler = (e) => listener(e.detail)
  target.addEventListener(type, handler)
  return () => target.removeEventListener(type, handler)
}

/** Resolves once the stream is open (events sent after this reach the listeners). */
export function liveReady() {
  open()
  if (source.readyState === EventSource.OPEN) return Promise.resolve()
  return new Promise((resolve) => target.addEventListener('ready', resolve, { once: true }))
}

/** Closes the stream (sign-out). */
export function closeLive() {
  source?.close()
  source = null
}
