"""How values read on screen: type icons, amounts, date spans, property values and safe links.

Everything returned here is Markdown for st.markdown and friends, with data
escaped by app_pages.markup.escape_markdown.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote, urlsplit

from app_pages.markup import escape_markdown
from graph.explain import SOURCE_KINDS
from graph.i18n import MESSAGES, t
from graph.model import in_schema_order
from graph.schema import get_schema

# Material Symbols, bundled with Streamlit (no font is fetched from the network).
LABEL_ICONS = {
    "Company": ":material/business:",
    "Agency": ":material/account_balance:",
    "Contract": ":material/description:",
    "Product": ":material/memory:",
    "Person": ":material/person:",
    "Organization": ":material/groups:",
    "Campaign": ":material/campaign:",
    "Event": ":material/event:",
    "Source": ":material/article:",
}
FALLBACK_ICON = ":material/circle:"
URL_PROPERTIES = frozenset({"url", "website"})
# Characters kept as they are in a link target; everything else is percent-encoded,
# so no space, quote, bracket or backslash can end the Markdown link early.
_URL_SAFE = "/:?#@!$&'*+,;=%~-._[]"


def icon(label: str) -> str:
    return LABEL_ICONS.get(label, FALLBACK_ICON)


def label_title(label: str, lang: str, plural: bool = False) -> str:
    known = get_schema().labels.get(label)
    return known.title(lang, plural) if known else label


def amount(value: Any, lang: str) -> str:
    """US dollars: 'US$53,100,000' in Spanish, '$53,100,000' in English.

    Hilos's Spanish is that of the US and Mexico (es-US, es-MX): digits grouped with ',' and decimals marked
    with '.', as in the seed's summaries ('unos 53.1 millones'). Spain's '53.100.000' beside them would read
    as another number."""
    number = float(value)
    sign = "-" if round(number) < 0 else ""  # a deobligation: '-$3,000', not '$-3,000'
    return f"{sign}{'US$' if lang == 'es' else '$'}{abs(number):,.0f}"


def obligations(items: list[Any], lang: str) -> str:
    """USAspending's obligations per fiscal year, stored as 'YYYY=amount': '2019: $1,250,000 · 2020: -$3,000'."""
    shown = []
    for item in items:
        year, _, money = str(item).partition("=")
        try:
            shown.append(f"{year}: {amount(money, lang)}")
        except ValueError:  # not written by the loader: shown as stored
            shown.append(str(item))
    return " · ".join(shown)


def span(start: str | None, end: str | None) -> str:
    """'2014-09-01 – 2019-08-31', or one end alone, or ''."""
    if start and end:
        return f"{start} – {end}"
    return start or end or ""


def safe_url(url: str) -> str | None:
    """The URL percent-encoded for a Markdown link target if it is http(s) with a host (and a numeric port, if
    any); else None."""
    encoded = quote(url.strip(), safe=_URL_SAFE)
    try:
        parts = urlsplit(encoded)
        parts.port  # noqa: B018 - raises ValueError for "http://javascript:alert(1)", which no browser can open
    except ValueError:  # also an unbalanced '[' or ']' in the host: "https://[x" is no IPv6 address
        return None
    return encoded if parts.scheme in ("http", "https") and parts.netloc else None


def link(url: str) -> str:
    """A Markdown link showing the URL itself, or the URL as plain text when it is not http(s)."""
    target = safe_url(url)
    text = escape_markdown(url)
    return f"[{text}](<{target}>)" if target else text


def property_title(name: str, lang: str) -> str:
    key = f"prop.{name}"
    return t(key, lang) if key in MESSAGES else name


def property_value(name: str, value: Any, lang: str) -> str:
    """A property's value as Markdown: links for URLs, amounts in dollars, lists joined."""
    if name in URL_PROPERTIES and isinstance(value, str):
        return link(value)
    if name == "kind" and value in SOURCE_KINDS:
        return escape_markdown(SOURCE_KINDS[value][lang])
    if name.endswith("_usd") and isinstance(value, (int, float)):
        return escape_markdown(amount(value, lang))
    if name == "award_type" and isinstance(value, str) and _award_type_key(value) in MESSAGES:
        return escape_markdown(t(_award_type_key(value), lang))
    if name == "obligations_by_fy" and isinstance(value, (list, tuple)):
        return escape_markdown(obligations(list(value), lang))
    if isinstance(value, (list, tuple)):
        return escape_markdown(", ".join(str(item) for item in value))
    return escape_markdown(str(value))


def _award_type_key(value: str) -> str:
    """USAspending's 'DELIVERY ORDER' and the seed's 'order' name their message 'award_type.delivery_order'."""
    return "award_type." + "_".join(value.casefold().split())


def facts(label: str, properties: Mapping[str, Any], lang: str, skip: frozenset[str]) -> list[str]:
    """'**Title:** value' lines for every property not in `skip`, in the schema's order for `label` (a graph file
    written before the stores kept that order may hold a merged record's properties in another)."""
    return [f"**{escape_markdown(property_title(name, lang))}:** {property_value(name, value, lang)}"
            for name, value in in_schema_order(properties, label).items()
            if name not in skip and value not in (None, "", [])]
