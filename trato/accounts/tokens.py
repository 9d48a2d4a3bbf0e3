def user_for_token(raw: str):
    """Placeholder until personal API tokens are built; no token authenticates."""
    return None
