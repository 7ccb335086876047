"""CSIP rules on the folder structure (CSIPSTR*) and the CSIP structural map (CSIP80-119)."""

from __future__ import annotations

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._csip_base import (
    Context,
    FileRef,
    M,
    MetsDoc,
    RefCodes,
    X,
    amd_ids,
    dmd_ids,
    resolve_href,
    top_file_groups,
)

_MPTR = RefCodes("CSIP110", "CSIP110", "CSIP110", "CSIP110")


def check_structure(ctx: Context) -> list[str]:
    """CSIPSTR4/5/9/11/12: METS.xml, metadata/, representations/<rep>/data and METS.xml.

    Returns:
        The representation folder names (sorted).
    """
    inv, report = ctx.inventory, ctx.report
    if "METS.xml" not in inv.files:
        report.error("CSIPSTR4", "METS.xml", N_("The package root has no METS.xml."))
    if "metadata" not in inv.dirs:
        report.warning("CSIPSTR5", "metadata", N_("The package root has no metadata folder."))
    if "representations" not in inv.dirs:
        report.warning("CSIPSTR9", "representations", N_("The package root has no representations folder."))
        return []
    reps = sorted(d.split("/", 1)[1] for d in inv.dirs if d.count("/") == 1 and d.startswith("representations/"))
    for rep in reps:
        base = f"representations/{rep}"
        if f"{base}/data" not in inv.dirs:
            report.warning("CSIPSTR11", base, N_("Representation %(path)s has no data folder."))
        if f"{base}/METS.xml" not in inv.files:
            report.warning("CSIPSTR12", base, N_("Representation %(path)s has no METS.xml."))
    return reps


def _label(div: etree._Element) -> str:
    return (div.get("LABEL") or "").casefold()


def check_struct_map(ctx: Context, doc: MetsDoc) -> None:
    """CSIP80-112 and 116-119 for the structural map labelled ``CSIP``."""
    report = ctx.report
    maps = [m for m in doc.root.findall(M("structMap")) if m.get("LABEL") == "CSIP"]
    if len(maps) != 1:
        report.error(
            "CSIP80", doc.path, N_("%(path)s has %(count)d structMap[@LABEL='CSIP'], not one."), count=len(maps)
        )
        if not maps:
            return
    smap = maps[0]
    kind = smap.get("TYPE")
    if kind != "PHYSICAL":
        report.error(
            "CSIP81",
            doc.path,
            N_("%(path)s: the CSIP structMap/@TYPE must be PHYSICAL, not %(value)r."),
            value=kind or "",
        )
    if smap.get("ID") is None:
        report.error("CSIP83", doc.path, N_("%(path)s: the CSIP structMap has no @ID."))
    tops = smap.findall(M("div"))
    if len(tops) != 1:
        report.error("CSIP84", doc.path, N_("%(path)s: the CSIP structMap needs exactly one top div."))
        if not tops:
            return
    top = tops[0]
    label = top.get("LABEL")
    if label is None:
        report.error("CSIP86", doc.path, N_("%(path)s: the top div of the CSIP structMap has no @LABEL."))
    elif label != doc.root.get("OBJID"):
        report.error("CSIP86", doc.path, N_("%(path)s: the top div @LABEL %(value)r is not mets/@OBJID."), value=label)
    _metadata_div(ctx, doc, top)
    _optional_divs(ctx, doc, top)
    _pointers(ctx, doc, smap, top)


def _metadata_div(ctx: Context, doc: MetsDoc, top: etree._Element) -> None:
    """CSIP88-92: one Metadata div whose ADMID/DMDID list exactly the metadata section IDs."""
    report = ctx.report
    divs = [d for d in top.findall(M("div")) if _label(d) == "metadata"]
    if len(divs) != 1:
        report.error("CSIP88", doc.path, N_("%(path)s needs one Metadata div, it has %(count)d."), count=len(divs))
        if not divs:
            return
    div = divs[0]
    for attr, code, wanted in (("ADMID", "CSIP91", amd_ids(doc.root)), ("DMDID", "CSIP92", dmd_ids(doc.root))):
        listed = div.get(attr)
        if wanted and listed is None:
            report.error(code, doc.path, N_("%(path)s: the Metadata div has no @%(attr)s."), attr=attr)
        elif listed is not None and set(listed.split()) != set(wanted):
            report.error(
                code, doc.path, N_("%(path)s: Metadata div @%(attr)s %(value)r should list %(wanted)r."),
                attr=attr, value=listed, wanted=" ".join(wanted),
            )  # fmt: skip


def _optional_divs(ctx: Context, doc: MetsDoc, top: etree._Element) -> None:
    """CSIP93, 97, 101: at most one Documentation/Schemas/Representations div (SHOULD exist at root)."""
    labels = [_label(d) for d in top.findall(M("div"))]
    for code, term in (("CSIP93", "documentation"), ("CSIP97", "schemas"), ("CSIP101", "representations")):
        count = labels.count(term)
        if count > 1:
            ctx.report.error(code, doc.path, N_("%(path)s has %(count)d %(label)s divs."), count=count, label=term)
        elif doc.level == "root" and not any(lab == term or lab.startswith(term + "/") for lab in labels):
            ctx.report.warning(code, doc.path, N_("%(path)s has no %(label)s div."), label=term.capitalize())


def _pointers(ctx: Context, doc: MetsDoc, smap: etree._Element, top: etree._Element) -> None:
    """CSIP96/100/104 (every group is in the map, each pointer hits a group of its kind), 108-112."""
    report = ctx.report
    groups = {g.get("ID"): (g.get("USE") or "").casefold() for g in top_file_groups(doc.root) if g.get("ID")}
    pointed = {p.get("FILEID") for p in smap.iter(M("fptr"))} | {p.get(X("title")) for p in smap.iter(M("mptr"))}
    for code, term in (("CSIP96", "documentation"), ("CSIP100", "schemas"), ("CSIP104", "representations")):
        for group_id, use in groups.items():
            if (use == term or use.startswith(term + "/")) and group_id not in pointed:
                report.error(
                    code,
                    doc.path,
                    N_("%(path)s: file group %(value)s is not in the CSIP structMap."),
                    value=group_id or "",
                )
        for div in top.findall(M("div")):
            if _label(div) != term and not _label(div).startswith(term + "/"):
                continue
            for fptr in div.findall(M("fptr")):
                target = groups.get(fptr.get("FILEID"))
                if target is not None and not target.startswith(term):
                    report.error(
                        code, doc.path, N_("%(path)s: a %(label)s div points at file group %(value)s."),
                        label=term.capitalize(), value=fptr.get("FILEID") or "",
                    )  # fmt: skip
    for mptr in smap.iter(M("mptr")):
        _mptr(ctx, doc, mptr, groups)


def _mptr(ctx: Context, doc: MetsDoc, mptr: etree._Element, groups: dict[str | None, str]) -> None:
    """CSIP108-112: a representation METS pointer names its file group and an existing METS file."""
    report = ctx.report
    title = mptr.get(X("title"))
    if title is not None and not groups.get(title, "").startswith("representations"):
        report.error(
            "CSIP108", doc.path, N_("%(path)s: mptr/@xlink:title %(value)r is no Representations group."), value=title
        )
    if mptr.get(X("type")) != "simple":
        report.error("CSIP111", doc.path, N_("%(path)s: mptr needs xlink:type simple."))
    if mptr.get("LOCTYPE") != "URL":
        report.error("CSIP112", doc.path, N_("%(path)s: mptr/@LOCTYPE must be URL."))
    value = mptr.get(X("href"))
    if not value:
        report.error("CSIP110", doc.path, N_("%(path)s: an mptr has no xlink:href."))
    elif (found := resolve_href(ctx, doc, value, "CSIP110")) is not None:
        ctx.refs.append(FileRef(doc.path, found[0], found[1], None, None, None, _MPTR, "mptr"))
