//! The hyper server: accept loop, body reading, faults, dispatch.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Either, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use crate::coarse_timer::CoarseTimer;

use crate::fault::FaultKind;
use crate::{SandboxRequest, SandboxResponse, Shared};

/// A whole answer (the common case, not boxed) or a streamed one (faults).
type Body = Either<Full<Bytes>, BoxBody<Bytes, std::io::Error>>;

/// The request-id header of every answer (a name known up front: no parsing per answer).
const X_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

/// Requests larger than this are refused with 413.
const MAX_REQUEST_BYTES: usize = 10 * 1024 * 1024;

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let mut connections = tokio::task::JoinSet::new();
    // One coarse timer for every connection's header-read timeout (see coarse_timer):
    // a head that does not arrive in time is cut off at most an eighth of the timeout late.
    let timer = CoarseTimer::new(shared.header_read_timeout() / 8);
    let ticker = tokio::spawn(timer.clone().tick());
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = Arc::clone(&shared);
                let header_read_timeout = shared.header_read_timeout();
                let timer = timer.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| handle(Arc::clone(&shared), req));
                    // A client that opens a connection and sends no (or a partial) request
                    // head is cut off after `header_read_timeout`, as a real server does.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .timer(timer)
                        .header_read_timeout(header_read_timeout)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
    ticker.abort();
}

/// Dropping the connection is done by answering with an error: hyper then closes it
/// without writing a response.
#[derive(Debug)]
struct Dropped;
impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}
impl std::error::Error for Dropped {}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let (parts, body) = req.into_parts();
    let body = if hyper::body::Body::is_end_stream(&body) {
        // No body (a GET, or `Content-Length: 0`): nothing to read.
        Bytes::new()
    } else {
        match http_body_util::Limited::new(body, MAX_REQUEST_BYTES)
            .collect()
            .await
        {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return Ok(full(SandboxResponse::text(413, "request body too large"))),
        }
    };
    let query = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let request = SandboxRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query,
        headers: parts.headers,
        body,
    };
    shared.record(&request);
    tracing::debug!(method = %request.method, path = %request.path, "sandbox request");

    let fault = shared.next_fault(&request);
    match fault {
        None => Ok(full(shared.handle(&request))),
        Some(FaultKind::Delay(d)) => {
            tokio::time::sleep(d).await;
            Ok(full(shared.handle(&request)))
        }
        Some(FaultKind::SlowBody(d)) => {
            let resp = shared.handle(&request);
            let mid = resp.body.len() / 2;
            let (a, b) = (resp.body.slice(..mid), resp.body.slice(mid..));
            let chunks = stream::unfold(0u8, move |step| {
                let (a, b) = (a.clone(), b.clone());
                async move {
                    match step {
                        0 => Some((Ok::<_, std::io::Error>(Frame::data(a)), 1)),
                        1 => {
                            tokio::time::sleep(d).await;
                            Some((Ok(Frame::data(b)), 2))
                        }
                        _ => None,
                    }
                }
            });
            Ok(with_body(
                &resp,
                streamed(StreamBody::new(chunks).boxed()),
                None,
            ))
        }
        Some(FaultKind::Truncate) => {
            let resp = shared.handle(&request);
            let len = resp.body.len() as u64;
            let half = resp.body.slice(..resp.body.len() / 2);
            let chunks = stream::iter(vec![
                Ok(Frame::data(half)),
                Err(std::io::Error::other("truncated by fault injection")),
            ]);
            Ok(with_body(
                &resp,
                streamed(StreamBody::new(chunks).boxed()),
                Some(len),
            ))
        }
        Some(FaultKind::Malformed) => Ok(full(SandboxResponse {
            status: StatusCode::OK,
            content_type: "application/json",
            headers: Vec::new(),
            body: Bytes::from_static(b"{\"charges\": [ {\"id\": tru"),
        })),
        Some(FaultKind::DropConnection) => Err(Dropped),
        Some(FaultKind::DropAfterHandling) => {
            let _ = shared.handle(&request);
            Err(Dropped)
        }
        Some(FaultKind::RateLimit { retry_after }) => {
            let mut resp = SandboxResponse::json(
                429,
                &serde_json::json!({"detail": "Too Many Requests", "message": "Too Many Requests"}),
            );
            if let Some(ra) = retry_after {
                resp = resp.with_header("retry-after", ra);
            }
            Ok(full(resp))
        }
        Some(FaultKind::Status {
            status,
            body,
            content_type,
        }) => {
            let resp = SandboxResponse {
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                content_type: "application/octet-stream",
                headers: vec![("content-type", content_type)],
                body: Bytes::from(body),
            };
            Ok(full(resp))
        }
        Some(FaultKind::HugeBody {
            bytes,
            content_length,
        }) => {
            const CHUNK: usize = 64 * 1024;
            let chunk = Bytes::from(vec![b' '; CHUNK]);
            let first = Bytes::from_static(b"[");
            let chunks = stream::unfold(0u64, move |sent| {
                let chunk = chunk.clone();
                let first = first.clone();
                async move {
                    if sent >= bytes {
                        return None;
                    }
                    let data = if sent == 0 {
                        first
                    } else {
                        chunk.slice(..(CHUNK as u64).min(bytes - sent) as usize)
                    };
                    let n = data.len() as u64;
                    Some((Ok::<_, std::io::Error>(Frame::data(data)), sent + n))
                }
            });
            let resp = SandboxResponse::json(200, &serde_json::Value::Null);
            Ok(with_body(
                &resp,
                streamed(StreamBody::new(chunks).boxed()),
                content_length.then_some(bytes),
            ))
        }
    }
}

/// A whole answer; hyper writes its `Content-Length` from the body's exact size.
fn full(resp: SandboxResponse) -> Response<Body> {
    let body = Either::Left(Full::new(resp.body.clone()));
    with_body(&resp, body, None)
}

/// A streamed body.
fn streamed(body: BoxBody<Bytes, std::io::Error>) -> Body {
    Either::Right(body)
}

/// The answer's head around `body`; `content_length` is sent as given (faults announce a
/// length they then break), else hyper derives it from the body.
fn with_body(resp: &SandboxResponse, body: Body, content_length: Option<u64>) -> Response<Body> {
    let mut out = Response::new(body);
    *out.status_mut() = resp.status;
    let headers = out.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(resp.content_type),
    );
    for (name, value) in &resp.headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(*name, v);
        }
    }
    if let Some(len) = content_length {
        headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    headers.insert(X_REQUEST_ID, request_id(fastrand_u64()));
    out
}

/// `sbx_` and `n` as 16 lowercase hex digits, written without formatting machinery.
fn request_id(n: u64) -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = *b"sbx_0000000000000000";
    for (i, digit) in id[4..].iter_mut().enumerate() {
        let shift = 4 * (15 - i);
        *digit = HEX[((n >> shift) & 0xf) as usize];
    }
    HeaderValue::from_bytes(&id).unwrap_or(HeaderValue::from_static("sbx"))
}

fn fastrand_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_sixteen_hex_digits() {
        assert_eq!(super::request_id(1), "sbx_0000000000000001");
        assert_eq!(
            super::request_id(0xdead_beef_0123_4567),
            "sbx_deadbeef01234567"
        );
        assert_eq!(super::request_id(u64::MAX), "sbx_ffffffffffffffff");
        assert_eq!(super::request_id(1), format!("sbx_{:016x}", 1));
    }
}
