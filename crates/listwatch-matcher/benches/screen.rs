//! Screening benchmark (placeholder while the engine is built).

fn main() {}
