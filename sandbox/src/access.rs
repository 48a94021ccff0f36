//! Who may see what: the objects a token reaches and the scopes each call needs.

use super::error::{GraphError, GraphResult};
use super::world::{Login, Token, TokenKind, World};

/// The authenticated caller of a Graph request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub token: Token,
}

/// The kinds of Graph nodes the sandbox knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    User,
    Page,
    Business,
    IgUser,
    Media,
    Container,
    Comment,
    Hashtag,
    Conversation,
    Message,
}

impl NodeKind {
    /// The node type name Meta puts in "nonexisting field" errors.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Page => "Page",
            Self::Business => "Business",
            Self::IgUser => "IGUser",
            Self::Media => "IGMedia",
            Self::Container => "IGContainer",
            Self::Comment => "IGComment",
            Self::Hashtag => "IGHashtag",
            Self::Conversation => "UnifiedThread",
            Self::Message => "Message",
        }
    }
}

pub(crate) fn node_kind(w: &World, id: &str) -> Option<NodeKind> {
    if w.users.contains_key(id) {
        Some(NodeKind::User)
    } else if w.pages.contains_key(id) {
        Some(NodeKind::Page)
    } else if w.businesses.contains_key(id) {
        Some(NodeKind::Business)
    } else if w.ig_accounts.contains_key(id) {
        Some(NodeKind::IgUser)
    } else if w.media.contains_key(id) {
        Some(NodeKind::Media)
    } else if w.containers.contains_key(id) {
        Some(NodeKind::Container)
    } else if w.engage.comments.contains_key(id) {
        Some(NodeKind::Comment)
    } else if w.engage.hashtags.contains_key(id) {
        Some(NodeKind::Hashtag)
    } else if w.engage.conversations.contains_key(id) {
        Some(NodeKind::Conversation)
    } else if w.engage.messages.contains_key(id) {
        Some(NodeKind::Message)
    } else {
        None
    }
}

impl Caller {
    pub fn login(&self) -> Login {
        self.token.login
    }

    /// What `/me` means for this token.
    pub fn me(&self) -> &str {
        match (self.token.kind, &self.token.page_id) {
            (TokenKind::Page, Some(page)) => page,
            _ => &self.token.subject,
        }
    }

    pub fn is_fb_user(&self) -> bool {
        self.token.login == Login::Facebook && self.token.kind == TokenKind::User
    }

    pub fn has(&self, scope: &str) -> bool {
        self.token.has_scope(scope)
    }

    /// The scope IG reads need on this token's host.
    pub fn basic_scope(&self) -> &'static str {
        match self.login() {
            Login::Facebook => "instagram_basic",
            Login::Instagram => "instagram_business_basic",
        }
    }

    /// The scope publishing needs on this token's host.
    pub fn publish_scope(&self) -> &'static str {
        match self.login() {
            Login::Facebook => "instagram_content_publish",
            Login::Instagram => "instagram_business_content_publish",
        }
    }

    pub fn require(&self, scope: &str, code: i64) -> GraphResult<()> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(GraphError::missing_permission(code, scope))
        }
    }

    /// Businesses this caller belongs to (Facebook user tokens only).
    pub fn businesses(&self, w: &World) -> Vec<String> {
        if !self.is_fb_user() {
            return Vec::new();
        }
        w.businesses
            .values()
            .filter(|b| b.members.contains(&self.token.subject))
            .map(|b| b.id.clone())
            .collect()
    }

    /// Pages the user manages directly: what /me/accounts lists.
    pub fn managed_pages(&self, w: &World) -> Vec<String> {
        if !self.is_fb_user() {
            return Vec::new();
        }
        w.pages
            .values()
            .filter(|p| p.managers.contains(&self.token.subject))
            .map(|p| p.id.clone())
            .collect()
    }

    /// Every Page this caller can act on, directly or through a business portfolio (which
    /// needs business_management).
    pub fn pages(&self, w: &World) -> Vec<String> {
        match (self.token.login, self.token.kind) {
            (Login::Facebook, TokenKind::Page) => self.token.page_id.iter().cloned().collect(),
            (Login::Facebook, TokenKind::User) => {
                let mut out = self.managed_pages(w);
                if self.has("business_management") {
                    for b in self.businesses(w) {
                        if let Some(b) = w.businesses.get(&b) {
                            for p in b.owned_pages.iter().chain(&b.client_pages) {
                                if !out.contains(p) {
                                    out.push(p.clone());
                                }
                            }
                        }
                    }
                }
                out
            }
            (Login::Instagram, _) => Vec::new(),
        }
    }

    /// Every IG account this caller can act on.
    pub fn ig_accounts(&self, w: &World) -> Vec<String> {
        if self.token.login == Login::Instagram {
            return vec![self.token.subject.clone()];
        }
        let mut out: Vec<String> = self
            .pages(w)
            .iter()
            .filter_map(|p| w.pages.get(p).and_then(|p| p.ig_account.clone()))
            .collect();
        if self.is_fb_user() && self.has("business_management") {
            for b in self.businesses(w) {
                if let Some(b) = w.businesses.get(&b) {
                    for ig in b.owned_ig.iter().chain(&b.client_ig) {
                        if !out.contains(ig) {
                            out.push(ig.clone());
                        }
                    }
                }
            }
        }
        out
    }

    pub fn can_reach(&self, w: &World, kind: NodeKind, id: &str) -> bool {
        match kind {
            NodeKind::User => self.is_fb_user() && self.token.subject == id,
            NodeKind::Page => self.pages(w).iter().any(|p| p == id),
            NodeKind::Business => self.businesses(w).iter().any(|b| b == id),
            NodeKind::IgUser => self.ig_accounts(w).iter().any(|a| a == id),
            NodeKind::Media => w
                .media
                .get(id)
                .is_some_and(|m| self.ig_accounts(w).contains(&m.owner)),
            NodeKind::Container => w
                .containers
                .get(id)
                .is_some_and(|c| self.ig_accounts(w).contains(&c.owner)),
            NodeKind::Comment => w
                .engage
                .comments
                .get(id)
                .is_some_and(|c| self.can_reach(w, NodeKind::Media, &c.media)),
            // The hashtag index is public to every IG-capable token.
            NodeKind::Hashtag => {
                w.engage.hashtags.contains_key(id) && !self.ig_accounts(w).is_empty()
            }
            NodeKind::Conversation => w
                .engage
                .conversations
                .get(id)
                .is_some_and(|c| self.ig_accounts(w).contains(&c.ig)),
            NodeKind::Message => w
                .engage
                .messages
                .get(id)
                .is_some_and(|m| self.can_reach(w, NodeKind::Conversation, &m.conversation)),
        }
    }
}
