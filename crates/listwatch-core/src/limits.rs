//! The bounds on one query, whichever front end reads it (the command line's README and the
//! server's documentation both list them).

/// The longest query name, in characters after trimming. Longer is an error for that query.
/// The longest name on the real lists has about 350 characters.
pub const MAX_NAME_CHARS: usize = 1_000;

/// The most identifiers one query may carry.
pub const MAX_IDENTIFIERS: usize = 32;

/// The most countries one query may carry.
pub const MAX_COUNTRIES: usize = 32;

/// The longest identifier value, in characters.
pub const MAX_IDENTIFIER_CHARS: usize = 256;
