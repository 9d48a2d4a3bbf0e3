"""Choosing in a searching picker (trato/core/pickers.py, Tom Select) as a user does: type, then click the choice."""


def _open(page, name: str):
    """Click the picker's box (its text input is tucked away while a single choice is shown) and return the input."""
    page.locator(f"select[name={name}] + .ts-wrapper .ts-control").click()
    return page.locator(f"#id_{name}-ts-control")


def pick(page, name: str, choice: str, *, typed: str | None = None) -> None:
    """Choose ``choice`` in the picker of field ``name`` after typing ``typed`` (the choice itself by default)."""
    _open(page, name).fill(typed if typed is not None else choice)
    page.locator(f"#id_{name}-ts-dropdown .option", has_text=choice).first.click()
    page.keyboard.press("Escape")  # a multiple picker stays open for more


def clear_pick(page, name: str) -> None:
    """Empty a single picker with the keyboard, as users do."""
    _open(page, name)
    page.keyboard.press("Backspace")
    page.keyboard.press("Escape")


def picked(page, name: str) -> list[str]:
    """What the picker of ``name`` shows as chosen."""
    return page.locator(f"select[name={name}] + .ts-wrapper .item").all_inner_texts()
