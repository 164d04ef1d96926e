"""A guard on the Qt binding itself: signals must not corrupt reference counts.

PySide6 6.12.0 drops a reference to True/False on every emission, so after ~200k signals (a long
chat streams thousands, downloads report progress continuously) Python aborts with
"deallocating True or False". The run happens in a child process so a crash fails this test
instead of killing the test session.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys, threading
from PySide6.QtCore import QCoreApplication, QObject, Signal
class Source(QObject):
    fired = Signal(object)
app = QCoreApplication(sys.argv)
source, seen = Source(), [0]
source.fired.connect(lambda value: seen.__setitem__(0, seen[0] + 1))
for value in range(300_000):
    source.fired.emit(None if value % 2 else ("chunk", value))
print("emitted", seen[0])
"""


def test_three_hundred_thousand_signals_leave_python_intact():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "emitted 300000"
