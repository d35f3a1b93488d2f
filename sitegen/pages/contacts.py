"""The contacts page: each project's manager, how to reach them, and who else works on it."""

from __future__ import annotations

import re

from markupsafe import Markup

from sitegen.content import STATUS_LABELS, Project
from sitegen.pages.common import page, table

_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
_DIALLABLE = re.compile(r"[^0-9+]")
ORGANIZATION_KINDS = {"PMO": "Project management office", "CLIENT": "Your organization",
                      "SUBCONTRACTOR": "Subcontractor"}


def contacts_page(projects: list[Project]) -> str:
    """The page's Markdown: one section per project, its manager first."""
    parts = [
        Markup("<h1>Contacts</h1>"),
        Markup('<p class="lead">Who to talk to about each project. '
               "The project manager is your first point of contact.</p>"),
    ]
    if not projects:
        parts.append(Markup('<p class="muted">No projects yet.</p>'))
    parts += [_project_contacts(project) for project in projects]
    return page(parts)


def _project_contacts(project: Project) -> Markup:
    heading_id = f"contacts-{project.page_name}"
    parts = [
        Markup('<h2 id="{}"><a href="projects/{}.html">{}</a></h2>').format(heading_id, project.page_name, project.name),
        Markup('<p class="muted">{} · {}</p>').format(project.code, STATUS_LABELS[project.status]),
        _manager_card(project.manager),
    ]
    if project.team:
        parts.append(Markup('<h3 id="team-{}">Team</h3>').format(project.page_name))
        rows = [
            Markup('<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>').format(
                member["role"], (member["person"] or {}).get("name") or "Whole team",
                _organization(member["organization"]))
            for member in project.team
        ]
        parts.append(table(("Role", "Name", "Organization"), rows, label_id=f"team-{project.page_name}",
                           css_class="team-table"))
    return Markup('<section class="contact-group" aria-labelledby="{}">\n{}\n</section>').format(
        heading_id, Markup("\n").join(parts))


def _manager_card(manager: dict | None) -> Markup:
    if manager is None:
        return Markup('<p class="muted">No project manager is named yet.</p>')
    ways = []
    if manager.get("email"):
        ways.append(Markup("<dt>Email</dt><dd>{}</dd>").format(_email(manager["email"])))
    if manager.get("phone"):
        ways.append(Markup("<dt>Phone</dt><dd>{}</dd>").format(_phone(manager["phone"])))
    title = Markup('<p class="contact-card__title">{}</p>').format(manager["title"]) if manager.get("title") else ""
    reach = Markup('<dl class="contact-card__ways">{}</dl>').format(Markup("").join(ways)) if ways else ""
    return Markup(
        '<div class="contact-card">\n<p class="contact-card__role">Project manager</p>\n'
        '<p class="contact-card__name">{}</p>\n{}\n{}\n</div>'
    ).format(manager["name"], title, reach)


def _email(address: str) -> Markup:
    """A mail link when the address looks like one; the bare text otherwise."""
    if not _EMAIL.fullmatch(address):
        return Markup("{}").format(address)
    return Markup('<a href="mailto:{0}">{0}</a>').format(address)


def _phone(number: str) -> Markup:
    """A call link for a number with enough digits; the bare text otherwise."""
    diallable = _DIALLABLE.sub("", number)
    if sum(ch.isdigit() for ch in diallable) < 5 or "+" in diallable[1:]:
        return Markup("{}").format(number)
    return Markup('<a href="tel:{}">{}</a>').format(diallable, number)


def _organization(organization: dict | None) -> Markup:
    if organization is None:
        return Markup("Not shown")
    kind = ORGANIZATION_KINDS.get(organization["kind"], organization["kind"].title())
    return Markup('{} <span class="muted">({})</span>').format(organization["name"], kind)
