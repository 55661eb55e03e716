//! Real protocol peers for the tests: an SMTP listener that records what it receives, an S3-compatible
//! object store (moto) for the evidence tests, and a port nobody listens on.

use std::sync::Arc;

/// One message as an SMTP server received it.
#[derive(Clone, Debug, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent after DATA (headers and body), dot-stuffing removed.
    pub data: String,
}

impl Received {
    /// The value of a header (first occurrence), e.g. `Message-ID`.
    pub fn header(&self, name: &str) -> Option<String> {
        self.data.lines().take_while(|l| !l.is_empty()).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }

    /// The body as text, decoded when it was sent in base64 (lettre's choice for most non-ASCII text).
    pub fn body_text(&self) -> String {
        use base64::Engine;
        let body = self.data.split_once("\n\n").map(|(_, body)| body).unwrap_or_default();
        if !self.header("Content-Transfer-Encoding").is_some_and(|e| e.eq_ignore_ascii_case("base64")) {
            return body.to_string();
        }
        let compact: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD.decode(compact).expect("a base64 body");
        String::from_utf8(bytes).expect("a UTF-8 body")
    }
}

/// A real SMTP server on 127.0.0.1 that keeps what it receives: greeting, EHLO, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT, as lettre speaks them.
pub struct SmtpSink {
    pub port: u16,
    pub received: Arc<std::sync::Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    /// Listen on `port` (0: any free port).
    pub async fn start(port: u16) -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("SMTP port");
        let port = listener.local_addr().expect("address").port();
        let received: Arc<std::sync::Mutex<Vec<Received>>> = Arc::default();
        let store = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (reader, mut writer) = socket.into_split();
                    let mut reader = BufReader::new(reader);
                    let (mut current, mut line) = (Received::default(), String::new());
                    if writer.write_all(b"220 sink ESMTP ready\r\n").await.is_err() {
                        return;
                    }
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let raw = line.trim_end().to_string();
                        let command = raw.to_ascii_uppercase();
                        let reply: &[u8] = if command.starts_with("EHLO") {
                            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                        } else if command.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if command.starts_with("MAIL FROM:") {
                            current = Received { from: raw[10..].to_string(), ..Default::default() };
                            b"250 2.1.0 OK\r\n"
                        } else if command.starts_with("RCPT TO:") {
                            current.to.push(raw[8..].to_string());
                            b"250 2.1.5 OK\r\n"
                        } else if command == "DATA" {
                            if writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.is_err() {
                                return;
                            }
                            loop {
                                line.clear();
                                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                let text = line.strip_prefix('.').unwrap_or(&line).replace("\r\n", "\n");
                                current.data.push_str(&text);
                            }
                            store.lock().expect("lock").push(std::mem::take(&mut current));
                            b"250 2.0.0 OK queued\r\n"
                        } else if command == "RSET" || command == "NOOP" {
                            b"250 2.0.0 OK\r\n"
                        } else if command == "QUIT" {
                            let _ = writer.write_all(b"221 2.0.0 Bye\r\n").await;
                            return;
                        } else {
                            b"502 5.5.2 Command not recognized\r\n"
                        };
                        if writer.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        SmtpSink { port, received, task }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A real S3-compatible object store on 127.0.0.1 (moto's server, installed by `.ci/setup`), with one
/// empty bucket. Stopped when dropped.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    child: std::process::Child,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let port = closed_port().await;
        let child = std::process::Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server (pip install 'moto[server]'; .ci/setup does)");
        // Owned at once, so a failed start still stops the process (Drop).
        let server =
            S3Server { endpoint: format!("http://127.0.0.1:{port}"), bucket: "evidence-test".to_string(), child };
        let http = reqwest::Client::new();
        for _ in 0..100 {
            let created = http.put(format!("{}/{}", server.endpoint, server.bucket)).send().await;
            if created.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the S3 server on {} did not start", server.endpoint);
    }

    /// The settings that point the app at this bucket under `prefix`.
    pub fn config(&self, prefix: &str) -> app::evidence::store::S3Config {
        app::evidence::store::S3Config {
            url: format!("s3://{}/{prefix}", self.bucket),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
        }
    }

    /// The keys in the bucket (a plain ListObjectsV2 call, which moto answers without signing).
    pub async fn keys(&self) -> Vec<String> {
        let xml = reqwest::get(format!("{}/{}?list-type=2", self.endpoint, self.bucket))
            .await
            .expect("list")
            .text()
            .await
            .expect("body");
        xml.split("<Key>").skip(1).filter_map(|part| part.split_once("</Key>").map(|(k, _)| k.to_string())).collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A port on 127.0.0.1 where nothing listens (an SMTP server that is down).
pub async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    listener.local_addr().expect("address").port()
}
