//! Small builders shared by the migrations.

use sea_orm_migration::prelude::*;

/// A foreign key from `from_table.from_col` to `to_table.id`; rows that are referred to cannot be deleted.
pub fn fk(from_table: &'static str, from_col: &'static str, to_table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to_table, "id").on_delete(ForeignKeyAction::Restrict).to_owned()
}

/// An index over `cols` of `table`.
pub fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}
