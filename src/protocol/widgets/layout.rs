//! Layout components (spec §13.1).

use super::tagged::UnionMember;
use super::values::{
    Alignment, Border, Color, Direction, FlexWrap, Justification, Radius, Scalar, Spacing,
};
use super::{ActionConfig, WidgetComponent};

box_component! {
    /// A flex container with a direction (named `BoxWidget` so it does not shadow `std`'s `Box`).
    pub struct BoxWidget optional {
        direction: Direction,
    }
}

box_component! {
    /// A horizontal flex container.
    pub struct Row optional {}
}

box_component! {
    /// A vertical flex container.
    pub struct Col optional {}
}

box_component! {
    /// Collects its named controls into the payload of `on_submit_action` (spec §10.2).
    pub struct Form optional {
        on_submit_action: ActionConfig,
        direction: Direction,
    }
}

component! {
    /// A clickable row; only directly inside a `ListView`.
    #[derive(Default)]
    pub struct ListViewItem {
        children: Vec<WidgetComponent>,
    }
    optional {
        on_click_action: ActionConfig,
        gap: Scalar,
        align: Alignment,
    }
}

component! {
    /// Pushes its siblings apart.
    #[derive(Default)]
    pub struct Spacer {}
    optional {
        min_size: Scalar,
    }
}

component! {
    #[derive(Default)]
    pub struct Divider {}
    optional {
        color: Color,
        size: Scalar,
        spacing: Scalar,
        flush: bool,
    }
}

component! {
    /// Animates layout changes of its single child.
    pub struct Transition {
        children: Box<WidgetComponent>,
    }
    optional {}
}

impl Transition {
    pub fn new(child: impl Into<WidgetComponent>) -> Self {
        Self {
            id: None,
            key: None,
            children: Box::new(child.into()),
        }
    }
}

impl UnionMember for ListViewItem {
    type Union = WidgetComponent;
    type Tagged<'a> = super::table::TaggedNode<'a>;
    const TAG: &'static str = "ListViewItem";

    fn tagged(&self) -> Self::Tagged<'_> {
        super::table::TaggedNode::ListViewItem(self)
    }

    fn from_union(union: WidgetComponent) -> Result<Self, &'static str> {
        match union {
            WidgetComponent::ListViewItem(item) => Ok(item),
            other => Err(other.type_name()),
        }
    }
}
