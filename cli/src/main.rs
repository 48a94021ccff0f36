//! `instagraph`: the SDK on the command line. Connect accounts, publish with progress, schedule,
//! read insights, comments and messages, check tokens, listen to webhooks, against Meta or the
//! local sandbox (`--sandbox`).
//!
//! Every rule (limits, validation, the publish flow, token status, scheduling) is the core's
//! (`instagraph`); this binary parses arguments, calls the core and prints.

mod args;
mod cmd;
mod context;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::output::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.global.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return output::fail(json, &Failure::message(format!("tokio runtime: {e}"))),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => output::fail(json, &failure),
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let global = cli.global;
    match cli.command {
        Command::Sandbox(a) => cmd::sandbox::run(&global, a).await,
        Command::Connect(a) => cmd::connect::run(&global, a).await,
        Command::Accounts(a) => cmd::accounts::run(&global, a).await,
        Command::Publish(a) => cmd::publish::run(&global, a).await,
        Command::Schedule(a) => cmd::schedule::run(&global, a).await,
        Command::Insights(a) => cmd::insights::run(&global, a).await,
        Command::Comments(a) => cmd::comments::run(&global, a).await,
        Command::Messages(a) => cmd::messages::run(&global, a).await,
        Command::Token(a) => cmd::token::run(&global, a).await,
        Command::Doctor => cmd::doctor::run(&global).await,
        Command::Webhooks(a) => cmd::webhooks::run(&global, a).await,
        Command::Store(a) => cmd::store::run(&global, a).await,
    }
}
