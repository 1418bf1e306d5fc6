//! `Table`, `Table.Row`, `Table.Cell`: web component only (no SDK model), so the prop types follow
//! the web component's declarations; the alignment and column-size tokens are not enumerated by
//! the spec and stay strings.

use serde::Serialize;

use super::layout::ListViewItem;
use super::tagged::{self, UnionMember};
use super::values::{Scalar, Spacing};
use super::WidgetComponent;

component! {
    #[derive(Default)]
    pub struct Table {
        #[serde(default, with = "tagged::list")]
        children: Vec<TableRow>,
    }
    optional {}
}

component! {
    #[derive(Default)]
    pub struct TableRow {
        #[serde(default, with = "tagged::list")]
        children: Vec<TableCell>,
    }
    optional {
        /// A header row.
        header: bool,
    }
}

component! {
    #[derive(Default)]
    pub struct TableCell {
        #[serde(default)]
        children: Vec<WidgetComponent>,
    }
    optional {
        width: Scalar,
        padding: Spacing,
        col_span: u32,
        row_span: u32,
        align: String,
        v_align: String,
        col_size: String,
    }
}

/// Borrowed, tagged view of the components that appear in typed child lists.
#[derive(Serialize)]
#[serde(tag = "type")]
pub(crate) enum TaggedNode<'a> {
    ListViewItem(&'a ListViewItem),
    #[serde(rename = "Table.Row")]
    TableRow(&'a TableRow),
    #[serde(rename = "Table.Cell")]
    TableCell(&'a TableCell),
}

impl UnionMember for TableRow {
    type Union = WidgetComponent;
    type Tagged<'a> = TaggedNode<'a>;
    const TAG: &'static str = "Table.Row";

    fn tagged(&self) -> TaggedNode<'_> {
        TaggedNode::TableRow(self)
    }

    fn from_union(union: WidgetComponent) -> Result<Self, &'static str> {
        match union {
            WidgetComponent::TableRow(row) => Ok(row),
            other => Err(other.type_name()),
        }
    }
}

impl UnionMember for TableCell {
    type Union = WidgetComponent;
    type Tagged<'a> = TaggedNode<'a>;
    const TAG: &'static str = "Table.Cell";

    fn tagged(&self) -> TaggedNode<'_> {
        TaggedNode::TableCell(self)
    }

    fn from_union(union: WidgetComponent) -> Result<Self, &'static str> {
        match union {
            WidgetComponent::TableCell(cell) => Ok(cell),
            other => Err(other.type_name()),
        }
    }
}
