//! Unit tests of the us_csl parser.

use super::*;
