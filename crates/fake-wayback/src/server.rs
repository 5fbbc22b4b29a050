//! The HTTP side: a small HTTP/1.1 server on 127.0.0.1 (hand-written, so that faults such as
//! resets, truncated and trickling bodies are exact), routing, faults and the request log.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::cdx;
use crate::fixtures::{FixtureCapture, FixtureSet, surt};

/// Which rate-limit pool of the real archive a request belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// `/cdx/*` and `/web/timemap/*`.
    Cdx,
    /// `/web/<timestamp>.../...`.
    Playback,
    /// Anything else.
    Other,
}

/// `Retry-After` forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Delta-seconds.
    Seconds(u64),
    /// An HTTP date this far in the future.
    HttpDate(Duration),
}

/// A fault to inject instead of (or into) the normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429, with or without `Retry-After` (the real archive sends none), and an HTML body.
    TooManyRequests {
        /// The `Retry-After` header, if any.
        retry_after: Option<RetryAfter>,
    },
    /// 503 Service Unavailable.
    ServiceUnavailable,
    /// Waits before sending anything.
    SlowHeaders(Duration),
    /// Sends the body `chunk` bytes at a time, `delay` apart.
    SlowBody {
        /// Bytes per write.
        chunk: usize,
        /// Pause between writes.
        delay: Duration,
    },
    /// Closes the connection with a TCP reset, no response.
    ResetConnection,
    /// Announces the full `Content-Length`, sends half the body, closes.
    TruncatedBody,
    /// Redirects between two archive URLs forever (no `Memento-Datetime`).
    RedirectLoop,
    /// Redirects to this URL outside the archive.
    RedirectOffArchive(String),
    /// Replaces the charset of `Content-Type` with this one.
    WrongCharset(String),
    /// A memento with a body of this many bytes.
    HugeBody(u64),
    /// An HTML error page with status 200 where CDX data was expected.
    HtmlInsteadOfCdx,
    /// Gzips the body once but sends `Content-Encoding: gzip` twice (the archive's bug).
    DoubleGzip,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultTarget {
    /// Every request.
    Any,
    /// Requests of one pool.
    Pool(Pool),
    /// Requests whose path and query contain this text.
    PathContains(String),
}

/// A fault and when to apply it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Requests it applies to.
    pub target: FaultTarget,
    /// The fault.
    pub fault: Fault,
    /// Apply to this many matching requests, then stop (`None`: forever).
    pub times: Option<u32>,
    /// Apply to one matching request in `every` (1: all of them), deterministically.
    pub every: u32,
}

impl FaultRule {
    /// A rule applying `fault` to every request matching `target`.
    pub fn new(target: FaultTarget, fault: Fault) -> FaultRule {
        FaultRule {
            target,
            fault,
            times: None,
            every: 1,
        }
    }
    /// Limits the rule to `n` applications.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.times = Some(n);
        self
    }
    /// Applies the rule to one matching request in `n`.
    pub fn every(mut self, n: u32) -> FaultRule {
        self.every = n.max(1);
        self
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// When it arrived (monotonic).
    pub at: Instant,
    /// When it arrived (wall clock).
    pub wall: SystemTime,
    /// HTTP method.
    pub method: String,
    /// Path and query as sent.
    pub path_and_query: String,
    /// The pool it belongs to.
    pub pool: Pool,
    /// The status answered (0 when the connection was reset).
    pub status: u16,
    /// The fault applied, if any.
    pub fault: Option<String>,
    /// The request's `Accept-Encoding`.
    pub accept_encoding: Option<String>,
    /// The request's `User-Agent`.
    pub user_agent: Option<String>,
}

struct RuleState {
    rule: FaultRule,
    seen: u32,
    applied: u32,
}

pub(crate) struct Shared {
    fixtures: RwLock<FixtureSet>,
    faults: Mutex<Vec<RuleState>>,
    log: Mutex<Vec<RequestRecord>>,
    base: String,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running fake archive. Dropping it stops it too.
pub struct FakeWayback {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl FakeWayback {
    /// Starts serving `fixtures` on a free port of 127.0.0.1.
    pub async fn start(fixtures: FixtureSet) -> std::io::Result<FakeWayback> {
        FakeWayback::start_on(fixtures, 0).await
    }

    /// Starts serving `fixtures` on `port` of 127.0.0.1 (0: any free port).
    pub async fn start_on(fixtures: FixtureSet, port: u16) -> std::io::Result<FakeWayback> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            fixtures: RwLock::new(fixtures),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            base: format!("http://{addr}"),
        });
        let (stop, mut stopped) = oneshot::channel();
        let accept_shared = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            tokio::spawn(serve_connection(Arc::clone(&accept_shared), stream));
                        }
                    }
                }
            }
            // The listener is dropped here: later connections are refused.
        });
        Ok(FakeWayback {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base.clone()
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds a fault rule; rules are tried in order, the first that applies wins.
    pub fn add_fault(&self, rule: FaultRule) {
        lock(&self.shared.faults).push(RuleState {
            rule,
            seen: 0,
            applied: 0,
        });
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Adds a capture while serving.
    pub fn add_capture(&self, capture: FixtureCapture) {
        match self.shared.fixtures.write() {
            Ok(mut set) => set.add(capture),
            Err(poisoned) => poisoned.into_inner().add(capture),
        }
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Stops accepting connections and closes the listener: later connections are refused.
    pub async fn shutdown(mut self) {
        self.stop_now();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for FakeWayback {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// A parsed request.
struct Request {
    method: String,
    target: String,
    accept_encoding: Option<String>,
    user_agent: Option<String>,
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let mut request_line = lines.next()?.split(' ');
            let method = request_line.next()?.to_owned();
            let target = request_line.next()?.to_owned();
            let mut request = Request {
                method,
                target,
                accept_encoding: None,
                user_agent: None,
            };
            for line in lines {
                if let Some((name, value)) = line.split_once(':') {
                    let value = Some(value.trim().to_owned());
                    match name.trim().to_ascii_lowercase().as_str() {
                        "accept-encoding" => request.accept_encoding = value,
                        "user-agent" => request.user_agent = value,
                        _ => {}
                    }
                }
            }
            return Some(request);
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// A response to write.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
    fn header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn pool_of(path: &str) -> Pool {
    if path.starts_with("/cdx/") || path.starts_with("/web/timemap") {
        Pool::Cdx
    } else if path.starts_with("/web/") {
        Pool::Playback
    } else {
        Pool::Other
    }
}

fn choose_fault(shared: &Shared, target: &str, pool: Pool) -> Option<Fault> {
    let mut faults = lock(&shared.faults);
    for state in faults.iter_mut() {
        let matches = match &state.rule.target {
            FaultTarget::Any => true,
            FaultTarget::Pool(p) => *p == pool,
            FaultTarget::PathContains(text) => target.contains(text.as_str()),
        };
        if !matches || state.rule.times.is_some_and(|n| state.applied >= n) {
            continue;
        }
        state.seen += 1;
        if (state.seen - 1) % state.rule.every != 0 {
            continue;
        }
        state.applied += 1;
        return Some(state.rule.fault.clone());
    }
    None
}

async fn serve_connection(shared: Arc<Shared>, mut stream: TcpStream) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let at = Instant::now();
    let wall = SystemTime::now();
    let path = request.target.split('?').next().unwrap_or("").to_owned();
    let pool = pool_of(&path);
    let fault = choose_fault(&shared, &request.target, pool);
    let mut record = RequestRecord {
        at,
        wall,
        method: request.method.clone(),
        path_and_query: request.target.clone(),
        pool,
        status: 0,
        fault: fault.as_ref().map(|f| format!("{f:?}")),
        accept_encoding: request.accept_encoding.clone(),
        user_agent: request.user_agent.clone(),
    };
    let log = |record: RequestRecord| lock(&shared.log).push(record);

    if let Some(Fault::SlowHeaders(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    if fault == Some(Fault::ResetConnection) {
        log(record);
        reset(stream);
        return;
    }
    let mut response = match &fault {
        Some(Fault::TooManyRequests { retry_after }) => {
            let response = Response::new(
                429,
                "text/html",
                "<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>\n",
            );
            match retry_after {
                Some(RetryAfter::Seconds(s)) => response.header("Retry-After", s.to_string()),
                Some(RetryAfter::HttpDate(d)) => response.header(
                    "Retry-After",
                    httpdate::fmt_http_date(SystemTime::now() + *d),
                ),
                None => response,
            }
        }
        Some(Fault::ServiceUnavailable) => Response::new(
            503,
            "text/html",
            "<html><body><h1>503 Service Unavailable</h1></body></html>\n",
        ),
        Some(Fault::RedirectLoop) => {
            let location = match request
                .target
                .strip_suffix("?loop=b")
                .or_else(|| request.target.strip_suffix("&loop=b"))
            {
                Some(plain) => plain.to_owned(),
                None if request.target.contains('?') => format!("{}&loop=b", request.target),
                None => format!("{}?loop=b", request.target),
            };
            Response::new(302, "text/plain", "")
                .header("Location", format!("{}{location}", shared.base))
        }
        Some(Fault::RedirectOffArchive(location)) => {
            Response::new(302, "text/plain", "").header("Location", location.clone())
        }
        Some(Fault::HtmlInsteadOfCdx) => Response::new(
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html>\n<html><head><title>Internet Archive: Scheduled Maintenance</title></head><body><p>The Wayback Machine is down for maintenance.</p></body></html>\n",
        ),
        Some(Fault::HugeBody(size)) => {
            let mut body = b"<html><body><p>".to_vec();
            body.resize(usize::try_from(*size).unwrap_or(usize::MAX / 2), b'x');
            Response::new(200, "text/html", body)
                .header("Memento-Datetime", "Wed, 01 Jan 2020 00:00:00 GMT")
        }
        _ => route(&shared, &request.target, &path),
    };
    match &fault {
        Some(Fault::WrongCharset(charset)) => {
            response
                .headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
            response.headers.push((
                "Content-Type".into(),
                format!("text/html; charset={charset}"),
            ));
        }
        Some(Fault::DoubleGzip) => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = encoder.write_all(&response.body);
            response.body = encoder.finish().unwrap_or_default();
            response
                .headers
                .push(("Content-Encoding".into(), "gzip".into()));
            response
                .headers
                .push(("Content-Encoding".into(), "gzip".into()));
        }
        _ => {}
    }
    record.status = response.status;
    log(record);

    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let body: &[u8] = if request.method == "HEAD" {
        &[]
    } else {
        &response.body
    };
    match fault {
        Some(Fault::TruncatedBody) => {
            let _ = stream.write_all(&body[..body.len() / 2]).await;
            let _ = stream.flush().await;
            reset(stream);
            return;
        }
        Some(Fault::SlowBody { chunk, delay }) => {
            for part in body.chunks(chunk.max(1)) {
                if stream.write_all(part).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                tokio::time::sleep(delay).await;
            }
        }
        _ => {
            let _ = stream.write_all(body).await;
        }
    }
    let _ = stream.shutdown().await;
}

/// Closes a connection with a TCP reset (SO_LINGER 0). A zero linger never blocks on drop,
/// which is what the deprecation of `set_linger` warns about.
#[allow(deprecated)]
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

fn decode_query(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn route(shared: &Shared, target: &str, path: &str) -> Response {
    let set = match shared.fixtures.read() {
        Ok(set) => set,
        Err(poisoned) => poisoned.into_inner(),
    };
    let query = target.split_once('?').map_or("", |(_, q)| q);
    if path == "/cdx/search/cdx" || path == "/web/timemap/cdx" || path == "/web/timemap/json" {
        let mut params = decode_query(query);
        if path == "/web/timemap/json" && !params.iter().any(|(k, _)| k == "output") {
            params.push(("output".into(), "json".into()));
        }
        let answer = cdx::answer(&set, &params);
        let response = Response::new(answer.status, answer.content_type, answer.body);
        return if answer.blocked {
            response.header(
                "X-Archive-Wayback-Runtime-Error",
                "org.archive.util.io.RuntimeIOException: org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error",
            )
        } else {
            response
        };
    }
    if let Some(rest) = path.strip_prefix("/web/") {
        return playback(shared, &set, rest, query);
    }
    Response::new(404, "text/plain", "not found\n")
}

fn not_archived() -> Response {
    Response::new(
        404,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html><head><title>Wayback Machine</title></head><body><p>Hrm.</p><p>The Wayback Machine has not archived that URL.</p></body></html>\n",
    )
}

fn rfc1123(timestamp: &str) -> String {
    let field = |range: std::ops::Range<usize>| {
        timestamp
            .get(range)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let (y, mo, d, h, mi, s) = (
        field(0..4),
        field(4..6),
        field(6..8),
        field(8..10),
        field(10..12),
        field(12..14),
    );
    // Days from civil (Howard Hinnant), for the epoch offset.
    let (y2, m2) = if mo <= 2 {
        (y as i64 - 1, mo + 9)
    } else {
        (y as i64, mo - 3)
    };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 as i64 + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + (h * 3600 + mi * 60 + s) as i64;
    let time = if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        SystemTime::UNIX_EPOCH
    };
    httpdate::fmt_http_date(time)
}

fn playback(shared: &Shared, set: &FixtureSet, rest: &str, query: &str) -> Response {
    // rest = "<timestamp><mode>/<original>"
    let Some((stamp_mode, original)) = rest.split_once('/') else {
        return not_archived();
    };
    let digits: String = stamp_mode
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let mode = &stamp_mode[digits.len()..];
    if digits.is_empty() || digits.len() > 14 {
        return not_archived();
    }
    let mut original = original.to_owned();
    for (encoded, plain) in [
        ("http%3A//", "http://"),
        ("https%3A//", "https://"),
        ("http%3a//", "http://"),
        ("https%3a//", "https://"),
    ] {
        if let Some(tail) = original.strip_prefix(encoded) {
            original = format!("{plain}{tail}");
        }
    }
    let query = query
        .split('&')
        .filter(|part| !part.is_empty() && *part != "loop=b")
        .collect::<Vec<_>>()
        .join("&");
    if !query.is_empty() {
        original = format!("{original}?{query}");
    }
    if set.is_blocked(&original) {
        let runtime = "org.archive.util.io.RuntimeIOException: org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error";
        return Response::new(403, "text/plain", format!("{runtime}\n"))
            .header("X-Archive-Wayback-Runtime-Error", runtime);
    }
    let key = surt(&original);
    let captures: Vec<&FixtureCapture> = set.with_key(&key).iter().collect();
    if captures.is_empty() {
        return not_archived();
    }
    let mut wanted = digits.clone();
    while wanted.len() < 14 {
        wanted.push('0');
    }
    let distance = |c: &FixtureCapture| {
        let a: i128 = c.timestamp.parse().unwrap_or(0);
        let b: i128 = wanted.parse().unwrap_or(0);
        (a - b).abs()
    };
    let exact = captures.iter().find(|c| c.timestamp == digits);
    let Some(capture) = exact.copied() else {
        let Some(nearest) = captures.iter().min_by_key(|c| distance(c)) else {
            return not_archived();
        };
        return Response::new(302, "text/plain", "")
            .header(
                "Location",
                format!(
                    "{}/web/{}{mode}/{}",
                    shared.base, nearest.timestamp, nearest.original
                ),
            )
            .header(
                "X-Archive-Redirect-Reason",
                format!("found capture at {}", nearest.timestamp),
            );
    };
    let position = captures
        .iter()
        .position(|c| std::ptr::eq(*c, capture))
        .unwrap_or(0);
    let memento_link = |rel: &str, c: &FixtureCapture| {
        format!(
            "<{}/web/{}/{}>; rel=\"{rel}\"; datetime=\"{}\"",
            shared.base,
            c.timestamp,
            c.original,
            rfc1123(&c.timestamp)
        )
    };
    let mut links = vec![
        format!("<{}>; rel=\"original\"", capture.original),
        format!(
            "<{}/web/timemap/link/{}>; rel=\"timemap\"; type=\"application/link-format\"",
            shared.base, capture.original
        ),
        format!(
            "<{}/web/{}>; rel=\"timegate\"",
            shared.base, capture.original
        ),
    ];
    if let Some(first) = captures.first() {
        links.push(memento_link("first memento", first));
    }
    if position > 0 {
        links.push(memento_link("prev memento", captures[position - 1]));
    }
    links.push(memento_link("memento", capture));
    if let Some(next) = captures.get(position + 1) {
        links.push(memento_link("next memento", next));
    }
    if let Some(last) = captures.last() {
        links.push(memento_link("last memento", last));
    }
    let mut response = Response {
        status: capture.status,
        headers: Vec::new(),
        body: capture.body.clone(),
    };
    for (name, value) in &capture.headers {
        if name.eq_ignore_ascii_case("content-type") {
            response
                .headers
                .push(("Content-Type".into(), value.clone()));
        }
        response.headers.push((
            format!("x-archive-orig-{}", name.to_ascii_lowercase()),
            value.clone(),
        ));
    }
    response
        .headers
        .push(("Memento-Datetime".into(), rfc1123(&capture.timestamp)));
    response.headers.push(("Link".into(), links.join(", ")));
    response.headers.push((
        "x-archive-src".into(),
        "fake-wayback/fixtures.warc.gz".into(),
    ));
    if let Some(target) = &capture.location {
        let location = if capture.raw_location {
            target.clone()
        } else {
            let absolute = url::Url::parse(&capture.original)
                .and_then(|base| base.join(target))
                .map(|u| u.to_string())
                .unwrap_or_else(|_| target.clone());
            format!("{}/web/{}{mode}/{absolute}", shared.base, capture.timestamp)
        };
        response.headers.push(("Location".into(), location));
    }
    response
}
