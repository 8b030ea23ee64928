"""The API's reference page: every call and every shape it reads or writes, read from the
OpenAPI schema the API describes itself with (``/api/schema/``), as a plain page of the
service (headings, tables, links) that a screen reader and a keyboard use as any other.

Built once per process: the schema changes only with the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

METHODS = ("get", "post", "put", "patch", "delete")
# What a success says where the schema says nothing more.
DONE = {"200": "Done.", "201": "Made.", "202": "Accepted: queued for the worker."}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # in words: "date (YYYY-MM-DD)", "one of: review, initial"
    shape: str  # the shape it refers to, if any (an anchor on the page)
    required: bool
    description: str
    where: str = ""  # a parameter's place: query, path or header

    @property
    def around_shape(self) -> tuple[str, str]:
        """The type's words before and after the shape's name (which the page links)."""
        before, _, after = self.type.partition(self.shape)
        return before, after


@dataclass(frozen=True)
class Response:
    code: str
    description: str
    shape: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    body_shape: str
    body_kind: str  # "JSON" or "a file (multipart/form-data)"
    responses: list[Response]

    @property
    def anchor(self) -> str:
        return "op-" + self.method + self.path.replace("/", "-").replace("{", "").replace("}", "")


@dataclass(frozen=True)
class Shape:
    name: str
    description: str
    fields: list[Field] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)  # an enumeration's values

    @property
    def anchor(self) -> str:
        return "shape-" + self.name


@dataclass(frozen=True)
class Reference:
    title: str
    description: str
    groups: list[tuple[str, list[Operation]]]
    shapes: list[Shape]


def _ref(schema: dict) -> str:
    return schema.get("$ref", "").rpartition("/")[2]


def _type(schema: dict, shapes: dict) -> tuple[str, str]:
    """A schema's type in words, and the shape it refers to."""
    if "$ref" in schema:
        name = _ref(schema)
        target = shapes.get(name, {})
        if "enum" in target:
            return "one of: " + ", ".join(str(v) for v in target["enum"] if v not in ("", None)), ""
        return name, name
    if schema.get("allOf"):
        return _type(schema["allOf"][0], shapes)
    if "oneOf" in schema:
        kinds = [_type(s, shapes) for s in schema["oneOf"]]
        words = [w for w, _ in kinds if w and w != "one of: "]
        shape = next((s for _, s in kinds if s), "")
        return " or ".join(dict.fromkeys(words)) or "any", shape
    if "enum" in schema:
        return "one of: " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None)), ""
    kind = schema.get("type", "any")
    nullable = bool(schema.get("nullable"))
    if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
        nullable = nullable or "null" in kind
        kind = next((k for k in kind if k != "null"), "any")
    if kind == "array":
        words, shape = _type(schema.get("items", {}), shapes)
        return f"list of {words}", shape
    fmt = schema.get("format", "")
    words = {
        "date": "date (YYYY-MM-DD)",
        "date-time": "date and time (ISO 8601)",
        "time": "time (HH:MM)",
        "uuid": "id (UUID)",
        "uri": "link",
        "binary": "file",
    }.get(
        fmt,
        {"string": "text", "integer": "whole number", "boolean": "true or false"}.get(kind, kind),
    )
    if nullable:
        words += ", or null"
    return words, ""


def _fields(schema: dict, shapes: dict) -> list[Field]:
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema.get("properties", {}).items():
        words, shape = _type(prop, shapes)
        if prop.get("readOnly"):
            words += " (read only)"
        out.append(
            Field(
                name=name,
                type=words,
                shape=shape,
                required=name in required,
                description=prop.get("description", ""),
            )
        )
    return out


def _body(operation: dict) -> tuple[str, str]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return _ref(content["application/json"]["schema"]), "JSON"
    if "multipart/form-data" in content:
        return _ref(content["multipart/form-data"]["schema"]), "a file (multipart/form-data)"
    return "", ""


def build(schema: dict) -> Reference:
    shapes = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list[Operation]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = []
            for p in operation.get("parameters", ()):
                words, shape = _type(p.get("schema", {}), shapes)
                parameters.append(
                    Field(
                        name=p["name"],
                        type=words,
                        shape=shape,
                        required=bool(p.get("required")),
                        description=p.get("description", ""),
                        where=p.get("in", ""),
                    )
                )
            body_shape, body_kind = _body(operation)
            responses = []
            for code, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                shape = _ref(next(iter(content.values()), {}).get("schema", {})) if content else ""
                said = answer.get("description", "") or DONE.get(code, "")
                responses.append(Response(code, said, shape))
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    body_shape=body_shape,
                    body_kind=body_kind,
                    responses=sorted(responses, key=lambda r: r.code),
                )
            )
    listed = [
        Shape(
            name=name,
            description=body.get("description", ""),
            fields=_fields(body, shapes),
            choices=[str(v) for v in body.get("enum", ()) if v not in ("", None)],
        )
        for name, body in sorted(shapes.items())
        if "enum" not in body
    ]
    info = schema.get("info", {})
    return Reference(
        title=info.get("title", "API"),
        description=info.get("description", ""),
        groups=sorted(groups.items()),
        shapes=listed,
    )


@cache
def reference() -> Reference:
    from drf_spectacular.generators import SchemaGenerator

    return build(SchemaGenerator().get_schema(request=None, public=True))
