//! Per-key rate limits: a token bucket per caller that holds one second's worth of requests and
//! refills continuously, so a key may burst up to its rate and then sustain it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The buckets of every caller that has a rate.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// Takes one request from `caller`'s bucket of `per_second`, or says how long until one
    /// is free.
    pub(crate) fn take(&self, caller: &str, per_second: u32, now: Instant) -> Result<(), Duration> {
        let rate = f64::from(per_second.max(1));
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(caller.to_string()).or_insert(Bucket { tokens: rate, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_bursts_to_its_rate_then_waits_for_the_refill() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..5 {
            assert!(limiter.take("ci", 5, start).is_ok());
        }
        let wait = limiter.take("ci", 5, start).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(200), "{wait:?}");
        // Another key has its own bucket.
        assert!(limiter.take("other", 5, start).is_ok());
        // A fifth of a second later, one request is free again, and only one.
        let later = start + Duration::from_millis(200);
        assert!(limiter.take("ci", 5, later).is_ok());
        assert!(limiter.take("ci", 5, later).is_err());
        // The bucket never holds more than one second's worth.
        let much_later = start + Duration::from_secs(60);
        for _ in 0..5 {
            assert!(limiter.take("ci", 5, much_later).is_ok());
        }
        assert!(limiter.take("ci", 5, much_later).is_err());
    }
}
