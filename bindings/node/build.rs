//! Sets up napi, and writes the argument table (`$OUT_DIR/arguments.json`): for every exported
//! function, constructor, method and static, its parameters' JS names and the JS kinds their
//! Rust types accept, read from the `#[napi]` declarations of `src/`. The package's `index.js`
//! checks arguments against it so that a wrong type is a `TypeError` naming the argument (napi's
//! own conversion errors do not say which argument failed).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use syn::{Attribute, FnArg, GenericArgument, Item, PathArguments, ReturnType, Type};

fn main() {
    napi_build::setup();
    let src = Path::new("src");
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut decls = Declarations::default();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        let parsed =
            syn::parse_file(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", file.display()));
        decls.collect(&parsed.items);
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("arguments.json"), decls.table())
        .expect("writing arguments.json to OUT_DIR");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// One callable: its parameters and whether it answers with a Promise.
struct Signature {
    params: Vec<Param>,
    rejects: bool,
}

struct Param {
    name: String,
    optional: bool,
    kind: String,
}

#[derive(Default)]
struct Class {
    constructor: Option<Signature>,
    methods: BTreeMap<String, Signature>,
    statics: BTreeMap<String, Signature>,
}

#[derive(Default)]
struct Declarations {
    classes: BTreeMap<String, Class>,
    functions: BTreeMap<String, Signature>,
    /// `#[napi]` structs that are classes (a parameter of one is an instance of it).
    class_names: BTreeSet<String>,
    /// `#[napi(object)]` structs (a parameter of one is a plain object).
    object_names: BTreeSet<String>,
    /// Local `type` aliases, resolved when a parameter uses one.
    aliases: BTreeMap<String, Type>,
    /// Parameters whose type names are resolved once every file is read.
    pending: Vec<(String, Option<String>, String, Pending)>,
}

enum Pending {
    Constructor(Vec<(String, Type)>, bool),
    Method(Vec<(String, Type)>, bool),
    Static(Vec<(String, Type)>, bool),
    Function(Vec<(String, Type)>, bool),
}

/// The words inside `#[napi(...)]`, or `None` when the item has no `#[napi]`.
fn napi_words(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.path().is_ident("napi"))
        .map(|a| match &a.meta {
            syn::Meta::List(list) => list.tokens.to_string(),
            _ => String::new(),
        })
}

/// Whether `word` is one of the attribute's options (string values, such as a `ts_type`, are
/// not looked into).
fn has_word(words: &str, word: &str) -> bool {
    words
        .split('"')
        .step_by(2)
        .flat_map(|outside| outside.split(|c: char| !(c.is_alphanumeric() || c == '_')))
        .any(|w| w == word)
}

/// The value of `js_name = "..."` in the attribute words.
fn js_name(words: &str) -> Option<String> {
    let at = words.find("js_name")?;
    let rest = &words[at..];
    let open = rest.find('"')? + 1;
    let close = rest[open..].find('"')? + open;
    Some(rest[open..close].to_owned())
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn last_ident(ty: &Type) -> Option<(String, Vec<Type>)> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    let args = match &segment.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((segment.ident.to_string(), args))
}

fn returns_promise(output: &ReturnType) -> bool {
    fn mentions(ty: &Type) -> bool {
        match last_ident(ty) {
            Some((name, args)) => {
                name.starts_with("Promise") || name == "AsyncTask" || args.iter().any(mentions)
            }
            None => false,
        }
    }
    matches!(output, ReturnType::Type(_, ty) if mentions(ty))
}

/// The JS parameters of a Rust signature (the receiver and `Env` are not JS arguments).
fn params(sig: &syn::Signature) -> Vec<(String, Type)> {
    sig.inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(pat) => {
                let name = match pat.pat.as_ref() {
                    syn::Pat::Ident(i) => i.ident.to_string(),
                    _ => return None,
                };
                let ty = pat.ty.as_ref().clone();
                let inner = match &ty {
                    Type::Reference(r) => r.elem.as_ref().clone(),
                    other => other.clone(),
                };
                match last_ident(&inner) {
                    Some((n, _)) if n == "Env" || n == "This" => None,
                    _ => Some((camel(&name), ty)),
                }
            }
            FnArg::Receiver(_) => None,
        })
        .collect()
}

impl Declarations {
    fn collect(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Struct(s) => {
                    if let Some(words) = napi_words(&s.attrs) {
                        let name = js_name(&words).unwrap_or_else(|| s.ident.to_string());
                        if has_word(&words, "object") {
                            self.object_names.insert(s.ident.to_string());
                        } else {
                            self.class_names.insert(name);
                        }
                    }
                }
                Item::Type(t) => {
                    self.aliases
                        .insert(t.ident.to_string(), t.ty.as_ref().clone());
                }
                Item::Fn(f) => {
                    if let Some(words) = napi_words(&f.attrs) {
                        let name =
                            js_name(&words).unwrap_or_else(|| camel(&f.sig.ident.to_string()));
                        let rejects = f.sig.asyncness.is_some() || returns_promise(&f.sig.output);
                        self.pending.push((
                            String::new(),
                            None,
                            name,
                            Pending::Function(params(&f.sig), rejects),
                        ));
                    }
                }
                Item::Impl(i) if napi_words(&i.attrs).is_some() => {
                    let Some((class, _)) = last_ident(&i.self_ty) else {
                        continue;
                    };
                    for member in &i.items {
                        let syn::ImplItem::Fn(f) = member else {
                            continue;
                        };
                        let Some(words) = napi_words(&f.attrs) else {
                            continue;
                        };
                        if has_word(&words, "getter") || has_word(&words, "setter") {
                            continue;
                        }
                        let name =
                            js_name(&words).unwrap_or_else(|| camel(&f.sig.ident.to_string()));
                        let rejects = f.sig.asyncness.is_some() || returns_promise(&f.sig.output);
                        let ps = params(&f.sig);
                        let is_static = !matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
                        let pending = if has_word(&words, "constructor") {
                            Pending::Constructor(ps, rejects)
                        } else if is_static {
                            Pending::Static(ps, rejects)
                        } else {
                            Pending::Method(ps, rejects)
                        };
                        self.pending
                            .push((class.clone(), Some(class.clone()), name, pending));
                    }
                }
                _ => {}
            }
        }
    }

    /// The JS kind a Rust parameter type accepts, as JSON.
    fn kind(&self, ty: &Type, depth: usize) -> String {
        if depth > 8 {
            return "\"any\"".into();
        }
        let ty = match ty {
            Type::Reference(r) => r.elem.as_ref(),
            other => other,
        };
        if let Type::Slice(_) = ty {
            return "\"buffer\"".into();
        }
        let Some((name, args)) = last_ident(ty) else {
            return "\"any\"".into();
        };
        if let Some(alias) = self.aliases.get(&name) {
            return self.kind(alias, depth + 1);
        }
        let first = |s: &Self| {
            args.first()
                .map_or_else(|| "\"any\"".to_owned(), |a| s.kind(a, depth + 1))
        };
        match name.as_str() {
            "String" | "str" => "\"string\"".into(),
            "f64" | "f32" | "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32"
            | "i64" | "isize" => "\"number\"".into(),
            "bool" => "\"boolean\"".into(),
            "BigInt" => "\"bigint\"".into(),
            "Buffer" | "BufferSlice" | "Uint8Array" | "ArrayBuffer" => "\"buffer\"".into(),
            "JsDate" | "Date" => "\"date\"".into(),
            "Function" | "FunctionRef" | "JsFunction" | "ThreadsafeFunction" => {
                "\"function\"".into()
            }
            "Object" | "JsObject" | "HashMap" | "BTreeMap" | "Map" => "\"object\"".into(),
            "Vec" | "Array" => format!("{{\"array\":{}}}", first(self)),
            "Option" => format!("{{\"optional\":{}}}", first(self)),
            n if n.starts_with("Either") => {
                let alts: Vec<String> = args.iter().map(|a| self.kind(a, depth + 1)).collect();
                format!("{{\"either\":[{}]}}", alts.join(","))
            }
            "ClassInstance" | "Reference" => first(self),
            n if self.class_names.contains(n) => format!("{{\"instance\":\"{n}\"}}"),
            n if self.object_names.contains(n) => format!("{{\"object\":\"{n}\"}}"),
            // serde_json::Value, Unknown, ...: the Rust side judges the value itself.
            _ => "\"any\"".into(),
        }
    }

    fn signature(&self, params: &[(String, Type)], rejects: bool) -> Signature {
        Signature {
            params: params
                .iter()
                .map(|(name, ty)| {
                    let kind = self.kind(ty, 0);
                    let optional = kind.starts_with("{\"optional\"");
                    Param {
                        name: name.clone(),
                        optional,
                        kind,
                    }
                })
                .collect(),
            rejects,
        }
    }

    fn table(mut self) -> String {
        for (class, _, name, pending) in std::mem::take(&mut self.pending) {
            match pending {
                Pending::Function(ps, r) => {
                    let sig = self.signature(&ps, r);
                    self.functions.insert(name, sig);
                }
                Pending::Constructor(ps, r) => {
                    let sig = self.signature(&ps, r);
                    self.classes.entry(class).or_default().constructor = Some(sig);
                }
                Pending::Method(ps, r) => {
                    let sig = self.signature(&ps, r);
                    self.classes
                        .entry(class)
                        .or_default()
                        .methods
                        .insert(name, sig);
                }
                Pending::Static(ps, r) => {
                    let sig = self.signature(&ps, r);
                    self.classes
                        .entry(class)
                        .or_default()
                        .statics
                        .insert(name, sig);
                }
            }
        }
        let mut out = String::from("{\"classes\":{");
        for (i, (name, class)) in self.classes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{name}\":{{\"constructor\":");
            match &class.constructor {
                Some(sig) => write_signature(&mut out, sig),
                None => out.push_str("null"),
            }
            out.push_str(",\"methods\":");
            write_map(&mut out, &class.methods);
            out.push_str(",\"statics\":");
            write_map(&mut out, &class.statics);
            out.push('}');
        }
        out.push_str("},\"functions\":");
        write_map(&mut out, &self.functions);
        out.push('}');
        out
    }
}

fn write_map(out: &mut String, map: &BTreeMap<String, Signature>) {
    out.push('{');
    for (i, (name, sig)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{name}\":");
        write_signature(out, sig);
    }
    out.push('}');
}

fn write_signature(out: &mut String, sig: &Signature) {
    let _ = write!(out, "{{\"rejects\":{},\"params\":[", sig.rejects);
    for (i, p) in sig.params.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"name\":\"{}\",\"optional\":{},\"kind\":{}}}",
            p.name, p.optional, p.kind
        );
    }
    out.push_str("]}");
}
