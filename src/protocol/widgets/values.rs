//! Prop value types shared by widget components (spec §13 "value conventions"), and the closed
//! token sets of enumerated props.

use serde::{Deserialize, Serialize};

/// A number (px, spacing units, flex factor...) or a CSS string. Integers and floats are kept
/// apart so a value reads back exactly as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Css(String),
}

impl From<i64> for Scalar {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<i32> for Scalar {
    fn from(value: i32) -> Self {
        Self::Int(value.into())
    }
}

impl From<f64> for Scalar {
    fn from(value: f64) -> Self {
        Self::Float(value)
    }
}

impl From<&str> for Scalar {
    fn from(value: &str) -> Self {
        Self::Css(value.to_owned())
    }
}

/// Padding or margin: one value for every side, or per side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Spacing {
    Uniform(Scalar),
    /// Boxed: rare, and six optional scalars would bloat every component that can take spacing.
    Sides(Box<SpacingSides>),
}

impl<T: Into<Scalar>> From<T> for Spacing {
    fn from(value: T) -> Self {
        Self::Uniform(value.into())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpacingSides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<Scalar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<Scalar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bottom: Option<Scalar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Scalar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<Scalar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<Scalar>,
}

/// A color token (`secondary`, `success`...), a primitive (`blue-500`), a CSS color, or a pair for
/// light and dark themes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Color {
    Token(String),
    Themed { light: String, dark: String },
}

impl Color {
    pub fn themed(light: impl Into<String>, dark: impl Into<String>) -> Self {
        Self::Themed {
            light: light.into(),
            dark: dark.into(),
        }
    }
}

impl From<&str> for Color {
    fn from(value: &str) -> Self {
        Self::Token(value.to_owned())
    }
}

/// A container border: a px width, one line for all edges, or per edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Border {
    Px(i64),
    Line(BorderLine),
    Edges(Box<BorderEdges>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BorderLine {
    /// px
    pub size: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<BorderStyle>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BorderEdges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<BorderEdge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<BorderEdge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bottom: Option<BorderEdge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<BorderEdge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<BorderEdge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<BorderEdge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BorderEdge {
    Px(i64),
    Line(BorderLine),
}

wire_enum! {
    pub enum BorderStyle {
        Solid = "solid", Dashed = "dashed", Dotted = "dotted", Double = "double",
        Groove = "groove", Ridge = "ridge", Inset = "inset", Outset = "outset",
    }
}

wire_enum! {
    /// Cross-axis alignment of flex children.
    pub enum Alignment {
        Start = "start", Center = "center", End = "end", Baseline = "baseline", Stretch = "stretch",
    }
}

wire_enum! {
    /// Main-axis distribution of flex children.
    pub enum Justification {
        Start = "start", Center = "center", End = "end", Between = "between",
        Around = "around", Evenly = "evenly", Stretch = "stretch",
    }
}

wire_enum! {
    pub enum FlexWrap { NoWrap = "nowrap", Wrap = "wrap", WrapReverse = "wrap-reverse" }
}

wire_enum! {
    pub enum Direction { Row = "row", Col = "col" }
}

wire_enum! {
    pub enum Radius {
        TwoXs = "2xs", Xs = "xs", Sm = "sm", Md = "md", Lg = "lg", Xl = "xl", TwoXl = "2xl",
        ThreeXl = "3xl", FourXl = "4xl", Full = "full", Percent100 = "100%", None = "none",
    }
}

wire_enum! {
    pub enum TextAlign { Start = "start", Center = "center", End = "end" }
}

wire_enum! {
    pub enum FontWeight { Normal = "normal", Medium = "medium", Semibold = "semibold", Bold = "bold" }
}

wire_enum! {
    pub enum TextSize { Xs = "xs", Sm = "sm", Md = "md", Lg = "lg", Xl = "xl" }
}

wire_enum! {
    pub enum TitleSize {
        Sm = "sm", Md = "md", Lg = "lg", Xl = "xl", TwoXl = "2xl", ThreeXl = "3xl",
        FourXl = "4xl", FiveXl = "5xl",
    }
}

wire_enum! {
    /// Sizes of `Caption` and `Badge`.
    pub enum SmallSize { Sm = "sm", Md = "md", Lg = "lg" }
}

wire_enum! {
    pub enum IconSize {
        Xs = "xs", Sm = "sm", Md = "md", Lg = "lg", Xl = "xl", TwoXl = "2xl", ThreeXl = "3xl",
    }
}

wire_enum! {
    pub enum ButtonIconSize { Sm = "sm", Md = "md", Lg = "lg", Xl = "xl", TwoXl = "2xl" }
}

wire_enum! {
    pub enum ControlSize {
        ThreeXs = "3xs", TwoXs = "2xs", Xs = "xs", Sm = "sm", Md = "md", Lg = "lg", Xl = "xl",
        TwoXl = "2xl", ThreeXl = "3xl",
    }
}

wire_enum! {
    pub enum ControlVariant { Solid = "solid", Soft = "soft", Outline = "outline", Ghost = "ghost" }
}

wire_enum! {
    /// Variants of text fields (`Input`, `Textarea`).
    pub enum FieldVariant { Soft = "soft", Outline = "outline" }
}

wire_enum! {
    pub enum GutterSize { TwoXs = "2xs", Xs = "xs", Sm = "sm", Md = "md", Lg = "lg", Xl = "xl" }
}

wire_enum! {
    pub enum Theme { Light = "light", Dark = "dark" }
}

wire_enum! {
    pub enum CardSize { Sm = "sm", Md = "md", Lg = "lg", Full = "full" }
}

/// `ListView.limit`: rows shown before "show more", or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ListLimit {
    Count(u32),
    Auto(AutoLimit),
}

wire_enum! {
    pub enum AutoLimit { Auto = "auto" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(value: Value) {
        let parsed: T = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(parsed).unwrap(), value);
    }

    #[test]
    fn polymorphic_values_read_back_exactly() {
        round_trip::<Scalar>(json!(40));
        round_trip::<Scalar>(json!(1.5));
        round_trip::<Scalar>(json!("50%"));
        round_trip::<Spacing>(json!(2));
        round_trip::<Spacing>(json!({"x": 4, "top": "1rem"}));
        round_trip::<Color>(json!("blue-500"));
        round_trip::<Color>(json!({"light": "gray-900", "dark": "gray-100"}));
        round_trip::<Border>(json!(1));
        round_trip::<Border>(json!({"size": 1, "color": "subtle", "style": "dashed"}));
        round_trip::<Border>(json!({"bottom": {"size": 2}, "x": 1}));
        round_trip::<ListLimit>(json!("auto"));
        round_trip::<ListLimit>(json!(5));
        assert!(serde_json::from_value::<ListLimit>(json!("all")).is_err());
        assert!(serde_json::from_value::<Radius>(json!("huge")).is_err());
    }
}
