// A modal dialog on the native <dialog> element: focus is kept inside, Escape closes it, and
// focus returns to the control that opened it.
import { useEffect, useRef } from 'preact/hooks'
import { html } from './ui.mjs'

export function Dialog({ title, open, onClose, children }) {
  const ref = useRef(null)
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open])
  const id = `dialog-${title.replace(/\W+/g, '-').toLowerCase()}`
  return html`<dialog ref=${ref} aria-labelledby=${id} onClose=${onClose} onCancel=${onClose}>
    ${open && html`<h2 id=${id}>${title}</h2>${children}`}
  </dialog>`
}
