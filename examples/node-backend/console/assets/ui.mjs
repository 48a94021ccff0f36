// Shared UI pieces: htm bound to Preact, navigation, messages, and small formatters.
import { h } from 'preact'
import htm from 'htm'

export const html = htm.bind(h)

/** Navigates inside the console without reloading the page. */
export function navigate(to) {
  history.pushState(null, '', to)
  dispatchEvent(new PopStateEvent('popstate'))
}

/** A console link: a real <a href> (open in a new tab works), handled in place on click. */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(href)
  }
  return html`<a href=${href} onClick=${onClick} ...${rest}>${children}</a>`
}

/** An error in words, announced to screen readers. */
export function ErrorNote({ error }) {
  if (!error) return null
  const text = typeof error === 'string' ? error : error.message
  return html`<p class="note error" role="alert">${text}</p>`
}

/** A status line announced politely (progress, saved, …). */
export function StatusNote({ text }) {
  return html`<p class="note" role="status" aria-live="polite">${text ?? ''}</p>`
}

export const number = (n) => (typeof n === 'number' ? n.toLocaleString('en') : '—')

export function dateTime(value) {
  if (!value) return '—'
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' })
}
