//! Caption checks for composers: the core's counts and limits, so that a UI's live counters
//! and its refusal before sending are the core's rules, not a copy of them.

use napi_derive::napi;

use crate::error::sdk_error;

/// A caption's counts and Meta's limits for each (`validate_caption` refuses a caption over any).
#[napi(object)]
pub struct CaptionCheck {
    /// Characters (Unicode scalar values, as the core counts them).
    pub characters: u32,
    /// Hashtags: a `#` followed by a letter, digit or `_`.
    pub hashtags: u32,
    /// @-mentions: an `@` not preceded by a word character, followed by a handle character.
    pub mentions: u32,
    /// The most characters a caption may have.
    pub max_characters: u32,
    /// The most hashtags a caption may have.
    pub max_hashtags: u32,
    /// The most @-mentions a caption may have.
    pub max_mentions: u32,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts a caption as the core checks it: `{ characters, hashtags, mentions, maxCharacters,
/// maxHashtags, maxMentions }`.
#[napi]
pub fn count_caption(caption: String) -> CaptionCheck {
    let counts = instagraph::api::caption_counts(&caption);
    CaptionCheck {
        characters: small(counts.characters),
        hashtags: small(counts.hashtags),
        mentions: small(counts.mentions),
        max_characters: small(instagraph::api::publish::MAX_CAPTION_CHARS),
        max_hashtags: small(instagraph::api::publish::MAX_HASHTAGS),
        max_mentions: small(instagraph::api::publish::MAX_MENTIONS),
    }
}

/// Checks a caption against Meta's limits as `publish` does before any call: throws an
/// `InvalidInputError` naming `caption` and the limit.
#[napi]
pub fn validate_caption(caption: String) -> napi::Result<()> {
    instagraph::api::validate_caption(&caption).map_err(|e| sdk_error("validateCaption", e))
}
