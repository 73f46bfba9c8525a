//! `listwatch webhook` and `monitor deliver`: alerts POSTed as signed JSON (or appended to a
//! JSONL file) from the store's outbox, each (webhook, alert) attempt claimed so that concurrent
//! deliverers never send a delivered alert again.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Subcommand;
use sha2::{Digest, Sha256};

use listwatch_model::Webhook;

use super::Ctx;
use crate::cli::import::now_rfc3339;
use crate::failure::usage;
use crate::output::{Table, clean, outln, print_json, to_stdout};

/// Where alerts are delivered: an `http://` URL (each alert POSTed as JSON, signed) or a
/// `file:///path.jsonl` (each alert appended as a line).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: WebhookCommand,
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Add a webhook.
    Add(AddArgs),
    /// The webhooks, with how many alerts each has pending.
    List(ListArgs),
    /// Send a sample alert to every webhook (not recorded).
    Test,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// `http://host:port/path` or `file:///path/alerts.jsonl`.
    url: String,
    /// Sign each body: `X-Listwatch-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    #[arg(long)]
    secret: Option<String>,
    /// Only alerts of this watch.
    #[arg(long, value_name = "NAME")]
    watch: Option<String>,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// `monitor deliver`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DeliverArgs {
    /// Attempts per alert in this run, with exponential backoff between them.
    #[arg(long, value_name = "N", default_value_t = 3)]
    attempts: u32,
    /// The first backoff, in milliseconds; it doubles after each failed attempt.
    #[arg(long, value_name = "MS", default_value_t = 200)]
    backoff_ms: u64,
    /// Skip the alerts whose last failed delivery asks to wait (30 s after the first failure,
    /// doubling with each one, an hour at most), as `serve --sync` does: for runs from a
    /// scheduler every minute that should not press on a receiver that is down.
    #[arg(long)]
    due_only: bool,
}

impl DeliverArgs {
    /// One attempt per alert that is due: a caller that delivers again soon.
    pub(crate) fn once() -> DeliverArgs {
        DeliverArgs { attempts: 1, backoff_ms: 0, due_only: true }
    }
}

/// How long a delivery that failed `failures` times waits before the next attempt of a run
/// that honours it (`--due-only`, `serve --sync`): 30 s, doubling, an hour at most.
pub(crate) fn retry_delay_secs(failures: u32) -> u64 {
    const FIRST: u64 = 30;
    const MOST: u64 = 3_600;
    FIRST.saturating_mul(1u64 << failures.saturating_sub(1).min(16)).min(MOST)
}

/// Seconds since the Unix epoch, as a delivery records them.
fn unix_now_secs() -> u64 {
    u64::try_from(crate::cli::import::unix_now()).unwrap_or(0)
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.command {
        WebhookCommand::Add(a) => {
            Target::parse(&a.url)?;
            let store = ctx.open_for_writing()?;
            let hook = store
                .add_webhook(Webhook {
                    id: 0,
                    url: a.url,
                    secret: a.secret,
                    watch: a.watch,
                    added_at: now_rfc3339(),
                })
                .map_err(|e| ctx.write_error(e))?;
            to_stdout(|out| {
                outln!(out, "webhook {} added: {}", hook.id, clean(&hook.url))?;
                Ok(())
            })
        }
        WebhookCommand::List(a) => {
            let store = ctx.open_existing()?;
            let hooks = store.webhooks()?;
            let alerts = store.alerts()?;
            let mut rows = Vec::new();
            for h in &hooks {
                let delivered = store
                    .deliveries(h.id)?
                    .into_iter()
                    .filter(|(_, d)| d.delivered_at.is_some())
                    .count();
                let total = alerts
                    .iter()
                    .filter(|a| h.watch.as_ref().is_none_or(|w| &a.watch == w))
                    .count();
                rows.push((h, total - delivered.min(total)));
            }
            if a.json {
                let values: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|(h, pending)| {
                        serde_json::json!({"id": h.id, "url": h.url, "watch": h.watch,
                            "signed": h.secret.is_some(), "pending": pending})
                    })
                    .collect();
                return print_json(&values);
            }
            let mut table = Table::new(&["ID", "URL", "WATCH", "SIGNED", "PENDING"]);
            for (h, pending) in rows {
                table.row(vec![
                    h.id.to_string(),
                    h.url.clone(),
                    h.watch.clone().unwrap_or_else(|| "*".to_string()),
                    if h.secret.is_some() { "yes" } else { "no" }.to_string(),
                    pending.to_string(),
                ]);
            }
            to_stdout(|out| table.print(out))
        }
        WebhookCommand::Test => {
            let store = ctx.open_existing()?;
            let body = serde_json::json!({
                "id": "test", "kind": "test", "change": "a sample alert from listwatch webhook test",
            })
            .to_string();
            for h in store.webhooks()? {
                let outcome = send(&h, "test", &body);
                to_stdout(|out| {
                    outln!(
                        out,
                        "webhook {} {}: {}",
                        h.id,
                        clean(&h.url),
                        match &outcome {
                            Ok(()) => "delivered".to_string(),
                            Err(e) => format!("failed: {e}"),
                        }
                    )?;
                    Ok(())
                })?;
            }
            Ok(())
        }
    }
}

/// Delivers every pending alert to every webhook: up to `attempts` tries per alert in this run,
/// with exponential backoff; each attempt is recorded, so what is undelivered stays pending for
/// the next run (after a restart too).
///
/// Each attempt holds the claim of its (webhook, alert) pair (`Store::claim_delivery`) and is
/// recorded in the claim's transaction, so any number of processes may deliver from one store at
/// once: a pair another process is attempting is skipped, and a pair recorded as delivered is
/// never sent again. A receiver sees each alert once, unless a process dies between a successful
/// send and its record (the idempotency key lets the receiver keep it once then).
pub(crate) fn deliver(ctx: &Ctx, args: DeliverArgs) -> Result<()> {
    let store = ctx.open_existing_for_writing()?;
    let outcome = deliver_pending(&store, &args).map_err(|e| ctx.write_error(e))?;
    to_stdout(|out| {
        outln!(out, "delivered {} alerts; {} still pending", outcome.delivered, outcome.failed)?;
        if outcome.waiting > 0 {
            outln!(
                out,
                "{} alerts wait for their next attempt after a failed delivery (without --due-only, every pending alert is tried)",
                outcome.waiting
            )?;
        }
        Ok(())
    })?;
    if outcome.failed > 0 {
        anyhow::bail!(
            "{} alerts could not be delivered; they stay pending for the next run",
            outcome.failed
        );
    }
    Ok(())
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delivered {
    /// Alerts this process delivered.
    pub(crate) delivered: u64,
    /// Alerts this process tried and could not deliver.
    pub(crate) failed: u64,
    /// Alerts not tried: a failed delivery set a later next attempt (`due_only`).
    pub(crate) waiting: u64,
}

/// One round of delivery of every pending alert to every webhook, claiming each attempt: what
/// `monitor deliver` runs, and what the leading `serve --sync` runs after each check.
pub(crate) fn deliver_pending(
    store: &listwatch_store::Store,
    args: &DeliverArgs,
) -> listwatch_store::Result<Delivered> {
    let alerts = store.alerts()?;
    let decisions = store.decisions()?;
    let effective = crate::cli::alerts::effective(&decisions);
    let mut outcome = Delivered::default();
    for hook in store.webhooks()? {
        let known = store.deliveries(hook.id)?;
        let delivered: std::collections::HashSet<&str> = known
            .iter()
            .filter(|(_, d)| d.delivered_at.is_some())
            .map(|(id, _)| id.as_str())
            .collect();
        let not_before: std::collections::HashMap<&str, u64> =
            known.iter().map(|(id, d)| (id.as_str(), d.next_attempt_at)).collect();
        let now = unix_now_secs();
        for alert in &alerts {
            if hook.watch.as_ref().is_some_and(|w| &alert.watch != w)
                || delivered.contains(alert.id.as_str())
            {
                continue;
            }
            if args.due_only && not_before.get(alert.id.as_str()).is_some_and(|&at| at > now) {
                outcome.waiting += 1;
                continue;
            }
            let body = crate::cli::alerts::alert_json(alert, effective.get(&alert.id).copied())
                .to_string();
            let mut backoff = args.backoff_ms;
            let mut sent = None;
            for attempt in 0..args.attempts.max(1) {
                if attempt > 0 {
                    std::thread::sleep(Duration::from_millis(backoff));
                    backoff = backoff.saturating_mul(2);
                }
                // Delivered meanwhile, or being attempted by another process: not ours.
                let Some(claim) = store.claim_delivery(hook.id, &alert.id)? else {
                    sent = None;
                    break;
                };
                let mut delivery = claim.delivery().clone();
                delivery.attempts += 1;
                match send(&hook, &alert.id, &body) {
                    Ok(()) => {
                        delivery.delivered_at = Some(now_rfc3339());
                        delivery.last_error = None;
                        delivery.next_attempt_at = 0;
                    }
                    Err(err) => {
                        delivery.last_error = Some(format!("{err:#}"));
                        delivery.next_attempt_at =
                            unix_now_secs().saturating_add(retry_delay_secs(delivery.attempts));
                    }
                }
                let ok = delivery.delivered_at.is_some();
                claim.record(&delivery)?;
                sent = Some(ok);
                if ok {
                    break;
                }
            }
            match sent {
                Some(true) => outcome.delivered += 1,
                Some(false) => outcome.failed += 1,
                None => {}
            }
        }
    }
    Ok(outcome)
}

/// Where a webhook delivers.
enum Target {
    Http { host: String, port: u16, path: String },
    File(std::path::PathBuf),
}

impl Target {
    fn parse(url: &str) -> Result<Target> {
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(usage(format!(
                    "{url}: a file URL needs an absolute path (file:///...)"
                )));
            }
            return Ok(Target::File(path.into()));
        }
        let Some(rest) = url.strip_prefix("http://") else {
            return Err(usage(format!(
                "{url}: only http:// and file:// URLs are supported (put a TLS proxy in front for https)"
            )));
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => {
                (h.to_string(), p.parse().map_err(|_| usage(format!("{url}: bad port")))?)
            }
            None => (authority.to_string(), 80),
        };
        if host.is_empty() {
            return Err(usage(format!("{url}: no host")));
        }
        Ok(Target::Http { host, port, path })
    }
}

/// HMAC-SHA256 (RFC 2104) of `body` under `key`, lowercase hex.
pub(crate) fn hmac_sha256_hex(key: &[u8], body: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = if key.len() > BLOCK { Sha256::digest(key).to_vec() } else { key.to_vec() };
    k.resize(BLOCK, 0);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new().chain_update(&ipad).chain_update(body).finalize();
    let outer = Sha256::new().chain_update(&opad).chain_update(inner).finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

/// Connects to the first address of `host` that answers within `timeout`.
fn connect(host: &str, port: u16, timeout: Duration) -> std::io::Result<TcpStream> {
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "the host has no address");
    for address in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => return Ok(stream),
            Err(err) => last = err,
        }
    }
    Err(last)
}

/// One delivery attempt.
fn send(hook: &Webhook, key: &str, body: &str) -> Result<()> {
    match Target::parse(&hook.url)? {
        Target::File(path) => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            file.write_all(format!("{body}\n").as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            file.sync_data().with_context(|| format!("cannot write {}", path.display()))?;
            Ok(())
        }
        Target::Http { host, port, path } => {
            // Bounded: on a redb store the attempt holds the store's write turn (its claim).
            let mut stream = connect(&host, port, Duration::from_secs(10))
                .with_context(|| format!("cannot connect to {host}:{port}"))?;
            stream.set_read_timeout(Some(Duration::from_secs(10)))?;
            stream.set_write_timeout(Some(Duration::from_secs(10)))?;
            let mut request = format!(
                "POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\nUser-Agent: listwatch\r\nConnection: close\r\n",
                body.len()
            );
            if let Some(secret) = &hook.secret {
                request.push_str(&format!(
                    "X-Listwatch-Signature: sha256={}\r\n",
                    hmac_sha256_hex(secret.as_bytes(), body.as_bytes())
                ));
            }
            request.push_str("\r\n");
            stream.write_all(request.as_bytes())?;
            stream.write_all(body.as_bytes())?;
            let mut response = Vec::new();
            let mut buf = [0u8; 1024];
            // The status line is all we need; read until it is complete or the peer closes.
            while !response.windows(2).any(|w| w == b"\r\n") && response.len() < 8192 {
                let n = stream.read(&mut buf).context("no response")?;
                if n == 0 {
                    break;
                }
                response.extend_from_slice(&buf[..n]);
            }
            let line = String::from_utf8_lossy(&response);
            let status: u16 = line
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .with_context(|| "not an HTTP response".to_string())?;
            if (200..300).contains(&status) {
                Ok(())
            } else {
                anyhow::bail!("the receiver answered {status}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_failed_delivery_waits_longer_each_time_and_an_hour_at_most() {
        let delays: Vec<u64> = (0..=9).map(super::retry_delay_secs).collect();
        assert_eq!(delays, [30, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(super::retry_delay_secs(u32::MAX), 3600);
    }

    use super::hmac_sha256_hex;

    #[test]
    fn the_signature_is_hmac_sha256_as_rfc_4231_gives_it() {
        let vectors: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, expected) in vectors {
            assert_eq!(hmac_sha256_hex(key, data), expected);
        }
    }
}
