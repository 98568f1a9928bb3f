//! Loopback servers the bench measures against: a bare hyper server answering every
//! request with one fixed JSON body, on the caller's runtime or on a thread of its own.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// A bare hyper HTTP/1.1 server on 127.0.0.1 answering `body` (JSON) to every request, on
/// the current runtime.
pub async fn fixed_server(body: Bytes) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |_req: Request<Incoming>| {
                    let body = body.clone();
                    async move {
                        let mut resp = Response::new(Full::new(body));
                        resp.headers_mut()
                            .insert("content-type", "application/json".parse().expect("static"));
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    addr
}

/// [`fixed_server`] on a thread of its own with a current-thread runtime: the server's
/// work never queues behind the client's tasks on the client's runtime (and its
/// allocations are never counted on a client thread). The thread lives until the process
/// ends.
pub fn fixed_server_thread(body: Bytes) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async {
                tx.send(fixed_server(body).await)
                    .expect("send server address");
                std::future::pending::<()>().await
            });
        })
        .expect("server thread");
    rx.recv().expect("server address")
}
