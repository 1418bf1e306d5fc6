//! Interactive controls (spec §13.3). Named controls contribute `name → value` to the payload of
//! actions fired inside a form (spec §10.2).

use serde::{Deserialize, Serialize};

use super::values::{
    ButtonIconSize, Color, ControlSize, ControlVariant, Direction, FieldVariant, FontWeight,
    GutterSize, TextAlign, TextSize,
};
use super::{ActionConfig, IconName};

component! {
    #[derive(Default)]
    pub struct Button {}
    optional {
        label: String,
        on_click_action: ActionConfig,
        /// Submits the enclosing form.
        submit: bool,
        icon_start: IconName,
        icon_end: IconName,
        style: ButtonStyle,
        icon_size: ButtonIconSize,
        color: ButtonColor,
        variant: ControlVariant,
        size: ControlSize,
        pill: bool,
        uniform: bool,
        block: bool,
        disabled: bool,
    }
}

wire_enum! {
    pub enum ButtonStyle { Primary = "primary", Secondary = "secondary" }
}

wire_enum! {
    pub enum ButtonColor {
        Primary = "primary", Secondary = "secondary", Info = "info", Discovery = "discovery",
        Success = "success", Caution = "caution", Warning = "warning", Danger = "danger",
    }
}

component! {
    #[derive(Default)]
    pub struct Input {
        name: String,
    }
    optional {
        input_type: InputType,
        default_value: String,
        required: bool,
        pattern: String,
        placeholder: String,
        allow_autofill_extensions: bool,
        auto_select: bool,
        auto_focus: bool,
        disabled: bool,
        variant: FieldVariant,
        size: ControlSize,
        gutter_size: GutterSize,
        pill: bool,
    }
}

wire_enum! {
    pub enum InputType {
        Number = "number", Email = "email", Text = "text", Password = "password", Tel = "tel",
        Url = "url",
    }
}

component! {
    #[derive(Default)]
    pub struct Textarea {
        name: String,
    }
    optional {
        default_value: String,
        required: bool,
        pattern: String,
        placeholder: String,
        auto_select: bool,
        auto_focus: bool,
        disabled: bool,
        variant: FieldVariant,
        size: ControlSize,
        gutter_size: GutterSize,
        rows: u32,
        auto_resize: bool,
        max_rows: u32,
        allow_autofill_extensions: bool,
    }
}

component! {
    #[derive(Default)]
    pub struct Select {
        name: String,
        options: Vec<SelectOption>,
    }
    optional {
        on_change_action: ActionConfig,
        placeholder: String,
        default_value: String,
        variant: ControlVariant,
        size: ControlSize,
        pill: bool,
        block: bool,
        clearable: bool,
        disabled: bool,
        searchable: bool,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Secondary text below the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

component! {
    /// Dates are ISO date-time strings, kept verbatim (the client parses them).
    #[derive(Default)]
    pub struct DatePicker {
        name: String,
    }
    optional {
        on_change_action: ActionConfig,
        placeholder: String,
        default_value: String,
        min: String,
        max: String,
        variant: ControlVariant,
        size: ControlSize,
        side: PopoverSide,
        align: TextAlign,
        pill: bool,
        block: bool,
        clearable: bool,
        disabled: bool,
    }
}

wire_enum! {
    /// Where the calendar opens.
    pub enum PopoverSide { Top = "top", Bottom = "bottom", Left = "left", Right = "right" }
}

component! {
    #[derive(Default)]
    pub struct Checkbox {
        name: String,
    }
    optional {
        label: String,
        default_checked: bool,
        on_change_action: ActionConfig,
        disabled: bool,
        required: bool,
    }
}

component! {
    #[derive(Default)]
    pub struct RadioGroup {
        name: String,
    }
    optional {
        options: Vec<RadioOption>,
        aria_label: String,
        on_change_action: ActionConfig,
        default_value: String,
        direction: Direction,
        disabled: bool,
        required: bool,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RadioOption {
    pub label: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

component! {
    /// Labels the control whose `name` is `field_name`.
    #[derive(Default)]
    pub struct Label {
        value: String,
        field_name: String,
    }
    optional {
        size: TextSize,
        weight: FontWeight,
        text_align: TextAlign,
        color: Color,
    }
}
