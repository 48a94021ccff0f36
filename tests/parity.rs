//! Parity of the bindings with the core: every public operation of the core is reachable from
//! Node (`bindings/node`) and from the uniffi languages (`bindings/uniffi`), or is excluded here
//! for that language with a reason.
//!
//! The core's operations are read from its source: every public method of a handler (`*Handler`,
//! `Graph`, `FacebookGraph`, `InstagramGraph`, `Client`) except navigation (a method that only
//! leads to another handler or returns a reference), and every other public `async fn` (except a
//! builder's `send`, whose handler method is the operation). A binding claims what it covers with
//! a doc line on the exported function, `Core: MediaHandler::list, Page::next_page`; the claim
//! holds only when the function (or a function of the same binding it calls) calls that method.
//! A new core operation therefore fails this test until both bindings expose it or it is
//! excluded, and a claim cannot outlive the call it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Operations a language does not get, and why. `Both` is for what has no meaning outside Rust.
const EXCLUDED: &[(&str, Lang, &str)] = &[
    ("Store::sqlite", Lang::Both, "Rust shorthand: the bindings open a store from its URL (`sqlite:`, `postgres:`)"),
    ("Store::postgres", Lang::Both, "Rust shorthand: the bindings open a store from its URL (`sqlite:`, `postgres:`)"),
    ("Store::open", Lang::Uniffi, "uniffi takes the URL as text: `Store::open_url` parses it and calls `Store::open`"),
    ("Store::open_url", Lang::Node, "Node parses the URL when the manager is built (a bad URL throws at once), then opens with `Store::open`"),
    ("StoreUrl::applied_migrations", Lang::Both, "an operator's report of a store's schema, printed by the command line (`instagraph store migrate`); a binding's store migrates itself when it is opened"),
    ("Store::save_token", Lang::Both, "tokens are saved and opened only inside `AccountManager` (connect, access): no token crosses into a binding"),
    ("Store::load_token", Lang::Both, "tokens are saved and opened only inside `AccountManager` (connect, access): no token crosses into a binding"),
    ("Store::find_token_secret", Lang::Both, "tokens are saved and opened only inside `AccountManager` (connect, access): no token crosses into a binding"),
    ("OAuthStates::issue_state", Lang::Both, "the login state is issued inside `AccountManager::start_connect` (bound)"),
    ("OAuthStates::issue_state_with", Lang::Both, "the login state is issued inside `AccountManager::start_connect` (bound)"),
    ("OAuthStates::consume_state", Lang::Both, "the login state is consumed inside `AccountManager::finish_connect` (bound)"),
    ("FacebookLogin::begin", Lang::Both, "the bindings start a state-checked login with `AccountManager::start_connect`, which calls it"),
    ("InstagramLogin::begin", Lang::Both, "the bindings start a state-checked login with `AccountManager::start_connect`, which calls it"),
    ("FacebookLogin::finish", Lang::Both, "the bindings finish a login with `AccountManager::finish_connect`, which checks the state and also stores the token"),
    ("InstagramLogin::finish", Lang::Both, "the bindings finish a login with `AccountManager::finish_connect`, which checks the state and also stores the token"),
    ("AccountManager::finish_connect_with", Lang::Both, "takes parsed callback parameters; the bindings hand the callback to `finish_connect`, which parses it"),
    ("AccountManager::sweep_tokens_at", Lang::Both, "`sweep_tokens` at an injected time (a Rust tick or test clock); the bindings sweep as of now"),
    ("Client::batch", Lang::Both, "the raw-token batch; the bindings batch through an account's `Graph::batch`, which calls it with the account's token"),
    ("Publisher::execute_job", Lang::Both, "runs a job the scheduler's worker claimed; the bindings run jobs through `Worker::run_once`/`run_until`"),
    ("Page::next_page", Lang::Both, "a `Page` borrows the client and cannot cross FFI; the bindings page with the `after` cursor each list returns"),
    ("MediaHandler::insights", Lang::Both, "`media(id).insights(kind)` is `Graph::media_insights(id, kind)`, which both bindings call"),
    ("Graph::media_insights_for", Lang::Both, "takes a fetched Rust `Media`; the bindings pass an id, and `media_insight_kind` + `media_insights` do the same"),
    ("CollaborationInvitesHandler::respond", Lang::Node, "Node answers an invite with `accept` and `decline` (bound), which call it with `true` and `false`"),
    ("IgUserMessagesHandler::private_reply_to", Lang::Both, "takes a Rust `Comment` read earlier and the time to judge by; the bindings call `private_reply_in_window` (bound), which reads the comment's time and calls it as of now"),
    ("PublishingHandler::publish_image", Lang::Both, "a Rust shortcut (create, wait, publish one image, no quota or idempotency); the bindings publish with `Publisher::publish` (bound), Node also step by step with `create_container`/`wait`/`publish`"),
    ("Page::collect_all_with_limit", Lang::Node, "`Media.listAll` reads every page with `collect_all` (bound: the SDK's bound of 10 000, failing past it) or, with `options.max`, stops at the newest `max` instead of failing"),
    ("FacebookGraph::me", Lang::Both, USER_TOKEN),
    ("FacebookGraph::me_accounts", Lang::Both, USER_TOKEN),
    ("FacebookGraph::businesses", Lang::Both, USER_TOKEN),
    ("FacebookGraph::discover_accounts", Lang::Both, USER_TOKEN),
    ("BusinessHandler::owned_pages", Lang::Both, USER_TOKEN),
    ("BusinessHandler::client_pages", Lang::Both, USER_TOKEN),
    ("BusinessHandler::owned_instagram_accounts", Lang::Both, USER_TOKEN),
    ("BusinessHandler::client_instagram_accounts", Lang::Both, USER_TOKEN),
    ("BusinessHandler::instagram_business_accounts", Lang::Both, "reads with a Facebook Login user token, which never crosses into a binding (the bindings hold accounts, whose token may be a Page token); discovery reads a business's accounts from its owned and client edges"),
    ("FacebookLogin::exchange_code", Lang::Uniffi, RAW_TOKEN_CALL),
    ("FacebookLogin::exchange_long_lived", Lang::Uniffi, RAW_TOKEN_CALL),
    ("FacebookLogin::debug_token", Lang::Uniffi, RAW_TOKEN_CALL),
    ("FacebookLogin::revoke", Lang::Uniffi, RAW_TOKEN_CALL),
    ("InstagramLogin::exchange_code", Lang::Uniffi, RAW_TOKEN_CALL),
    ("InstagramLogin::exchange_long_lived", Lang::Uniffi, RAW_TOKEN_CALL),
    ("InstagramLogin::debug_token", Lang::Uniffi, RAW_TOKEN_CALL),
    ("InstagramLogin::refresh", Lang::Uniffi, RAW_TOKEN_CALL),
    ("InstagramLogin::revoke", Lang::Uniffi, RAW_TOKEN_CALL),
    ("InstagramGraph::me", Lang::Both, "reads the account an Instagram Login token belongs to; `AccountManager::finish_connect` (bound) calls it with the new token, which never crosses into a binding"),
    ("Scheduler::list", Lang::Node, "Node's `Scheduler.list` calls `list_page`; without options it is `list` (the newest 500 jobs), with `status` it is `list(company, status)`"),
    ("Graph::media_insights_batch", Lang::Node, "`Insights.mediaBatch` batches the same `Graph::media_insights` requests through `Graph::batch` and hands the answers to JS as JSON text (several times faster, bench/README.md)"),
    ("SharedDeduper::first_delivery", Lang::Both, "takes a parsed Rust `Event`, which crosses into neither binding (Node's events are plain objects, uniffi's `WebhookEvent` records): both key an event by its `dedupKey`/`dedup_key` with `first_seen` (bound); uniffi's `new_events` also runs it on a delivery through `retain_new`"),
    ("SharedDeduper::retain_new", Lang::Node, "takes parsed Rust `Event`s; Node's `SharedDeduper.retainNew` keys the plain-object events by `dedupKey` with `first_seen` (bound)"),
];

/// Why the Facebook user-token reads are not bound.
const RAW_TOKEN_CALL: &str = "uniffi hands no token to the app (Node's login module does, for servers that keep their own tokens); `AccountManager` calls it with the stored token: `finish_connect` (exchange), `connection_status` (debug), `sweep_tokens` (refresh, exchange) and `disconnect` (revoke), all bound";
const USER_TOKEN: &str = "reads with a Facebook Login user token, which never crosses into a binding (the bindings hold accounts, whose token may be a Page token); `AccountManager::finish_connect` and `discover` (bound) call it through `discover_accounts`";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Node,
    Uniffi,
    #[allow(dead_code)]
    Both,
}

impl Lang {
    fn covers(self, lang: Lang) -> bool {
        self == lang || self == Lang::Both
    }
}

/// Core directories that hold no operation of their own: store backends behind the `Store`
/// facade (the bindings reach them through it), the conformance suite, the store tool.
const CORE_SKIPPED: &[&str] = &[
    "src/store/sqlite",
    "src/store/postgres",
    "src/store/memory",
    "src/store/kv",
    "src/store/conformance",
    "src/bin",
];

/// Types whose public methods are operations (octocrab-style handlers).
fn is_handler(ty: &str) -> bool {
    ty.ends_with("Handler") || matches!(ty, "Graph" | "FacebookGraph" | "InstagramGraph" | "Client")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// A method that only leads elsewhere: to another handler (or any type with operations of its
/// own, such as a login flow), to a builder, or to a reference; or a constructor.
fn is_navigation(sig: &syn::Signature, with_operations: &BTreeSet<String>) -> bool {
    if sig.receiver().is_none() {
        return true;
    }
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return false;
    };
    match &**ty {
        syn::Type::Reference(_) => true,
        ty => type_name(ty).is_some_and(|name| {
            is_handler(&name)
                || with_operations.contains(&name)
                || name == "Self"
                || name.ends_with("Builder")
                || matches!(name.as_str(), "Host" | "bool")
        }),
    }
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The core's operations, `Type::method`, with the file each is in.
fn core_operations() -> BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let parsed: Vec<(String, syn::File)> = files
        .iter()
        .map(|path| (relative(path), parse(path)))
        .filter(|(rel, _)| !CORE_SKIPPED.iter().any(|dir| rel.starts_with(dir)))
        .collect();
    // The first pass finds the types with operations, so that the second can tell a method
    // leading to one (navigation) from an operation. A request builder is not one: the method
    // that makes it is the operation its `send` runs, even when the builder has other
    // operations of its own (`AccountInsightsRequest::send_series`).
    let mut builders = BTreeSet::new();
    for (_, file) in &parsed {
        collect_builders(&file.items, &mut builders);
    }
    let mut with_operations = BTreeSet::new();
    for _ in 0..2 {
        let mut ops = BTreeMap::new();
        for (rel, file) in &parsed {
            collect_core(&file.items, rel, &with_operations, &mut ops);
        }
        let types: BTreeSet<String> = ops
            .keys()
            .filter_map(|op| op.split_once("::").map(|(ty, _)| ty.to_owned()))
            .filter(|ty| !builders.contains(ty))
            .collect();
        if types == with_operations {
            return ops;
        }
        with_operations = types;
    }
    let mut ops = BTreeMap::new();
    for (rel, file) in &parsed {
        collect_core(&file.items, rel, &with_operations, &mut ops);
    }
    ops
}

/// The types with a public `send` method: request builders.
fn collect_builders(items: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let sends = imp.items.iter().any(|i| {
                    matches!(i, syn::ImplItem::Fn(f) if is_public(&f.vis) && f.sig.ident == "send")
                });
                if let Some(ty) = type_name(&imp.self_ty).filter(|_| sends) {
                    out.insert(ty);
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_builders(items, out);
                }
            }
            _ => {}
        }
    }
}

fn collect_core(
    items: &[syn::Item],
    file: &str,
    with_operations: &BTreeSet<String>,
    ops: &mut BTreeMap<String, String>,
) {
    for item in items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() && !is_test_only(&imp.attrs) => {
                let Some(ty) = type_name(&imp.self_ty) else {
                    continue;
                };
                for item in &imp.items {
                    let syn::ImplItem::Fn(f) = item else { continue };
                    if !is_public(&f.vis) || is_test_only(&f.attrs) {
                        continue;
                    }
                    let name = f.sig.ident.to_string();
                    let operation = if is_handler(&ty) {
                        !is_navigation(&f.sig, with_operations)
                    } else {
                        f.sig.asyncness.is_some() && name != "send"
                    };
                    if operation {
                        ops.insert(format!("{ty}::{name}"), file.to_owned());
                    }
                }
            }
            syn::Item::Mod(m) if !is_test_only(&m.attrs) => {
                if let Some((_, items)) = &m.content {
                    collect_core(items, file, with_operations, ops);
                }
            }
            _ => {}
        }
    }
}

/// What a function calls: method names and the last two segments of called paths.
#[derive(Default)]
struct Calls {
    methods: BTreeSet<String>,
    paths: BTreeSet<String>,
    functions: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for Calls {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.methods.insert(call.method.to_string());
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if let Some(last) = segments.last() {
                self.functions.insert(last.clone());
            }
            if segments.len() >= 2 {
                self.paths.insert(segments[segments.len() - 2..].join("::"));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}

/// A function of a binding: whether it is exported, its claims and its calls.
struct BindingFn {
    file: String,
    name: String,
    exported: bool,
    claims: Vec<String>,
    calls: Calls,
}

fn claims(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        if !nv.path.is_ident("doc") {
            continue;
        }
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            continue;
        };
        if let Some(list) = s.value().trim().strip_prefix("Core:") {
            out.extend(
                list.split(',')
                    .map(|c| c.trim().trim_matches('`').trim_end_matches('.').to_owned())
                    .filter(|c| !c.is_empty()),
            );
        }
    }
    out
}

fn has_attr(attrs: &[syn::Attribute], marker: &str) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        path.segments.iter().any(|s| s.ident == marker)
    })
}

fn binding_fns(dir: &str, marker: &str) -> Vec<BindingFn> {
    let mut files = Vec::new();
    rust_files(&root().join(dir), &mut files);
    let mut out = Vec::new();
    for path in files {
        let file = relative(&path);
        collect_binding(&parse(&path).items, &file, marker, &mut out);
    }
    out
}

fn binding_fn(
    file: &str,
    name: String,
    exported: bool,
    attrs: &[syn::Attribute],
    block: &syn::Block,
) -> BindingFn {
    let mut calls = Calls::default();
    calls.visit_block(block);
    BindingFn {
        file: file.to_owned(),
        name,
        exported,
        claims: claims(attrs),
        calls,
    }
}

fn collect_binding(items: &[syn::Item], file: &str, marker: &str, out: &mut Vec<BindingFn>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(binding_fn(
                file,
                f.sig.ident.to_string(),
                has_attr(&f.attrs, marker),
                &f.attrs,
                &f.block,
            )),
            syn::Item::Impl(imp) => {
                let impl_exported = has_attr(&imp.attrs, marker);
                for item in &imp.items {
                    if let syn::ImplItem::Fn(f) = item {
                        let exported =
                            (impl_exported && is_public(&f.vis)) || has_attr(&f.attrs, marker);
                        out.push(binding_fn(
                            file,
                            f.sig.ident.to_string(),
                            exported,
                            &f.attrs,
                            &f.block,
                        ));
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_binding(items, file, marker, out);
                }
            }
            _ => {}
        }
    }
}

/// Whether `f` calls `op` (`Type::method`), itself or through functions of its binding, at most
/// three calls deep.
fn reaches(f: &BindingFn, op: &str, by_name: &BTreeMap<&str, Vec<&BindingFn>>) -> bool {
    let (ty, method) = op.split_once("::").expect("Type::method");
    let mut frontier = vec![f];
    let mut seen = BTreeSet::new();
    for _ in 0..4 {
        let mut next = Vec::new();
        for g in frontier {
            if g.calls.methods.contains(method)
                || g.calls.paths.contains(&format!("{ty}::{method}"))
            {
                return true;
            }
            for called in g.calls.functions.iter().chain(&g.calls.methods) {
                if seen.insert(called.clone()) {
                    next.extend(by_name.get(called.as_str()).into_iter().flatten());
                }
            }
        }
        frontier = next;
    }
    false
}

/// The operations a binding covers, and the claims that do not hold.
fn covered(
    dir: &str,
    marker: &str,
    core: &BTreeMap<String, String>,
) -> (BTreeSet<String>, Vec<String>) {
    let fns = binding_fns(dir, marker);
    let mut by_name: BTreeMap<&str, Vec<&BindingFn>> = BTreeMap::new();
    for f in &fns {
        by_name.entry(f.name.as_str()).or_default().push(f);
    }
    let mut ops = BTreeSet::new();
    let mut wrong = Vec::new();
    for f in &fns {
        for claim in &f.claims {
            let at = format!("{} `{}` claims `{claim}`", f.file, f.name);
            if !core.contains_key(claim) {
                wrong.push(format!("{at}, which is not an operation of the core"));
            } else if !f.exported {
                wrong.push(format!("{at} but is not exported (#[{marker}])"));
            } else if !reaches(f, claim, &by_name) {
                wrong.push(format!("{at} but never calls it"));
            } else {
                ops.insert(claim.clone());
            }
        }
    }
    (ops, wrong)
}

#[test]
fn every_core_operation_is_bound_in_node_and_uniffi_or_excluded_with_a_reason() {
    let core = core_operations();
    assert!(
        core.len() > 50 && core.contains_key("IgUserMediaHandler::list"),
        "the core's operations were not found ({} of them)",
        core.len()
    );
    let (node, mut problems) = covered("bindings/node/src", "napi", &core);
    let (uniffi, wrong) = covered("bindings/uniffi/src", "export", &core);
    problems.extend(wrong);

    for (op, lang, reason) in EXCLUDED {
        if !core.contains_key(*op) {
            problems.push(format!("excluded `{op}` is not an operation of the core"));
        }
        if reason.trim().len() < 10 {
            problems.push(format!("excluded `{op}` needs a reason"));
        }
        if (lang.covers(Lang::Node) && node.contains(*op))
            || (lang.covers(Lang::Uniffi) && uniffi.contains(*op))
        {
            problems.push(format!(
                "`{op}` is excluded for {lang:?} but is bound there"
            ));
        }
    }
    let excluded =
        |op: &str, lang: Lang| EXCLUDED.iter().any(|(o, l, _)| *o == op && l.covers(lang));
    for (op, file) in &core {
        for (lang, bound) in [(Lang::Node, &node), (Lang::Uniffi, &uniffi)] {
            if !bound.contains(op) && !excluded(op, lang) {
                problems.push(format!("`{op}` ({file}) has no {lang:?} binding"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} parity problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
