//! The widget catalogue (spec §13) as typed Rust.
//!
//! A widget is a tree: a [`WidgetRoot`] (`Card`, `ListView`, `Basic`) whose `children` are
//! [`WidgetComponent`]s. Both are closed tagged enums, so a component the catalogue does not list
//! cannot be built or parsed. Props are camelCase on the wire and snake_case here; every optional
//! prop is an `Option` that is omitted when `None`, so a tree reads back exactly as written.
//! Build with struct literals and `..Default::default()`, then `.into()` the enum.
//!
//! Where a container only admits one component (`ListView` → `ListViewItem`, `Table` →
//! `Table.Row` → `Table.Cell`), its `children` are typed as that struct. [`WidgetRoot::validate`]
//! checks what the types cannot (placement, icon names, unique ids).

use serde::{Deserialize, Serialize};

use super::actions::ActionConfig;
use super::icons::IconName;

/// A component struct: `id` and `key` (common to every component) are added, required props are
/// listed first, and every prop in `optional { }` becomes an omitted-when-`None` `Option`.
macro_rules! component {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$rmeta:meta])* $rfield:ident : $rty:ty ),* $(,)?
        }
        optional {
            $( $(#[$ometa:meta])* $ofield:ident : $oty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// Addresses the component in streaming updates (`component_id`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub id: Option<String>,
            /// A render hint for list identity.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub key: Option<String>,
            $( $(#[$rmeta])* pub $rfield: $rty, )*
            $(
                $(#[$ometa])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $ofield: Option<$oty>,
            )*
        }
    };
}

/// A flex container: optional `children` plus the box props of spec §13.1.
macro_rules! box_component {
    (
        $(#[$meta:meta])*
        pub struct $name:ident optional { $($extra:tt)* }
    ) => {
        component! {
            $(#[$meta])*
            #[derive(Default)]
            pub struct $name {
                #[serde(default)]
                children: Vec<WidgetComponent>,
            }
            optional {
                $($extra)*
                align: Alignment,
                justify: Justification,
                wrap: FlexWrap,
                flex: Scalar,
                gap: Scalar,
                height: Scalar,
                width: Scalar,
                size: Scalar,
                min_height: Scalar,
                min_width: Scalar,
                min_size: Scalar,
                max_height: Scalar,
                max_width: Scalar,
                max_size: Scalar,
                padding: Spacing,
                margin: Spacing,
                border: Border,
                radius: Radius,
                background: Color,
                aspect_ratio: Scalar,
            }
        }
    };
}

mod content;
mod controls;
mod layout;
mod table;
mod tree;
mod values;

pub use content::{
    AreaSeries, Badge, BadgeColor, BadgeVariant, BarSeries, Caption, Chart, ChartRow, CurveType,
    Editable, EditableProps, Icon, Image, ImageFit, ImagePosition, LineSeries, Markdown, Series,
    Text, Title, XAxis, XAxisConfig,
};
pub use controls::{
    Button, ButtonColor, ButtonStyle, Checkbox, DatePicker, Input, InputType, Label, PopoverSide,
    RadioGroup, RadioOption, Select, SelectOption, Textarea,
};
pub use layout::{BoxWidget, Col, Divider, Form, ListViewItem, Row, Spacer, Transition};
pub use table::{Table, TableCell, TableRow};
pub use tree::{WidgetIssue, WidgetNode};
pub use values::{
    Alignment, AutoLimit, Border, BorderEdge, BorderEdges, BorderLine, BorderStyle, ButtonIconSize,
    CardSize, Color, ControlSize, ControlVariant, Direction, FieldVariant, FlexWrap, FontWeight,
    GutterSize, IconSize, Justification, ListLimit, Radius, Scalar, SmallSize, Spacing,
    SpacingSides, TextAlign, TextSize, Theme, TitleSize,
};

use super::tagged;

/// The top of a widget tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum WidgetRoot {
    /// Boxed: a card (footer actions, border, status) is several times larger than the other
    /// roots, and every widget item would pay for it.
    Card(Box<Card>),
    ListView(ListView),
    Basic(Basic),
}

impl WidgetRoot {
    /// The wire `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Card(_) => "Card",
            Self::ListView(_) => "ListView",
            Self::Basic(_) => "Basic",
        }
    }
}

impl From<Card> for WidgetRoot {
    fn from(card: Card) -> Self {
        Self::Card(Box::new(card))
    }
}

impl From<ListView> for WidgetRoot {
    fn from(list: ListView) -> Self {
        Self::ListView(list)
    }
}

impl From<Basic> for WidgetRoot {
    fn from(basic: Basic) -> Self {
        Self::Basic(basic)
    }
}

component! {
    /// A self-contained response block, optionally a form (`as_form` + `confirm`).
    #[derive(Default)]
    pub struct Card {
        children: Vec<WidgetComponent>,
    }
    optional {
        size: CardSize,
        padding: Spacing,
        background: Color,
        /// Web component only (the SDK's strict Card model drops it).
        border: Border,
        status: WidgetStatus,
        /// Collapse the body after the main action completed.
        collapsed: bool,
        /// Confirm/cancel actions receive the card's named field values.
        as_form: bool,
        confirm: CardAction,
        cancel: CardAction,
        theme: Theme,
    }
}

component! {
    /// Clickable rows with "show more".
    #[derive(Default)]
    pub struct ListView {
        #[serde(with = "tagged::list")]
        children: Vec<ListViewItem>,
    }
    optional {
        limit: ListLimit,
        status: WidgetStatus,
        theme: Theme,
    }
}

component! {
    /// A minimal container, mainly for entity previews.
    #[derive(Default)]
    pub struct Basic {
        #[serde(default)]
        children: Vec<WidgetComponent>,
    }
    optional {
        direction: Direction,
        gap: Scalar,
        padding: Spacing,
        align: Alignment,
        justify: Justification,
        theme: Theme,
    }
}

/// A footer button of a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardAction {
    pub label: String,
    pub action: ActionConfig,
}

/// The header line above a card or list: text with an icon, or with a favicon (not both).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WidgetStatus {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<IconName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favicon: Option<String>,
    /// Frame the favicon for contrast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<bool>,
}

/// Any component below a root. Closed: an unknown `type` fails to parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum WidgetComponent {
    Box(BoxWidget),
    Row(Row),
    Col(Col),
    Form(Form),
    /// Only directly inside a `ListView` (checked by validation).
    ListViewItem(ListViewItem),
    Spacer(Spacer),
    Divider(Divider),
    Transition(Transition),
    Text(Text),
    Title(Title),
    Caption(Caption),
    Markdown(Markdown),
    Badge(Badge),
    Icon(Icon),
    Image(Image),
    Chart(Chart),
    Table(Table),
    /// Only inside a `Table` (checked by validation).
    #[serde(rename = "Table.Row")]
    TableRow(TableRow),
    /// Only inside a `Table.Row` (checked by validation).
    #[serde(rename = "Table.Cell")]
    TableCell(TableCell),
    Button(Button),
    Input(Input),
    Textarea(Textarea),
    Select(Select),
    DatePicker(DatePicker),
    Checkbox(Checkbox),
    RadioGroup(RadioGroup),
    Label(Label),
}

macro_rules! each_component {
    ($component:expr, $c:ident => $body:expr) => {
        match $component {
            WidgetComponent::Box($c) => $body,
            WidgetComponent::Row($c) => $body,
            WidgetComponent::Col($c) => $body,
            WidgetComponent::Form($c) => $body,
            WidgetComponent::ListViewItem($c) => $body,
            WidgetComponent::Spacer($c) => $body,
            WidgetComponent::Divider($c) => $body,
            WidgetComponent::Transition($c) => $body,
            WidgetComponent::Text($c) => $body,
            WidgetComponent::Title($c) => $body,
            WidgetComponent::Caption($c) => $body,
            WidgetComponent::Markdown($c) => $body,
            WidgetComponent::Badge($c) => $body,
            WidgetComponent::Icon($c) => $body,
            WidgetComponent::Image($c) => $body,
            WidgetComponent::Chart($c) => $body,
            WidgetComponent::Table($c) => $body,
            WidgetComponent::TableRow($c) => $body,
            WidgetComponent::TableCell($c) => $body,
            WidgetComponent::Button($c) => $body,
            WidgetComponent::Input($c) => $body,
            WidgetComponent::Textarea($c) => $body,
            WidgetComponent::Select($c) => $body,
            WidgetComponent::DatePicker($c) => $body,
            WidgetComponent::Checkbox($c) => $body,
            WidgetComponent::RadioGroup($c) => $body,
            WidgetComponent::Label($c) => $body,
        }
    };
}

macro_rules! into_component {
    ($($variant:ident($ty:ident)),+ $(,)?) => {
        $(impl From<$ty> for WidgetComponent {
            fn from(component: $ty) -> Self {
                WidgetComponent::$variant(component)
            }
        })+
    };
}

into_component!(
    Box(BoxWidget),
    Row(Row),
    Col(Col),
    Form(Form),
    ListViewItem(ListViewItem),
    Spacer(Spacer),
    Divider(Divider),
    Transition(Transition),
    Text(Text),
    Title(Title),
    Caption(Caption),
    Markdown(Markdown),
    Badge(Badge),
    Icon(Icon),
    Image(Image),
    Chart(Chart),
    Table(Table),
    TableRow(TableRow),
    TableCell(TableCell),
    Button(Button),
    Input(Input),
    Textarea(Textarea),
    Select(Select),
    DatePicker(DatePicker),
    Checkbox(Checkbox),
    RadioGroup(RadioGroup),
    Label(Label),
);

impl WidgetComponent {
    pub fn id(&self) -> Option<&str> {
        each_component!(self, c => c.id.as_deref())
    }

    pub fn key(&self) -> Option<&str> {
        each_component!(self, c => c.key.as_deref())
    }

    /// The wire `type`, e.g. `"Table.Row"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Box(_) => "Box",
            Self::Row(_) => "Row",
            Self::Col(_) => "Col",
            Self::Form(_) => "Form",
            Self::ListViewItem(_) => "ListViewItem",
            Self::Spacer(_) => "Spacer",
            Self::Divider(_) => "Divider",
            Self::Transition(_) => "Transition",
            Self::Text(_) => "Text",
            Self::Title(_) => "Title",
            Self::Caption(_) => "Caption",
            Self::Markdown(_) => "Markdown",
            Self::Badge(_) => "Badge",
            Self::Icon(_) => "Icon",
            Self::Image(_) => "Image",
            Self::Chart(_) => "Chart",
            Self::Table(_) => "Table",
            Self::TableRow(_) => "Table.Row",
            Self::TableCell(_) => "Table.Cell",
            Self::Button(_) => "Button",
            Self::Input(_) => "Input",
            Self::Textarea(_) => "Textarea",
            Self::Select(_) => "Select",
            Self::DatePicker(_) => "DatePicker",
            Self::Checkbox(_) => "Checkbox",
            Self::RadioGroup(_) => "RadioGroup",
            Self::Label(_) => "Label",
        }
    }
}

#[cfg(test)]
mod tests;
