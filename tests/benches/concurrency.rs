//! Several hundred signed-in users at once against one SQLite file: sign-in throughput, then a
//! mixed read load (household list API, a server-rendered page, "who am I"). Prints figures; asserts nothing
//! about time. `cargo bench -p tests --bench concurrency` (USERS and ROUNDS override the defaults 300 and 20).

use std::time::{Duration, Instant};

use app::permissions::Role;
use tests::{Backend, TestApp, VILLAGE_A1};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, mut latencies: Vec<Duration>, errors: usize, wall: Duration) {
    latencies.sort();
    println!(
        "{name:<28} {:>6} requests {:>4} errors {:>8.1} req/s   p50 {:>7.1} ms  p95 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        latencies.len(),
        errors,
        latencies.len() as f64 / wall.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        percentile(&latencies, 1.0).as_secs_f64() * 1e3,
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let users = env_or("USERS", 300);
    let rounds = env_or("ROUNDS", 20);
    println!("concurrency benchmark: {users} users, {rounds} rounds of 3 requests each, one SQLite file, 2 cores");
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    for n in 1..=500 {
        app.household(VILLAGE_A1, n, "张建国").await;
    }
    let mut accounts = Vec::with_capacity(users);
    for i in 0..users {
        let name = format!("user{i:04}");
        let password = app.user(&name, Role::VillageCadre, VILLAGE_A1).await;
        accounts.push((name, password));
    }

    // Everyone signs in at once (argon2id per sign-in, a session row and an audit record each).
    let started = Instant::now();
    let mut handles = Vec::new();
    for (name, password) in accounts {
        let client = app.browser();
        handles.push(tokio::spawn(async move {
            let t = Instant::now();
            let ok = client.login(&name, &password).await.status() == 200;
            (client, t.elapsed(), ok)
        }));
    }
    let mut clients = Vec::new();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for handle in handles {
        let (client, took, ok) = handle.await.expect("task");
        latencies.push(took);
        if ok {
            clients.push(client);
        } else {
            errors += 1;
        }
    }
    report("concurrent sign-in", latencies, errors, started.elapsed());

    // Then everyone reads at once.
    let started = Instant::now();
    let mut handles = Vec::new();
    for (i, client) in clients.into_iter().enumerate() {
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(rounds * 3);
            let mut errors = 0;
            for round in 0..rounds {
                for path in [
                    format!("/api/households?page={}&per_page=50", (i + round) % 10),
                    "/households".to_string(),
                    "/api/me".to_string(),
                ] {
                    let t = Instant::now();
                    let ok = client.get(&path).await.status() == 200;
                    latencies.push(t.elapsed());
                    errors += usize::from(!ok);
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for handle in handles {
        let (l, e) = handle.await.expect("task");
        latencies.extend(l);
        errors += e;
    }
    report("concurrent reads (mixed)", latencies, errors, started.elapsed());
}
