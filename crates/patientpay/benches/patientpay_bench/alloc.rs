//! `alloc_sdk_vs_raw`: allocations per call of the SDK and of the hand-written call, counted
//! by a global allocator of the bench binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;

use crate::{decoda, sdk};
use patientpay::pipeline::HttpConfig;

// has switched counting on, how many allocations it makes and how many bytes it asks for.
// This is the bench binary's only `unsafe`: the library crates stay `#![forbid(unsafe_code)]`
// (this bench is a separate crate target, so their attribute does not apply to it).

/// Forwards every call unchanged to [`System`]; counts `alloc`, `alloc_zeroed` and
/// `realloc` (one allocation each, the requested size as bytes) on threads that switched
/// counting on with [`count_allocations`]. Frees are not counted.
struct CountingAlloc;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Records one allocation of `bytes` if the current thread is counting. Const-initialised
/// thread-local `Cell`s without destructors: touching them never allocates (so the
/// allocator is not re-entered) and never panics (`try_with` is a no-op while a thread's
/// locals are being torn down).
fn note_allocation(bytes: usize) {
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
            let _ = BYTES.try_with(|b| b.set(b.get() + bytes as u64));
        }
    });
}

// SAFETY: each method passes its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract, and returns its result unchanged; the only added work is
// `note_allocation`, which neither allocates nor unwinds.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        // SAFETY: the caller upholds `alloc`'s contract (non-zero size), passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation(new_size);
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds the rest.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Allocations and bytes the current thread asks for while `f` runs to completion.
pub fn count_allocations<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let (n0, b0) = (ALLOCS.with(Cell::get), BYTES.with(Cell::get));
    COUNTING.with(|on| on.set(true));
    let out = f();
    COUNTING.with(|on| on.set(false));
    (out, ALLOCS.with(Cell::get) - n0, BYTES.with(Cell::get) - b0)
}

/// Allocations and bytes per call, one side.
#[derive(Clone, Copy)]
pub struct PerCall {
    /// Allocations per call.
    pub allocs: f64,
    /// Bytes asked for per call.
    pub bytes: f64,
}

/// Mean allocations and bytes per call of `sdk` and of `raw`, `calls` calls each, against
/// a server answering `body` on its own thread (its allocations are not counted). The
/// client runs on a current-thread runtime, so everything the client does for a call (its
/// hyper connection task included) runs on the counted thread. One batch per side (not
/// interleaved per call): work a connection task leaves for later is then counted with
/// its own side.
fn per_call<S, R, FS, FR>(calls: usize, body: bytes::Bytes, sdk: S, raw: R) -> [PerCall; 2]
where
    S: Fn(String) -> FS,
    R: Fn(String) -> FR,
    FS: Future<Output = ()>,
    FR: Future<Output = ()>,
{
    let addr = crate::servers::fixed_server_thread(body);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let base = format!("http://{addr}");
    for _ in 0..50 {
        rt.block_on(sdk(base.clone()));
        rt.block_on(raw(base.clone()));
    }
    [0, 1].map(|side| {
        let ((), n, b) = count_allocations(|| {
            rt.block_on(async {
                for _ in 0..calls {
                    if side == 0 {
                        sdk(base.clone()).await;
                    } else {
                        raw(base.clone()).await;
                    }
                }
            })
        });
        PerCall {
            allocs: n as f64 / calls as f64,
            bytes: b as f64 / calls as f64,
        }
    })
}

/// The CarePortals list (five cards): `Arc<dyn PaymentMethods>` against the hand-written
/// reqwest call reading the same output.
pub fn careportals_per_call(calls: usize) -> [PerCall; 2] {
    let holder = std::cell::OnceCell::new();
    let raw = reqwest::Client::new();
    per_call(
        calls,
        sdk::careportals_list_body(),
        |base| {
            let p = holder
                .get_or_init(|| sdk::careportals(&base, HttpConfig::default()))
                .clone();
            async move {
                sdk::sdk_call(p.as_ref()).await;
            }
        },
        |base| {
            let raw = raw.clone();
            async move {
                sdk::raw_call(&raw, &format!("{base}/users/payment-methods")).await;
            }
        },
    )
}

/// The Decoda verify answer (`charges` charges): `Arc<dyn PatientBilling>` against the
/// hand-written reqwest call reading the fields `PatientBalance` names.
pub fn decoda_per_call(calls: usize, charges: usize) -> [PerCall; 2] {
    let holder = std::cell::OnceCell::new();
    let raw = reqwest::Client::new();
    per_call(
        calls,
        bytes::Bytes::from(decoda::verify_body(charges)),
        |base| {
            let p = holder.get_or_init(|| decoda::decoda(&base)).clone();
            async move {
                decoda::sdk_verify(p.as_ref()).await;
            }
        },
        |base| {
            let raw = raw.clone();
            async move {
                decoda::raw_verify(&raw, &format!("{base}/billing/payment-link/verify-patient"))
                    .await;
            }
        },
    )
}
