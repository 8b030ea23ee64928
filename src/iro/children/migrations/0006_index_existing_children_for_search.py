"""Fill the search terms of the children recorded before the search existed.

A copy of ``children.search.terms_for`` as it was written (a migration never imports
the app's code, which may change after it).
"""

import re
import unicodedata

from django.db import migrations

MIN_INFIX = 3
TERM_LENGTH = 80
_APOSTROPHES = re.compile(r"['’`]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SPELT_OUT = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th"})


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _APOSTROPHES.sub("", bare.casefold()).translate(_SPELT_OUT)
    return _NOT_ALNUM.sub(" ", bare).strip()


def terms_for(*names):
    found = {}
    for word in {w for name in names for w in fold(name).split()}:
        word = word[:TERM_LENGTH]
        found[word] = True
        for start in range(1, len(word) - MIN_INFIX + 1):
            found.setdefault(word[start:], False)
    return sorted(found.items())


def index_children(apps, schema_editor):
    Child = apps.get_model("children", "Child")
    Term = apps.get_model("children", "ChildSearchTerm")
    batch = []
    children = Child.objects.select_related("family").only(
        "pk", "first_name", "last_name", "family__name"
    )
    for child in children.iterator(chunk_size=2000):
        family_name = child.family.name if child.family_id else ""
        for term, start in terms_for(child.first_name, child.last_name, family_name):
            batch.append(Term(child_id=child.pk, term=term, word_start=start))
        if len(batch) >= 5000:
            Term.objects.bulk_create(batch)
            batch = []
    Term.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("children", "0005_search_terms_and_family_adults")]

    operations = [migrations.RunPython(index_children, migrations.RunPython.noop)]
