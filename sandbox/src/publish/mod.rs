#![doc = include_str!("RULES.md")]
mod create;
mod manage;
pub(crate) mod markers;
pub(crate) mod model;
mod params;
mod release;

pub(crate) use create::create_container;
pub(crate) use manage::{delete_media, publishing_limit, story_ids, update_media};
pub(crate) use release::publish;
