//! `fazhi serve`: the search page and the HTTP API over one open
//! index, read-only, on tokio and axum. The one [`Engine`] is shared by
//! every request and picks up each new commit of a `fazhi index` running
//! beside it; searches run on tokio's blocking threads.

mod assets;
pub mod params;
mod routes;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::routing::{get, post};
use axum::Router;

use super::commands::{index_dir, FOUND};
use crate::cli::ServeArgs;
use fazhi::search::Engine;

/// The address served when `--bind` is not given: this machine only.
pub const DEFAULT_BIND: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
pub const DEFAULT_PORT: u16 = 7800;

pub fn run(args: ServeArgs) -> Result<u8> {
    let dir = index_dir(&args.location)?;
    let engine = Arc::new(Engine::open(&dir)?);
    // A server lives long enough to pay for jieba's full dictionary once
    // (~170 ms, ~30 MB, in the background): queries then stop building a
    // small one each (2% of a loaded server's time), as batch does after
    // 10,000 lines. Segmentation is the same either way (tests/query_dict.rs).
    std::thread::spawn(fazhi::analyze::dictionary::shared);
    let _ = routes::TIME_LIMIT.set(std::time::Duration::from_secs(args.timeout));
    let bind = args.bind.unwrap_or(DEFAULT_BIND);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("无法启动异步运行时")?;
    runtime.block_on(async move {
        let address = SocketAddr::new(bind, args.port);
        let listener = tokio::net::TcpListener::bind(address).await.with_context(|| format!("无法监听 {address}"))?;
        let address = listener.local_addr()?;
        let url = format!("http://{}/", url_host(address));
        eprintln!("fazhi: 正在提供 {url}（索引 {}；只读；按 Ctrl-C 停止）", dir.display());
        if !bind.is_loopback() {
            eprintln!("fazhi: 注意：API 没有登录验证，凡能连到 {address} 的人都能检索和导出这个索引的全部报告");
        }
        if args.open {
            if let Err(e) = open::that_detached(&url) {
                eprintln!("fazhi: 无法打开浏览器（{e}）；请手动打开 {url}");
            }
        }
        let mut app = router(engine);
        if bind.is_loopback() {
            let hosts = Arc::new(local_hosts(address.port()));
            app = app.layer(axum::middleware::from_fn_with_state(hosts, only_local_hosts));
        }
        axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.context("服务出错")?;
        eprintln!("fazhi: 已停止");
        Ok(FOUND)
    })
}

/// Every route.
pub fn router(engine: Arc<Engine>) -> Router {
    Router::new()
        .route("/", get(assets::page))
        .route("/app.js", get(assets::script))
        .route("/style.css", get(assets::style))
        .route("/api/search", get(routes::search))
        .route("/api/batch", post(routes::batch))
        .route("/api/reports/{id}", get(routes::report))
        .route("/api/facets", get(routes::facets))
        .route("/api/stats", get(routes::stats))
        .route("/api/export", get(routes::export))
        .route("/healthz", get(routes::healthz))
        .fallback(routes::not_found)
        .with_state(engine)
}

/// The `Host` a browser sends for this machine on `port`.
fn local_hosts(port: u16) -> Vec<String> {
    let names = ["127.0.0.1", "localhost", "[::1]"];
    let mut hosts: Vec<String> = names.iter().map(|n| format!("{n}:{port}")).collect();
    if port == 80 {
        hosts.extend(names.iter().map(|n| n.to_string()));
    }
    hosts
}

/// Served on loopback, only requests that name this machine in `Host`: a
/// page elsewhere whose name is made to resolve to 127.0.0.1 (DNS
/// rebinding) cannot read answers through the user's browser. A request
/// without `Host` is no browser's.
async fn only_local_hosts(
    axum::extract::State(allowed): axum::extract::State<Arc<Vec<String>>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let host = request.headers().get(axum::http::header::HOST).map(|h| h.to_str().unwrap_or("?"));
    match host {
        Some(host) if !allowed.iter().any(|a| a.eq_ignore_ascii_case(host)) => {
            let error = format!("Host“{host}”不是本机地址：只在本机提供时，只答 {}", allowed.join("、"));
            routes::Failure::new(axum::http::StatusCode::FORBIDDEN, error).into_response()
        }
        _ => next.run(request).await,
    }
}

/// The host part of a URL: an IPv6 address in brackets, 0.0.0.0 as is.
fn url_host(address: SocketAddr) -> String {
    match address {
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}

/// Ctrl-C, or (on Unix) SIGTERM: requests under way finish, new ones are refused.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
