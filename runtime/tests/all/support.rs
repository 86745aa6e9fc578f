//! Shared helpers: simulator start-up, client construction, a raw HTTP recorder, and two
//! small loopback servers standing in for "another host" and for a forward proxy.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::http::HeaderMap;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;
use trackit_runtime::{ApiClient, ApiClientBuilder, Call, Credentials, Method};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};

pub async fn simulator(config: SimConfig) -> Simulator {
    Simulator::start(config).await.expect("simulator starts")
}

pub async fn default_simulator() -> Simulator {
    simulator(SimConfig::default()).await
}

pub fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_USER, DEMO_PASSWORD)
}

/// A builder for the simulator that ignores proxy variables of the environment.
pub fn builder_for(sim: &Simulator, credentials: Credentials) -> ApiClientBuilder {
    ApiClient::builder(&sim.base_url(), credentials).no_proxy()
}

pub fn demo_builder(sim: &Simulator) -> ApiClientBuilder {
    builder_for(sim, demo_credentials())
}

pub fn client_for(sim: &Simulator, credentials: Credentials) -> ApiClient {
    builder_for(sim, credentials).build().expect("client builds")
}

pub fn demo_client(sim: &Simulator) -> ApiClient {
    client_for(sim, demo_credentials())
}

pub fn ticket_get() -> Call {
    Call::new("Ticket_Get", Method::GET, "/tickets/{id}").path_param("id", 1042)
}

/// Fetches ticket 1042 and checks it is the one asked for.
pub async fn get_ticket(client: &ApiClient) -> Result<(), trackit_runtime::Error> {
    let ticket: serde_json::Value = client.execute(ticket_get()).await?;
    assert_eq!(ticket["Ticket"]["1"]["Value"], 1042);
    Ok(())
}

/// One request as it arrived on the socket.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub target: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// The reply a [`Recorder`] sends: status and JSON body.
pub type Reply = (u16, String);

/// A tiny HTTP/1.1 server on 127.0.0.1 that records every request and answers from a function.
///
/// It exists to check bytes on the wire that the simulator does not expose.
pub struct Recorder {
    pub base_url: String,
    pub requests: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl Recorder {
    pub fn start(answer: fn(&RecordedRequest) -> Reply) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind recorder");
        let port = listener.local_addr().expect("local addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let recorded = recorded.clone();
                std::thread::spawn(move || serve_connection(stream, answer, &recorded));
            }
        });
        Recorder { base_url: format!("http://127.0.0.1:{port}/TrackIt/WebApi"), requests }
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().expect("not poisoned").clone()
    }
}

fn serve_connection(
    stream: std::net::TcpStream,
    answer: fn(&RecordedRequest) -> Reply,
    recorded: &Mutex<Vec<RecordedRequest>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut writer = stream.try_clone().expect("clone stream");
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let length = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request = RecordedRequest { method, target, headers, body: String::from_utf8_lossy(&body).into_owned() };
        let (status, reply) = answer(&request);
        recorded.lock().expect("not poisoned").push(request);
        let response = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{reply}",
            reply.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// A loopback server that answers 200 to anything and records each request's headers.
pub struct ForeignHost {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<HeaderMap>>>,
}

impl ForeignHost {
    pub async fn start() -> ForeignHost {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorder = seen.clone();
        let app = Router::new().fallback(move |headers: HeaderMap| {
            let recorder = recorder.clone();
            async move {
                recorder.lock().unwrap_or_else(PoisonError::into_inner).push(headers);
                "{}"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        ForeignHost { addr, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<HeaderMap> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// A forward proxy for plain http: it forwards each connection to `target` byte for byte
/// and records the first line of each, where a proxied request names the absolute URL.
pub struct ForwardProxy {
    pub addr: SocketAddr,
    first_lines: Arc<Mutex<Vec<String>>>,
}

impl ForwardProxy {
    pub async fn start(target: SocketAddr) -> ForwardProxy {
        let first_lines = Arc::new(Mutex::new(Vec::new()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let recorder = first_lines.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(client, target, recorder.clone()));
            }
        });
        ForwardProxy { addr, first_lines }
    }

    pub fn first_lines(&self) -> Vec<String> {
        self.first_lines.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

async fn forward(mut client: TcpStream, target: SocketAddr, recorder: Arc<Mutex<Vec<String>>>) {
    let mut head = vec![0; 4096];
    let Ok(read) = client.peek(&mut head).await else { return };
    let text = String::from_utf8_lossy(&head[..read]);
    let first_line = text.lines().next().unwrap_or_default().to_owned();
    recorder.lock().unwrap_or_else(PoisonError::into_inner).push(first_line);
    let Ok(mut server) = TcpStream::connect(target).await else {
        let _ = client.shutdown().await;
        return;
    };
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}
