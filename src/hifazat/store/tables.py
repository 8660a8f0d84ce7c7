"""The schema. Decisions, approvals and rescissions are separate append-only tables: a row is
written once and never updated, so every fact the ledger covers can be recomputed from them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from hifazat.store.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 64  # length of every identifier column

policies = Table(
    "policies",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(ID), nullable=False),
    Column("document", JSON, nullable=False),
    Column("loaded_at", UTCDateTime(), nullable=False),
    Column("loaded_by", String(ID), nullable=True),
)

providers = Table(
    "providers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(16), nullable=False),
    Column("jurisdiction", String(100), nullable=False),
    Column("pool_personnel", Integer, nullable=False),
    Column("pool_vehicles", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(ID), nullable=True),
)

categories = Table(
    "categories",
    metadata,
    Column("provider_id", String(ID), ForeignKey("providers.id"), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("personnel", Integer, nullable=False),
    Column("vehicles", Integer, nullable=False),
    UniqueConstraint("provider_id", "rank", name="uq_categories_provider_rank"),
)

#: a provider's officers and vehicles (issue 16): need-to-know, the provider's own records; `id`
#: is a random key, so that the ledger names a record without naming the officer or the car
officers = Table(
    "officers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("provider_id", String(ID), ForeignKey("providers.id"), nullable=False),
    Column("service_number", String(ID), nullable=False),
    Column("name", String(200), nullable=False),
    Column("rank", String(100), nullable=False),
    Column("unit", String(100), nullable=False),
    #: sorted, comma-separated (domain.resources.QUALIFICATIONS)
    Column("qualifications", String(200), nullable=False),
    Column("added_at", UTCDateTime(), nullable=False),
    Column("added_by", String(ID), nullable=True),
    UniqueConstraint("provider_id", "service_number", name="uq_officers_provider_number"),
)

officer_absences = Table(
    "officer_absences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("officer_id", String(ID), ForeignKey("officers.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    CheckConstraint("last_day >= first_day", name="ordered"),
)

vehicles = Table(
    "vehicles",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("provider_id", String(ID), ForeignKey("providers.id"), nullable=False),
    Column("registration", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("added_at", UTCDateTime(), nullable=False),
    Column("added_by", String(ID), nullable=True),
    UniqueConstraint("provider_id", "registration", name="uq_vehicles_provider_registration"),
)

#: a provider's published duty rosters: each publication covers `days` from `first_day`, and
#: for each day the latest publication covering it is the roster in force (issue 16)
rosters = Table(
    "rosters",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("provider_id", String(ID), ForeignKey("providers.id"), nullable=False, index=True),
    #: 1, 2, … per provider: a later publication wins a day, whatever the clocks said
    Column("version", Integer, nullable=False),
    Column("first_day", Date, nullable=False),
    Column("days", Integer, nullable=False),
    Column("published_at", UTCDateTime(), nullable=False),
    Column("published_by", String(ID), nullable=False),
    UniqueConstraint("provider_id", "version", name="uq_rosters_provider_version"),
)

roster_assignments = Table(
    "roster_assignments",
    metadata,
    Column("roster_id", String(ID), ForeignKey("rosters.id"), primary_key=True),
    #: the officer's service number (unique within the provider)
    Column("officer", String(ID), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("shift", String(32), nullable=False),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False),
)

#: officers checking in and out at a protectee's post, as a provider's desk recorded them
attendance = Table(
    "attendance",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("provider_id", String(ID), ForeignKey("providers.id"), nullable=False),
    #: the officer's service number (unique within the provider)
    Column("officer", String(ID), nullable=False),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("vehicle", String(100), nullable=True),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(ID), nullable=False),
    CheckConstraint("kind IN ('in', 'out')", name="kind"),
    Index("ix_attendance_provider_at", "provider_id", "at"),
    Index("ix_attendance_protectee_at", "protectee_id", "at"),
)

protectees = Table(
    "protectees",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("public_figure", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(ID), nullable=True),
    Column("language", String(8), nullable=False, server_default="en"),
)

offices = Table(
    "offices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False, index=True),
    Column("office_class", String(ID), nullable=False),
    Column("title", String(200), nullable=False),
    Column("since", Date, nullable=False),
    Column("until", Date, nullable=True),
)

affiliations = Table(
    "affiliations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("since", Date, nullable=True),
    Column("until", Date, nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(ID), nullable=True),
    Column("language", String(8), nullable=False, server_default="en"),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id"), primary_key=True),
    Column("role", String(ID + 16), primary_key=True),
    Column("granted_by", String(ID), nullable=True),
    Column("granted_at", UTCDateTime(), nullable=False),
)

liaisons = Table(
    "liaisons",
    metadata,
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id"), primary_key=True),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False),
    Column("provider_id", String(ID), ForeignKey("providers.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("category_id", String(ID), nullable=True),
    Column("basis", String(16), nullable=True),
    Column("reason_code", String(ID), nullable=False),
    Column("reason", Text, nullable=False),
    Column("proposed_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("proposed_at", UTCDateTime(), nullable=False),
    Column("emergency", Boolean, nullable=False),
    Column("requested_effective_at", UTCDateTime(), nullable=True),
    ForeignKeyConstraint(
        ["provider_id", "category_id"],
        ["categories.provider_id", "categories.id"],
        name="fk_decisions_category",
    ),
    Index("ix_decisions_protectee_provider", "protectee_id", "provider_id"),
)

approvals = Table(
    "approvals",
    metadata,
    Column("decision_id", String(ID), ForeignKey("decisions.id"), primary_key=True),
    Column("approved_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("approved_at", UTCDateTime(), nullable=False),
    Column("effective_at", UTCDateTime(), nullable=False),
    #: the order of approvals for one protectee, so that changes made at one instant replay in
    #: the order they were made
    Column("seq", Integer, nullable=True),
)

rescissions = Table(
    "rescissions",
    metadata,
    Column("decision_id", String(ID), ForeignKey("decisions.id"), primary_key=True),
    Column("rescinded_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("rescinded_at", UTCDateTime(), nullable=False),
    Column("reason", Text, nullable=False),
)

threat_assessments = Table(
    "threat_assessments",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False, index=True),
    Column("level", String(16), nullable=False),
    Column("agency", String(200), nullable=False),
    Column("assessed_at", UTCDateTime(), nullable=False),
    Column("valid_until", UTCDateTime(), nullable=False),
    Column("summary", Text, nullable=False),
    Column("entered_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("entered_at", UTCDateTime(), nullable=False),
)

discrepancies = Table(
    "discrepancies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False, index=True),
    Column("provider_id", String(ID), ForeignKey("providers.id"), nullable=False),
    Column("reported_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("observed_at", UTCDateTime(), nullable=False),
    Column("reported_at", UTCDateTime(), nullable=False),
    Column("text", Text, nullable=False),
)

#: dated, sourced public events of an affiliation (issue 19): public by nature
public_events = Table(
    "public_events",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("affiliation", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("title", String(500), nullable=False),
    Column("source", String(500), nullable=False),
    Column("entered_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("entered_at", UTCDateTime(), nullable=False),
    Index("ix_public_events_affiliation_at", "affiliation", "at"),
)

# --- refused attempts: kept so oversight sees attempts as well as decisions ---------------------
attempts = Table(
    "attempts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(ID), nullable=False),
    Column("command", String(32), nullable=False),
    Column("subject", JSON, nullable=False),
    Column("rules", JSON, nullable=False),
)

# --- the ledger ------------------------------------------------------------------------------
ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("ref", String(200), nullable=False, index=True),
    Column("entry", Text, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

#: one row holding the tree size; appends lock it, which keeps sequence numbers gap-free
ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

#: changes committed with their records but not yet entered in the log (PostgreSQL group
#: commit, `ledger_group`): a leader enters every waiting row in one transaction and sets its
#: `seq`; the writer that waits on a row deletes it once it has read its leaf index
ledger_pending = Table(
    "ledger_pending",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("kind", String(32), nullable=False),
    Column("ref", String(200), nullable=False),
    Column("seq", BigInteger, nullable=True),
    Column("made_at", UTCDateTime(), nullable=False),
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tree_size", BigInteger, nullable=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("made_at", UTCDateTime(), nullable=False),
)

#: exports of restricted records: who read them, when, why, which rows, and the key of their
#: marks (domain.exports), so that a leaked copy names its export
exports = Table(
    "exports",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("reader", String(ID), ForeignKey("users.id"), nullable=False),
    Column("made_at", UTCDateTime(), nullable=False),
    Column("reason", Text, nullable=False),
    #: the rows' ids, one per line, in the order written
    Column("row_ids", Text, nullable=False),
    Column("secret", LargeBinary(32), nullable=False),
)

#: witnesses' cosignatures on checkpoints (C2SP tlog-cosignature lines), kept once verified
ledger_cosignatures = Table(
    "ledger_cosignatures",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("witness", String(200), primary_key=True),
    Column("line", Text, nullable=False),
    #: the witness's own timestamp (POSIX seconds), as signed
    Column("cosigned_at", BigInteger, nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
)

# --- accountability workflows -----------------------------------------------------------------
approval_steps = Table(
    "approval_steps",
    metadata,
    Column("decision_id", String(ID), ForeignKey("decisions.id"), primary_key=True),
    Column("step", Integer, primary_key=True, autoincrement=False),
    Column("role", String(16), nullable=False),
    Column("approved_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("approved_at", UTCDateTime(), nullable=False),
)

appeals = Table(
    "appeals",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("lodged_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("lodged_at", UTCDateTime(), nullable=False),
    Column("grounds", Text, nullable=False),
)

appeal_outcomes = Table(
    "appeal_outcomes",
    metadata,
    Column("appeal_id", String(ID), ForeignKey("appeals.id"), primary_key=True),
    Column("outcome", String(16), nullable=False),
    Column("decided_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=False),
    Column("reason", Text, nullable=False),
    Column("restoring_decision_id", String(ID), ForeignKey("decisions.id"), nullable=True),
)

ratifications = Table(
    "ratifications",
    metadata,
    Column("decision_id", String(ID), ForeignKey("decisions.id"), primary_key=True),
    Column("ratified_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("ratified_at", UTCDateTime(), nullable=False),
    Column("refused", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("restoring_decision_id", String(ID), ForeignKey("decisions.id"), nullable=True),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("coverage", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("reviewed_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("reviewed_at", UTCDateTime(), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=True),
)

discrepancy_resolutions = Table(
    "discrepancy_resolutions",
    metadata,
    Column("report_id", String(ID), ForeignKey("discrepancies.id"), primary_key=True),
    Column("outcome", String(24), nullable=False),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=True),
    Column("reason", Text, nullable=False),
    Column("resolved_by", String(ID), ForeignKey("users.id"), nullable=False),
    Column("resolved_at", UTCDateTime(), nullable=False),
)

#: the outbox: a notice per recipient, delivered by the notify worker
notices = Table(
    "notices",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("subject", String(16), nullable=False),
    Column("subject_id", String(ID), nullable=False),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False),
    Column("protectee_id", String(ID), ForeignKey("protectees.id"), nullable=False, index=True),
    Column("recipient", String(ID), nullable=False),
    Column("recipient_kind", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("body", JSON, nullable=False),
    #: pending -> delivered | dead (after too many failed attempts on every channel)
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", UTCDateTime(), nullable=True),
    #: while a worker holds it: a worker on another process leaves it alone
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Index("ix_notices_due", "state", "next_attempt_at"),
)

#: where a user's or a protectee's notices go: e-mail addresses and webhooks (signed with the
#: channel's own secret, so a receiver can tell a notice from a forgery)
notice_channels = Table(
    "notice_channels",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner", String(ID), nullable=False, index=True),
    Column("owner_kind", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("address", String(500), nullable=False),
    Column("secret", String(128), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    #: a removed channel is kept (its attempts name it) but never sent to again
    Column("removed_at", UTCDateTime(), nullable=True),
    Column("removed_by", String(ID), nullable=True),  # a user id
)

#: each delivery attempt of a notice on a channel
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notice_id", String(ID), ForeignKey("notices.id"), nullable=False, index=True),
    Column("channel_id", String(ID), ForeignKey("notice_channels.id"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("detail", Text, nullable=False),
)

#: how a notice's delivery ended, or was started again: delivered, dead (no channel took it
#: after the last attempt) or requeued (by a user, with a reason); append-only, each row entered
#: in the ledger in the transaction that writes it
notice_outcomes = Table(
    "notice_outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notice_id", String(ID), ForeignKey("notices.id"), nullable=False, index=True),
    Column("outcome", String(16), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(ID), ForeignKey("users.id"), nullable=True),
    Column("reason", Text, nullable=True),
)

# --- authentication: secrets are stored hashed, never in the clear -------------------------------
credentials = Table(
    "credentials",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id"), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UTCDateTime(), nullable=True),
    Column("changed_at", UTCDateTime(), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id"), nullable=False, index=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("scopes", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("ended_at", UTCDateTime(), nullable=True),
)

auth_events = Table(
    "auth_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("user_id", String(ID), nullable=True),
    Column("event", String(32), nullable=False),
    Column("detail", Text, nullable=False),
)

#: responses to POSTs carrying an Idempotency-Key, so a retry returns the first result
idempotency = Table(
    "idempotency",
    metadata,
    Column("key_sha256", String(64), primary_key=True),
    Column("user_id", String(ID), nullable=False),
    Column("request_sha256", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
