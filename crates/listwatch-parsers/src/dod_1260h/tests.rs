//! Unit tests of the dod_1260h parser.

use super::*;
