//! What a PostgreSQL store keeps for the binary so that every server and command on it shares
//! it: the audit log of decisions, and the sync state (the download validators and outcome of
//! each source). A redb store keeps neither: they are files beside it, the binary's own.

use crate::error::{Error, Result};
use crate::store::Store;

/// One audit record: its id, when (RFC 3339), the API key's name, and the record itself as JSON
/// text, kept as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Unique.
    pub id: String,
    /// When, RFC 3339 in UTC (compared as text).
    pub at: String,
    /// The API key's name.
    pub key: String,
    /// The record's JSON.
    pub body: String,
}

/// Appends audit records from one thread ([`Store::audit_appender`]).
pub struct AuditAppender {
    #[cfg(feature = "postgres")]
    pg: crate::postgres::PgAppender,
}

impl AuditAppender {
    /// Appends records in one transaction: all are stored, or none. After a failure, the next
    /// call connects again.
    pub fn append(&mut self, entries: &[AuditEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        #[cfg(feature = "postgres")]
        return self.pg.append(entries);
        #[cfg(not(feature = "postgres"))]
        Err(no_shared_log())
    }
}

fn no_shared_log() -> Error {
    Error::Unsupported("a redb store keeps no audit log; the log is a file beside it".to_string())
}

impl Store {
    /// Whether the store keeps the audit log itself (PostgreSQL).
    pub fn keeps_audit(&self) -> bool {
        self.engine() == "postgres"
    }

    #[cfg(feature = "postgres")]
    fn shared(&self) -> Result<&crate::postgres::PgStore> {
        self.pg().ok_or_else(no_shared_log)
    }

    /// Appends audit records in one transaction: all are stored, or none.
    pub fn append_audit(&self, entries: &[AuditEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        #[cfg(feature = "postgres")]
        return self.shared()?.append_audit(entries);
        #[cfg(not(feature = "postgres"))]
        Err(no_shared_log())
    }

    /// An appender of audit records for one thread that appends batch after batch (a server's
    /// audit writer): on PostgreSQL it holds a connection of its own, which the calling thread
    /// drives, so that a commit wakes no other thread.
    pub fn audit_appender(&self) -> Result<AuditAppender> {
        #[cfg(feature = "postgres")]
        return Ok(AuditAppender { pg: self.shared()?.appender()? });
        #[cfg(not(feature = "postgres"))]
        Err(no_shared_log())
    }

    /// The audit records' JSON in the order written: those at or after `since` (a time or a day,
    /// compared as text), and of `key`, when given.
    pub fn audit(&self, since: Option<&str>, key: Option<&str>) -> Result<Vec<String>> {
        #[cfg(feature = "postgres")]
        return Ok(self.shared()?.audit_page(since, key, None, usize::MAX)?.unwrap_or_default());
        #[cfg(not(feature = "postgres"))]
        {
            let _ = (since, key);
            Err(no_shared_log())
        }
    }

    /// At most `limit` audit records' JSON in the order written, after the record with id
    /// `after` when given, with the filters of [`Store::audit`]; `None` when `after` is not in
    /// the log.
    pub fn audit_page(
        &self,
        since: Option<&str>,
        key: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Option<Vec<String>>> {
        #[cfg(feature = "postgres")]
        return self.shared()?.audit_page(since, key, after, limit);
        #[cfg(not(feature = "postgres"))]
        {
            let _ = (since, key, after, limit);
            Err(no_shared_log())
        }
    }

    /// The sync state (the binary's JSON, kept as given), if one was written.
    pub fn sync_state(&self) -> Result<Option<String>> {
        #[cfg(feature = "postgres")]
        return self.shared()?.sync_state();
        #[cfg(not(feature = "postgres"))]
        Err(no_shared_log())
    }

    /// Replaces the sync state.
    pub fn put_sync_state(&self, body: &str) -> Result<()> {
        #[cfg(feature = "postgres")]
        return self.shared()?.put_sync_state(body);
        #[cfg(not(feature = "postgres"))]
        {
            let _ = body;
            Err(no_shared_log())
        }
    }

    /// One audit record's JSON.
    pub fn audit_record(&self, id: &str) -> Result<Option<String>> {
        #[cfg(feature = "postgres")]
        return self.shared()?.audit_record(id);
        #[cfg(not(feature = "postgres"))]
        {
            let _ = id;
            Err(no_shared_log())
        }
    }

    /// Removes the audit records written before `before` (a time or a day, compared as text),
    /// returning how many.
    pub fn prune_audit(&self, before: &str) -> Result<u64> {
        #[cfg(feature = "postgres")]
        return self.shared()?.prune_audit(before);
        #[cfg(not(feature = "postgres"))]
        {
            let _ = before;
            Err(no_shared_log())
        }
    }
}
