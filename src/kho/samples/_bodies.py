"""Body text of synthetic documents, per document type and system, with the documents they cite.

Every number/symbol that appears in the body is recorded in :attr:`BodyWriter.references`, so the
ground truth lists exactly the documents cited. Filler sentences contain no symbols.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from kho.samples._dates import body_date, pad_number
from kho.samples._issuers import Issuer
from kho.samples._vocab import PARTY_REFERENCES, PARTY_SENTENCES, STATE_REFERENCES, STATE_SENTENCES

__all__ = ["ABBREVIATIONS", "BodyWriter"]

# Type name -> abbreviation in symbols (ND30 Annex III; Party KL). Consistent with codetables.
ABBREVIATIONS: dict[str, str] = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Kế hoạch": "KH",
    "Báo cáo": "BC",
    "Thông báo": "TB",
    "Tờ trình": "TTr",
    "Công điện": "CĐ",
    "Kết luận": "KL",
    "Công văn": "CV",
    "Hướng dẫn": "HD",
}
_ROMAN = ("XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI")


def _thousands(number: int) -> str:
    """Vietnamese digit grouping: 589715 -> "589.715"."""
    return f"{number:,}".replace(",", ".")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


class BodyWriter:
    """Writes the paragraphs of one document and collects the symbols it cites.

    Args:
        rng: Source of randomness (consumed in a fixed order, so output is deterministic).
        issuer: The issuing body.
        doc_type: Type name, e.g. "Quyết định".
        date: Issue date; every cited document is older.
        summary: The printed summary (trích yếu).
    """

    def __init__(self, rng: random.Random, issuer: Issuer, doc_type: str, date: dt.date, summary: str) -> None:
        self.rng = rng
        self.issuer = issuer
        self.doc_type = doc_type
        self.date = date
        self.summary = summary
        self.references: list[str] = []
        self._used: set[str] = set()
        self._real_used: set[str] = set()

    @property
    def party(self) -> bool:
        """True for a Party document."""
        return self.issuer.system == "party"

    @property
    def body_name(self) -> str:
        """The committee or body in running text ("Tỉnh ủy", "Sở Nội vụ")."""
        return self.issuer.org.removeprefix("Ban Thường vụ ")

    @property
    def topic(self) -> str:
        """The summary as a clause: without "V/v", "Về việc", lower-case first letter."""
        text = self.summary.removeprefix("V/v ").removeprefix("Về việc ").removeprefix("về ")
        return _lower_first(text)

    # --- citations ---------------------------------------------------------------------------------

    def _date_before(self, min_days: int = 5, max_days: int = 150) -> dt.date:
        return self.date - dt.timedelta(days=self.rng.randint(min_days, max_days))

    def cite(self) -> str:
        """Return a citation phrase of an older document and record its symbol."""
        pool = PARTY_REFERENCES if self.party else STATE_REFERENCES
        real = [r for r in pool if r.date < self.date and r.symbol not in self._real_used]
        if real and self.rng.random() < 0.7:
            ref = self.rng.choice(real)
            self._real_used.add(ref.symbol)
            self.references.append(ref.symbol)
            when = body_date(ref.date, self.issuer.system, self.rng)
            if ref.type_name.startswith("Luật"):
                return f"{ref.type_name} số {ref.symbol} {when}"
            sep = ", " if self.party else " "
            about = f" {ref.about}" if ref.about else ""
            return f"{ref.type_name} số {ref.symbol}{sep}{when} của {ref.issuer}{about}"
        return self.cite_local(self.rng.choice(("Kế hoạch", "Quyết định")))

    def cite_local(self, type_name: str, unit: str | None = None, author: str | None = None) -> str:
        """Cite a synthetic, older document of the same issuer (or of ``unit``/``author``)."""
        number = pad_number(self.rng.randint(1, 480))
        code = self.issuer.code
        if self.party:
            symbol = f"{number}-{ABBREVIATIONS[type_name]}/{code}"
        elif type_name == "Công văn":
            symbol = f"{number}/{code}-{unit or self.rng.choice(self.issuer.units)}"
        else:
            symbol = f"{number}/{ABBREVIATIONS[type_name]}-{unit or code}"
        self.references.append(symbol)
        when = body_date(self._date_before(), self.issuer.system, self.rng)
        sep = ", " if self.party else " "
        return f"{type_name} số {symbol}{sep}{when} của {author or self.issuer.org}"

    # --- filler ------------------------------------------------------------------------------------

    def sentence(self) -> str:
        """Return one unused filler sentence with its placeholders filled in."""
        pool = PARTY_SENTENCES + STATE_SENTENCES[:6] if self.party else STATE_SENTENCES
        fresh = [s for s in pool if s not in self._used] or list(pool)
        template = self.rng.choice(fresh)
        self._used.add(template)
        return template.format(
            org=self.issuer.org,
            where=self.issuer.where,
            year=self.date.year,
            head=self.issuer.head,
            n=_thousands(self.rng.randint(120, 4800)),
            m=_thousands(self.rng.randint(300, 25000)),
            k=_thousands(self.rng.randint(10_000, 900_000)),
        )

    def filler(self, low: int = 1, high: int = 3) -> str:
        """Return a paragraph of ``low``..``high`` filler sentences."""
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def items(self, low: int = 2, high: int = 4) -> list[str]:
        """Return numbered paragraphs "1. …", "2. …"."""
        return [f"{i}. {self.filler(1, 3)}" for i in range(1, self.rng.randint(low, high) + 1)]

    # --- State types -------------------------------------------------------------------------------

    def _quyet_dinh(self) -> list[str]:
        paras = [self.issuer.enact]
        paras += [f"Căn cứ {self.cite()};" for _ in range(self.rng.randint(2, 4))]
        paras.append(f"Theo đề nghị của Chánh Văn phòng tại {self.cite_local('Tờ trình', unit='VP')}.")
        paras.append("QUYẾT ĐỊNH:")
        paras.append(f"Điều 1. {_upper_first(self.topic)} theo nội dung tại Phụ lục kèm theo Quyết định này.")
        paras.append(f"Điều 2. {self.filler(2, 3)}")
        paras.append(
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các cơ quan, "
            "đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."
        )
        return paras

    def _cong_van(self) -> list[str]:
        verb = "yêu cầu" if self.party else "đề nghị"
        paras = [
            f"Thực hiện {self.cite()}, {self.issuer.org} {verb} các cơ quan, đơn vị thực hiện một số nội dung sau:"
        ]
        paras += self.items(2, 5)
        if self.party:
            paras.append("Nhận được công văn này, đề nghị các cấp ủy, tổ chức đảng nghiêm túc thực hiện.")
        else:
            paras.append(f"{self.issuer.org} đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.")
        return paras

    def _ke_hoach(self) -> list[str]:
        paras = [f"Thực hiện {self.cite()}, {self.issuer.org} ban hành Kế hoạch {self.topic} như sau:"]
        paras += ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", self.filler(1, 2), "2. Yêu cầu", self.filler(1, 2)]
        paras += ["II. NỘI DUNG THỰC HIỆN", *self.items(2, 8)]
        paras += ["III. TỔ CHỨC THỰC HIỆN", self.filler(2, 3)]
        closing = "." if self.party else "./."
        paras.append(f"Trên đây là Kế hoạch {self.topic} của {self.issuer.org}{closing}")
        return paras

    def _bao_cao(self) -> list[str]:
        paras = [f"Thực hiện {self.cite()}, {self.issuer.org} báo cáo {self.topic} như sau:"]
        paras += ["I. KẾT QUẢ THỰC HIỆN", self.filler(2, 3), self.filler(1, 2)]
        paras += ["II. TỒN TẠI, HẠN CHẾ", self.filler(1, 2)]
        paras += ["III. KIẾN NGHỊ, ĐỀ XUẤT", *self.items(1, 6)]
        paras.append(f"Trên đây là báo cáo {self.topic} của {self.issuer.org}./.")
        return paras

    def _thong_bao(self) -> list[str]:
        meeting = body_date(self._date_before(2, 20), self.issuer.system, self.rng)
        chair = f"Thường trực {self.body_name}" if self.party else self.issuer.head
        paras = [
            f"Thực hiện {self.cite()}, {meeting}, {chair} chủ trì cuộc họp về {self.topic}. Sau khi nghe báo "
            f"cáo và ý kiến của các đại biểu dự họp, {chair} kết luận như sau:"
        ]
        paras += self.items(2, 4)
        paras.append(f"Văn phòng thông báo để các cơ quan, đơn vị biết, thực hiện{'.' if self.party else './.'}")
        return paras

    def _to_trinh(self) -> list[str]:
        paras = [f"Căn cứ {self.cite()};" for _ in range(self.rng.randint(1, 2))]
        paras.append(f"{self.issuer.org} kính trình xem xét, phê duyệt {self.topic} với các nội dung sau:")
        paras += ["1. Sự cần thiết", self.filler(2, 3), "2. Nội dung đề nghị", *self.items(1, 3)]
        paras.append(f"{self.issuer.org} kính trình xem xét, quyết định./.")
        return paras

    def _cong_dien(self) -> list[str]:
        head = f"CHỦ TỊCH {self.issuer.name}" if self.issuer.code == "UBND" else self.issuer.enact
        paras = [f"{head} điện:"]
        paras.append(f"Thực hiện {self.cite()}, để bảo đảm an toàn hồ sơ, tài liệu, yêu cầu:")
        paras += self.items(2, 4)
        paras.append("Yêu cầu Thủ trưởng các cơ quan, đơn vị nghiêm túc thực hiện./.")
        return paras

    # --- Party types -------------------------------------------------------------------------------

    def _nghi_quyet(self) -> list[str]:
        term = "2020 - 2025" if self.date < dt.date(2025, 10, 1) else "2025 - 2030"
        paras = [
            "- Căn cứ Điều lệ Đảng;",
            f"- Căn cứ Quy chế làm việc của {self.body_name} khóa {self.rng.choice(_ROMAN)}, nhiệm kỳ {term};",
            f"- Căn cứ {self.cite()};",
            f"- Xét đề nghị của Văn phòng {self.body_name},",
            self.issuer.enact,
        ]
        paras += self.items(2, 4)
        paras.append("Nghị quyết này được phổ biến đến chi bộ.")
        return paras

    def _ket_luan(self) -> list[str]:
        meeting = body_date(self._date_before(2, 20), self.issuer.system, self.rng)
        paras = [
            f"Tại cuộc họp {meeting}, sau khi nghe Văn phòng báo cáo {self.topic}, căn cứ {self.cite()}, "
            f"{self.issuer.org} kết luận như sau:"
        ]
        paras += self.items(2, 4)
        paras.append(f"Giao Văn phòng {self.body_name} theo dõi, đôn đốc việc thực hiện Kết luận này.")
        return paras

    def paragraphs(self) -> list[str]:
        """Return the body paragraphs for the document type (all NFC by construction)."""
        builders: dict[str, Callable[[], list[str]]] = {
            "Quyết định": self._quyet_dinh,
            "Công văn": self._cong_van,
            "Kế hoạch": self._ke_hoach,
            "Báo cáo": self._bao_cao,
            "Thông báo": self._thong_bao,
            "Tờ trình": self._to_trinh,
            "Công điện": self._cong_dien,
            "Nghị quyết": self._nghi_quyet,
            "Kết luận": self._ket_luan,
        }
        return builders[self.doc_type]()
