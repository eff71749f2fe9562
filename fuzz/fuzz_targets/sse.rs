//! The server-sent-events reader for both providers. The answer must not depend on where
//! the network split the bytes: the body read whole and read in pieces of any size give
//! the same result.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use pirt::llm::{LlmError, Progress, Provider, read_events};

struct Quiet;

impl Progress for Quiet {
    fn text(&self, _: &str) {}
    fn retry(&self, _: &LlmError, _: Duration) {}
    fn note(&self, _: &str) {}
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
    })
}

fn read(body: &[u8], piece: usize, provider: Provider) -> String {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(piece).map(|c| Ok(c.to_vec())).collect();
    let stream = futures_util::stream::iter(chunks);
    let answer = runtime().block_on(read_events(
        stream,
        provider,
        Duration::from_secs(5),
        "http://mock",
        &Quiet,
    ));
    match answer {
        Ok(a) => format!("ok {:?} {:?} {}", a.text, a.model, a.truncated),
        Err(LlmError::StreamCut { detail, .. }) => format!("cut {detail}"),
        Err(e) => format!("error {e}"),
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&flags, body)) = bytes.split_first() else {
        return;
    };
    let provider = if flags & 1 == 0 {
        Provider::OpenAi
    } else {
        Provider::Anthropic
    };
    let piece = usize::from(flags >> 1).max(1);
    let whole = read(body, body.len().max(1), provider);
    let split = read(body, piece, provider);
    // A cut stream reports how much arrived, which is the same either way; only the
    // detail of a transport error could differ, and there is none here.
    assert_eq!(whole, split, "pieces of {piece} bytes");
});
