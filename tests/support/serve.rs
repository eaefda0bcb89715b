//! Test support for `handbook serve`: the real binary on a free port, and a
//! tiny HTTP/1.1 and server-sent-events client over `std::net::TcpStream`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{bin, SiteTest};

/// A running `handbook serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub url: String,
    output: Arc<Mutex<String>>,
}

impl SiteTest {
    /// `handbook serve --port 0` on this site; waits until it listens.
    pub fn serve(&self) -> Server {
        self.serve_with(&[])
    }

    pub fn serve_with(&self, extra: &[&str]) -> Server {
        let mut child = Command::new(bin())
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(self.root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start handbook serve");
        let output = Arc::new(Mutex::new(String::new()));
        for stream in
            [Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>, Box::new(child.stderr.take().expect("stderr"))]
        {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    let mut o = output.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            });
        }
        let mut server = Server { child, addr: "127.0.0.1:0".parse().unwrap(), url: String::new(), output };
        let line = server.wait_output("Palvelin käynnissä: ", Duration::from_secs(60));
        let url = line.trim_start_matches("Palvelin käynnissä: ").trim().to_string();
        let host_port = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
        server.addr = host_port.parse().unwrap_or_else(|_| panic!("bad URL line {line:?}"));
        server.url = url;
        server
    }
}

impl Server {
    /// Everything the server printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits for a line containing `needle` and returns it.
    pub fn wait_output(&mut self, needle: &str, timeout: Duration) -> String {
        let end = Instant::now() + timeout;
        loop {
            if let Some(l) = self.output().lines().find(|l| l.contains(needle)) {
                return l.to_string();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("handbook serve exited ({status}) before {needle:?}:\n{}", self.output());
            }
            assert!(Instant::now() < end, "no {needle:?} in time:\n{}", self.output());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s
    }

    /// Sends `raw` as it is and reads one response.
    pub fn raw(&self, raw: &[u8]) -> Response {
        let mut s = self.connect();
        s.write_all(raw).unwrap();
        read_response(&mut BufReader::new(s), raw.starts_with(b"HEAD")).expect("response")
    }

    /// `METHOD target` with `Connection: close`.
    pub fn request(&self, method: &str, target: &str) -> Response {
        self.raw(format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).as_bytes())
    }

    pub fn get(&self, target: &str) -> Response {
        self.request("GET", target)
    }

    /// A connection to the event stream, past its response head.
    pub fn events(&self) -> Events {
        let mut s = self.connect();
        write!(s, "GET /__handbook/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n", self.addr).unwrap();
        let mut reader = BufReader::new(s);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            head.push_str(&line);
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("Content-Type: text/event-stream"), "{head}");
        Events { reader }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response framed by Content-Length (the server always sends one).
pub fn read_response(r: &mut impl BufRead, head_only: bool) -> std::io::Result<Response> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status =
        line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| std::io::Error::other(format!("status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        r.read_line(&mut l)?;
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut resp = Response { status, headers, body: Vec::new() };
    let len: usize = resp.header("Content-Length").and_then(|v| v.parse().ok()).unwrap_or(0);
    if !head_only {
        resp.body = vec![0; len];
        r.read_exact(&mut resp.body)?;
    }
    Ok(resp)
}

/// A server-sent-events stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The next event as (name, data), or `None` if none came within `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Option<(String, String)> {
        let end = Instant::now() + timeout;
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let left = end.checked_duration_since(Instant::now())?;
            self.reader.get_ref().set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => return None,
            }
            let line = line.trim_end_matches('\n');
            if line.is_empty() {
                if !name.is_empty() || !data.is_empty() {
                    return Some((name, data));
                }
            } else if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data = v.to_string();
            }
        }
    }

    /// Waits for an event called `name`, skipping others; panics after `timeout`.
    pub fn expect(&mut self, name: &str, timeout: Duration) -> String {
        let end = Instant::now() + timeout;
        loop {
            let left = end.checked_duration_since(Instant::now()).unwrap_or_else(|| panic!("no {name:?} event within {timeout:?}"));
            match self.next(left) {
                Some((n, d)) if n == name => return d,
                Some(_) => continue,
                None => panic!("no {name:?} event within {timeout:?}"),
            }
        }
    }
}

/// `html` without the script tag `serve` adds (and only that).
pub fn strip_reload_tag(html: &[u8]) -> Vec<u8> {
    let start_tag = b"<script src=\"/__handbook/reload.js\" data-build=\"";
    let Some(at) = html.windows(start_tag.len()).position(|w| w == start_tag) else { return html.to_vec() };
    let end_tag = b"</script>";
    let end = at + html[at..].windows(end_tag.len()).position(|w| w == end_tag).expect("closed script tag") + end_tag.len();
    [&html[..at], &html[end..]].concat()
}
