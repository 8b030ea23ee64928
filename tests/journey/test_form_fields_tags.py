"""A select field's options, written by the ``select_options`` tag, are Django's own."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

# What includes/field_body.html wrote before the tag: a template loop over Django's
# subwidgets, the reference the tag must match.
SUBWIDGET_LOOP = Template(
    "{% for option in field.subwidgets %}"
    "<option value=\"{{ option.data.value|default_if_none:'' }}\""
    "{% if option.data.selected %} selected{% endif %}>{{ option.choice_label }}</option>"
    "{% endfor %}"
)
TAG = Template("{% load form_fields %}{% select_options field %}")

CHOICES = [("", "Any"), ("1", "North & West"), ("2", "<b>South</b>"), ("3", "East")]


class Filters(forms.Form):
    team = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(
        choices=[("", "Any"), ("Open", [("a", "Open A"), ("b", "Open B")]), ("c", "Closed")],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)


def both(form: forms.Form, name: str) -> tuple[str, str]:
    context = Context({"field": form[name]})
    return TAG.render(context), SUBWIDGET_LOOP.render(context)


def test_the_options_are_those_the_subwidget_loop_wrote_for_every_kind_of_value():
    for data in ({}, {"team": "2"}, {"team": "9"}, {"grouped": "b"}, {"several": ["1", "3"]}):
        form = Filters(data)
        for name in form.fields:
            tag, loop = both(form, name)
            assert tag == loop, (data, name)


def test_the_chosen_option_is_selected_and_no_other():
    tag, _ = both(Filters({"team": "2"}), "team")
    assert tag.count(" selected") == 1
    assert '<option value="2" selected>' in tag


def test_labels_and_values_are_escaped():
    tag, _ = both(Filters({}), "team")
    assert "&lt;b&gt;South&lt;/b&gt;" in tag
    assert "North &amp; West" in tag
    assert "<b>" not in tag


def test_an_unbound_form_selects_its_initial_value():
    form = Filters(initial={"team": "3"})
    tag, loop = both(form, "team")
    assert tag == loop
    assert '<option value="3" selected>' in tag
