//! Shared code of the fuzz targets: the invariants every output must satisfy, the structured
//! report generator, and the differential check of the report reader against serde_json.

pub mod differential;
pub mod invariants;
pub mod structured;
