"""Every operation of the emulator, built once over one store: what the app keeps and the
routes reach through `routes/deps.py`."""

from __future__ import annotations

from dataclasses import dataclass

from ..faults import FaultBook
from ..storage.records import RecordStore
from ..storage.store import Store
from ..tenants import Tenants
from .configurations import Configurations
from .control import Control
from .datapoints import Datapoints
from .datasets import Datasets
from .event_reads import EventReads
from .events import Events
from .metrics import Metrics
from .runs import Runs
from .sessions import Sessions
from .traces import Traces


@dataclass(frozen=True)
class Operations:
    tenants: Tenants  # who is calling: API key → project
    sessions: Sessions
    traces: Traces
    events: Events
    datasets: Datasets
    datapoints: Datapoints
    runs: Runs
    metrics: Metrics
    configurations: Configurations
    control: Control

    @classmethod
    def over(
        cls, store: Store, tenants: Tenants, faults: FaultBook, *, max_body_bytes: int
    ) -> Operations:
        records = RecordStore(store)
        reads = EventReads(store, records)
        sessions = Sessions(store, faults, reads)
        return cls(
            tenants=tenants,
            sessions=sessions,
            traces=Traces(store, faults, max_body_bytes),
            events=Events(store, faults, sessions, reads),
            datasets=Datasets(records),
            datapoints=Datapoints(records),
            runs=Runs(reads, records),
            metrics=Metrics(records),
            configurations=Configurations(records),
            control=Control(store, tenants, faults),
        )
