//! Typed identifiers.
//!
//! Graph ids are decimal strings on the wire, but mixing a Page id with an Instagram user id is a
//! bug the compiler can catch, so each kind of id has its own type. Every id serialises as a plain
//! JSON string and deserialises from a string or a number (older API versions sent numbers).

use std::fmt;

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),+ $(,)?) => {$(
        #[$doc]
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id as received from the API or from storage.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as it goes on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Consumes the id, returning its string form.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::ids::string_or_number(d).map(Self)
            }
        }
    )+};
}

typed_id! {
    /// The tenant: an agency's company. Every store call is scoped to one.
    CompanyId,
    /// One of a company's own clients, to whom Instagram accounts are assigned.
    AgencyClientId,
    /// A Facebook user (Facebook Login).
    FacebookUserId,
    /// An Instagram professional account (the IG user node).
    IgUserId,
    /// A Facebook Page.
    PageId,
    /// A business portfolio (Business Manager).
    BusinessId,
    /// A published Instagram media object.
    MediaId,
    /// A media container created before publishing.
    ContainerId,
    /// A comment or a reply.
    CommentId,
    /// A hashtag node.
    HashtagId,
    /// A messaging conversation.
    ConversationId,
    /// A message in a conversation.
    MessageId,
    /// A stored token (the store's own id, never the token itself).
    TokenId,
    /// A publish job kept in the job store.
    JobId,
}

/// Accepts `"123"` or `123` for an id field.
pub(crate) fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id as a string or a number")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(Visitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_strings_and_numbers() {
        let a: IgUserId = serde_json::from_str("\"178414\"").unwrap();
        let b: IgUserId = serde_json::from_str("178414").unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"178414\"");
    }
}
