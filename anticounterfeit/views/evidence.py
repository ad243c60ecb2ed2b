"""PLACEHOLDER (foundation): the evidence helper replaces this module.

``case_panel_context(case, user)`` returns the context the case page's evidence panel
(``templates/anticounterfeit/evidence/_case_panel.html``) needs; the case detail view calls it once and
includes the partial.
"""

from __future__ import annotations

from typing import Any


def case_panel_context(case, user) -> dict[str, Any]:  # noqa: ARG001 - placeholder
    return {}
