//! From diffs to an ordered plan of steps.
//!
//! Each diff becomes one or more [`Op`]s. The order of execution is the order of [`Phase`]:
//! steps are sorted by phase, and inside a phase they keep the order of the diffs in the report
//! (which is itself fixed), so the same report always gives the same plan. Foreign keys are
//! dropped first and added last, so cycles and self-references need no special care; tables are
//! created without their foreign keys.

mod build;
mod op;
mod order;
mod payload;
mod reverse;
mod sqlite;
#[cfg(test)]
mod tests;

pub use build::{build, build_from, names_enum_values, Diffs, Planner};
pub use op::*;
pub use reverse::{Inverse, Reverse, Undo, UndoStep};
