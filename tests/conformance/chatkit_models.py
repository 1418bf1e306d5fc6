"""Validate ChatKit wire payloads against the reference SDK's own pydantic models.

The SDK (`openai-chatkit`, pinned in requirements.txt) is the authority on what
the ChatKit web component understands, but its models are forgiving: pydantic's
lax mode coerces "0" to 0 and Unix numbers to timestamps, unknown keys are
dropped silently, missing keys take their defaults, and a widget that matches
no component falls back to a free-form model. A server tested only with "the
SDK accepts it" can therefore send things the web component was never built
for. Each payload goes through these views:

* rejected  - the SDK's model refuses the payload (lax validation);
* coerced   - accepted only thanks to lax coercion (strict JSON validation fails);
* unknown   - a key the matched model does not define (the SDK would drop it);
* omitted   - a key the SDK always serialises (a non-None default) is missing;
* null      - an optional key sent as null (the SDK leaves null keys out);
* leaked    - server-only data: hidden context items, attachment metadata,
              a non-empty thread metadata object;
* widgets   - the component catalogue check of every widget tree (see
              `widget_problems`).

The unknown/omitted/null walk follows the *validated* model instance next to the
raw JSON, so unions are walked through the variant pydantic actually matched.
"""

from __future__ import annotations

import json
import typing
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

# The SDK marks its named widget classes deprecated (it prefers templates); the
# classes are still the only precise description of each component's props.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"chatkit\..*")
warnings.filterwarnings("ignore", message=r"Direct usage of named widget classes")

import chatkit.types as ck  # noqa: E402
import chatkit.widgets as ckw  # noqa: E402
from chatkit.actions import ActionConfig  # noqa: E402

# ---------------------------------------------------------------------------
# Payload kinds: the SDK unions each answer of POST /chatkit must satisfy
# ---------------------------------------------------------------------------

PAYLOAD_TYPES: dict[str, Any] = {
    "event": ck.ThreadStreamEvent,
    "thread": ck.Thread,
    "threads_page": ck.Page[ck.Thread],
    "item": ck.ThreadItem,
    "items_page": ck.Page[ck.ThreadItem],
    "attachment": ck.Attachment,
    "sync_action": ck.SyncCustomActionResponse,
    "request": ck.ChatKitReq,
}
_ADAPTERS = {kind: TypeAdapter(tp) for kind, tp in PAYLOAD_TYPES.items()}
ITEM_ADAPTER = _ADAPTERS["item"]

HIDDEN_ITEM_MODELS = (ck.HiddenContextItem, ck.SDKHiddenContextItem)


@dataclass
class Findings:
    """Everything wrong with one payload, by category (empty lists = conformant)."""

    value: Any = None  # the validated SDK model, None when the SDK rejects the payload
    rejected: list[str] = field(default_factory=list)
    coerced: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)
    null: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    widgets: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """All shape problems except the widget catalogue, each prefixed by its category."""
        out = [f"rejected by the SDK model: {p}" for p in self.rejected]
        out += [f"accepted only by lax coercion: {p}" for p in self.coerced]
        out += [f"unknown key {p}" for p in self.unknown]
        out += [f"omits always-sent key {p}" for p in self.omitted]
        out += [f"null instead of an omitted key: {p}" for p in self.null]
        out += [f"server-only data sent: {p}" for p in self.leaked]
        return out


def check_payload(kind: str, raw: Any) -> Findings:
    """Run every view on one decoded JSON value; `kind` is a key of PAYLOAD_TYPES."""
    adapter = _ADAPTERS[kind]
    found = Findings()
    text = json.dumps(raw)
    try:
        found.value = adapter.validate_json(text)
    except ValidationError as exc:
        found.rejected.append(format_error(exc))
        return found
    try:
        adapter.validate_json(text, strict=True)
    except ValidationError as exc:
        found.coerced.append(format_error(exc))
    _walk(found.value, raw, "", found, in_widget=False)
    return found


def format_error(exc: ValidationError, limit: int = 3) -> str:
    """A one-line summary of a pydantic error: where and what, for the first few.

    For a union pydantic reports every member it tried; members whose `type`
    tag did not match are noise, so their errors are left out when possible.
    """
    errors = exc.errors()
    wrong_tag = [
        tuple(e["loc"][:-1]) for e in errors if e.get("type") == "literal_error" and e["loc"][-1:] == ("type",)
    ]
    relevant = [e for e in errors if not any(tuple(e["loc"][: len(p)]) == p for p in wrong_tag)] or errors
    parts = []
    for err in relevant[:limit]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "<root>"
        parts.append(f"{where}: {err.get('msg')}")
    if len(relevant) > limit:
        parts.append(f"(+{len(relevant) - limit} more)")
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# The model walk (unknown / omitted / null / leaked, and where widgets start)
# ---------------------------------------------------------------------------


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _walk(value: Any, raw: Any, path: str, found: Findings, in_widget: bool) -> None:
    """Follow the validated value and the raw JSON side by side.

    A validated TypedDict keeps only the keys it declares while a free-form
    dict keeps them all, so for plain dicts "in the JSON but not in the
    validated value" means a key the model does not know.
    """
    _leaks(value, raw, path, found)
    if isinstance(value, ActionConfig) and isinstance(raw, dict) and not isinstance(raw.get("payload", {}), dict):
        found.widgets.append(f"{path}.payload: an action payload must be a JSON object")
    if isinstance(value, BaseModel) and isinstance(raw, dict):
        _walk_model(value, raw, path, found, in_widget)
    elif isinstance(value, list) and isinstance(raw, list):
        for i, (v, r) in enumerate(zip(value, raw)):
            _walk(v, r, _join(path, i), found, in_widget)
    elif isinstance(value, dict) and isinstance(raw, dict):
        for key, r in raw.items():
            if key not in value:
                found.unknown.append(_join(path, key))
            else:
                _walk(value[key], r, _join(path, key), found, in_widget)


def _leaks(value: Any, raw: Any, path: str, found: Findings) -> None:
    """Server-only data (spec 3.1, 4.9, 4.10) that the SDK models would happily carry."""
    where = path or "<root>"
    if isinstance(value, HIDDEN_ITEM_MODELS):
        found.leaked.append(f"{where}: {value.type} item {value.id}")
    elif isinstance(value, ck.AttachmentBase) and isinstance(raw, dict) and "metadata" in raw:
        found.leaked.append(f"{_join(path, 'metadata')}: attachment metadata is integration-only")
    elif isinstance(value, ck.ThreadMetadata) and isinstance(raw, dict) and raw.get("metadata"):
        found.leaked.append(
            f"{_join(path, 'metadata')}: thread metadata never leaves the server (send {{}} or omit it)"
        )


def _walk_model(model: BaseModel, raw: dict[str, Any], path: str, found: Findings, in_widget: bool) -> None:
    fields = type(model).model_fields
    by_key = {(info.alias or name): name for name, info in fields.items()}
    for key, raw_value in raw.items():
        where = _join(path, key)
        name = by_key.get(key)
        if name is None:
            found.unknown.append(where)
            continue
        if raw_value is None and not fields[name].is_required():
            found.null.append(where)
            continue
        sub = getattr(model, name)
        if isinstance(sub, ckw.WidgetComponentBase) and not in_widget:
            # widget.root.updated / a widget item carry a root, component.updated one component
            found.widgets.extend(widget_problems(raw_value, where, root=key == "widget"))
        elif not (in_widget and key == "children"):
            _walk(sub, raw_value, where, found, in_widget)
    if in_widget:
        return  # widget prop defaults are applied client-side; the spec's own widget examples omit them
    for name, info in fields.items():
        key = info.alias or name
        if key not in raw and always_sent(type(model), name):
            found.omitted.append(_join(path, key))


def always_sent(model_cls: type[BaseModel], name: str) -> bool:
    """True for fields the SDK always serialises: optional, with a non-None default.

    Thread.metadata is the exception: the SDK always sends `{}`, but our spec
    (section 14) makes it optional because it never carries anything.
    """
    info = model_cls.model_fields[name]
    if info.is_required():
        return False
    if issubclass(model_cls, ck.ThreadMetadata) and name == "metadata":
        return False
    return info.default_factory is not None or info.default is not None


# ---------------------------------------------------------------------------
# Widget component catalogue
# ---------------------------------------------------------------------------


class Card(ckw.Card):
    """The SDK's Card plus `border`, which the web component's Card type accepts."""

    border: int | ckw.Border | ckw.Borders | None = None


# The inherited `children: list["WidgetComponent"]` is a forward reference into chatkit.widgets.
Card.model_rebuild(_types_namespace={"WidgetComponent": ckw.WidgetComponent})


class Basic(ckw.WidgetComponentBase):
    """The web component's Basic root; the SDK only has a free-form model for it."""

    type: Literal["Basic"] = "Basic"
    children: list[dict[str, Any]]  # each child is checked on its own
    direction: Literal["row", "col"] | None = None
    gap: int | str | None = None
    padding: float | str | ckw.Spacing | None = None
    align: ckw.Alignment | None = None
    justify: ckw.Justification | None = None
    theme: Literal["light", "dark"] | None = None


class Table(ckw.WidgetComponentBase):
    """Spec section 13 (web component only): rows of cells."""

    type: Literal["Table"] = "Table"
    children: list[dict[str, Any]] | None = None


class TableRow(ckw.WidgetComponentBase):
    type: Literal["Table.Row"] = "Table.Row"
    children: list[dict[str, Any]] | None = None
    header: bool | None = None


class TableCell(ckw.WidgetComponentBase):
    type: Literal["Table.Cell"] = "Table.Cell"
    children: list[dict[str, Any]] | None = None
    width: float | str | None = None
    padding: ckw.Spacing | None = None
    colSpan: int | None = None
    rowSpan: int | None = None
    align: Literal["start", "center", "end"] | None = None
    vAlign: Literal["start", "center", "end"] | None = None
    colSize: Literal["xs", "sm", "md", "lg", "xl"] | None = None


def _union_classes(annotated: Any) -> list[type]:
    """The member classes of an `Annotated[A | B | ..., Field(discriminator=...)]`."""
    union = typing.get_args(annotated)[0]
    return list(typing.get_args(union))


def _build_catalogue() -> dict[str, type[BaseModel]]:
    models = {}
    for cls in _union_classes(ckw.StrictWidgetComponent) + _union_classes(ckw.StrictWidgetRoot):
        models[cls.model_fields["type"].default] = cls
    models.update({"Card": Card, "Basic": Basic, "Table": Table, "Table.Row": TableRow, "Table.Cell": TableCell})
    return models


CATALOGUE = _build_catalogue()
ROOT_TYPES = {"Card", "ListView", "Basic"}
# component -> the only parent it may have, and parent -> the only child type it may hold
ONLY_INSIDE = {"ListViewItem": "ListView", "Table.Row": "Table", "Table.Cell": "Table.Row"}
ONLY_CHILD = {parent: child for child, parent in ONLY_INSIDE.items()}
_NODE_ADAPTERS: dict[str, TypeAdapter[Any]] = {}
MAX_DEPTH = 64


def widget_problems(node: Any, path: str = "widget", root: bool = True) -> list[str]:
    """Check a widget tree against the component catalogue.

    Every node must be a known component whose own props pass strict
    validation with no unknown or null props; placement rules (roots only at
    the top or inside Basic, ListViewItem only directly inside ListView, table
    parts only in their table) hold; every action config has an object payload.
    `root=False` checks a lone component (widget.component.updated).
    """
    problems: list[str] = []
    _check_node(node, path, None if root else "", problems, 0)
    return problems


def _check_node(node: Any, path: str, parent: str | None, problems: list[str], depth: int) -> None:
    """`parent` is None for a root, "" for a component whose parent is unknown."""
    if depth > MAX_DEPTH:
        problems.append(f"{path}: widget tree deeper than {MAX_DEPTH} levels")
        return
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        problems.append(f"{path}: a component must be an object with a string 'type'")
        return
    kind = node["type"]
    problems.extend(_placement_problems(kind, parent, path))
    if kind not in CATALOGUE:
        problems.append(f"{path}: unknown component type {kind!r}")
    else:
        problems.extend(_prop_problems(kind, node, path))
    children = node.get("children")
    if isinstance(children, dict):
        children = [children]
    if isinstance(children, list):
        for i, child in enumerate(children):
            _check_node(child, _join(_join(path, "children"), i), kind, problems, depth + 1)


def _placement_problems(kind: str, parent: str | None, path: str) -> list[str]:
    if parent is None:
        return [] if kind in ROOT_TYPES else [f"{path}: a widget root must be Card, ListView or Basic, not {kind!r}"]
    out = []
    if parent and kind in ROOT_TYPES and parent != "Basic":
        out.append(f"{path}: root component {kind} nested inside {parent}")
    if parent and kind in ONLY_INSIDE and parent != ONLY_INSIDE[kind]:
        out.append(f"{path}: {kind} only directly inside {ONLY_INSIDE[kind]}, found inside {parent}")
    if parent in ONLY_CHILD and kind != ONLY_CHILD[parent]:
        out.append(f"{path}: {parent} may only hold {ONLY_CHILD[parent]}, found {kind}")
    return out


def _prop_problems(kind: str, node: dict[str, Any], path: str) -> list[str]:
    """Strict validation of one node's own props; its children are checked separately."""
    own = dict(node)
    if isinstance(own.get("children"), list):
        own["children"] = []
    elif kind == "Transition" and isinstance(own.get("children"), dict):
        own["children"] = None
    adapter = _NODE_ADAPTERS.setdefault(kind, TypeAdapter(CATALOGUE[kind]))
    try:
        instance = adapter.validate_json(json.dumps(own), strict=True)
    except ValidationError as exc:
        return [f"{path} ({kind}): {format_error(exc)}"]
    found = Findings()
    _walk(instance, own, path, found, in_widget=True)
    return (
        [f"{p}: unknown prop" for p in found.unknown]
        + [f"{p}: null prop (leave it out)" for p in found.null]
        + found.widgets
    )


# ---------------------------------------------------------------------------
# Requests and HTTP error bodies
# ---------------------------------------------------------------------------


class _ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Literal[
        "invalid_request", "bad_request", "unauthorized", "forbidden", "not_found", "internal", "not_implemented"
    ]
    message: str


class _ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    error: _ErrorDetail


_ERROR_BODY = TypeAdapter(_ErrorBody)


def error_body_problems(body: bytes) -> list[str]:
    """Our HTTP error convention (spec 12.3): exactly {"error": {"code", "message"}}."""
    try:
        _ERROR_BODY.validate_json(body, strict=True)
    except ValidationError as exc:
        return [f'error body is not {{"error": {{"code", "message"}}}}: {format_error(exc)}']
    return []


def request_problems(request: dict[str, Any]) -> list[str]:
    """The harness checks its own requests so that a harness bug is never blamed on the server."""
    found = check_payload("request", request)
    return found.rejected + found.coerced + [f"unknown key {k}" for k in found.unknown]


def canonical_item(item: Any) -> dict[str, Any]:
    """An item as comparable data: what the SDK would serialise, timestamps as datetimes."""
    return ITEM_ADAPTER.dump_python(item, exclude_none=True, context={"exclude_metadata": True})
