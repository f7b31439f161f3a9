"""Admin token attempts, limited: after a few wrong tokens a session (and the client it comes
from) is locked out for a time that doubles with each further wrong token."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Five free tries cover typing slips. Then 2, 4, 8 ... seconds, up to 15 minutes: 1,000 guesses,
# which took 5.6 s unlimited, take days.
FREE_ATTEMPTS = 5
FIRST_LOCKOUT_S = 2.0
LONGEST_LOCKOUT_S = 900.0


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


@dataclass
class AttemptLimiter:
    """Counts wrong tokens per key (a session id, a client address); thread-safe, in memory."""

    clock: Callable[[], float] = time.monotonic
    _records: dict[str, _Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, keys: list[str]) -> float:
        """Seconds until any of these keys may try again (0 when they may now)."""
        now = self.clock()
        with self._lock:
            waits = [self._records[k].locked_until - now for k in keys if k in self._records]
        return max([0.0, *waits])

    def failed(self, keys: list[str]) -> tuple[int, float]:
        """Count a wrong token against each key; returns (failures, lockout seconds)."""
        now = self.clock()
        worst = (0, 0.0)
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                lockout = 0.0
                if record.failures >= FREE_ATTEMPTS:
                    extra = record.failures - FREE_ATTEMPTS
                    lockout = min(FIRST_LOCKOUT_S * 2.0**extra, LONGEST_LOCKOUT_S)
                    record.locked_until = now + lockout
                worst = max(worst, (record.failures, lockout))
        return worst

    def succeeded(self, keys: list[str]) -> None:
        """The right token: forget these keys' failures."""
        with self._lock:
            for key in keys:
                self._records.pop(key, None)
