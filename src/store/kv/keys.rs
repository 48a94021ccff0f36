//! The key layout (see the module docs of [`super`]): every id escaped, so that a prefix ends
//! exactly at a component boundary.

use crate::ids::{CompanyId, IgUserId, JobId, TokenId};
use crate::store::records::{LoginKind, TokenKind};

/// Prefix of every token row.
pub(super) const TOKENS: &str = "tokens/";
/// Prefix of every token id index key.
pub(super) const TOKEN_IDS: &str = "token-ids/";
/// Prefix of every OAuth state.
pub(super) const STATES: &str = "oauth-states/";
/// Prefix of every job row.
pub(super) const JOBS: &str = "jobs/";
/// Prefix of every idempotency key index key.
pub(super) const JOB_KEYS: &str = "job-keys/";
const ACCOUNTS: &str = "accounts/";
/// Prefix of every budget scope.
pub(super) const BUDGETS: &str = "budgets/";

/// `component` with `%` and `/` escaped, so that it never contains the separator.
pub(super) fn escape(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for c in component.chars() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            c => out.push(c),
        }
    }
    out
}

/// `budgets/{scope}`: a budget scope's entries.
pub(super) fn budget(scope: &str) -> String {
    format!("{BUDGETS}{}", escape(scope))
}

/// `{kind}{company}/`: the prefix of one company's rows of a kind.
pub(super) fn of_company(kind: &str, company: &CompanyId) -> String {
    format!("{kind}{}/", escape(company.as_str()))
}

pub(super) fn token(
    company: &CompanyId,
    kind: TokenKind,
    login: LoginKind,
    subject: &str,
) -> String {
    format!(
        "{}{}/{}/{}",
        of_company(TOKENS, company),
        kind.as_str(),
        login.as_str(),
        escape(subject)
    )
}

pub(super) fn token_id(company: &CompanyId, id: &TokenId) -> String {
    format!("{}{}", of_company(TOKEN_IDS, company), escape(id.as_str()))
}

pub(super) fn accounts(company: &CompanyId) -> String {
    of_company(ACCOUNTS, company)
}

pub(super) fn account(company: &CompanyId, ig: &IgUserId) -> String {
    format!("{}{}", accounts(company), escape(ig.as_str()))
}

pub(super) fn state(state: &str) -> String {
    format!("{STATES}{}", escape(state))
}

pub(super) fn job(company: &CompanyId, id: &JobId) -> String {
    format!("{}{}", of_company(JOBS, company), escape(id.as_str()))
}

pub(super) fn job_key(company: &CompanyId, key: &str) -> String {
    format!("{}{}", of_company(JOB_KEYS, company), escape(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_prefix_never_matches_another_company() {
        let plain = accounts(&CompanyId::new("acme"));
        let tricky = account(&CompanyId::new("acme/evil"), &IgUserId::new("1"));
        assert!(!tricky.starts_with(&plain), "{tricky} is under {plain}");
        let percent = account(&CompanyId::new("acme%2F"), &IgUserId::new("1"));
        let slash = accounts(&CompanyId::new("acme/"));
        assert!(!percent.starts_with(&slash), "{percent} is under {slash}");
    }
}
