//! Shared code of the fuzz targets: the invariants every output must satisfy, and the
//! structured report generator.

pub mod invariants;
pub mod structured;
