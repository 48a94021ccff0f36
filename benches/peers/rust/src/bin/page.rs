//! `peers-page DIR BASE_URL`: writes what nginx serves into DIR: `media.json` (the 25-media
//! page) and `stream/0` … `stream/999` (100 media each, `next` at
//! `{BASE_URL}/graph.facebook.com/{version}/stream/{n}`, BASE_URL being nginx's, e.g.
//! `http://127.0.0.1:18080`).

use std::path::Path;
use std::process::ExitCode;

use instagraph::config::DEFAULT_API_VERSION;
use instagraph_peers::pages::{media_page, stream_page};
use instagraph_peers::STREAM_PAGES;

fn write(dir: &Path, graph_base: &str) -> Result<(), String> {
    let stream = dir.join("stream");
    std::fs::create_dir_all(&stream).map_err(|e| format!("{}: {e}", stream.display()))?;
    let page = media_page();
    let path = dir.join("media.json");
    std::fs::write(&path, &page).map_err(|e| format!("{}: {e}", path.display()))?;
    for n in 0..STREAM_PAGES {
        let path = stream.join(n.to_string());
        std::fs::write(&path, stream_page(n, graph_base))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    eprintln!(
        "media page: {} bytes; {STREAM_PAGES} stream pages under {graph_base}/stream/",
        page.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let [dir, base_url] = argv.as_slice() else {
        eprintln!("usage: peers-page DIR BASE_URL");
        return ExitCode::FAILURE;
    };
    let graph_base = format!(
        "{}/graph.facebook.com/{DEFAULT_API_VERSION}",
        base_url.trim_end_matches('/')
    );
    match write(Path::new(dir), &graph_base) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
