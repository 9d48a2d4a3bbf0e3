"""The API under /api/v1: each app contributes a router."""

from ninja import Swagger

from trato.core.api import SessionAuth, TokenAuth, TratoAPI, install_error_handlers

api = TratoAPI(
    title="Trato API",
    version="1",
    urls_namespace="api-1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    # Without deep links: Swagger UI puts each operation's link inside its toggle button (a link in a button, which
    # keyboards and screen readers cannot use; axe's nested-interactive).
    docs=Swagger(settings={"deepLinking": False}),
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/accounts", "trato.accounts.api.router")
api.add_router("/partners", "trato.partners.api.router")
api.add_router("/timeline", "trato.timeline.api.router")
api.add_router("/claims", "trato.claims.api.router")
api.add_router("/notifications", "trato.notifications.api.router")
