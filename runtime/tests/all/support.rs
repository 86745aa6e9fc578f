//! Shared helpers: simulator start-up, client construction and a raw HTTP recorder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use trackit_runtime::{ApiClient, Credentials};
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

pub fn client_for(sim: &Simulator, credentials: Credentials) -> ApiClient {
    ApiClient::builder(&sim.base_url(), credentials).build().expect("client builds")
}

pub fn demo_client(sim: &Simulator) -> ApiClient {
    client_for(sim, demo_credentials())
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
