"""The 2021 template's headings, tables and record keys as the tests spell them out (from the
template itself, /work/shared/template.md, not from gongkai's variant data, so that the tests
check that data), and :func:`record_texts`: a read document's table rows → record keys.
"""

from __future__ import annotations

from gongkai._document import Document, Row

#: the six section headings, as printed
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# -- table 二: a row's label → its record-key stem and columns
ACTIVE_ROWS = {
    "规章": ("active.regulations", ("issued", "repealed", "in_force")),
    "行政规范性文件": ("active.normative_documents", ("issued", "repealed", "in_force")),
    "行政许可": ("active.licensing", ("decisions",)),
    "行政处罚": ("active.penalty", ("decisions",)),
    "行政强制": ("active.coercion", ("decisions",)),
    "行政事业性收费": ("active.fees", ("amount",)),
}

# -- table 三
#: the applicants' columns, then 总计
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
REQUEST_COLUMNS = (*APPLICANTS, "total")
#: a keyword of a row's last label → its record-key stem (the first keyword found counts: 其他 after
#: 禁止公开, which 2.其他法律行政法规禁止公开 also holds)
REQUEST_ROWS = (
    ("本年新收", "requests.new"),
    ("上年结转", "requests.carried_over"),
    ("予以公开", "requests.granted"),
    ("部分公开", "requests.partially_granted"),
    ("国家秘密", "requests.denied.state_secret"),
    ("禁止公开", "requests.denied.prohibited_by_law"),
    ("三安全一稳定", "requests.denied.security_stability"),
    ("第三方", "requests.denied.third_party"),
    ("内部事务", "requests.denied.internal_affairs"),
    ("过程性", "requests.denied.process_info"),
    ("执法案卷", "requests.denied.enforcement_files"),
    ("行政查询", "requests.denied.admin_query"),
    ("不掌握", "requests.unable.not_held"),
    ("另行制作", "requests.unable.needs_creation"),
    ("仍不明确", "requests.unable.unclear"),
    ("信访举报", "requests.not_processed.complaint"),
    ("重复申请", "requests.not_processed.duplicate"),
    ("公开出版物", "requests.not_processed.publication"),
    ("大量反复", "requests.not_processed.excessive"),
    ("重新出具", "requests.not_processed.confirmation"),
    ("逾期不补正", "requests.other.overdue_correction"),
    ("缴纳费用", "requests.other.unpaid_fee"),
    ("其他", "requests.other.other"),
    ("总计", "requests.total"),
    ("结转下年度", "requests.carried_forward"),
)

# -- table 四: one printed row of 15 figures, 行政复议 then the two kinds of 行政诉讼
OUTCOMES = ("upheld", "corrected", "other", "pending")
APPEAL_COLUMNS = (*OUTCOMES, "total")
APPEAL_ROWS = ("review", "litigation.direct", "litigation.after_review")
APPEAL_KEYS = tuple(f"{row}.{column}" for row in APPEAL_ROWS for column in APPEAL_COLUMNS)


def record_texts(document: Document) -> dict[str, str]:
    """The figures of tables 二, 三 and 四 in a document read from a published file → record key:
    the cell's text.  A row is told by its last label (table 四's row has none) and its figures
    by their column order; rows without a figure (headers) are left out."""
    out: dict[str, str] = {}
    for row in document.blocks:
        if not isinstance(row, Row) or not any(c.text for c in row.values):
            continue
        if not row.labels:
            keys = APPEAL_KEYS
        elif row.labels[-1].text in ACTIVE_ROWS:
            stem, columns = ACTIVE_ROWS[row.labels[-1].text]
            keys = tuple(f"{stem}.{c}" for c in columns)
        else:
            stem = next(s for word, s in REQUEST_ROWS if word in row.labels[-1].text)
            keys = tuple(f"{stem}.{c}" for c in REQUEST_COLUMNS)
        assert len(row.values) == len(keys), row
        for key, cell in zip(keys, row.values, strict=True):
            assert key not in out, key
            out[key] = cell.text
    return out
