//! Fault injection on the Graph and rupload hosts: the dice rolled per call (drops,
//! transient errors, throttling, slowness) and the lost `media_publish` answer.

use rand::Rng;
use serde_json::json;

use super::config::LostPublishMode;
use super::error::GraphError;
use super::net::ConnHandle;
use super::server::Reply;
use super::world::World;

/// What the fault dice decided for one call.
pub(crate) struct FaultRoll {
    pub slow_ms: u64,
    pub drop: bool,
    pub transient: Option<GraphError>,
    pub throttle: Option<i64>,
}

impl FaultRoll {
    /// No fault at all (batch operations: faults apply to the outer request).
    pub fn none() -> Self {
        FaultRoll {
            slow_ms: 0,
            drop: false,
            transient: None,
            throttle: None,
        }
    }
}

pub(crate) fn roll_faults(w: &mut World) -> FaultRoll {
    let f = w.faults.clone();
    let mut roll = FaultRoll {
        slow_ms: f.slow_ms,
        drop: false,
        transient: None,
        throttle: None,
    };
    if !f.is_active() {
        return roll;
    }
    let rng = &mut w.fault_rng;
    if f.drop_connection_rate > 0.0 && rng.gen_bool(f.drop_connection_rate.clamp(0.0, 1.0)) {
        roll.drop = true;
    } else if f.transient_rate > 0.0 && rng.gen_bool(f.transient_rate.clamp(0.0, 1.0)) {
        roll.transient = Some(if rng.gen_bool(0.5) {
            GraphError::oauth(1, "An unknown error occurred").transient(500)
        } else {
            GraphError::oauth(
                2,
                "An unexpected error has occurred. Please retry your request later.",
            )
            .transient(503)
        });
    } else if f.throttle_rate > 0.0 && rng.gen_bool(f.throttle_rate.clamp(0.0, 1.0)) {
        roll.throttle = Some(f.throttle_code);
    }
    roll
}

pub(crate) fn throttle_error(code: i64) -> GraphError {
    let msg = match code {
        4 => "(#4) Application request limit reached".to_owned(),
        17 => "(#17) User request limit reached".to_owned(),
        32 => "(#32) Page request limit reached".to_owned(),
        613 => "(#613) Calls to this api have exceeded the rate limit.".to_owned(),
        80002 => "(#80002) There have been too many calls to this Instagram account. Wait a bit \
                  and try again. For more info, please refer to \
                  https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
            .to_owned(),
        other => format!("(#{other}) Calls to this api have exceeded the rate limit."),
    };
    let mut e = GraphError::oauth(code, msg).transient(400);
    e.regain_minutes = Some(1);
    e
}

/// Whether the post just made loses its answer (`Faults::lost_publish_rate`).
pub(crate) fn roll_lost_publish(w: &mut World) -> Option<LostPublishMode> {
    let rate = w.faults.lost_publish_rate.clamp(0.0, 1.0);
    (rate > 0.0 && w.fault_rng.gen_bool(rate)).then_some(w.faults.lost_publish_mode)
}

pub(crate) fn lose_answer(conn: &ConnHandle, mode: LostPublishMode) -> Reply {
    match mode {
        LostPublishMode::Drop => {
            conn.cut();
            Reply::json(500, json!({}))
        }
        LostPublishMode::Error => Reply::json(
            500,
            GraphError::oauth(
                2,
                "An unexpected error has occurred. Please retry your request later.",
            )
            .transient(500)
            .to_json(),
        ),
    }
}
