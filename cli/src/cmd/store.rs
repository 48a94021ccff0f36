//! `instagraph store`: the store's maintenance (what `instagraph-store` does), through the
//! core: `StoreUrl::applied_migrations`, `Store::reseal_tokens`, `SealingKey::generate`.

use instagraph::store::{SealingKey, Store, StoreUrl};
use serde_json::json;

use crate::args::{Global, StoreAction, StoreArgs};
use crate::context::{sealer, store_url};
use crate::output::{self, Failure};

/// Runs one `store` action on `--store` (or the default SQLite file).
pub async fn run(global: &Global, args: StoreArgs) -> Result<(), Failure> {
    match args.action {
        StoreAction::GenerateKey => {
            let key = SealingKey::generate().to_base64();
            output::emit(global.json, &json!({ "key": key }), || key.clone());
        }
        StoreAction::Migrate => {
            let applied = StoreUrl::parse(&store_url(global)?)?
                .applied_migrations()
                .await?;
            let doc = json!({
                "applied": applied.iter().map(|(v, n)| json!({ "version": v, "name": n })).collect::<Vec<_>>(),
            });
            output::emit(global.json, &doc, || {
                applied
                    .iter()
                    .map(|(version, name)| format!("{version:04} {name}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        StoreAction::Reseal { batch } => {
            let sealer = sealer()?;
            let keys = sealer.key_ids().join(", ");
            let store = Store::open_url(&store_url(global)?, sealer).await?;
            let report = store.reseal_tokens(batch).await?;
            let doc = json!({
                "found": report.found, "resealed": report.resealed,
                "changed": report.changed, "unreadable": report.unreadable,
            });
            output::emit(global.json, &doc, || {
                format!(
                    "keys {keys}: {} found under older keys, {} resealed, {} changed meanwhile, {} unreadable",
                    report.found, report.resealed, report.changed, report.unreadable
                )
            });
            if report.unreadable > 0 {
                return Err(Failure::message(format!(
                    "{} tokens open with none of the keys",
                    report.unreadable
                ))
                .hint("keep the key that sealed them in INSTAGRAPH_PREVIOUS_SEALING_KEYS"));
            }
        }
    }
    Ok(())
}
