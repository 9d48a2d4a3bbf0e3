"""The API under /api/v1: each app contributes a router."""

from trato.core.api import SessionAuth, TokenAuth, TratoAPI, install_error_handlers

api = TratoAPI(
    title="Trato API",
    version="1",
    urls_namespace="api-1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/accounts", "trato.accounts.api.router")
api.add_router("/partners", "trato.partners.api.router")
api.add_router("/timeline", "trato.timeline.api.router")
api.add_router("/claims", "trato.claims.api.router")
api.add_router("/notifications", "trato.notifications.api.router")
