//! The demo store: the seed's 20 key evaluations, and a generator for benchmark scale.

pub mod build;
pub mod scale;
pub mod seed;
