//! Stories (`/{ig-user-id}/stories`, and a story read as `/{ig-media-id}`).
//!
//! A story is a media object whose `media_product_type` is `STORY`, read with the same fields;
//! it is kept 24 hours. The same model reads both.

/// A story: the [`Media`](super::media::Media) model (`media_product_type: STORY`).
pub type Story = super::media::Media;
