//! Connections that never finish: a client that stops halfway through its request header, a request whose
//! body never arrives, and a shutdown while such a request is open.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use tests::{Backend, TestApp};

/// A sign-in whose body stops after its first bytes: the server waits for the rest.
const HANGING_SIGN_IN: &str = "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"username\":";

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://")).await.expect("connect")
}

/// Everything the server sends until it closes the connection (or the read fails), and when that happened.
async fn read_until_closed(stream: &mut TcpStream, started: Instant) -> (String, Duration) {
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the server kept the connection open for 30 s");
    (String::from_utf8_lossy(&received).into_owned(), started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_half_a_header_is_disconnected() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.header_read_timeout = Duration::from_secs(1)).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.expect("send half a header");
    let (_, after) = read_until_closed(&mut stream, started).await;
    assert!(after >= Duration::from_millis(900), "disconnected after {after:?}, before the timeout");
    assert!(after < Duration::from_secs(5), "disconnected only after {after:?}");
    // The server itself carries on.
    assert_eq!(reqwest::get(format!("{}/healthz", app.base)).await.expect("health").status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_never_comes_gets_408() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.request_timeout = Duration::from_secs(1)).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream.write_all(HANGING_SIGN_IN.as_bytes()).await.expect("send");
    let (answer, after) = read_until_closed(&mut stream, started).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(after >= Duration::from_millis(900) && after < Duration::from_secs(5), "answered after {after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_a_hanging_request_at_the_deadline() {
    let mut app = TestApp::spawn_with(Backend::Sqlite, |s| s.shutdown_timeout = Duration::from_secs(1)).await;
    let mut stream = connect(&app).await;
    stream.write_all(HANGING_SIGN_IN.as_bytes()).await.expect("send");
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(300), stream.read(&mut byte)).await;
    assert!(early.is_err(), "the request is still waiting for its body");
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), app.shut_down()).await.expect("shutdown ends");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900), "shutdown took {took:?}: it did not wait for the request in flight");
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
    let (answer, _) = read_until_closed(&mut stream, started).await;
    assert!(answer.is_empty(), "the connection is closed without an answer: {answer}");
    assert!(TcpStream::connect(app.base.trim_start_matches("http://")).await.is_err(), "no longer listening");
}
