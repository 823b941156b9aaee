"""Transactions that record what happened, committed without waiting for the disk.

A PostgreSQL commit waits until its write-ahead log is flushed to disk: on
this kind of machine several milliseconds, more than the rest of a sign-in
but the password hash. Some writes are records, not the account itself: a
sign-in's ``last_login``, its audit event, a refusal's event. For those,
PostgreSQL's *asynchronous commit* (``SET LOCAL synchronous_commit TO OFF``)
returns at once and flushes within a few hundred milliseconds; a database
crash in between can lose those last records (and a new-device notice
queued with a sign-in), never corrupt anything, and never an account, a
password, or an activation or reset email: those are written by ordinary
transactions. (The session itself is in Redis.)

Only a transaction that begins here is made asynchronous: inside a caller's
transaction, SET LOCAL would reach the caller's writes too, so there this is
a plain savepoint and the caller's commit decides.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def record_transaction() -> Iterator[None]:
    """``transaction.atomic()``, committed asynchronously when it is the
    outermost transaction on PostgreSQL."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
