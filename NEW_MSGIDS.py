"""New msgids of the review fixes of counterfeit cases (issue 12), with their Simplified Chinese.

"Merged into a case" (lead page) is already in the catalogue (已并入案件). No longer used:
"Whoever approves the opening does not handle the case." (the rule now lives in ``_assignee``).
"""

T = {
    "Whoever reviews the case may not approve its opening.": "案件审核人不得审批立案。",
    "Whoever approves the opening may decide the case but neither handle nor review it.": (
        "审批立案人可以担任本案决定人，但不得承办或审核本案。"
    ),
    "The time cannot be before 1 January 2000.": "时间不能早于2000年1月1日。",
}
