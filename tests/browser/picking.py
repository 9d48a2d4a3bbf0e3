"""Choosing in a searching picker (trato/core/pickers.py, Tom Select) as a user does: type, then click the choice."""


def pick(page, name: str, choice: str, *, typed: str | None = None) -> None:
    """Choose ``choice`` in the picker of field ``name`` after typing ``typed`` (the choice itself by default)."""
    control = page.locator(f"#id_{name}-ts-control")
    control.click()
    control.fill(typed if typed is not None else choice)
    page.locator(f"#id_{name}-ts-dropdown .option", has_text=choice).first.click()
    page.keyboard.press("Escape")  # a multiple picker stays open for more


def clear_pick(page, name: str) -> None:
    """Empty a single picker (the clear button would be a plugin; the keyboard is what users use)."""
    control = page.locator(f"#id_{name}-ts-control")
    control.click()
    control.press("Backspace")
    page.keyboard.press("Escape")


def picked(page, name: str) -> list[str]:
    """What the picker of ``name`` shows as chosen."""
    return page.locator(f"select[name={name}] + .ts-wrapper .item").all_inner_texts()
