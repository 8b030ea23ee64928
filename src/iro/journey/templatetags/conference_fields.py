"""GOV.UK Frontend form fields for the conference and plan pages.

``{% gov_field form.held_on %}`` renders a bound field as its GOV.UK pattern (date
input, radios, checkboxes, textarea, select or text input) with its label, hint and
error message, and the ids the error summary links to (``field_anchor``).
"""

from __future__ import annotations

from django import forms, template
from django.template.loader import render_to_string

from iro import text_limits
from iro.journey.conference_forms import GovDateWidget, field_anchor

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, GovDateWidget):
        return "date"
    # CheckboxSelectMultiple is a RadioSelect subclass in Django: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def _limit(field: forms.BoundField) -> int | None:
    """The most characters ``field`` takes: its text limit, else its ``max_length``."""
    for validator in field.field.validators:
        if isinstance(validator, text_limits.MaxChars):
            return validator.limit
    return getattr(field.field, "max_length", None)


def _selected(field: forms.BoundField) -> set[str]:
    value = field.value()
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value}
    return {str(value)}


@register.simple_tag(takes_context=True)
def gov_field(context, field: forms.BoundField, **options) -> str:
    """Render ``field``; options: ``hint``, ``classes`` (the control), ``legend``
    ("s", "m", "l" size of a fieldset legend), ``inline`` (radios side by side),
    ``plain`` (wire the live plain-language check), ``hints`` (a dict of choice
    value to hint text), ``exclusive`` (the checkbox that unticks the others, after an
    "or": "No disability"). A text area with a limit counts its characters (the GOV.UK
    character count). A text input has no ``maxlength``: a browser would cut a longer
    text pasted into it without a word, where the form refuses it, saying the limit, and
    keeps what was typed to shorten."""
    kind = _kind(field)
    if kind == "hidden":
        return str(field)
    widget = field.field.widget
    value = field.value()
    ctx = {
        "field": field,
        "id": field.auto_id,
        "errors": [text_limits.naming(message, field.label) for message in field.errors],
        "hint": options.get("hint", field.help_text),
        "classes": options.get("classes", ""),
        "legend": options.get("legend", "s"),
        "inline": options.get("inline", False),
        "plain": options.get("plain", False),
        "rows": options.get("rows", 5),
        "plain_result": (context.get("plain_results") or {}).get(field.html_name),
        "limit": _limit(field),
    }
    ctx["counted"] = kind == "textarea" and bool(ctx["limit"])
    if kind == "date":
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        ctx["parts"] = [
            (name, label, parts[i] if parts and i < len(parts) else "", width)
            for i, (name, label, width) in enumerate(
                (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
            )
        ]
    if kind in ("radios", "checkboxes", "select"):
        selected = _selected(field)
        hints = options.get("hints") or {}
        ctx["choices"] = [
            {
                "value": "" if v is None else str(v),
                "label": label,
                "id": field.auto_id if n == 0 else f"{field.auto_id}-{n}",
                "checked": ("" if v is None else str(v)) in selected,
                "hint": hints.get(v, hints.get(str(v), "")),
                "exclusive": kind == "checkboxes" and str(v) == options.get("exclusive"),
            }
            for n, (v, label) in enumerate(field.field.choices)
        ]
    if kind == "input":
        # The widget's own formatting: a time shows as 10:00, not 10:00:00.
        ctx["value"] = "" if value is None else widget.format_value(value) or ""
    if kind == "checkbox":
        ctx["checked"] = bool(field.value())
    return render_to_string(f"journey/conference/fields/{kind}.html", ctx)


@register.filter
def anchor(field: forms.BoundField) -> str:
    return field_anchor(field)
