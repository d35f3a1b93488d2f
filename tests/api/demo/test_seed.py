"""Seeding the demo data set: row counts, idempotency and determinism."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from api.demo.seed import DEMO_SEED, seed_demo
from api.models import Base, Site
from tests.api.demo.conftest import TODAY, NewDatabase, dump_content


async def test_seed_reports_the_row_count_of_every_table(new_database: NewDatabase) -> None:
    async with (await new_database())() as session:
        result = await seed_demo(session, today=TODAY)
        counts = {
            table.name: await session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }

    assert result.created is True
    assert result.counts == counts
    # Deliveries come from the demo's one live publication (rapport demo), not from the seed, and the webhook
    # endpoint from rapport demo too: it points it at the receiver it starts. Activity comes from events, and the
    # demo's update request is made live by rapport demo, so that its mail goes out.
    not_seeded = {"api_tokens", "audit_events", "site_builds", "outbox_reactions", "deliveries", "webhook_endpoints",
                  "webhook_secrets", "activities", "update_requests", "update_request_items"}
    assert all(counts[name] > 0 for name in counts if name not in not_seeded)


async def test_seeding_twice_adds_nothing(new_database: NewDatabase) -> None:
    session_factory = await new_database()
    async with session_factory() as session:
        first = await seed_demo(session, today=TODAY)
        await session.commit()
        before = await dump_content(session)
    async with session_factory() as session:
        second = await seed_demo(session, today=TODAY + timedelta(days=30))
        await session.commit()
        after = await dump_content(session)

    assert (first.created, second.created) == (True, False)
    assert second.counts == first.counts
    assert after == before


async def test_same_day_and_seed_give_identical_content(new_database: NewDatabase) -> None:
    dumps, site_keys = [], []
    for _ in range(2):
        async with (await new_database())() as session:
            await seed_demo(session, today=TODAY)
            await session.commit()
            dumps.append(await dump_content(session))
            site_keys.append(set(await session.scalars(select(Site.site_key))))

    assert dumps[0] == dumps[1]
    assert all(dumps[0][table] for table in ("projects", "status_reports", "feedback", "mystery_shops"))
    assert site_keys[0].isdisjoint(site_keys[1])


async def test_another_seed_or_day_gives_other_content(new_database: NewDatabase) -> None:
    dumps = []
    for today, seed in ((TODAY, DEMO_SEED), (TODAY, DEMO_SEED + 1), (TODAY + timedelta(days=7), DEMO_SEED)):
        async with (await new_database())() as session:
            await seed_demo(session, today=today, seed=seed)
            await session.commit()
            dumps.append(await dump_content(session))

    assert dumps[0]["feedback"] != dumps[1]["feedback"]
    assert dumps[0]["organizations"] == dumps[1]["organizations"]
    assert dumps[0]["projects"] != dumps[2]["projects"]
