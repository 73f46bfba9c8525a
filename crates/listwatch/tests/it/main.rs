//! Integration tests of the listwatch command.
