//! The HTTP API: each route answers with what the command of the same name
//! prints with `--format json` (or writes, for batch and export), built by
//! the same functions; a bad request is 400 `{"error": "…"}` in the
//! command's words.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Result};
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::{mpsc, oneshot};

use super::params::{self, Params, FILTERS};
use crate::cli::ExportFormat;
use crate::commands::{export, info, search};
use fazhi::batch::Defaults;
use fazhi::render;
use fazhi::search::counts::Dim;
use fazhi::search::{Engine, Stop};

/// Longest a single answer may take (`--timeout`, set once at start); past
/// it the client gets 503 and the search is stopped. (Batch and export
/// stream for as long as they write.)
pub static TIME_LIMIT: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();

fn time_limit() -> Duration {
    *TIME_LIMIT.get_or_init(|| Duration::from_secs(30))
}

/// Largest `/api/batch` body, and most lines in it.
pub const MAX_BODY: usize = 4 * 1024 * 1024;
pub const MAX_BATCH_LINES: usize = 10_000;

/// What `fazhi search` and `fazhi batch` take when a line doesn't say.
const DEFAULTS: Defaults = Defaults { limit: 10, facets: false };

pub type Shared = Arc<Engine>;

const JSON: &str = "application/json; charset=utf-8";
const JSONL: &str = "application/jsonl; charset=utf-8";
const CSV: &str = "text/csv; charset=utf-8";

/// An answer that is not the one asked for.
pub struct Failure(StatusCode, String);

impl Failure {
    pub fn new(status: StatusCode, message: String) -> Failure {
        Failure(status, message)
    }

    pub fn bad(e: impl std::fmt::Display) -> Failure {
        Failure(StatusCode::BAD_REQUEST, format!("{e:#}"))
    }
}

/// An error of the request's parameters, or an engine's error carried
/// through a command's code (sorted as [`Failure::from`] a typed one).
impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        match e.downcast::<fazhi::error::Error>() {
            Ok(typed) => typed.into(),
            Err(e) => Failure::bad(format!("{e:#}")),
        }
    }
}

/// The engine's errors by whose fault they are: the request's is 400, an
/// index that cannot be read is 503 (the server itself is fine).
impl From<fazhi::error::Error> for Failure {
    fn from(e: fazhi::error::Error) -> Failure {
        use fazhi::error::Error;
        match e {
            Error::Request(message) => Failure(StatusCode::BAD_REQUEST, message),
            Error::Index(e) => Failure(StatusCode::SERVICE_UNAVAILABLE, format!("{e:#}")),
            Error::Caller(e) => Failure(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")),
            Error::Stopped(_) => too_long(time_limit()),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.1 }).to_string() + "\n";
        (self.0, [(header::CONTENT_TYPE, JSON)], body).into_response()
    }
}

fn answer(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Searches under way at once: two per core. One per core left a core idle
/// between one search and the next (a handoff through the async threads
/// each time): 17% of two cores at 32 clients, measured by the load bench.
static SEARCHES: std::sync::LazyLock<std::sync::Arc<tokio::sync::Semaphore>> = std::sync::LazyLock::new(|| {
    std::sync::Arc::new(tokio::sync::Semaphore::new(2 * fazhi::parallel::cores(usize::MAX)))
});

/// Runs `work` (CPU-bound: a search) off the async threads, giving up on it
/// after the time limit. `stop` is the search's own ([`SearchRequest::stop`]):
/// it is stopped then, or when the client goes away (this future dropped),
/// so the search ends too instead of running on for nobody.
///
/// [`SearchRequest::stop`]: fazhi::search::SearchRequest
async fn blocking<T: Send + 'static>(
    stop: Stop,
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    let _stop_when_dropped = StopWhenDropped(stop.clone());
    let limit = time_limit();
    let run = async {
        // A few searches at once; the rest wait their turn in order,
        // instead of all slowing each other down. The turn passes on as the
        // search ends, from its own thread.
        let turn = SEARCHES.clone().acquire_owned().await;
        let stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let answer = work();
            drop(turn);
            if stop.is_stopped() {
                eprintln!(
                    "fazhi: 已中途停止一个超时或被放弃的检索（运行了 {:.1} 秒）",
                    started.elapsed().as_secs_f64()
                );
            }
            answer
        })
        .await
    };
    match tokio::time::timeout(limit, run).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(internal(e)),
        Err(_) => {
            stop.stop();
            Err(too_long(limit))
        }
    }
}

fn too_long(limit: Duration) -> Failure {
    Failure(StatusCode::SERVICE_UNAVAILABLE, format!("请求超过 {} 秒没有答完，已停止；请缩小检索范围", limit.as_secs()))
}

struct StopWhenDropped(Stop);

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// A panic in a handler: a bug, said as the command line says it.
fn internal(e: tokio::task::JoinError) -> Failure {
    let message = crate::LAST_PANIC.lock().ok().and_then(|mut m| m.take()).unwrap_or_else(|| e.to_string());
    Failure(StatusCode::INTERNAL_SERVER_ERROR, format!("内部错误（请报告此问题）：{message}"))
}

/// `GET /api/search`: `fazhi search --format json`.
pub async fn search(State(engine): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    let mut request = Params::parse(raw.as_deref(), &params::search())?.request(DEFAULTS)?;
    request.stop = Stop::new();
    let body = blocking(request.stop.clone(), move || Ok(render::json::response(&engine.search(&request)?))).await?;
    Ok(answer(JSON, body))
}

/// `GET /api/facets`: `fazhi facets --format json`.
pub async fn facets(State(engine): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    let allowed: Vec<&str> = FILTERS.iter().copied().chain(["by", "measure"]).collect();
    let mut params = Params::parse(raw.as_deref(), &allowed)?;
    let by = match params.take_text("by") {
        None => Dim::Region,
        Some(name) => Dim::parse(&name)
            .ok_or_else(|| anyhow!("参数 by 应是 {}，而不是 {name}", Dim::ALL.map(Dim::name).join("、")))?,
    };
    let mut request = search::facets_request(params.request(DEFAULTS)?);
    request.stop = Stop::new();
    let body = blocking(request.stop.clone(), move || Ok(search::facets_json(&engine.search(&request)?, by))).await?;
    Ok(answer(JSON, body))
}

/// `GET /api/reports/{id}`: `fazhi show ID --format json`; `?highlight=…`
/// marks a query's terms. 404 when no report has the id.
pub async fn report(
    State(engine): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let mut params = Params::parse(raw.as_deref(), &["highlight"])?;
    let keys = params.take_text("highlight").as_deref().map(fazhi::search::highlight::keys).transpose()?;
    let body = blocking(Stop::default(), move || match info::find(&engine, &id, keys.as_deref())? {
        Some(report) => Ok(serde_json::to_string(&report).map_err(anyhow::Error::from)? + "\n"),
        None => Err(Failure(StatusCode::NOT_FOUND, info::not_found(&id))),
    })
    .await?;
    Ok(answer(JSON, body))
}

/// `GET /api/stats`: `fazhi stats --format json`.
pub async fn stats(State(engine): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    Params::parse(raw.as_deref(), &[])?;
    let body = blocking(Stop::default(), move || {
        Ok(serde_json::to_string(&engine.stats()?).map_err(anyhow::Error::from)? + "\n")
    })
    .await?;
    Ok(answer(JSON, body))
}

/// `GET /healthz`: 200 when the index can be read, 503 when not.
pub async fn healthz(State(engine): State<Shared>) -> Response {
    match blocking(Stop::default(), move || Ok(engine.searcher().map(|_| ())?)).await {
        Ok(()) => answer(JSON, serde_json::json!({ "status": "ok" }).to_string() + "\n"),
        Err(Failure(_, e)) => Failure(StatusCode::SERVICE_UNAVAILABLE, e).into_response(),
    }
}

/// Unknown paths.
pub async fn not_found(uri: axum::http::Uri) -> Failure {
    Failure(StatusCode::NOT_FOUND, format!("没有这个地址：{}", uri.path()))
}

/// `GET /api/export`: what `fazhi export` writes, streamed.
pub async fn export(State(engine): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, Failure> {
    let allowed: Vec<&str> = FILTERS.iter().copied().chain(["format", "text", "bom"]).collect();
    let mut params = Params::parse(raw.as_deref(), &allowed)?;
    let format = match params.take_text("format").as_deref() {
        None | Some("csv") => ExportFormat::Csv,
        Some("jsonl") => ExportFormat::Jsonl,
        Some(other) => return Err(Failure::bad(format!("参数 format 应是 csv 或 jsonl，而不是 {other}"))),
    };
    let shape = export::Shape { format, text: params.take_switch("text"), bom: params.take_switch("bom") };
    let request = params.request(DEFAULTS)?;
    let content_type = if format == ExportFormat::Csv { CSV } else { JSONL };
    streamed(content_type, move |out| export::write_all(&engine, &request, &shape, out, &|| {}).map(|_| ())).await
}

/// `POST /api/batch`: the lines `fazhi batch` reads, answered with the
/// lines it writes, streamed. `?limit=` and `?facets=1` are its `-n` and
/// `--facets`.
pub async fn batch(State(engine): State<Shared>, RawQuery(raw): RawQuery, body: Body) -> Result<Response, Failure> {
    let params = Params::parse(raw.as_deref(), &["limit", "facets"])?;
    params::check_limit(&params.0)?;
    let defaults = Defaults {
        limit: params.0.get("limit").and_then(|v| v.as_u64()).map_or(DEFAULTS.limit, |n| n as usize),
        facets: params.0.get("facets").and_then(|v| v.as_bool()).unwrap_or(DEFAULTS.facets),
    };
    let body = read_body(body).await?;
    check_batch(&body)?;
    streamed(JSONL, move |out| {
        fazhi::batch::run(&engine, &body[..], defaults, &|| {}, |line| writeln!(out, "{line}").map_err(Into::into))
            .map(|_| ())
    })
    .await
}

/// The body, up to [`MAX_BODY`] bytes. A longer one is read on (up to four
/// times that, then dropped) so that the client, still sending, gets the
/// 413 instead of a broken connection.
async fn read_body(body: Body) -> Result<Vec<u8>, Failure> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let (mut bytes, mut seen) = (Vec::new(), 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Failure::bad(format!("无法读取请求体（{e}）")))?;
        seen += chunk.len();
        if seen <= MAX_BODY {
            bytes.extend_from_slice(&chunk);
        } else if seen > 4 * MAX_BODY {
            break;
        }
    }
    if seen > MAX_BODY {
        return Err(Failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("请求体过大：上限为 {} MB", MAX_BODY / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// Refuses a batch of more than [`MAX_BATCH_LINES`] queries, or a line
/// asking for more than [`params::MAX_LIMIT`] hits.
fn check_batch(body: &[u8]) -> Result<(), Failure> {
    let mut queries = 0;
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        let Ok(text) = std::str::from_utf8(line) else { continue };
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        queries += 1;
        if queries > MAX_BATCH_LINES {
            return Err(Failure::bad(format!("一次最多 {MAX_BATCH_LINES} 个查询")));
        }
        if let Ok(serde_json::Value::Object(object)) = serde_json::from_str(text) {
            params::check_limit(&object).map_err(|e| Failure::bad(format!("第 {} 行：{e}", i + 1)))?;
        }
    }
    Ok(())
}

/// A response written by `write` on a blocking thread and sent as it is
/// written. An error before the first byte is answered as any route's is
/// ([`Failure::from`]: the request's fault 400, the index's 503); after
/// it, the response is cut short (the client sees it unfinished).
async fn streamed(
    content_type: &'static str,
    write: impl FnOnce(&mut ChannelWriter) -> Result<()> + Send + 'static,
) -> Result<Response, Failure> {
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(8);
    let (head_tx, head_rx) = oneshot::channel::<Result<(), Failure>>();
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter { tx, head: Some(head_tx), buf: Vec::new() };
        let result = write(&mut out).and_then(|()| out.flush().map_err(Into::into));
        if let Err(e) = result {
            match out.head.take() {
                Some(head) => {
                    let _ = head.send(Err(Failure::from(e)));
                }
                None => {
                    let _ = out.tx.blocking_send(Err(std::io::Error::other(format!("{e:#}"))));
                }
            }
        }
    });
    match head_rx.await {
        Ok(Err(failure)) => Err(failure),
        // Ok(Ok): bytes are coming; Err: the writer ended having written
        // nothing and failed nothing (an empty answer).
        _ => {
            let stream = futures_util::stream::unfold(rx, |mut rx| async { rx.recv().await.map(|chunk| (chunk, rx)) });
            Ok(([(header::CONTENT_TYPE, content_type)], Body::from_stream(stream)).into_response())
        }
    }
}

/// Bytes written on a blocking thread, sent to the response in chunks.
struct ChannelWriter {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    /// Told once, when the first chunk goes.
    head: Option<oneshot::Sender<Result<(), Failure>>>,
    buf: Vec<u8>,
}

const CHUNK: usize = 64 * 1024;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if let Some(head) = self.head.take() {
            let _ = head.send(Ok(()));
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        // The client went away: stop writing, as a closed pipe stops the command.
        self.tx.blocking_send(Ok(chunk)).map_err(|_| std::io::ErrorKind::BrokenPipe.into())
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.send()
    }
}
