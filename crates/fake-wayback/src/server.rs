//! The HTTP side: a small HTTP/1.1 server on 127.0.0.1 (hand-written, so that faults such as
//! resets, truncated and trickling bodies are exact), routing, faults and the request log.

use std::collections::BTreeMap;
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
    /// 504 Gateway Timeout, as the archive answers CDX queries too big for it.
    GatewayTimeout,
    /// A whole HTTP answer whose CDX data stops mid-way (the first half of the body), as the
    /// archive sends big listings.
    CdxCutShort,
    /// HTTP 200 with an unreadable CDX body: the answer gzip-compressed but sent without
    /// `Content-Encoding`.
    GarbledCdx,
    /// A memento (HTTP 200, `Memento-Datetime`) whose body has one byte altered, so its SHA-1
    /// no longer matches the CDX digest; which byte depends on the requests served before, so
    /// two damaged answers differ, as damage on the way does.
    ScrambledBody,
    /// The archive's error answer naming a Wayback exception in
    /// `X-Archive-Wayback-Runtime-Error` (and in its HTML page), the page gzip-encoded
    /// whatever the request's `Accept-Encoding`. See [`Fault::runtime_error`].
    RuntimeError {
        /// HTTP status (403 for access control, 404 for not in archive...).
        status: u16,
        /// Simple name of the exception, e.g. `AdministrativeAccessControlException`.
        exception: String,
    },
}

impl Fault {
    /// The archive's answer for `exception` (a Wayback exception's simple name), with the
    /// status the archive gives it: 403 for access control, 404 for a resource not in the
    /// archive, 503 otherwise.
    pub fn runtime_error(exception: &str) -> Fault {
        let status = if exception.ends_with("AccessControlException")
            || exception == "AuthenticationControlException"
        {
            403
        } else if exception == "ResourceNotInArchiveException"
            || exception == "LiveDocumentNotAvailableException"
        {
            404
        } else {
            503
        };
        Fault::RuntimeError {
            status,
            exception: exception.to_owned(),
        }
    }

    /// The fault's kind, as `/__faults` and the `--fault` option name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::TooManyRequests { .. } => "too-many-requests",
            Fault::ServiceUnavailable => "service-unavailable",
            Fault::SlowHeaders(_) => "slow-headers",
            Fault::SlowBody { .. } => "slow-body",
            Fault::ResetConnection => "reset",
            Fault::TruncatedBody => "truncated-body",
            Fault::RedirectLoop => "redirect-loop",
            Fault::RedirectOffArchive(_) => "redirect-off-archive",
            Fault::WrongCharset(_) => "wrong-charset",
            Fault::HugeBody(_) => "huge-body",
            Fault::HtmlInsteadOfCdx => "html-instead-of-cdx",
            Fault::DoubleGzip => "double-gzip",
            Fault::GatewayTimeout => "gateway-timeout",
            Fault::CdxCutShort => "cdx-cut-short",
            Fault::GarbledCdx => "garbled-cdx",
            Fault::ScrambledBody => "scrambled-body",
            Fault::RuntimeError { exception, .. } => match exception.as_str() {
                "AdministrativeAccessControlException" => "blocked",
                "RobotAccessControlException" => "robots-blocked",
                "ResourceNotInArchiveException" => "not-in-archive",
                _ => "runtime-error",
            },
        }
    }
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
    /// CDX requests asking for more than this many rows (or with no `limit`).
    CdxLimitAbove(u64),
}

/// A fault and when to apply it.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Requests it applies to.
    pub target: FaultTarget,
    /// The fault.
    pub fault: Fault,
    /// Apply to this many matching requests, then stop (`None`: forever).
    pub times: Option<u32>,
    /// Apply to one matching request in `every` (1: all of them), deterministically.
    pub every: u32,
    /// Of those, apply to this fraction (0..=1), drawn from the server's seeded generator
    /// ([`FakeWayback::set_fault_seed`]); 1 draws nothing.
    pub rate: f64,
}

impl FaultRule {
    /// A rule applying `fault` to every request matching `target`.
    pub fn new(target: FaultTarget, fault: Fault) -> FaultRule {
        FaultRule {
            target,
            fault,
            times: None,
            every: 1,
            rate: 1.0,
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
    /// Applies the rule to a random fraction `rate` (0..=1) of the matching requests.
    pub fn rate(mut self, rate: f64) -> FaultRule {
        self.rate = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
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
    /// State of the splitmix64 generator that draws rated faults.
    rng: Mutex<u64>,
    /// Faults injected so far, by [`Fault::kind`].
    injected: Mutex<BTreeMap<&'static str, u64>>,
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
            rng: Mutex::new(0),
            injected: Mutex::new(BTreeMap::new()),
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

    /// Seeds the generator that decides which requests rated rules ([`FaultRule::rate`])
    /// apply to: the same seed and the same request order inject the same faults.
    pub fn set_fault_seed(&self, seed: u64) {
        *lock(&self.shared.rng) = seed;
    }

    /// Faults injected so far, by [`Fault::kind`] (also served as JSON at `/__faults`).
    pub fn fault_counts(&self) -> BTreeMap<&'static str, u64> {
        lock(&self.shared.injected).clone()
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
        504 => "Gateway Timeout",
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

/// Where the counts of injected faults are served (never itself faulted).
const FAULTS_PATH: &str = "/__faults";

/// A uniform draw in [0, 1) from the server's splitmix64 generator.
fn draw(shared: &Shared) -> f64 {
    let mut state = lock(&shared.rng);
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The `limit` a CDX request asks for (`None` when absent or unreadable).
fn requested_limit(target: &str) -> Option<u64> {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    decode_query(query)
        .into_iter()
        .find(|(name, _)| name == "limit")
        .and_then(|(_, value)| value.parse().ok())
}

fn choose_fault(shared: &Shared, target: &str, pool: Pool) -> Option<Fault> {
    let mut faults = lock(&shared.faults);
    for state in faults.iter_mut() {
        let matches = match &state.rule.target {
            FaultTarget::Any => true,
            FaultTarget::Pool(p) => *p == pool,
            FaultTarget::PathContains(text) => target.contains(text.as_str()),
            FaultTarget::CdxLimitAbove(rows) => {
                pool == Pool::Cdx && requested_limit(target).is_none_or(|limit| limit > *rows)
            }
        };
        if !matches || state.rule.times.is_some_and(|n| state.applied >= n) {
            continue;
        }
        state.seen += 1;
        if (state.seen - 1) % state.rule.every != 0 {
            continue;
        }
        if state.rule.rate < 1.0 && draw(shared) >= state.rule.rate {
            continue;
        }
        state.applied += 1;
        let fault = state.rule.fault.clone();
        *lock(&shared.injected).entry(fault.kind()).or_insert(0) += 1;
        return Some(fault);
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
    // The control endpoint answers whatever faults are set.
    let fault = if path == FAULTS_PATH {
        None
    } else {
        choose_fault(&shared, &request.target, pool)
    };
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
        Some(Fault::GatewayTimeout) => Response::new(
            504,
            "text/html",
            "<html><body><h1>504 Gateway Time-out</h1><p>The server didn't respond in time.</p></body></html>\n",
        ),
        Some(Fault::RuntimeError { status, exception }) => runtime_error_page(*status, exception),
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
        _ => {
            let accepts_gzip = request
                .accept_encoding
                .as_deref()
                .is_some_and(|accept| accept.to_ascii_lowercase().contains("gzip"));
            route(&shared, &request.target, &path, accepts_gzip)
        }
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
        Some(Fault::CdxCutShort) => {
            let half = response.body.len() / 2;
            response.body.truncate(half);
        }
        Some(Fault::GarbledCdx) => response.body = gzip(&response.body),
        Some(Fault::ScrambledBody) => {
            let is_memento = response
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("memento-datetime"));
            if is_memento {
                // Damage on the way is never the same twice: the byte flipped depends on how
                // many requests came before (the same request order, the same damage).
                let served = lock(&shared.log).len();
                let len = response.body.len().max(1);
                let at = (len / 2 + served.wrapping_mul(2_654_435_761)) % len;
                match response.body.get_mut(at) {
                    Some(byte) => *byte ^= 0x01,
                    None => response.body.push(b' '),
                }
            }
        }
        Some(Fault::DoubleGzip) => {
            response.body = gzip(&response.body);
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

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The runtime-error header value the archive sends for `exception`.
fn runtime_error_header(exception: &str) -> String {
    let message = match exception {
        "AdministrativeAccessControlException" => "Blocked Site Error",
        "RobotAccessControlException" => "Blocked By Robots",
        "ResourceNotInArchiveException" => "This resource is not in the archive",
        _ => "Error",
    };
    format!(
        "org.archive.util.io.RuntimeIOException: org.archive.wayback.exception.{exception}: {message}"
    )
}

/// The archive's error page for `exception`, gzip-encoded, with the runtime-error header.
fn runtime_error_page(status: u16, exception: &str) -> Response {
    let header = runtime_error_header(exception);
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>Wayback Machine</title></head><body><h2>Wayback Machine</h2><p>{header}</p></body></html>\n"
    );
    let mut response = Response::new(status, "text/html; charset=utf-8", gzip(page.as_bytes()))
        .header("Content-Encoding", "gzip")
        .header("X-Archive-Wayback-Runtime-Error", header);
    response
        .headers
        .push(("Vary".into(), "Accept-Encoding".into()));
    response
}

/// The answer for a blocked host: the runtime-error header, the error text gzip-encoded when
/// the request accepts gzip (as the archive does).
fn blocked_answer(accepts_gzip: bool, body: String) -> Response {
    let header = runtime_error_header("AdministrativeAccessControlException");
    if accepts_gzip {
        Response::new(403, "text/plain", gzip(body.as_bytes()))
            .header("Content-Encoding", "gzip")
            .header("X-Archive-Wayback-Runtime-Error", header)
    } else {
        Response::new(403, "text/plain", body).header("X-Archive-Wayback-Runtime-Error", header)
    }
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

fn route(shared: &Shared, target: &str, path: &str, accepts_gzip: bool) -> Response {
    if path == FAULTS_PATH {
        let counts: serde_json::Map<String, serde_json::Value> = lock(&shared.injected)
            .iter()
            .map(|(kind, count)| ((*kind).to_owned(), (*count).into()))
            .collect();
        return Response::new(
            200,
            "application/json",
            format!("{}\n", serde_json::Value::Object(counts)),
        );
    }
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
        if answer.blocked {
            return blocked_answer(accepts_gzip, answer.body);
        }
        return Response::new(answer.status, answer.content_type, answer.body);
    }
    if let Some(rest) = path.strip_prefix("/web/") {
        return playback(shared, &set, rest, query, accepts_gzip);
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

fn playback(
    shared: &Shared,
    set: &FixtureSet,
    rest: &str,
    query: &str,
    accepts_gzip: bool,
) -> Response {
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
        let body = format!(
            "{}\n",
            runtime_error_header("AdministrativeAccessControlException")
        );
        return blocked_answer(accepts_gzip, body);
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
