// Sign-in with the company's API key: the key goes to the service once and is forgotten; the
// session lives in an HttpOnly cookie.
import { useState } from 'preact/hooks'
import { api } from '../api.mjs'
import { html, ErrorNote } from '../ui.mjs'

export function SignIn({ onSignedIn }) {
  const [key, setKey] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e) => {
    e.preventDefault()
    setError(null)
    if (!key.trim()) return setError('Enter your company’s API key.')
    setBusy(true)
    try {
      const s = await api('POST', '/console/api/session', { body: { apiKey: key.trim() } })
      setKey('')
      onSignedIn(s)
    } catch (err) {
      setError(err.status === 401 ? 'This API key is not known. Check it and try again.' : err.message)
    } finally {
      setBusy(false)
    }
  }
  return html`<main id="main" class="signin">
    <h1>Instagram console</h1>
    <p>Sign in with your company’s API key.</p>
    <form onSubmit=${submit} novalidate>
      <label for="api-key">API key</label>
      <input id="api-key" name="apiKey" type="password" autocomplete="current-password" value=${key}
        aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? 'signin-error' : undefined}
        onInput=${(e) => setKey(e.currentTarget.value)} />
      <div id="signin-error"><${ErrorNote} error=${error} /></div>
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`
}
