"""A document set for knowledge tests, written by the tests themselves: manuals of made-up devices.

Every manual has the same sections (warranty, battery, cleaning, troubleshooting), so the words of a
question ("how long is the warranty") are in every file and only the device's name and the question's
details pick the right passage: a fair test for BM25. The files come in every format the indexer
reads (Markdown, text, HTML, Word, PDF, source code), and a third of them are Chinese, asked in Chinese.

Each :class:`Question` names the file and a fact (``needle``) that only its answering passage holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EN_DEVICES = [
    ("Zephyr X200", "kettle"), ("Aurora K9", "desk lamp"), ("Borealis M3", "air purifier"),
    ("Cobalt T7", "toaster"), ("Dynamo R5", "power bank"), ("Ember S2", "space heater"),
    ("Fjord L8", "humidifier"), ("Granite P4", "coffee grinder"), ("Harbor Q1", "bluetooth speaker"),
    ("Ion V6", "electric toothbrush"), ("Juniper W3", "smart scale"), ("Kestrel D9", "drone"),
    ("Lumen B2", "reading light"), ("Meridian C5", "smartwatch"), ("Nimbus F8", "robot vacuum"),
    ("Orchid H4", "rice cooker"),
]
ZH_DEVICES = [
    ("云雀Q5", "扫地机器人"), ("青松A3", "空气净化器"), ("白鹭M7", "电热水壶"), ("紫藤K2", "台灯"),
    ("金鱼R8", "充电宝"), ("银杏T6", "加湿器"), ("海燕S9", "蓝牙音箱"), ("石榴P1", "电饭煲"),
    ("松鼠V4", "智能手表"), ("熊猫W2", "电动牙刷"),
]
EN_FORMATS = ["md", "txt", "html", "docx", "pdf", "md", "txt", "html"]
ZH_FORMATS = ["md", "txt", "html", "docx", "md"]

FILLER_EN = ("Read all safety notes before first use. Keep the packaging in case the device has to be sent "
             "back. Register the product online to receive firmware notices and recall information.")
FILLER_ZH = "首次使用前请阅读全部安全说明。请保留包装，以便需要寄回时使用。在线注册产品即可收到固件和召回通知。"


@dataclass(frozen=True)
class Question:
    text: str
    file: str
    needle: str
    language: str


def _en_sections(index: int, name: str, kind: str) -> list[tuple[str, str]]:
    months = 12 + index * 3
    hours = 4 + index
    code = f"E{index + 10}"
    return [
        ("Overview", f"The {name} {kind} is designed for everyday home use.\n\n{FILLER_EN}"),
        ("Warranty", f"The {name} {kind} carries a limited warranty of {months} months from the date of purchase. "
                     f"The warranty covers manufacturing defects but not accidental damage or wear.\n\n{FILLER_EN}"),
        ("Battery", f"A full charge of the {name} lasts about {hours} hours of normal use. Charge it with the "
                    "supplied USB-C cable; a complete charge takes roughly two hours."),
        ("Cleaning", f"Wipe the {name} {kind} with a dry cloth. Never immerse it in water or use solvents; "
                     "descaling solution may be used only where this manual says so."),
        ("Troubleshooting", f"If the {name} shows error code {code}, unplug it, wait ten seconds and plug it "
                            "in again. If the code appears again, contact support with your serial number."),
    ]


def _zh_sections(index: int, name: str, kind: str) -> list[tuple[str, str]]:
    months = 6 + index * 4
    hours = 3 + index
    code = f"F{index + 20}"
    return [
        ("概述", f"{name}{kind}适合家庭日常使用。\n\n{FILLER_ZH}"),
        ("保修", f"{name}{kind}自购买之日起享有{months}个月的有限保修。保修范围包括制造缺陷，不包括意外损坏和正常磨损。"
                 f"\n\n{FILLER_ZH}"),
        ("电池", f"{name}充满电后正常使用约可续航{hours}小时。请使用随附的数据线充电，充满大约需要两个小时。"),
        ("清洁", f"请用干布擦拭{name}{kind}。切勿浸入水中，也不要使用溶剂清洁。"),
        ("故障排除", f"如果{name}显示错误代码{code}，请拔下电源，等待十秒后重新插上。如果仍然出现该代码，请携带序列号联系客服。"),
    ]


def write_documents(folder: Path) -> list[Question]:
    """Write the document set into ``folder`` and return the questions about it."""
    folder.mkdir(parents=True, exist_ok=True)
    questions: list[Question] = []
    for index, (name, kind) in enumerate(EN_DEVICES):
        fmt = EN_FORMATS[index % len(EN_FORMATS)]
        file = f"{name.lower().replace(' ', '-')}.{fmt}"
        _write(folder / file, name, _en_sections(index, name, kind), fmt)
        questions += [
            Question(f"How long is the warranty on the {name} {kind}?", file, f"{12 + index * 3} months", "en"),
            Question(f"What does error code E{index + 10} mean on the {name}?", file, f"E{index + 10}", "en"),
            Question(f"How many hours does the {name} battery last?", file, f"{4 + index} hours", "en"),
        ]
    for index, (name, kind) in enumerate(ZH_DEVICES):
        fmt = ZH_FORMATS[index % len(ZH_FORMATS)]
        file = f"zh-{index}.{fmt}"
        _write(folder / file, name, _zh_sections(index, name, kind), fmt)
        questions += [
            Question(f"{name}{kind}的保修期是多久？", file, f"{6 + index * 4}个月", "zh"),
            Question(f"{name}出现错误代码F{index + 20}怎么办？", file, f"F{index + 20}", "zh"),
            Question(f"{name}充满电能用几个小时？", file, f"约可续航{3 + index}小时", "zh"),
        ]
    _write_code(folder / "firmware_update.py")
    return questions


def write_markdown_manuals(folder: Path, count: int = 3) -> list[Question]:
    """The first ``count`` English manuals as Markdown only (quick to index), and their warranty questions."""
    folder.mkdir(parents=True, exist_ok=True)
    questions = []
    for index, (name, kind) in enumerate(EN_DEVICES[:count]):
        file = f"{name.lower().replace(' ', '-')}.md"
        _write(folder / file, name, _en_sections(index, name, kind), "md")
        questions.append(Question(f"How long is the warranty on the {name} {kind}?", file, f"{12 + index * 3} months",
                                  "en"))
    return questions


def _write(path: Path, title: str, sections: list[tuple[str, str]], fmt: str) -> None:
    if fmt == "md":
        body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections)
        path.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    elif fmt == "txt":
        path.write_text("\n\n".join(f"{heading}\n\n{text}" for heading, text in sections), encoding="utf-8")
    elif fmt == "html":
        body = "".join(f"<h2>{h}</h2>" + "".join(f"<p>{p}</p>" for p in t.split("\n\n")) for h, t in sections)
        path.write_text(f"<html><head><title>{title}</title><style>p{{}}</style></head><body><h1>{title}</h1>"
                        f"<script>var x = 1;</script>{body}</body></html>", encoding="utf-8")
    elif fmt == "docx":
        write_docx(path, title, sections)
    elif fmt == "pdf":
        write_pdf(path, [f"{heading}\n\n{text}" for heading, text in sections])
    else:
        raise ValueError(fmt)


def write_docx(path: Path, title: str, sections: list[tuple[str, str]]) -> None:
    from docx import Document  # noqa: PLC0415

    document = Document()
    document.add_heading(title, level=1)
    for heading, text in sections:
        document.add_heading(heading, level=2)
        for paragraph in text.split("\n\n"):
            document.add_paragraph(paragraph)
    document.save(str(path))


def write_pdf(path: Path, pages: list[str]) -> None:
    """A PDF with real text, one page per entry (Latin-1 text: the PDF core fonts)."""
    from fpdf import FPDF  # noqa: PLC0415

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))


def _write_code(path: Path) -> None:
    path.write_text(
        '"""Firmware updater for the device family."""\n\n\n'
        "def update_firmware(device, image):\n"
        '    """Flash ``image`` onto ``device``; the bootloader verifies the signature before writing."""\n'
        "    device.enter_bootloader()\n"
        "    device.flash(image)\n", encoding="utf-8")
