// countCaption and validateCaption: a composer's live counters and its check before sending
// are the core's rules (the same counts and limits `Publisher.publish` applies).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ig } from './package.mjs'

const hashtags = (n) => Array.from({ length: n }, (_, i) => `#tag${i}`).join(' ')

test('countCaption counts as the core does and names its limits', () => {
  assert.deepEqual(ig.countCaption('Bread 🥖 #a #b @c x@y.com'), {
    characters: 24,
    hashtags: 2,
    mentions: 1,
    maxCharacters: 2200,
    maxHashtags: 30,
    maxMentions: 20,
  })
  assert.equal(ig.countCaption('').characters, 0)
  assert.equal(ig.countCaption(hashtags(31)).hashtags, 31)
})

test('validateCaption refuses past each limit with the field and the limit, and accepts up to it', () => {
  assert.equal(ig.validateCaption(hashtags(30)), undefined)
  assert.equal(ig.validateCaption('🥖'.repeat(2200)), undefined)
  const cases = [
    [hashtags(31), /31 hashtags; the limit is 30 hashtags/],
    ['x'.repeat(2201), /2201 characters long; the limit is 2200 characters/],
    [Array.from({ length: 21 }, (_, i) => `@user${i}`).join(' '), /21 @-mentions; the limit is 20 mentions/],
  ]
  for (const [caption, message] of cases) {
    assert.throws(
      () => ig.validateCaption(caption),
      (e) => e instanceof ig.InvalidInputError && e.field === 'caption' && message.test(e.message),
    )
  }
  assert.throws(() => ig.validateCaption(42), TypeError)
})
