def load() -> None:
    """Demo companies and contacts (filled in with the partners app)."""
