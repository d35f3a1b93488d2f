"""Client data versions: every mapped class has a scope, and a flush moves exactly the versions of the clients whose
visible data it changed, once per transaction, with a ClientDataChanged event in the outbox."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Role
from api.changes.events import ClientDataChanged
from api.changes.models import ClientDataVersion
from api.changes.scopes import SCOPES
from api.kit.database import Base
from api.organizations.models import Organization, OrganizationKind
from api.projects.models import Assignment, Visibility
from api.reports.models import ReportState
from api.sites.models import BuildState, BuildTrigger, Site, SiteBuild
from tests.fixtures.events import recorded
from tests.fixtures.factories import (
    make_action_item,
    make_client,
    make_milestone,
    make_organization,
    make_project,
    make_risk,
    make_status_report,
    make_user,
)


def test_every_mapped_class_says_which_clients_its_rows_touch() -> None:
    mapped = {mapper.class_ for mapper in Base.registry.mappers}
    assert mapped - set(SCOPES) == set(), "add these classes to api.changes.scopes.SCOPES"
    assert set(SCOPES) - mapped == set()


async def _versions(session: AsyncSession) -> dict[int, int]:
    await session.flush()
    return dict((await session.execute(select(ClientDataVersion.client_id, ClientDataVersion.version))).all())


async def _moved(session: AsyncSession, before: dict[int, int]) -> set[int]:
    after = await _versions(session)
    return {client_id for client_id, version in after.items() if version != before.get(client_id)}


async def test_a_change_moves_its_clients_version_once_per_transaction(session: AsyncSession) -> None:
    harbor, parks = await make_client(session, slug="harbor"), await make_client(session, slug="parks")
    project = await make_project(session, client=harbor)
    milestone = await make_milestone(session, project=project)
    await session.commit()
    before = await _versions(session)
    milestone.percent_complete = 40
    await session.flush()
    milestone.percent_complete = 50  # a second flush in the same transaction
    assert await _moved(session, before) == {harbor.id}
    assert (await _versions(session))[harbor.id] == before[harbor.id] + 1
    await session.commit()
    assert [event.client_ids for event in await recorded(session, ClientDataChanged)][-1] == [harbor.id]
    milestone.percent_complete = 60  # the next transaction moves it on again
    assert (await _versions(session))[harbor.id] == before[harbor.id] + 2
    assert (await _versions(session))[parks.id] == before[parks.id]


async def test_what_the_client_cannot_see_leaves_its_version(session: AsyncSession) -> None:
    harbor = await make_client(session, slug="harbor")
    project = await make_project(session, client=harbor)
    risk = await make_risk(session, project=project, visibility=Visibility.INTERNAL)
    draft = await make_status_report(session, project=project)
    hidden = await make_action_item(session, client=harbor, client_visible=False)
    site = await session.scalar(select(Site).where(Site.client_id == harbor.id))
    await session.commit()
    before = await _versions(session)
    risk.title = "Still internal"
    draft.summary = "Still a draft"
    hidden.title = "Still hidden"
    site.schedule, site.published_input_hash = "0 7 * * 1", "f" * 64
    session.add(SiteBuild(client_id=harbor.id, trigger=BuildTrigger.MANUAL, state=BuildState.QUEUED))
    assert await _moved(session, before) == set()
    await session.commit()
    risk.visibility = Visibility.CLIENT  # shown now: the change counts
    assert await _moved(session, before) == {harbor.id}
    await session.commit()
    before = await _versions(session)
    draft.state = ReportState.PUBLISHED
    assert await _moved(session, before) == {harbor.id}


async def test_people_and_organizations_touch_every_client_they_appear_for(session: AsyncSession) -> None:
    pmo = await make_organization(session, kind=OrganizationKind.PMO)
    harbor, parks, quay = [await make_client(session, slug=slug) for slug in ("harbor", "parks", "quay")]
    sub = await make_organization(session, kind=OrganizationKind.SUBCONTRACTOR)
    manager = await make_user(session, organization=pmo, role=Role.PMO_STAFF)
    engineer = await make_user(session, organization=sub, role=Role.SUBCONTRACTOR)
    contact = await make_user(session, organization=parks, role=Role.CLIENT_CONTACT)
    harbor_project = await make_project(session, client=harbor, manager_id=manager.id)
    session.add(Assignment(project_id=(await make_project(session, client=quay)).id, organization_id=sub.id,
                           user_id=engineer.id, role="Engineer"))
    await session.commit()

    async def moved_by(change) -> set[int]:  # noqa: ANN001
        before = await _versions(session)
        change()
        moved = await _moved(session, before)
        await session.commit()
        return moved

    assert await moved_by(lambda: setattr(manager, "title", "Programme manager")) == {harbor.id}
    assert await moved_by(lambda: setattr(engineer, "phone", "+1 555 0100")) == {quay.id}
    assert await moved_by(lambda: setattr(contact, "name", "Dana Q.")) == {parks.id}
    assert await moved_by(lambda: setattr(sub, "name", "Dredgeco")) == {quay.id}
    assert await moved_by(lambda: setattr(pmo, "name", "The PMO")) == {harbor.id, parks.id, quay.id}
    assert await moved_by(lambda: setattr(harbor_project, "client_id", parks.id)) == {harbor.id, parks.id}


async def test_a_bulk_change_to_what_clients_see_moves_every_version(session: AsyncSession) -> None:
    harbor, parks = await make_client(session, slug="harbor"), await make_client(session, slug="parks")
    await session.commit()
    before = await _versions(session)
    await session.execute(update(Organization).where(Organization.id == harbor.id).values(name="Harbor"))
    assert await _moved(session, before) == {harbor.id, parks.id}


async def test_a_bulk_change_that_names_its_clients_moves_only_theirs(session: AsyncSession) -> None:
    harbor, parks = await make_client(session, slug="harbor"), await make_client(session, slug="parks")
    await session.commit()
    before = await _versions(session)
    await session.execute(update(Organization).where(Organization.id == harbor.id).values(name="Harbor")
                          .execution_options(touches_clients=[harbor.id]))
    assert await _moved(session, before) == {harbor.id}
