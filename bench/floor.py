"""The floor: the dashboard's data by hand-written SQL, serialized with orjson, behind the same HTTP stack."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from sqlalchemy import text

PROJECTS = text("SELECT id, code, name, status, percent_complete, health_overall FROM projects "
                "WHERE client_id = :client ORDER BY code, id LIMIT 100")
MILESTONES = text("SELECT project_id, name, status, forecast_date, percent_complete FROM ("
                  " SELECT m.*, row_number() OVER (PARTITION BY project_id ORDER BY m.baseline_date, m.id) AS n"
                  " FROM milestones m JOIN projects p ON p.id = m.project_id WHERE p.client_id = :client"
                  ") ranked WHERE n <= 20 ORDER BY project_id, n")
REPORTS = text("SELECT project_id, title, published_at FROM ("
               " SELECT r.*, row_number() OVER (PARTITION BY project_id ORDER BY period_end DESC, r.id DESC) AS n"
               " FROM status_reports r JOIN projects p ON p.id = r.project_id"
               " WHERE p.client_id = :client AND r.state = 'PUBLISHED') ranked WHERE n = 1")
RISKS = text("SELECT project_id, title, severity, status FROM ("
             " SELECT r.*, row_number() OVER (PARTITION BY project_id ORDER BY r.id) AS n"
             " FROM risks r JOIN projects p ON p.id = r.project_id"
             " WHERE p.client_id = :client AND r.visibility = 'CLIENT') ranked WHERE n <= 10")
FEEDBACK = text("SELECT count(*), sum(CASE WHEN csat >= 4 THEN 1 ELSE 0 END), count(csat),"
                " sum(CASE WHEN nps >= 9 THEN 1 ELSE 0 END), sum(CASE WHEN nps <= 6 THEN 1 ELSE 0 END), count(nps)"
                " FROM feedback WHERE client_id = :client AND submitted_at >= :since")


SINCE = datetime(2025, 11, 22, tzinfo=UTC)  # the twelve months cxSummary covers by default


def floor_app(database_url: str) -> FastAPI:
    """A FastAPI app answering the dashboard with five SQL statements and orjson."""
    from api.kit.database import create_engine

    app = FastAPI()
    engine = create_engine(database_url)

    @app.post("/dashboard")
    async def dashboard(request: Request) -> Response:
        slug = (await request.json())["slug"]
        async with engine.connect() as connection:
            client = (await connection.execute(text("SELECT id, name FROM organizations WHERE slug = :slug"),
                                               {"slug": slug})).one()
            params = {"client": client.id}
            projects = (await connection.execute(PROJECTS, params)).all()
            milestones = _grouped(await connection.execute(MILESTONES, params))
            reports = {row.project_id: row for row in await connection.execute(REPORTS, params)}
            risks = _grouped(await connection.execute(RISKS, params))
            cx = (await connection.execute(FEEDBACK, {**params, "since": SINCE})).one()
        body = {"client": {"name": client.name, "cx": _cx(cx), "projects": [
            {"code": p.code, "name": p.name, "status": p.status, "percentComplete": p.percent_complete,
             "health": {"overall": p.health_overall},
             "milestones": [{"name": m.name, "status": m.status, "forecastDate": str(m.forecast_date),
                             "percentComplete": m.percent_complete} for m in milestones.get(p.id, [])],
             "latestReport": _report(reports.get(p.id)),
             "risks": [{"title": r.title, "severity": r.severity, "status": r.status} for r in risks.get(p.id, [])]}
            for p in projects]}}
        return Response(orjson.dumps({"data": body}), media_type="application/json")

    return app


def _grouped(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.project_id, []).append(row)
    return grouped


def _report(row: Any) -> dict[str, Any] | None:
    return {"title": row.title, "publishedAt": str(row.published_at)} if row else None


def _cx(row: Any) -> dict[str, Any]:
    total, top_two, csat_count, promoters, detractors, nps_count = row
    return {"sampleSize": total, "csatPercent": round(100 * top_two / csat_count, 1) if csat_count else None,
            "nps": round(100 * (promoters - detractors) / nps_count, 1) if nps_count else None}
