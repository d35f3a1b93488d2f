"""Per-request DataLoaders for the CX records, the people named on them and per-client summaries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.auth.models import User
from api.auth.principal import Principal
from api.cx.action_items import service as action_item_service
from api.cx.action_items.models import ActionItem
from api.cx.feedback import service as feedback_service
from api.cx.feedback.models import Feedback
from api.cx.mystery_shops import service as mystery_shop_service
from api.cx.mystery_shops.models import MysteryShop
from api.cx.references import people_by_ids
from api.cx.summary import service as summary_service
from api.cx.summary.service import CxSummaryData, CxWindow
from api.cx.surveys import service as invitation_service
from api.cx.surveys.models import SurveyInvitation


class CxLoaders:
    """Batches CX lookups within one request, already scoped to the principal."""

    def __init__(self, *, session: AsyncSession, principal: Principal, minimum_sample: int) -> None:
        self._session, self._principal, self._minimum_sample = session, principal, minimum_sample
        self._summaries: dict[CxWindow, DataLoader[int, CxSummaryData]] = {}

        async def feedback(ids: Sequence[int]) -> list[Feedback | None]:
            return await feedback_service.feedback_by_ids(session, principal=principal, ids=ids)

        async def invitations(ids: Sequence[int]) -> list[SurveyInvitation | None]:
            return await invitation_service.invitations_by_ids(session, principal=principal, ids=ids)

        async def action_items(ids: Sequence[int]) -> list[ActionItem | None]:
            return await action_item_service.action_items_by_ids(session, principal=principal, ids=ids)

        async def mystery_shops(ids: Sequence[int]) -> list[MysteryShop | None]:
            return await mystery_shop_service.mystery_shops_by_ids(session, principal=principal, ids=ids)

        async def people(ids: Sequence[int]) -> list[User | None]:
            return await people_by_ids(session, ids=ids)

        self.feedback_by_id: DataLoader[int, Feedback | None] = DataLoader(load_fn=feedback)
        self.invitation_by_id: DataLoader[int, SurveyInvitation | None] = DataLoader(load_fn=invitations)
        self.action_item_by_id: DataLoader[int, ActionItem | None] = DataLoader(load_fn=action_items)
        self.mystery_shop_by_id: DataLoader[int, MysteryShop | None] = DataLoader(load_fn=mystery_shops)
        self.person_by_id: DataLoader[int, User | None] = DataLoader(load_fn=people)

    def summary_by_client(self, window: CxWindow) -> DataLoader[int, CxSummaryData]:
        """The request's loader of per-client summaries over `window`, batched over clients."""
        if window not in self._summaries:
            async def summaries(client_ids: Sequence[int]) -> list[CxSummaryData]:
                return await summary_service.cx_summaries_by_client(
                    self._session, principal=self._principal, window=window, minimum=self._minimum_sample,
                    client_ids=client_ids)

            self._summaries[window] = DataLoader(load_fn=summaries)
        return self._summaries[window]
