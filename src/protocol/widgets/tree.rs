//! Walking a widget tree: validation, and the edits streaming updates make (append text to a
//! component, replace a component by id).

use std::collections::HashSet;
use std::fmt;

use super::super::updates::UpdateError;
use super::{
    IconName, ListViewItem, TableCell, TableRow, WidgetComponent, WidgetRoot, WidgetStatus,
};

/// A node of a tree: a component, or a member of a typed child list.
#[derive(Debug, Clone, Copy)]
pub enum WidgetNode<'a> {
    Component(&'a WidgetComponent),
    /// A child of a `ListView`.
    ListViewItem(&'a ListViewItem),
    /// A child of a `Table`.
    TableRow(&'a TableRow),
    /// A child of a `Table.Row`.
    TableCell(&'a TableCell),
}

impl<'a> WidgetNode<'a> {
    pub fn id(self) -> Option<&'a str> {
        match self {
            Self::Component(component) => component.id(),
            Self::ListViewItem(item) => item.id.as_deref(),
            Self::TableRow(row) => row.id.as_deref(),
            Self::TableCell(cell) => cell.id.as_deref(),
        }
    }

    fn children(self) -> Children<'a> {
        use WidgetComponent as C;
        match self {
            Self::Component(component) => match component {
                C::Box(c) => Children::Components(&c.children),
                C::Row(c) => Children::Components(&c.children),
                C::Col(c) => Children::Components(&c.children),
                C::Form(c) => Children::Components(&c.children),
                C::ListViewItem(c) => Children::Components(&c.children),
                C::TableCell(c) => Children::Components(&c.children),
                C::Transition(c) => Children::Components(std::slice::from_ref(&*c.children)),
                C::Table(c) => Children::Rows(&c.children),
                C::TableRow(c) => Children::Cells(&c.children),
                _ => Children::Components(&[]),
            },
            Self::ListViewItem(item) => Children::Components(&item.children),
            Self::TableRow(row) => Children::Cells(&row.children),
            Self::TableCell(cell) => Children::Components(&cell.children),
        }
    }
}

enum Children<'a> {
    Components(&'a [WidgetComponent]),
    Items(&'a [ListViewItem]),
    Rows(&'a [TableRow]),
    Cells(&'a [TableCell]),
}

impl<'a> Children<'a> {
    fn nodes(self) -> Vec<WidgetNode<'a>> {
        match self {
            Self::Components(list) => list.iter().map(WidgetNode::Component).collect(),
            Self::Items(list) => list.iter().map(WidgetNode::ListViewItem).collect(),
            Self::Rows(list) => list.iter().map(WidgetNode::TableRow).collect(),
            Self::Cells(list) => list.iter().map(WidgetNode::TableCell).collect(),
        }
    }
}

/// Something wrong with a widget tree; `path` is like `children[1].children[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetIssue {
    pub path: String,
    pub message: String,
}

impl fmt::Display for WidgetIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl WidgetRoot {
    /// The first button action of type `kind` in the tree (e.g. the slip's Lock It In).
    pub fn button_action(&self, kind: &str) -> Option<&super::super::ActionConfig> {
        let mut found = None;
        self.walk(|node, _| {
            if found.is_some() {
                return;
            }
            if let WidgetNode::Component(WidgetComponent::Button(button)) = node {
                found = button.on_click_action.as_ref().filter(|a| a.kind == kind);
            }
        });
        found
    }

    /// Visits every node below the root, depth first, with its path.
    pub fn walk<'a>(&'a self, mut visit: impl FnMut(WidgetNode<'a>, &str)) {
        let children = match self {
            Self::Card(card) => Children::Components(&card.children),
            Self::ListView(list) => Children::Items(&list.children),
            Self::Basic(basic) => Children::Components(&basic.children),
        };
        walk_children(children, "", &mut visit);
    }

    /// What the types cannot enforce: placement of `ListViewItem` / `Table.Row` / `Table.Cell`,
    /// known icon names, a status with either an icon or a favicon, and unique component ids
    /// (streaming updates address components by id).
    pub fn validate(&self) -> Result<(), Vec<WidgetIssue>> {
        let mut issues = Vec::new();
        let mut issue = |path: &str, message: String| {
            let path = if path.is_empty() { "root" } else { path };
            issues.push(WidgetIssue {
                path: path.to_owned(),
                message,
            });
        };
        let (root_id, status) = match self {
            Self::Card(card) => (&card.id, &card.status),
            Self::ListView(list) => (&list.id, &list.status),
            Self::Basic(basic) => (&basic.id, &None),
        };
        if let Some(status) = status {
            check_status(status, &mut issue);
        }
        let mut ids: HashSet<&str> = root_id.iter().map(String::as_str).collect();
        self.walk(|node, path| {
            if let Some(id) = node.id() {
                if !ids.insert(id) {
                    issue(path, format!("duplicate component id `{id}`"));
                }
            }
            let WidgetNode::Component(component) = node else {
                return;
            };
            let misplaced = match component {
                WidgetComponent::ListViewItem(_) => Some("directly inside a ListView"),
                WidgetComponent::TableRow(_) => Some("inside a Table"),
                WidgetComponent::TableCell(_) => Some("inside a Table.Row"),
                _ => None,
            };
            if let Some(place) = misplaced {
                issue(
                    path,
                    format!("{} is only allowed {place}", component.type_name()),
                );
            }
            let icons = match component {
                WidgetComponent::Icon(icon) => vec![&icon.name],
                WidgetComponent::Button(button) => {
                    button.icon_start.iter().chain(&button.icon_end).collect()
                }
                _ => Vec::new(),
            };
            for icon in icons {
                check_icon(icon, path, &mut issue);
            }
        });
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    /// Appends `delta` to the `value` of the `Text` / `Markdown` with id `component_id`.
    pub fn append_text(&mut self, component_id: &str, delta: &str) -> Result<(), UpdateError> {
        match self.node_mut(component_id) {
            Some(NodeMut::Component(WidgetComponent::Text(text))) => text.value.push_str(delta),
            Some(NodeMut::Component(WidgetComponent::Markdown(md))) => md.value.push_str(delta),
            Some(_) => return Err(UpdateError::NotStreamingText(component_id.to_owned())),
            None => return Err(UpdateError::ComponentNotFound(component_id.to_owned())),
        }
        Ok(())
    }

    /// Replaces the component with id `component_id` (a member of a typed list only by its own
    /// kind, e.g. a `ListViewItem` by a `ListViewItem`).
    pub fn replace_component(
        &mut self,
        component_id: &str,
        component: WidgetComponent,
    ) -> Result<(), UpdateError> {
        let Some(slot) = self.node_mut(component_id) else {
            return Err(UpdateError::ComponentNotFound(component_id.to_owned()));
        };
        match (slot, component) {
            (NodeMut::Component(slot), component) => *slot = component,
            (NodeMut::ListViewItem(slot), WidgetComponent::ListViewItem(item)) => *slot = item,
            (NodeMut::TableRow(slot), WidgetComponent::TableRow(row)) => *slot = row,
            (NodeMut::TableCell(slot), WidgetComponent::TableCell(cell)) => *slot = cell,
            (_, other) => {
                return Err(UpdateError::ComponentTypeMismatch {
                    component_id: component_id.to_owned(),
                    found: other.type_name(),
                })
            }
        }
        Ok(())
    }

    fn node_mut(&mut self, id: &str) -> Option<NodeMut<'_>> {
        match self {
            Self::Card(card) => find_in_components(&mut card.children, id),
            Self::Basic(basic) => find_in_components(&mut basic.children, id),
            Self::ListView(list) => list
                .children
                .iter_mut()
                .find_map(|item| find_mut(NodeMut::ListViewItem(item), id)),
        }
    }
}

fn walk_children<'a>(
    children: Children<'a>,
    path: &str,
    visit: &mut impl FnMut(WidgetNode<'a>, &str),
) {
    for (index, node) in children.nodes().into_iter().enumerate() {
        let path = if path.is_empty() {
            format!("children[{index}]")
        } else {
            format!("{path}.children[{index}]")
        };
        visit(node, &path);
        walk_children(node.children(), &path, visit);
    }
}

fn check_status(status: &WidgetStatus, issue: &mut impl FnMut(&str, String)) {
    if status.icon.is_some() && status.favicon.is_some() {
        issue(
            "status",
            "a status has an icon or a favicon, not both".to_owned(),
        );
    }
    if let Some(icon) = &status.icon {
        check_icon(icon, "status", issue);
    }
}

fn check_icon(icon: &IconName, path: &str, issue: &mut impl FnMut(&str, String)) {
    if !icon.is_known() {
        issue(path, format!("unknown icon `{icon}`"));
    }
}

enum NodeMut<'a> {
    Component(&'a mut WidgetComponent),
    ListViewItem(&'a mut ListViewItem),
    TableRow(&'a mut TableRow),
    TableCell(&'a mut TableCell),
}

fn find_mut<'a>(node: NodeMut<'a>, id: &str) -> Option<NodeMut<'a>> {
    let own_id = match &node {
        NodeMut::Component(component) => component.id(),
        NodeMut::ListViewItem(item) => item.id.as_deref(),
        NodeMut::TableRow(row) => row.id.as_deref(),
        NodeMut::TableCell(cell) => cell.id.as_deref(),
    };
    if own_id == Some(id) {
        return Some(node);
    }
    use WidgetComponent as C;
    match node {
        NodeMut::Component(component) => match component {
            C::Box(c) => find_in_components(&mut c.children, id),
            C::Row(c) => find_in_components(&mut c.children, id),
            C::Col(c) => find_in_components(&mut c.children, id),
            C::Form(c) => find_in_components(&mut c.children, id),
            C::ListViewItem(c) => find_in_components(&mut c.children, id),
            C::TableCell(c) => find_in_components(&mut c.children, id),
            C::Transition(c) => find_mut(NodeMut::Component(&mut c.children), id),
            C::Table(c) => find_in_rows(&mut c.children, id),
            C::TableRow(c) => find_in_cells(&mut c.children, id),
            _ => None,
        },
        NodeMut::ListViewItem(item) => find_in_components(&mut item.children, id),
        NodeMut::TableRow(row) => find_in_cells(&mut row.children, id),
        NodeMut::TableCell(cell) => find_in_components(&mut cell.children, id),
    }
}

fn find_in_components<'a>(list: &'a mut [WidgetComponent], id: &str) -> Option<NodeMut<'a>> {
    list.iter_mut()
        .find_map(|c| find_mut(NodeMut::Component(c), id))
}

fn find_in_rows<'a>(list: &'a mut [TableRow], id: &str) -> Option<NodeMut<'a>> {
    list.iter_mut()
        .find_map(|row| find_mut(NodeMut::TableRow(row), id))
}

fn find_in_cells<'a>(list: &'a mut [TableCell], id: &str) -> Option<NodeMut<'a>> {
    list.iter_mut()
        .find_map(|cell| find_mut(NodeMut::TableCell(cell), id))
}
