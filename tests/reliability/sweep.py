"""The authorization sweep's machinery: every URL pattern, its path parameters filled with records outside a
user's scope, and the requests that must not succeed.

Nothing here names an app: URL patterns come from Django's resolver, the model behind a path parameter from
its name (``plan_id``, ``<int:pk>`` after ``plans/``, ``<str:kato>`` after ``regions/``) matched against the
installed models, "outside the scope" from the one scoping function (``accounts.scoping.scope_q``), and the
methods of API routes from the OpenAPI schema. New apps are covered as soon as their URLs are included.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db.models import ForeignKey, Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import translation

# Path parameters whose model the name cannot tell; used only when the generic match finds nothing.
# (model label or "" for a fixed value, field or value).
OVERRIDES: dict[str, tuple[str, str]] = {
    "kind": ("", "goal"),  # plans' part_delete: the kind of plan part (goal, objective, indicator, activity)
    "part_pk": ("plans.Goal", "pk"),  # ... and the part, a goal given kind=goal
}
# (URL name, parameter) -> (model label, field), where the URL does not name its model.
ROUTE_OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    ("leadership:candidate", "pk"): ("leadership.Application", "pk"),
    ("leadership:assign", "pk"): ("leadership.Application", "pk"),
    ("leadership:appoint", "pk"): ("leadership.ReserveEntry", "pk"),
    ("kpi:detail", "pk"): ("kpi.Scorecard", "pk"),
    ("kpi:decide", "pk"): ("kpi.Scorecard", "pk"),
}
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass
class Route:
    path: str  # with <converter:name> placeholders, no leading slash
    name: str  # namespaced URL name
    module: str  # the view's module
    params: list[tuple[str, str]] = field(default_factory=list)  # (name, converter)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")

    @property
    def app(self) -> str:
        parts = self.module.split(".")
        return parts[1] if len(parts) > 2 and parts[0] == "smarttvet" else ""


def _route_text(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    text = str(pattern)
    if text.startswith("^") or text.endswith("$"):  # a regex pattern: turn named groups into placeholders
        text = text.lstrip("^").rstrip("$").replace("\\Z", "")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
        return None if any(c in text for c in "()[]*+?\\|") else text
    return text  # the language prefix


def routes() -> list[Route]:
    """Every URL pattern of the site, with the English language prefix."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            text = _route_text(p.pattern)
            if text is None:
                continue
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                walk(p.url_patterns, prefix + text, ns)
            elif isinstance(p, URLPattern):
                callback = p.callback
                module = getattr(callback, "__module__", "") or ""
                view_class = getattr(callback, "view_class", None)
                if view_class is not None:
                    module = view_class.__module__
                name = ":".join(x for x in (namespace, p.name or "") if x)
                path = prefix + text
                params = [(m.group("name"), m.group("converter") or "str") for m in PARAM.finditer(path)]
                found.append(Route(path=path, name=name, module=module, params=params))

    with translation.override("en"):
        walk(get_resolver().url_patterns, "", "")
    unique: dict[tuple[str, str], Route] = {}
    for route in found:
        unique.setdefault((route.path, route.name), route)
    return list(unique.values())


# ------------------------------------------------------------------------------------------------ models
def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _singular(word: str) -> str:
    word = word.replace("-", "_")
    for plural, single in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("s", "")):
        if word.endswith(plural) and len(word) > len(plural) + 1:
            return word[: -len(plural)] + single
    return word


def smarttvet_models() -> list[type[Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("smarttvet.") and not m._meta.abstract]


def _model_index() -> dict[str, list[tuple[int, type[Model]]]]:
    index: dict[str, list[tuple[int, type[Model]]]] = {}
    for model in smarttvet_models():
        snake = _snake(model.__name__)
        keys = {(snake, 0), (model._meta.model_name, 0), (snake.rsplit("_", 1)[-1], 1)}
        for key, quality in keys:
            index.setdefault(key, []).append((quality, model))
    return index


@dataclass
class Param:
    name: str
    converter: str
    model: type[Model] | None
    field: str  # the model field whose value fills the parameter ("pk", "kato", "code", ...)


def resolve_params(route: Route) -> list[Param]:
    """The model behind each path parameter of ``route`` (None where the name says nothing)."""
    index = _model_index()
    segments = [s for s in route.path.split("/") if s]
    result: list[Param] = []
    for name, converter in route.params:
        position = next(i for i, s in enumerate(segments) if f"{name}>" in s)
        previous = next((segments[i] for i in range(position - 1, -1, -1) if "<" not in segments[i]), "")
        model: type[Model] | None = None
        value_field = "pk"
        if route.is_admin:
            # no role of the sweep is staff: every admin URL must send it to the login page, whatever the record
            result.append(Param(name, converter, None, "1"))
            continue
        if (route.name, name) in ROUTE_OVERRIDES:
            label, field_name = ROUTE_OVERRIDES[(route.name, name)]
            try:
                result.append(Param(name, converter, apps.get_model(label), field_name))
                continue
            except LookupError:
                pass
        if name in OVERRIDES and OVERRIDES[name][0]:
            result.append(Param(name, converter, apps.get_model(OVERRIDES[name][0]), OVERRIDES[name][1]))
            continue
        else:
            base = re.sub(r"_(id|pk)$", "", name)
            if base in ("pk", "id") or base not in index:
                if base not in ("pk", "id"):
                    value_field = name  # <str:kato> after regions/: the region's kato
                base = _singular(previous)
            candidates = sorted(index.get(base, []), key=lambda qm: (qm[0], qm[1]._meta.app_label != route.app))
            if candidates:
                model = candidates[0][1]
        if model is not None and value_field != "pk" and value_field not in {f.name for f in model._meta.fields}:
            model = None
        if model is None and name in OVERRIDES:
            result.append(Param(name, converter, None, OVERRIDES[name][1]))
            continue
        result.append(Param(name, converter, model, value_field))
    return result


def _fk_path(child: type[Model], parent: type[Model]) -> str | None:
    """A lookup from ``child`` to ``parent`` through at most two foreign keys."""
    for f in child._meta.fields:
        if isinstance(f, ForeignKey) and f.related_model is parent:
            return f.name
    for f in child._meta.fields:
        if isinstance(f, ForeignKey) and f.related_model is not child:
            for g in f.related_model._meta.fields:
                if isinstance(g, ForeignKey) and g.related_model is parent:
                    return f"{f.name}__{g.name}"
    return None


def app_rule(model: type[Model]):
    """An app's own access rule, when its ``access`` module has one (``visible(user, queryset, for_write=)``):
    the reserve selection's committee, assessors and candidates follow rules beyond the one scoping function."""
    try:
        module = importlib.import_module(f"smarttvet.{model._meta.app_label}.access")
    except ModuleNotFoundError:
        return None
    return getattr(module, "visible", None)


def scoped(model: type[Model]) -> bool:
    return hasattr(model, "scope") or app_rule(model) is not None


def readable(user, queryset, *, for_write: bool = False):
    """``queryset`` narrowed to what ``user`` may read (or change): the app's own rule, else the generic one."""
    from smarttvet.accounts.scoping import scope_q

    rule = app_rule(queryset.model)
    if rule is not None:
        return rule(user, queryset, for_write=for_write)
    return queryset.filter(scope_q(user, queryset.model, for_write=for_write))


def outside(user, model: type[Model], *, for_write: bool):
    """Records of ``model`` this user may not read (or change)."""
    manager = model._default_manager
    if not scoped(model):
        return manager.none()
    return manager.exclude(pk__in=readable(user, manager.all(), for_write=for_write).values("pk"))


@dataclass
class Filled:
    url: str
    denied: str  # "read": the records may not be read; "write": readable but not changeable
    objects: list


def fill(route: Route, params: list[Param], user) -> Filled | None:
    """The URL with its parameters set to records outside ``user``'s scope; None when there are none."""
    values: dict[str, str] = {}
    objects: list = []
    first_scoped = None
    denied = "read"
    for param in params:
        if param.model is None:
            if param.field == "pk":
                return None  # unknown parameter: counted as not covered
            values[param.name] = param.field
            continue
        manager = param.model._default_manager
        obj = None
        if first_scoped is None:
            for mode in ("read", "write"):
                obj = outside(user, param.model, for_write=mode == "write").order_by("pk").first()
                if obj is not None:
                    denied = mode if denied == "read" else denied
                    break
            if obj is None and not scoped(param.model):
                obj = manager.order_by("pk").first()  # reference data without a scope: any record
                denied = "public"
            if obj is None:
                return None
            if scoped(param.model):
                first_scoped = obj
        else:
            path = _fk_path(param.model, type(first_scoped))
            qs = manager.filter(**{path: first_scoped}) if path else outside(user, param.model, for_write=True)
            obj = qs.order_by("pk").first() or manager.order_by("pk").first()
            if obj is None:
                return None
        objects.append(obj)
        values[param.name] = str(getattr(obj, param.field))
    url = route.path
    for param in params:
        url = re.sub(rf"<(?:[^>:]+:)?{param.name}>", values[param.name], url)
    return Filled(url="/" + url, denied=denied, objects=objects)


def fill_inside(route: Route, user) -> str | None:
    """The URL with its parameters set to records ``user`` may read (the first of each); None if there are none."""
    url = "/" + route.path
    for param in resolve_params(route):
        if param.model is None:
            if param.field == "pk":
                return None
            value = param.field
        else:
            qs = param.model._default_manager.all()
            if scoped(param.model):
                qs = readable(user, qs)
            obj = qs.order_by("pk").first()
            if obj is None:
                return None
            value = str(getattr(obj, param.field))
        url = re.sub(rf"<(?:[^>:]+:)?{param.name}>", value, url)
    return url


# ------------------------------------------------------------------------------------------------ forms
class FormFields(HTMLParser):
    """The fields of the first POST form of a page (as a browser would send them)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_post_form = False
        self._done = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            action = a.get("action") or ""
            if "setlang" not in action and "logout" not in action:
                self._in_post_form = True
            return
        if not self._in_post_form or not a.get("name"):
            return
        if tag == "input" and (a.get("type") or "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.setdefault(a["name"], a.get("value") or "1")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and (self._select not in self.fields or "selected" in a):
            if a.get("value"):
                self.fields[self._select] = a["value"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.setdefault(a["name"], "reliability sweep")

    def handle_data(self, data):
        if self._textarea and data.strip():
            self.fields[self._textarea] = data.strip()

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_post_form:
            self._in_post_form = False
            self._done = bool(self.fields)


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    fields = parser.fields
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def example_body(schema: dict, components: dict, depth: int = 0):
    """A minimal valid JSON body for an OpenAPI request schema (required properties only)."""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    for key in ("allOf", "anyOf", "oneOf"):
        if schema.get(key):
            return example_body(schema[key][0], components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        props = schema.get("properties", {})
        return {name: example_body(props[name], components, depth + 1) for name in schema.get("required", [])
                if name in props}
    if kind == "array":
        return []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date":
        return "2025-01-01"
    if fmt == "date-time":
        return "2025-01-01T00:00:00Z"
    return "x" * max(int(schema.get("minLength", 1)), 1)


# ------------------------------------------------------------------------------------------------ OpenAPI
def openapi_schema() -> tuple[dict, list[str]]:
    """The API's OpenAPI document, and the operations that break it (left out, so the rest is still tested).

    A broken operation also breaks /api/v1/openapi.json for everyone: the tests report it as a failure.
    """
    import json

    from smarttvet.config.api import api
    from smarttvet.core.openapi import PlatformOpenAPISchema

    broken: list[str] = []

    class Tolerant(PlatformOpenAPISchema):
        def methods(self, operations: list) -> dict:
            result = {}
            for op in operations:
                if not op.include_in_schema:
                    continue
                try:
                    details = self.operation_details(op)
                except Exception as exc:  # noqa: BLE001 - reported by the caller
                    broken.append(f"{'/'.join(op.methods)} {op.view_func.__module__}.{op.view_func.__name__}: "
                                  f"{type(exc).__name__}: {str(exc)[:200]}")
                    continue
                for method in op.methods:
                    result[method.lower()] = details
            return result

    schema = Tolerant(api, api.get_root_path({}))
    return json.loads(json.dumps(schema, default=str)), broken
