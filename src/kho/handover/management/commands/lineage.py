"""``kho lineage AGENCY_CODE [--json]``: the predecessors and successors of an agency, as a tree or JSON."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.agencies.models import Agency
from kho.core.command import KhoCommand
from kho.handover.exceptions import AgencyNotFoundError
from kho.handover.lineage import lineage_graph, render_tree


class Command(KhoCommand):
    """Print the lineage of an agency through reorganizations."""

    help = _("Cây tiền thân và kế thừa của một cơ quan qua các lần sắp xếp tổ chức.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """The agency code."""
        parser.add_argument("agency", metavar="AGENCY_CODE", help=_("Mã định danh của cơ quan."))
        parser.epilog = _("Mã thoát: 0 xong; 3 không có cơ quan này.")

    def run(self, *args: Any, **options: Any) -> None:
        """Build the graph; print it as a tree, or as ``{"root", "nodes", "edges"}`` with ``--json``."""
        code = options["agency"].strip().upper()
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise AgencyNotFoundError(code=code)
        graph = lineage_graph(agency)
        self.emit({"ok": True, **graph}, lambda: self._print(graph))

    def _print(self, graph: dict[str, Any]) -> None:
        for line in render_tree(graph):
            self.say(line)
