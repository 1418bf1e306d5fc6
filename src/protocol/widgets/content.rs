//! Text and content components (spec §13.2).

use std::collections::BTreeMap;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::values::{
    Color, FontWeight, IconSize, Radius, Scalar, SmallSize, Spacing, TextAlign, TextSize, TitleSize,
};
use super::IconName;

component! {
    /// Plain text; the target of `widget.streaming_text.value_delta` when it has an `id`.
    #[derive(Default)]
    pub struct Text {
        value: String,
    }
    optional {
        /// Streaming-friendly transitions while `value` grows.
        streaming: bool,
        italic: bool,
        line_through: bool,
        color: Color,
        weight: FontWeight,
        width: Scalar,
        size: TextSize,
        text_align: TextAlign,
        truncate: bool,
        min_lines: u32,
        max_lines: u32,
        editable: Editable,
    }
}

component! {
    #[derive(Default)]
    pub struct Title {
        value: String,
    }
    optional {
        color: Color,
        weight: FontWeight,
        size: TitleSize,
        text_align: TextAlign,
        truncate: bool,
        max_lines: u32,
    }
}

component! {
    #[derive(Default)]
    pub struct Caption {
        value: String,
    }
    optional {
        color: Color,
        weight: FontWeight,
        size: SmallSize,
        text_align: TextAlign,
        truncate: bool,
        max_lines: u32,
    }
}

component! {
    /// Markdown; the target of `widget.streaming_text.value_delta` when it has an `id`.
    #[derive(Default)]
    pub struct Markdown {
        value: String,
    }
    optional {
        streaming: bool,
    }
}

component! {
    #[derive(Default)]
    pub struct Badge {
        label: String,
    }
    optional {
        color: BadgeColor,
        variant: BadgeVariant,
        size: SmallSize,
        pill: bool,
    }
}

wire_enum! {
    pub enum BadgeColor {
        Secondary = "secondary", Success = "success", Danger = "danger", Warning = "warning",
        Info = "info", Discovery = "discovery",
    }
}

wire_enum! {
    pub enum BadgeVariant { Solid = "solid", Soft = "soft", Outline = "outline" }
}

component! {
    pub struct Icon {
        name: IconName,
    }
    optional {
        color: Color,
        size: IconSize,
    }
}

component! {
    #[derive(Default)]
    pub struct Image {
        src: String,
    }
    optional {
        alt: String,
        fit: ImageFit,
        position: ImagePosition,
        radius: Radius,
        frame: bool,
        flush: bool,
        height: Scalar,
        width: Scalar,
        size: Scalar,
        min_height: Scalar,
        min_width: Scalar,
        min_size: Scalar,
        max_height: Scalar,
        max_width: Scalar,
        max_size: Scalar,
        margin: Spacing,
        background: Color,
        aspect_ratio: Scalar,
        flex: Scalar,
    }
}

wire_enum! {
    pub enum ImageFit {
        Cover = "cover", Contain = "contain", Fill = "fill", ScaleDown = "scale-down", None = "none",
    }
}

wire_enum! {
    pub enum ImagePosition {
        TopLeft = "top left", Top = "top", TopRight = "top right", Left = "left",
        Center = "center", Right = "right", BottomLeft = "bottom left", Bottom = "bottom",
        BottomRight = "bottom right",
    }
}

/// `Text.editable`: `false`, or the props of an inline input whose value joins form payloads.
#[derive(Debug, Clone, PartialEq)]
pub enum Editable {
    Disabled,
    Enabled(EditableProps),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditableProps {
    /// The form field name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_focus: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_select: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_complete: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_autofill_extensions: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

impl Serialize for Editable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Disabled => serializer.serialize_bool(false),
            Self::Enabled(props) => props.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Editable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Flag(bool),
            Props(EditableProps),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Flag(false) => Ok(Self::Disabled),
            // The catalogue has no `true` form: editing needs at least a field name.
            Wire::Flag(true) => Err(de::Error::custom(
                "`editable` is `false` or an object with `name`",
            )),
            Wire::Props(props) => Ok(Self::Enabled(props)),
        }
    }
}

/// One row of chart data: field name → number or string.
pub type ChartRow = BTreeMap<String, Scalar>;

component! {
    /// A bar / area / line chart (SDK model; not in the web component's 1.9.0 type list).
    #[derive(Default)]
    pub struct Chart {
        data: Vec<ChartRow>,
        series: Vec<Series>,
        x_axis: XAxis,
    }
    optional {
        show_y_axis: bool,
        show_legend: bool,
        show_tooltip: bool,
        bar_gap: i64,
        bar_category_gap: i64,
        flex: Scalar,
        height: Scalar,
        width: Scalar,
        size: Scalar,
        min_height: Scalar,
        min_width: Scalar,
        min_size: Scalar,
        max_height: Scalar,
        max_width: Scalar,
        max_size: Scalar,
        aspect_ratio: Scalar,
    }
}

/// `xAxis`: a data key, or a config object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum XAxis {
    Key(String),
    Config(XAxisConfig),
}

impl Default for XAxis {
    fn default() -> Self {
        Self::Key(String::new())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XAxisConfig {
    pub data_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide: Option<bool>,
    /// Tick value → display label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Series {
    #[serde(rename = "bar")]
    Bar(BarSeries),
    #[serde(rename = "area")]
    Area(AreaSeries),
    #[serde(rename = "line")]
    Line(LineSeries),
}

// `label` is always written, as `null` when absent: the SDK model has no default for it.

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BarSeries {
    pub label: Option<String>,
    pub data_key: String,
    /// Series with the same stack id stack together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaSeries {
    pub label: Option<String>,
    pub data_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve_type: Option<CurveType>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineSeries {
    pub label: Option<String>,
    pub data_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve_type: Option<CurveType>,
}

wire_enum! {
    pub enum CurveType {
        Basis = "basis", BasisClosed = "basisClosed", BasisOpen = "basisOpen", BumpX = "bumpX",
        BumpY = "bumpY", Bump = "bump", Linear = "linear", LinearClosed = "linearClosed",
        Natural = "natural", MonotoneX = "monotoneX", MonotoneY = "monotoneY",
        Monotone = "monotone", Step = "step", StepBefore = "stepBefore", StepAfter = "stepAfter",
    }
}
