"""Matching risk signals to filed goods (issue 10): the database side of ``risk_monitoring.matching``.

Every new signal, whatever its source, is matched to the approved product filings: by GTIN (linked
at once: ``products``, ``product`` the first of them), then by brand and model, then by name (stored
as ``SignalMatchProposal`` rows for an inspector to confirm or reject). ``risk_signal_create`` and
``risk_signal_report`` call ``signal_match_new`` in their transaction; the overseas import loads the
candidates of all its records at once (``CandidatePool``) and applies them record by record
(``signal_apply_matches``).

Candidates are found in SQL, a few set-based queries per pool, never by loading every product:

- GTIN: ``gtin IN`` every stored form of the records' GTIN-14s (a product's GTIN is stored as filed,
  8, 12, 13 or 14 digits, so 00036000291452 is looked up as itself, 0036000291452 and 036000291452);
  the column is indexed.
- brand and model: the product's brand lower-cased without spaces, hyphens, underscores and dots
  equals the record's normalised brand; the model is then compared in Python (``code_key``). A
  brand filed in full-width letters is not found (filings keep the brand as typed).
- name: the product's Chinese or English name contains the record's name, or is contained in it
  (``icontains`` both ways), at most ``NAME_CANDIDATES_CAP`` rows per chunk of records; the
  whole-word and minimum-length rules are then applied in Python (``names_match``).

An enterprise's own report is matched to that enterprise's products only: it must not tie other
enterprises' goods to a report that enterprise reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Length, Lower, Replace
from django.db.models.lookups import IContains
from django.utils import timezone
from django.utils.translation import gettext as _

from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from filings.choices import FilingStatus
from filings.models import ProductFiling
from risk_monitoring.choices import ProposalStatus, SignalSource
from risk_monitoring.gtin import gtins_in
from risk_monitoring.matching import MIN_NAME_CJK, Candidate, Match, code_key, match, name_key
from risk_monitoring.models import RiskSignal, SignalMatchProposal
from risk_monitoring.services.score_events import risk_scores_schedule

GTIN_CHUNK = 500
BRAND_CHUNK = 500
NAME_CHUNK = 50
#: the most products a chunk of names may bring in as candidates (the rest are not proposed)
NAME_CANDIDATES_CAP = 500

_COLUMNS = (
    "id",
    "gtin",
    "brand",
    "model",
    "name",
    "name_en",
    "enterprise_id",
    "enterprise__bureau_id",
    "category",
    "subcategory",
)


@dataclass(frozen=True)
class Probe:
    """What a signal offers for matching: its GTINs (any form), brand, model and names."""

    gtins: tuple[str, ...] = ()
    brand: str = ""
    model: str = ""
    names: tuple[str, ...] = ()
    #: only this enterprise's products (an enterprise's own report)
    enterprise_id: int | None = None

    def name_keys(self) -> list[str]:
        keys: list[str] = []
        for name in self.names:
            key = name_key(name)
            if key and key not in keys and len(key.replace(" ", "")) >= MIN_NAME_CJK:
                keys.append(key)
        return keys


def stored_forms(gtin14: str) -> list[str]:
    """The ways a GTIN-14 may be stored on a filing: itself and its 13-, 12- and 8-digit forms when
    the digits dropped are zeros."""
    forms = [gtin14]
    for length in (13, 12, 8):
        if not gtin14[: 14 - length].strip("0"):
            forms.append(gtin14[14 - length :])
    return forms


def _brand_key_sql() -> Any:
    expression: Any = Lower("brand")
    for character in (" ", "-", "_", "."):
        expression = Replace(expression, Value(character), Value(""))
    return expression


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class CandidatePool:
    """The approved products that may match any of ``probes``, loaded in a few set-based queries:
    about one per ``GTIN_CHUNK`` GTINs, one per ``BRAND_CHUNK`` brands, one per ``NAME_CHUNK``
    probes with names (none at all for what the probes do not offer)."""

    probes: Sequence[Probe]
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    _by_gtin: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_brand: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_probe_name: dict[int, set[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        approved = ProductFiling.objects.filter(status=FilingStatus.APPROVED)
        wanted = sorted({form for probe in self.probes for g in probe.gtins for form in stored_forms(g)})
        for chunk in _chunks(wanted, GTIN_CHUNK):
            for row in approved.filter(gtin__in=chunk).values(*_COLUMNS):
                self._keep(row)
                for g in gtins_in(row["gtin"]):
                    self._by_gtin[g].add(row["id"])
        brands = sorted({key for probe in self.probes if probe.model and (key := code_key(probe.brand))})
        for chunk in _chunks(brands, BRAND_CHUNK):
            for row in approved.alias(brand_key=_brand_key_sql()).filter(brand_key__in=chunk).values(*_COLUMNS):
                self._keep(row)
                self._by_brand[code_key(row["brand"])].add(row["id"])
        named = [(index, probe.name_keys()) for index, probe in enumerate(self.probes)]
        named = [(index, keys) for index, keys in named if keys]
        for chunk in _chunks(named, NAME_CHUNK):
            keys = sorted({key for _index, probe_keys in chunk for key in probe_keys})
            condition = Q()
            for key in keys:
                condition |= Q(name__icontains=key) | Q(name_en__icontains=key)
                condition |= Q(name_length__gte=MIN_NAME_CJK) & Q(IContains(Value(key), F("name")))
                condition |= Q(name_en_length__gte=MIN_NAME_CJK) & Q(IContains(Value(key), F("name_en")))
            found: set[int] = set()
            query = approved.alias(name_length=Length("name"), name_en_length=Length("name_en")).filter(condition)
            for row in query.order_by("id").values(*_COLUMNS)[:NAME_CANDIDATES_CAP]:
                self._keep(row)
                found.add(row["id"])
            for index, _keys in chunk:
                self._by_probe_name[index] = found

    def _keep(self, row: dict[str, Any]) -> None:
        self.rows.setdefault(row["id"], row)

    def matches(self, index: int) -> list[Match]:
        """The products matching ``probes[index]``, best first (GTIN matches first, lowest id first)."""
        probe = self.probes[index]
        ids: set[int] = set()
        for g in probe.gtins:
            ids |= self._by_gtin.get(g, set())
        if probe.model:
            ids |= self._by_brand.get(code_key(probe.brand), set())
        ids |= self._by_probe_name.get(index, set())
        rows = [self.rows[pk] for pk in sorted(ids)]
        if probe.enterprise_id is not None:
            rows = [row for row in rows if row["enterprise_id"] == probe.enterprise_id]
        candidates = [
            Candidate(
                id=row["id"],
                gtin=row["gtin"],
                brand=row["brand"],
                model=row["model"],
                name=row["name"],
                name_en=row["name_en"],
            )
            for row in rows
        ]
        return match(candidates, gtins=probe.gtins, brand=probe.brand, model=probe.model, names=probe.names)


@dataclass
class MatchOutcome:
    """What matching did to one signal: the products it linked (GTIN) and those it proposed."""

    linked: list[int] = field(default_factory=list)
    proposed: list[tuple[int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.linked or self.proposed)

    def as_dict(self) -> dict[str, Any]:
        return {"linked": self.linked, "proposed": [{"product": pk, "how": how} for pk, how in self.proposed]}


def probe_of(signal: RiskSignal, *, gtins: Sequence[str] = (), names: Sequence[str] = ()) -> Probe:
    """The probe of a signal: its GTIN field (and ``gtins``), brand, model, and ``names`` (else its title)."""
    found = [*gtins_in(signal.gtin)]
    for text in gtins:
        found += [g for g in gtins_in(text) if g not in found]
    return Probe(
        gtins=tuple(found),
        brand=signal.brand,
        model=signal.model,
        names=tuple(names) if names else (signal.title,),
        enterprise_id=signal.enterprise_id if signal.source == SignalSource.ENTERPRISE_REPORT else None,
    )


def signal_apply_matches(
    signal: RiskSignal, matches: Sequence[Match], pool: CandidatePool, *, already: Iterable[int] = ()
) -> MatchOutcome:
    """Link the GTIN matches to ``signal`` and store the other matches as proposals (no audit: the
    caller records it). The first linked product becomes ``product`` when the signal had none, and
    its enterprise (and that enterprise's bureau, whose queue it joins) the signal's when it had none."""
    known = set(already)
    outcome = MatchOutcome()
    for found in matches:
        pk = int(found.candidate_id)
        if pk in known:
            continue
        known.add(pk)
        if found.certain:
            outcome.linked.append(pk)
        else:
            outcome.proposed.append((pk, found.how))
    if outcome.linked:
        through = RiskSignal.products.through
        through.objects.bulk_create(
            [through(risksignal_id=signal.pk, productfiling_id=pk) for pk in outcome.linked], ignore_conflicts=True
        )
        if signal.product_id is None:
            first = pool.rows[outcome.linked[0]]
            signal.product_id = first["id"]
            changed = ["product"]
            if signal.enterprise_id is None:
                signal.enterprise_id = first["enterprise_id"]
                changed.append("enterprise")
            if signal.competent_bureau_id is None and signal.enterprise_id == first["enterprise_id"]:
                signal.competent_bureau_id = first["enterprise__bureau_id"]
                changed.append("competent_bureau")
            if not signal.category:
                signal.category, signal.subcategory = first["category"], first["subcategory"]
                changed += ["category", "subcategory"]
            signal.save(update_fields=[*changed, "updated_at"])
    if outcome.proposed:
        SignalMatchProposal.objects.bulk_create(
            [SignalMatchProposal(signal=signal, product_id=pk, how=how) for pk, how in outcome.proposed],
            ignore_conflicts=True,
        )
    return outcome


def signal_match_new(
    signal: RiskSignal,
    *,
    actor: Actor,
    already: Iterable[int] = (),
    gtins: Sequence[str] = (),
    names: Sequence[str] = (),
) -> MatchOutcome:
    """Match a signal just created (in its creator's transaction) and audit what was linked or proposed."""
    probe = probe_of(signal, gtins=gtins, names=names)
    pool = CandidatePool([probe])
    outcome = signal_apply_matches(signal, pool.matches(0), pool, already=already)
    if outcome:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=signal,
            after=snapshot(signal, extra={"matching": outcome.as_dict()}),
            reason=_("Matched to filed goods."),
        )
    return outcome


# -- proposals --------------------------------------------------------------------------------------


def may_decide_proposal(actor: Actor, proposal: SignalMatchProposal) -> bool:
    """Whether ``actor`` may confirm or reject ``proposal``: whoever may triage its signal, and the
    staff competent for the proposed product's enterprise (they know their goods); headquarters."""
    from risk_monitoring.services.signals import may_triage

    if isinstance(actor, str) or actor.is_hq:
        return True
    if not actor.is_bureau_staff:
        return False
    return may_triage(actor, proposal.signal) or actor.has_jurisdiction_over(proposal.product.enterprise.bureau)


def _locked_proposal(actor: Actor, proposal: SignalMatchProposal) -> tuple[SignalMatchProposal, RiskSignal]:
    signal = RiskSignal.objects.select_for_update(of=("self",)).get(pk=proposal.signal_id)
    proposal = (
        SignalMatchProposal.objects.select_for_update(of=("self",))
        .select_related("product__enterprise__bureau")
        .get(pk=proposal.pk)
    )
    proposal.signal = signal
    if not may_decide_proposal(actor, proposal):
        raise PermissionDenied(_("Only the competent bureaus decide on this proposal."))
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(
            {"status": [_("This proposal was already %(status)s.") % {"status": proposal.get_status_display()}]}
        )
    return proposal, signal


def _decided(actor: Actor, proposal: SignalMatchProposal, status: str, reason: str) -> None:
    proposal.status = status
    proposal.reason = (reason or "").strip()
    proposal.decided_at = timezone.now()
    proposal.decided_by = None if isinstance(actor, str) else actor
    proposal.save(update_fields=["status", "reason", "decided_at", "decided_by"])


@transaction.atomic
def match_proposal_confirm(*, actor: Actor, proposal: SignalMatchProposal, reason: str = "") -> SignalMatchProposal:
    """Confirm a proposed product: it is linked to the signal (the first product when it had none,
    and then its enterprise and that enterprise's bureau are the signal's when it had none). Audited."""
    proposal, signal = _locked_proposal(actor, proposal)
    before = snapshot(signal, extra={"products": signal.product_ids()})
    signal.products.add(proposal.product)
    product = proposal.product
    if signal.product_id is None:
        signal.product = product
        if signal.enterprise_id is None:
            signal.enterprise = product.enterprise
        if signal.competent_bureau_id is None and signal.enterprise_id == product.enterprise_id:
            signal.competent_bureau = product.enterprise.bureau
        if not signal.category:
            signal.category, signal.subcategory = product.category, product.subcategory
        signal.save()
    _decided(actor, proposal, ProposalStatus.CONFIRMED, reason)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=signal,
        before=before,
        after=snapshot(
            signal,
            extra={
                "products": signal.product_ids(),
                "proposal": {"id": proposal.pk, "product": product.pk, "how": proposal.how, "status": proposal.status},
            },
        ),
        reason=proposal.reason or _("Proposed product confirmed."),
    )
    # the product now carries the signal: its score (and its enterprise's) is recomputed
    risk_scores_schedule(enterprise_ids=[signal.enterprise_id, product.enterprise_id], product_ids=[product.pk])
    return proposal


@transaction.atomic
def match_proposal_reject(*, actor: Actor, proposal: SignalMatchProposal, reason: str = "") -> SignalMatchProposal:
    """Reject a proposed product: the signal is not about it. Audited on the signal."""
    proposal, signal = _locked_proposal(actor, proposal)
    _decided(actor, proposal, ProposalStatus.REJECTED, reason)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=signal,
        after={
            "proposal": {
                "id": proposal.pk,
                "product": proposal.product_id,
                "how": proposal.how,
                "status": proposal.status,
            }
        },
        reason=proposal.reason or _("Proposed product rejected."),
    )
    return proposal
