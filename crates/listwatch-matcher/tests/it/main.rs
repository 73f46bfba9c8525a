//! The one integration-test binary of the crate (see STYLE.md, "Test layout").

mod cases;
mod conformance;
mod data;
mod limits;
mod recall;
