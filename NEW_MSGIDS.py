"""New msgids of the evidence review fixes (issue 12), with their Simplified Chinese translations."""

T = {
    # not new (packs.py's summary used it before), but absent from the catalogue
    "Correction": "更正",
    "Enter a date and time between 1 January 2000 and now.": "请输入 2000 年 1 月 1 日至今之间的日期和时间。",
    "The record of the item of event %(seq)s is not the one the event recorded: it was changed.": (
        "第 %(seq)s 条记录所指证据的登记信息与记录时不符：证据登记信息已被修改。"
    ),
    "Event %(seq)s does not match its hash: it, or the record of its item, was edited.": (
        "第 %(seq)s 条记录与其哈希值不符：该记录或其所指证据的登记信息已被修改。"
    ),
    "manifest.json could not be checked (%(error)s).": "无法核对 manifest.json（%(error)s）。",
    "%(path)s: not part of an evidence pack.": "%(path)s：不属于证据包的内容。",
    "The pack has no %(name)s.": "证据包中没有 %(name)s。",
    "SHA256SUMS is too large to be a list of checksums.": "SHA256SUMS 过大，不是校验和列表。",
    "manifest.json names an item without a valid id.": "manifest.json 中有证据没有有效的编号（id）。",
    "The summary of the pack could not be laid out (%(error)s).": "无法排版证据包的摘要（%(error)s）。",
    "The manifest was recorded at export (%(when)s), but the ZIP differs from the pack exported then: "
    "its summary, README or SHA256SUMS were changed, or it was zipped again.": (
        "清单已于导出时（%(when)s）登记，但该 ZIP 文件与当时导出的证据包不同："
        "其摘要、README 或 SHA256SUMS 已被修改，或已被重新压缩。"
    ),
    "recorded: this exact pack of %(case_no)s was exported at %(when)s": (
        "已登记：此证据包正是 %(case_no)s 于 %(when)s 导出的那一份"
    ),
}
