"""Markup pieces shared by the microsite's pages.

Every value from the snapshot reaches a page through `Markup.format`, which escapes it with
`markupsafe.escape`, and only inside raw HTML blocks, which Python-Markdown passes through
untouched: data can inject neither HTML nor Markdown. Blocks hold no blank lines, so each
stays one raw HTML block.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import yaml
from markupsafe import Markup

from sitegen.content import HEALTH_MARKERS

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")


def page(parts: list[Markup], *, front_matter: dict | None = None) -> str:
    """A page's Markdown: optional front matter, then raw HTML blocks separated by blank lines."""
    head = f"---\n{yaml.safe_dump(front_matter)}---\n\n" if front_matter else ""
    return head + "\n\n".join(parts) + "\n"


def back_link(href: str, label: str) -> Markup:
    """A link back up the site; the print stylesheet hides it."""
    return Markup(
        '<p><a class="back-link" href="{}"><span aria-hidden="true">←</span> {}</a></p>'
    ).format(href, label)


def badge(health: str) -> Markup:
    """A health value as its word and a shape, never colour alone."""
    # Same markup as portal_theme/partials/health-badge.html.
    return Markup(
        '<span class="health health--{}"><span class="health__marker" aria-hidden="true">{}</span> {}</span>'
    ).format(health.lower(), HEALTH_MARKERS[health], health)


def progress(percent: int) -> Markup:
    """A percent complete as words with a bar beside them."""
    return Markup(
        '<span class="progress"><span class="progress__label">{0}% complete</span>'
        '<svg class="progress__bar" aria-hidden="true" focusable="false" viewBox="0 0 100 1" preserveAspectRatio="none">'
        '<rect class="progress__fill" width="{0}" height="1"/></svg></span>'
    ).format(percent)


def paragraphs(text: str, *, empty: str) -> Markup:
    """Free text as paragraphs, or `empty` in muted type when there is none."""
    # One line per paragraph keeps every data line inside an HTML tag's line.
    found = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    if not found:
        return Markup('<p class="muted">{}</p>').format(empty)
    body = Markup("\n").join(Markup("<p>{}</p>").format(p) for p in found)
    return Markup('<div class="summary-text">\n{}\n</div>').format(body)


def day(value: str | None) -> Markup:
    """A date as `<time>` with the day written out."""
    if not value:
        return Markup("not set")
    return Markup('<time datetime="{}">{}</time>').format(value[:10], written_day(value))


def written_day(value: str) -> str:
    """An ISO date as `6 January 2025`."""
    when = date.fromisoformat(value[:10])
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def short_day(value: str) -> str:
    """An ISO date as `6 Jan 25`, short enough for a chart axis."""
    when = date.fromisoformat(value[:10])
    return f"{when.day} {MONTHS[when.month - 1][:3]} {when.year % 100:02d}"


def month(value: str) -> str:
    """The month of an ISO date, as `March 2025`."""
    when = date.fromisoformat(value[:10])
    return f"{MONTHS[when.month - 1]} {when.year}"


def money(value: dict) -> str:
    """A Money value with thousands separators and its currency code."""
    return f"{Decimal(value['amount']):,.2f} {value['currency']}"


def table(headings: tuple[str, ...], rows: list[Markup], *, label_id: str, css_class: str | None = None) -> Markup:
    """A table labelled by the heading whose id is `label_id`, in a wrapper that scrolls on narrow screens."""
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(h) for h in headings)
    attrs = Markup(' class="{}"').format(css_class) if css_class else Markup("")
    # A region that may scroll sideways must take keyboard focus, or keyboard users cannot scroll it (WCAG 2.1.1);
    # its name tells screen readers which table the stop is for.
    return Markup(
        '<div class="table-wrap" role="region" aria-labelledby="{id}" tabindex="0">\n'
        '<table{} aria-labelledby="{id}">\n<thead><tr>{}</tr></thead>\n<tbody>\n{}\n</tbody>\n</table>\n</div>'
    ).format(attrs, head, Markup("\n").join(rows), id=label_id)
