//! Steps put in the order they can run: phases, then each dialect's rules.

use crate::hash::{Map as HashMap, Set as HashSet};
use std::rc::Rc;

use crate::dialect::Dialect;
use crate::model::*;

use super::op::*;

/// Puts steps in execution order: the phases, the dialect's own rules, and inside a phase the
/// order the steps came in (stable). Used for a plan and for its undo alike.
pub(crate) fn order(steps: &mut Vec<Step>, dialect: Dialect) {
    for s in steps.iter_mut() {
        s.phase = s.op.phase();
    }
    mark_replacements(steps, dialect);
    if dialect == Dialect::MySql {
        mysql_order(steps);
    }
    // By phase, and inside a phase a column's type changes before its other attributes: the type
    // step brings the default that fits the new type, so a default is never set while the old
    // type is in place. One stable sort: otherwise the order the steps came in.
    crate::sort::by_key(steps, |s| match &s.op {
        Op::AlterColumn {
            change: ColumnChange::Type,
            ..
        } => s.phase as u32 * 2,
        _ => s.phase as u32 * 2 + 1,
    });
    if dialect == Dialect::Postgres {
        identity_around_nullability(steps);
    }
}

/// How a default change touches a PostgreSQL identity: `Some(true)` when it makes the column an
/// identity column, `Some(false)` when it makes it a plain one, `None` when neither (a `serial`
/// is a sequence default, not an identity, but a `serial` target is made as identity by default).
pub(crate) fn identity_change(states: &ColumnStates) -> Option<bool> {
    let was = matches!(
        states.from.identity,
        Some(Identity::Always | Identity::ByDefault)
    );
    let will = states.to.identity.is_some();
    (was != will).then_some(will)
}

/// PostgreSQL refuses `DROP NOT NULL` on an identity column (`column … is an identity column`)
/// and `ADD … AS IDENTITY` on a nullable one (`column … must be declared NOT NULL before identity
/// can be added`): a column's identity goes before its nullability changes and comes after
/// them, whatever order the report gives the two diffs in. Undoing one is doing the other, so
/// the undo follows the same rule. Only the identity step moves, next to the nullability step
/// of its column; everything else keeps its place.
pub(crate) fn identity_around_nullability(steps: &mut [Step]) {
    // The steps that matter: nullability changes and identity changes. Most plans have no
    // identity change at all.
    let relevant = |s: &Step| match &s.op {
        Op::AlterColumn {
            change: ColumnChange::Nullability,
            ..
        } => Some(None),
        Op::AlterColumn {
            change: ColumnChange::Default,
            states,
            ..
        } => identity_change(states).map(Some),
        _ => None,
    };
    if !steps.iter().any(|s| matches!(relevant(s), Some(Some(_)))) {
        return;
    }
    // Their positions, grouped by column (a NUL parts the names, which never hold one) in the
    // order they come in: the shared sorts, not a map of columns.
    let mut at: Vec<(usize, Option<bool>)> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for (p, s) in steps.iter().enumerate() {
        if let (Some(adds), Op::AlterColumn { table, column, .. }) = (relevant(s), &s.op) {
            at.push((p, adds));
            keys.push(format!(
                "{}\0{}\0{}",
                table.schema.as_deref().unwrap_or(""),
                table.name,
                column.as_str()
            ));
        }
    }
    let by_column = crate::sort::positions_by_text(keys.len(), &|i| keys[i].as_bytes());
    // Where each step goes: position p is 3p + 1; an identity step that must move takes the
    // slot right before (3n) or right after (3n + 2) the first nullability step n of its column.
    let mut slot: Vec<u32> = (0..steps.len())
        .map(|p| crate::sort::index_key(p * 3 + 1))
        .collect();
    let mut g = 0;
    while g < by_column.len() {
        let end = (g..by_column.len())
            .find(|&e| keys[by_column[e]] != keys[by_column[g]])
            .unwrap_or(by_column.len());
        let group = &by_column[g..end];
        if let Some(n) = group.iter().map(|&i| at[i]).find(|a| a.1.is_none()) {
            let n = n.0;
            for &(p, adds) in group.iter().map(|&i| &at[i]) {
                match adds {
                    Some(false) if p > n => slot[p] = crate::sort::index_key(n * 3),
                    Some(true) if p < n => slot[p] = crate::sort::index_key(n * 3 + 2),
                    _ => {}
                }
            }
        }
        g = end;
    }
    // `by_key` takes the keys in the order of the steps.
    let mut next = slot.into_iter();
    crate::sort::by_key(steps, |_| next.next().expect("a slot for each step"));
}

/// An index, unique constraint or primary key dropped and added again under the same name (a
/// changed definition, or another kind of object taking the name over): the drop is told what
/// the new one is, so that a second run, finding it already there, does not drop it again (which
/// would fail once a foreign key or a constraint depends on it). A primary key takes a name over
/// only on PostgreSQL: MySQL's is always `PRIMARY`.
pub(crate) fn mark_replacements(steps: &mut [Step], dialect: Dialect) {
    let drops = |s: &Step| {
        matches!(
            s.op,
            Op::DropIndex { .. } | Op::DropUnique { .. } | Op::DropPrimaryKey { .. }
        )
    };
    if !steps.iter().any(drops) {
        return;
    }
    // Looked up by borrowed names first; the steps are changed once the lookups are done.
    type Added<'a> = (&'a [Name], bool, ReplacementKind);
    let mut added: HashMap<(&QualifiedName, &str), Added> = HashMap::default();
    let mut added_pk: HashMap<&QualifiedName, (&Option<Name>, &[Name])> = HashMap::default();
    for s in steps.iter() {
        match &s.op {
            Op::CreateIndex { table, index, .. } => {
                added.insert(
                    (table, &index.name),
                    (&index.columns, index.unique, ReplacementKind::Index),
                );
            }
            Op::AddUnique { table, unique } => {
                added.insert(
                    (table, &unique.name),
                    (&unique.columns, true, ReplacementKind::Unique),
                );
            }
            Op::AddPrimaryKey { table, pk } => {
                added_pk.insert(table, (&pk.name, &pk.columns));
                if let (Some(name), Dialect::Postgres) = (&pk.name, dialect) {
                    added.insert(
                        (table, name),
                        (&pk.columns, true, ReplacementKind::PrimaryKey),
                    );
                }
            }
            _ => {}
        }
    }
    let replacement = |&(columns, unique, kind): &Added| Replacement {
        columns: columns.to_vec(),
        unique,
        kind,
    };
    let found: Vec<Option<Replacement>> = steps
        .iter()
        .map(|s| match &s.op {
            Op::DropIndex { table, index, .. } => {
                added.get(&(table, index.name.as_str())).map(replacement)
            }
            Op::DropUnique { table, unique, .. } => {
                added.get(&(table, unique.name.as_str())).map(replacement)
            }
            // The same key only when it keeps its name (a renamed key is dropped and added); a
            // named key may also give its name to an index or a unique constraint.
            Op::DropPrimaryKey { table, pk, .. } => match (&pk.name, dialect) {
                (Some(name), Dialect::Postgres) => {
                    added.get(&(table, name.as_str())).map(replacement)
                }
                _ => added_pk
                    .get(table)
                    .filter(|(name, _)| **name == pk.name)
                    .map(|&(_, columns)| {
                        replacement(&(columns, true, ReplacementKind::PrimaryKey))
                    }),
            },
            _ => None,
        })
        .collect();
    for (s, found) in steps.iter_mut().zip(found) {
        match &mut s.op {
            Op::DropIndex { replaced_by, .. }
            | Op::DropUnique { replaced_by, .. }
            | Op::DropPrimaryKey { replaced_by, .. } => {
                s.rewritten |= found.is_some() || replaced_by.is_some();
                *replaced_by = found;
            }
            _ => {}
        }
    }
}

/// MySQL's own rules of order, on top of the phases:
/// - a table must keep at least one column: drop columns after adding them;
/// - an AUTO_INCREMENT column must be a key: a new one, or one made AUTO_INCREMENT, gets the
///   primary key this plan adds in the same statement, a primary key that is replaced is replaced
///   in one statement, and one that is only dropped takes AUTO_INCREMENT off its columns in the
///   statement that drops it (and is dropped first, like any key: a column of a primary key
///   cannot become nullable);
/// - an index a foreign key uses cannot be dropped until another one can serve it: indexes that
///   are not re-created under the same name are dropped after the new ones exist.
pub(crate) fn mysql_order(steps: &mut Vec<Step>) {
    // Primary keys replaced by one diff become one step.
    let mut i = 0;
    while i < steps.len() {
        if let Op::DropPrimaryKey { table, pk: old, .. } = &steps[i].op {
            let (table, old, index) = (table.clone(), old.clone(), steps[i].diff_index);
            if let Some(j) = steps.iter().position(|s| {
                s.diff_index == index
                    && matches!(&s.op, Op::AddPrimaryKey { table: t, .. } if *t == table)
            }) {
                let Op::AddPrimaryKey { pk: new, .. } = steps[j].op.clone() else {
                    unreachable!()
                };
                steps[j].op = Op::ReplacePrimaryKey { table, old, new };
                steps[j].phase = Phase::AddConstraint;
                steps[j].rewritten = true;
                steps.remove(i);
                continue;
            }
        }
        i += 1;
    }
    let recreated: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::CreateIndex { table, index, .. } => Some((table.clone(), index.name.clone())),
            Op::AddUnique { table, unique } => Some((table.clone(), unique.name.clone())),
            _ => None,
        })
        .collect();
    let new_keys: Vec<(QualifiedName, PrimaryKey, bool)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::AddPrimaryKey { table, pk } => Some((table.clone(), pk.clone(), false)),
            Op::ReplacePrimaryKey { table, new, .. } => Some((table.clone(), new.clone(), true)),
            _ => None,
        })
        .collect();
    // AUTO_INCREMENT taken off a column (or the column dropped): the column as it is, without
    // AUTO_INCREMENT (`None`: its type is not known, so it cannot be restated).
    // Few: a list (a map of its own would add to the module's size).
    let mut auto_off: Vec<(&QualifiedName, &Name, Option<PartialColumn>)> = Vec::new();
    for s in steps.iter() {
        let (table, name, from) = match &s.op {
            Op::AlterColumn {
                table,
                column,
                states,
                ..
            } if is_auto(&states.from) && !is_auto(&states.to) => {
                (table, column, states.from.clone())
            }
            Op::DropColumn { table, column }
                if column.auto_increment || column.identity.is_some() =>
            {
                let from = PartialColumn {
                    ty: Some(column.ty.clone()),
                    nullable: Some(column.nullable),
                    default: Some(column.default.clone()),
                    identity: None,
                    auto_increment: false,
                    comment: column.comment.clone(),
                };
                (table, &column.name, from)
            }
            _ => continue,
        };
        let known = from.ty.is_some();
        let without_auto = PartialColumn {
            // A key column is NOT NULL.
            nullable: Some(false),
            identity: None,
            auto_increment: false,
            ..from
        };
        if !auto_off.iter().any(|(t, c, _)| *t == table && *c == name) {
            auto_off.push((table, name, known.then_some(without_auto)));
        }
    }
    let auto_off: Vec<(QualifiedName, Name, Option<PartialColumn>)> = auto_off
        .into_iter()
        .map(|(t, c, from)| (t.clone(), c.clone(), from))
        .collect();
    let nulled: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::AlterColumn {
                table,
                column,
                states,
                ..
            } if states.to.nullable == Some(true) => Some((table.clone(), column.clone())),
            _ => None,
        })
        .collect();
    let dropped: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::DropColumn { table, column } => Some((table.clone(), column.name.clone())),
            _ => None,
        })
        .collect();
    let added: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::AddColumn { table, column, .. } => Some((table.clone(), column.name.clone())),
            _ => None,
        })
        .collect();
    for s in steps.iter_mut() {
        match &mut s.op {
            // Replaced before the column changes when a column that leaves the key is dropped
            // or becomes nullable (which MySQL refuses while the key holds it).
            Op::ReplacePrimaryKey { table, old, new }
                if (old
                    .columns
                    .iter()
                    .any(|c| dropped.contains(&(table.clone(), c.clone())))
                    && !new
                        .columns
                        .iter()
                        .any(|c| added.contains(&(table.clone(), c.clone()))))
                    || old.columns.iter().any(|c| {
                        !new.columns.contains(c) && nulled.contains(&(table.clone(), c.clone()))
                    }) =>
            {
                s.phase = Phase::ReplaceKeyBeforeDrop
            }
            Op::DropColumn { .. } => s.phase = Phase::DropColumnAfterAdd,
            // Dropped first, as in every plan (a column of the key may become nullable after,
            // which MySQL refuses while the key holds it), taking AUTO_INCREMENT off its columns
            // that lose it in the same statement; when such a column cannot be restated, only
            // once the column changes are done.
            Op::DropPrimaryKey {
                table,
                pk,
                auto_off: off,
                ..
            } => {
                for c in &pk.columns {
                    match auto_off
                        .iter()
                        .find(|(t, n, _)| t == table && n == c)
                        .map(|(_, _, from)| from)
                    {
                        Some(Some(from)) => {
                            off.push((c.clone(), from.clone()));
                            s.rewritten = true;
                        }
                        Some(None) => s.phase = Phase::DropPrimaryKeyAfterAlter,
                        None => {}
                    }
                }
                if s.phase == Phase::DropPrimaryKeyAfterAlter {
                    off.clear();
                }
            }
            Op::AlterColumn {
                table,
                column,
                states,
                with_key,
                ..
            } if is_auto(&states.to) && !is_auto(&states.from) => {
                if let Some((_, pk, _)) = new_keys
                    .iter()
                    .find(|(t, pk, _)| t == table && pk.columns.contains(column))
                {
                    *with_key = Some(pk.clone());
                    s.rewritten = true;
                }
            }
            Op::DropIndex { table, index, .. }
                if !recreated.contains(&(table.clone(), index.name.clone())) =>
            {
                s.phase = Phase::DropIndexAfterCreate
            }
            Op::DropUnique { table, unique, .. }
                if !recreated.contains(&(table.clone(), unique.name.clone())) =>
            {
                s.phase = Phase::DropIndexAfterCreate
            }
            Op::AddColumn {
                table,
                column,
                with_primary_key,
            } if column.auto_increment || column.identity.is_some() => {
                if let Some((_, pk, replaces)) = new_keys
                    .iter()
                    .find(|(t, pk, _)| t == table && pk.columns.contains(&column.name))
                {
                    *with_primary_key = Some((pk.clone(), *replaces));
                    s.rewritten = true;
                }
            }
            _ => {}
        }
    }
    set_aside_foreign_keys(steps);
}

/// MySQL refuses to change the type of a column that a foreign key holds or references, even
/// with `FOREIGN_KEY_CHECKS=0`, and the report lists only the keys that change. When a plan
/// changes column types, three steps find those keys at run time and keep them (see
/// [`Op::SetAsideForeignKeys`] and the MySQL renderer for the statements): a check before
/// anything changes, the keys set aside before the column changes, restored after them. A plan
/// that has them already (an undo, whose steps are the reverses of a plan's) gets its own
/// columns; one that changes no type has none.
pub(crate) fn set_aside_foreign_keys(steps: &mut Vec<Step>) {
    let mut retyped: Vec<Retyped> = Vec::new();
    let mut seen: HashSet<(QualifiedName, Name)> = HashSet::default();
    let mut first: Option<(Rc<str>, usize)> = None;
    let written = crate::types::mysql_foreign_key_type;
    for s in steps.iter() {
        if let Op::AlterColumn {
            table,
            column,
            change: ColumnChange::Type,
            states,
            ..
        } = &s.op
        {
            let Some(to) = &states.to.ty else { continue };
            if states.from.ty.as_ref() == Some(to) || !seen.insert((table.clone(), column.clone()))
            {
                continue;
            }
            retyped.push(Retyped {
                table: table.clone(),
                column: column.clone(),
                to: written(to),
                from: states.from.ty.as_ref().map(written),
            });
            first.get_or_insert((s.diff_id.clone(), s.diff_index));
        }
    }
    let Some((diff_id, diff_index)) = first else {
        steps.retain(|s| !matches!(s.op, Op::SetAsideForeignKeys { .. }));
        return;
    };
    // The names each column has before the plan's renames (walked back, last rename first).
    let renames: Vec<&Op> = steps
        .iter()
        .rev()
        .map(|s| &s.op)
        .filter(|op| matches!(op, Op::RenameColumn { .. } | Op::RenameTable { .. }))
        .collect();
    let mut before_renames = Vec::new();
    for r in retyped.iter().filter(|_| !renames.is_empty()) {
        let mut old = r.clone();
        for op in &renames {
            match op {
                Op::RenameColumn { table, from, to }
                    if *table == old.table && *to == old.column =>
                {
                    old.column = from.clone()
                }
                Op::RenameTable { from, to } if *to == old.table => old.table = from.clone(),
                _ => {}
            }
        }
        if old != *r {
            before_renames.push(old);
        }
    }
    let mut tables: Vec<QualifiedName> = Vec::new();
    let mut table_seen: crate::hash::Set<QualifiedName> = Default::default();
    for r in &retyped {
        if table_seen.insert(r.table.clone()) {
            tables.push(r.table.clone());
        }
    }
    let dropped = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::DropForeignKey { table, fk } => Some((table.clone(), fk.name.clone())),
            _ => None,
        })
        .collect();
    let columns = Rc::new(AsideColumns {
        retyped,
        before_renames,
        tables,
        dropped,
    });
    let mut found = false;
    for s in steps.iter_mut() {
        if let Op::SetAsideForeignKeys { columns: c, .. } = &mut s.op {
            found = true;
            if **c != *columns {
                *c = columns.clone();
                s.rewritten = true;
            }
        }
    }
    if !found {
        let seq = steps.len();
        for (i, stage) in [Aside::Check, Aside::Detach, Aside::Restore]
            .into_iter()
            .enumerate()
        {
            let op = Op::SetAsideForeignKeys {
                stage,
                columns: columns.clone(),
            };
            steps.push(Step {
                diff_id: diff_id.clone(),
                diff_index,
                phase: op.phase(),
                op,
                seq: seq + i,
                rewritten: false,
            });
        }
    }
}

/// Whether a column is AUTO_INCREMENT (or an identity, which MySQL writes so).
pub(crate) fn is_auto(c: &PartialColumn) -> bool {
    c.auto_increment || c.identity.is_some()
}
