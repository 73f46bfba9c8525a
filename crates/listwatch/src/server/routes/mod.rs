//! One module per resource. Each handler translates: parameters in, a core call (off the async
//! threads when it scores or reads the store), its own JSON out.

pub(crate) mod alerts;
pub(crate) mod audit;
pub(crate) mod catalog;
pub(crate) mod entities;
pub(crate) mod events;
pub(crate) mod health;
pub(crate) mod history;
pub(crate) mod lists;
pub(crate) mod matching;
pub(crate) mod portfolio;
pub(crate) mod screen;
pub(crate) mod search;
pub(crate) mod status;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use listwatch_core::Snapshot;

use super::error::{ApiError, ApiResult};

/// Runs `work` on the blocking pool: scoring and store reads never hold an async thread.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(ApiError::internal)?
}

/// Runs short CPU-bound `work` (scoring one request) on the compute pool, one thread a core, so
/// that many requests at once queue for the cores instead of each taking a thread of its own.
pub(crate) async fn compute<T: Send + 'static>(
    work: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let (done, answer) = tokio::sync::oneshot::channel();
    ComputePool::global().submit(Box::new(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = done.send(outcome);
    }));
    match answer.await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(ApiError::internal("a computation panicked")),
        Err(_) => Err(ApiError::internal("a computation was dropped")),
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// Threads that take jobs from one queue and sleep when it is empty. Unlike rayon's pool, an idle
/// thread does not spin (yielding in a loop) before it sleeps: between requests that spinning
/// took about a tenth of the server's CPU, which the async threads and the client need.
struct ComputePool {
    queue: std::sync::mpsc::Sender<Job>,
}

impl ComputePool {
    fn global() -> &'static ComputePool {
        static POOL: std::sync::LazyLock<ComputePool> = std::sync::LazyLock::new(|| {
            let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
            ComputePool::new(threads)
        });
        &POOL
    }

    fn new(threads: usize) -> ComputePool {
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            let spawned =
                std::thread::Builder::new().name(format!("compute-{n}")).spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job, not while running it.
                        let job = match receiver.lock() {
                            Ok(queue) => queue.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = spawned {
                crate::server::log::warn(&format!("a compute thread could not be started: {err}"));
            }
        }
        ComputePool { queue: sender }
    }

    fn submit(&self, job: Job) {
        // Only when no thread could be started: run it here rather than never.
        if let Err(std::sync::mpsc::SendError(job)) = self.queue.send(job) {
            job();
        }
    }
}

/// The body of a request, or why it could not be read (too large: 413).
pub(crate) fn body(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is larger than the server's limit",
            )
        } else {
            ApiError::invalid("invalid_body", "the request body could not be read")
        }
    })
}

/// A JSON body: malformed JSON is 400 `invalid_json`, JSON of the wrong shape 422
/// `invalid_request`, both with serde's description of where.
pub(crate) fn json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|err| match err.classify() {
        serde_json::error::Category::Data => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            format!("the request body does not have the expected shape: {err}"),
        ),
        _ => {
            ApiError::invalid("invalid_json", format!("the request body is not valid JSON: {err}"))
        }
    })
}

/// The lists a dataset name stands for: `default` (or `sanctions`) is every list; a list's own
/// name is that list. Anything else is 404 `unknown_dataset`.
pub(crate) fn dataset_lists(snapshot: &Snapshot, dataset: &str) -> ApiResult<Vec<String>> {
    let all: Vec<String> = snapshot.screened.iter().map(|l| l.list.clone()).collect();
    if dataset == "default" || dataset == "sanctions" {
        return Ok(all);
    }
    if all.iter().any(|l| l == dataset) {
        return Ok(vec![dataset.to_string()]);
    }
    Err(ApiError::not_found(
        "unknown_dataset",
        format!(
            "no dataset named {:?}: use default, or one of {}",
            super::params::excerpt(dataset),
            all.join(", ")
        ),
    ))
}

/// The snapshot a request answers from, kept to its end.
pub(crate) type Snap = Arc<Snapshot>;
