//! What crosses between Rust and a JS store method: the arguments going out (JSON values, as
//! positional arguments) and the reply coming back (a plain value or a Promise of one).
//!
//! The reply is converted here rather than with napi's `serde_json::Value` conversion because a
//! store written over a database driver naturally returns `undefined` for "nothing"; it must
//! arrive as something the adapter can judge, not as a conversion failure without the method's
//! name.

use napi::bindgen_prelude::{
    Array, Env, FromNapiValue, Function, JsObjectValue, JsValuesTupleIntoVec, Object, Promise,
    ToNapiValue, Unknown,
};
use napi::{sys, JsValue, ValueType};
use serde_json::{Map, Number, Value};

/// How deep a returned value may nest; deeper is taken for a cycle.
const MAX_DEPTH: u32 = 64;

/// The positional arguments of one store call.
pub struct JsArgs(pub Vec<Value>);

impl JsValuesTupleIntoVec for JsArgs {
    fn into_vec(self, env: sys::napi_env) -> napi::Result<Vec<sys::napi_value>> {
        self.0
            .into_iter()
            // SAFETY: called by napi on the JS thread with that thread's live `env`.
            .map(|v| unsafe { Value::to_napi_value(env, v) })
            .collect()
    }
}

/// A JSON value read from JS (`undefined` reads as `null`).
pub struct Json(pub Value);

impl FromNapiValue for Json {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi hands over a live value of this env, on the JS thread.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        to_json(unknown, MAX_DEPTH).map(Json)
    }
}

/// What a store method returned: a value at once, or a Promise of one.
pub enum Reply {
    /// A synchronous return value.
    Ready(Value),
    /// A Promise (what an `async` method returns), settled later on the JS thread.
    Pending(Promise<Json>),
}

impl FromNapiValue for Reply {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: as for `Json`.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        if unknown.get_type()? != ValueType::Object {
            return to_json(unknown, MAX_DEPTH).map(Reply::Ready);
        }
        if unknown.is_promise()? {
            // SAFETY: checked to be a Promise just above.
            let promise = unsafe { Promise::<Json>::from_napi_value(env, value)? };
            return Ok(Reply::Pending(promise));
        }
        // A thenable that is not a native Promise (a query builder, another promise library):
        // `Promise.resolve` adopts it, as `await` would.
        // SAFETY: checked to be an object above.
        let object = unsafe { unknown.cast::<Object>()? };
        let thenable = match object.get::<Unknown>("then")? {
            Some(then) => then.get_type()? == ValueType::Function,
            None => false,
        };
        if !thenable {
            return to_json(unknown, MAX_DEPTH).map(Reply::Ready);
        }
        let global = Env::from_raw(env).get_global()?;
        let promise_class: Object<'_> = global.get_named_property_unchecked("Promise")?;
        let resolve: Function<'_, Unknown<'_>, Unknown<'_>> =
            promise_class.get_named_property_unchecked("resolve")?;
        let adopted = resolve.apply(promise_class, unknown)?;
        // SAFETY: `Promise.resolve` returns a native Promise.
        let promise = unsafe { Promise::<Json>::from_napi_value(env, adopted.raw())? };
        Ok(Reply::Pending(promise))
    }
}

impl Reply {
    /// The settled value (a rejection is an error carrying the rejection's message).
    pub async fn settle(self) -> napi::Result<Value> {
        match self {
            Reply::Ready(v) => Ok(v),
            Reply::Pending(promise) => promise.await.map(|j| j.0),
        }
    }
}

fn unsupported(what: impl std::fmt::Display) -> napi::Error {
    napi::Error::from_reason(format!(
        "{what} cannot cross to Rust (a store returns strings, booleans, arrays, null or undefined)"
    ))
}

fn number(n: f64) -> napi::Result<Value> {
    // Integral numbers come back as integers so that counts and attempts parse as integers.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        return Ok(Value::Number(Number::from(n as i64)));
    }
    Number::from_f64(n)
        .map(Value::Number)
        .ok_or_else(|| unsupported(format!("the number {n}")))
}

fn to_json(value: Unknown<'_>, depth: u32) -> napi::Result<Value> {
    if depth == 0 {
        return Err(unsupported("a value nested this deeply (a cycle?)"));
    }
    // SAFETY (every `cast` below): the value's type was checked just before.
    match value.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(Value::Null),
        ValueType::Boolean => Ok(Value::Bool(unsafe { value.cast::<bool>()? })),
        ValueType::Number => number(unsafe { value.cast::<f64>()? }),
        ValueType::String => Ok(Value::String(unsafe { value.cast::<String>()? })),
        ValueType::BigInt => unsafe { value.cast::<Value>() },
        ValueType::Object if value.is_array()? => {
            let array = unsafe { value.cast::<Array>()? };
            let mut out = Vec::with_capacity(array.len() as usize);
            for i in 0..array.len() {
                out.push(match array.get::<Unknown>(i)? {
                    Some(item) => to_json(item, depth - 1)?,
                    None => Value::Null,
                });
            }
            Ok(Value::Array(out))
        }
        ValueType::Object => {
            let object = unsafe { value.cast::<Object>()? };
            let mut map = Map::new();
            for key in Object::keys(&object)? {
                // `undefined` properties are left out, as JSON.stringify does.
                if let Some(item) = object.get::<Unknown>(&key)? {
                    map.insert(key, to_json(item, depth - 1)?);
                }
            }
            Ok(Value::Object(map))
        }
        other => Err(unsupported(format!("a {other:?}"))),
    }
}
