"""The publish command's status line and its Ctrl-C: a cancel before the commit, a note after it."""

from __future__ import annotations

import os
import signal

from app.cli.gpt_hub_commands import _ctrl_c_cancels, _PublishLine
from app.services.publish import PublishEvent, PublishStep


def test_ctrl_c_cancels_until_the_commit_then_only_says_it_is_too_late(capsys):
    before = signal.getsignal(signal.SIGINT)
    line = _PublishLine(quiet=False)
    line(PublishEvent(PublishStep.UPLOAD, 10, 100, "adapter.gguf"))
    with _ctrl_c_cancels(line) as cancel:
        os.kill(os.getpid(), signal.SIGINT)
        assert cancel.wait(5)
    line = _PublishLine(quiet=False)
    line(PublishEvent(PublishStep.COMMIT))
    with _ctrl_c_cancels(line) as cancel:
        os.kill(os.getpid(), signal.SIGINT)
        signal.getsignal(signal.SIGINT)  # let the handler run (Python runs it between bytecodes)
    assert not cancel.is_set()
    line.finish()
    err = capsys.readouterr().err
    assert "publishing: uploading adapter.gguf (36%)" in err and "publishing: committing (85%)" in err
    assert "too late to cancel" in err
    assert signal.getsignal(signal.SIGINT) is before


def test_json_output_keeps_stderr_quiet(capsys):
    line = _PublishLine(quiet=True)
    line(PublishEvent(PublishStep.HASH, 1, 2, "gpt.json"))
    line.finish()
    assert capsys.readouterr().err == ""
