//! A PBX played by the test itself, for answers the simulator would never give (redirects,
//! echoes, huge bodies, a day's `Retry-After`): a std `TcpListener` on loopback that answers
//! each request with whatever the test's handler writes, and records every request it got.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub(crate) struct FakePbx {
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<Request>>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) path: String,
    pub(crate) body: String,
}

impl FakePbx {
    pub(crate) fn start(
        handler: impl Fn(&Request, &mut TcpStream) + Send + Sync + 'static,
    ) -> FakePbx {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (handler, log) = (Arc::new(handler), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let (handler, log) = (handler.clone(), log.clone());
                std::thread::spawn(move || {
                    if let Some(request) = read_request(&mut stream) {
                        log.lock().unwrap().push(request.clone());
                        handler(&request, &mut stream);
                    }
                });
            }
        });
        FakePbx { url, seen }
    }

    /// A Yeastar v2 PBX whose login, logout and heartbeat work; every other request goes to
    /// `handler`.
    pub(crate) fn yeastar(
        handler: impl Fn(&Request, &mut TcpStream) + Send + Sync + 'static,
    ) -> FakePbx {
        FakePbx::start(move |request, stream| {
            if !yeastar_session(request, stream) {
                handler(request, stream);
            }
        })
    }

    /// A Yeastar v2 PBX that answers every request past the login with `200 OK` and `body`.
    pub(crate) fn yeastar_answering(body: &'static str) -> FakePbx {
        FakePbx::yeastar(move |_, stream| answer(stream, "200 OK", &[], body))
    }

    /// A PBX that answers nothing but counts who came: the target of a redirect.
    pub(crate) fn trap() -> FakePbx {
        FakePbx::start(|_, stream| answer(stream, "500 Internal Server Error", &[], ""))
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests whose path contains `endpoint`.
    pub(crate) fn count(&self, endpoint: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.path.contains(endpoint))
            .count()
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let len = head
        .lines()
        .find_map(|l| {
            let l = l.to_ascii_lowercase();
            l.strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    Some(Request {
        path,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Writes one whole HTTP answer, then the connection closes (as the PBX does).
pub(crate) fn answer(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &str) {
    let mut text = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    let _ = stream.write_all(text.as_bytes());
}

/// Answers a Yeastar v2 login, logout or heartbeat; false for anything else.
pub(crate) fn yeastar_session(request: &Request, stream: &mut TcpStream) -> bool {
    if request.path.ends_with("/login") {
        answer(
            stream,
            "200 OK",
            &[],
            r#"{"status":"Success","token":"fake-token-4f1c9d"}"#,
        );
    } else if request.path.contains("/logout") || request.path.contains("/heartbeat") {
        answer(stream, "200 OK", &[], r#"{"status":"Success"}"#);
    } else {
        return false;
    }
    true
}
