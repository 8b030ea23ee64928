"""The form of a report's words: one text area per section, each with its limit."""

from __future__ import annotations

from django import forms

from iro import text_limits
from iro.journey.conference_forms import VersionedForm
from iro.narrative.sections import SECTIONS


class NarrativeForm(VersionedForm):
    """``version``: the version of the words the page showed (``services.NONE_SAVED``
    before any), for merging two editors' saves."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[section.field] = forms.CharField(
                label=section.title,
                required=False,
                help_text=section.hint,
                widget=forms.Textarea,
                validators=[text_limits.MaxChars(text_limits.NARRATIVE_SECTION)],
            )
