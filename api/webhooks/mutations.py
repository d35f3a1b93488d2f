"""Mutations of webhooks: register an endpoint, rotate its secret, disable it."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.kit.mutations import UserError, attempt, id_of
from api.webhooks import service as webhook_service
from api.webhooks.types import WebhookEndpoint, WebhookEventType


@strawberry.input(description="A new endpoint: where to send which events, of one client or (PMO admin) all.")
class CreateWebhookEndpointInput:
    url: str
    event_types: list[WebhookEventType]
    client_id: relay.GlobalID | None = None
    description: str = ""


@strawberry.type
class WebhookSecretPayload:
    webhook_endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(description="The signing secret (whsec_...). It is shown this once: "
                                                      "keep it where your receiver can read it.")
    user_errors: list[UserError]


@strawberry.input(description="The endpoint whose secret to replace.")
class RotateWebhookSecretInput:
    endpoint_id: relay.GlobalID


@strawberry.input(description="The endpoint to stop sending to.")
class DisableWebhookEndpointInput:
    endpoint_id: relay.GlobalID


@strawberry.type
class DisableWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None
    user_errors: list[UserError]


def _secret_payload(issued: webhook_service.IssuedSecret | None, errors: list[UserError]) -> WebhookSecretPayload:
    if issued is None:
        return WebhookSecretPayload(webhook_endpoint=None, secret=None, user_errors=errors)
    return WebhookSecretPayload(webhook_endpoint=WebhookEndpoint.from_model(issued.endpoint), secret=issued.secret,
                                user_errors=errors)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="Register a webhook endpoint (a PMO admin, or a client's API token for its own "
                                     "client); its signing secret is returned this once.")
    async def create_webhook_endpoint(self, info: Info, input: CreateWebhookEndpointInput) -> WebhookSecretPayload:
        context = info.context
        issued, errors = await attempt(context.session, webhook_service.create_endpoint, settings=context.settings,
                                       principal=context.principal, url=input.url, description=input.description,
                                       event_types=list(input.event_types),
                                       client_id=id_of(input.client_id, "Client", field="clientId"))
        return _secret_payload(issued, errors)

    @strawberry.mutation(description="A new signing secret, returned this once; the old one signs beside it for "
                                     "24 hours, so receivers can switch without losing a request.")
    async def rotate_webhook_secret(self, info: Info, input: RotateWebhookSecretInput) -> WebhookSecretPayload:
        context = info.context
        issued, errors = await attempt(context.session, webhook_service.rotate_secret, principal=context.principal,
                                       endpoint_id=id_of(input.endpoint_id, "WebhookEndpoint", field="endpointId"))
        return _secret_payload(issued, errors)

    @strawberry.mutation(description="Stop sending to an endpoint; requests it was still owed are suppressed.")
    async def disable_webhook_endpoint(self, info: Info,
                                       input: DisableWebhookEndpointInput) -> DisableWebhookEndpointPayload:
        context = info.context
        row, errors = await attempt(context.session, webhook_service.disable_endpoint, principal=context.principal,
                                    endpoint_id=id_of(input.endpoint_id, "WebhookEndpoint", field="endpointId"))
        return DisableWebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(row) if row else None,
                                             user_errors=errors)
