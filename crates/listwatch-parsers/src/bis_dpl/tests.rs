//! Unit tests of the bis_dpl parser.

use super::*;
