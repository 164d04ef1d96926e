from hypothesis import given
from hypothesis import strategies as st

from app.engine.stops import StopScanner


def feed_all(stops, pieces):
    scanner = StopScanner(stops)
    shown = "".join(scanner.feed(p) for p in pieces) + scanner.flush()
    return shown, scanner.stopped


def test_text_before_a_stop_string_is_kept_and_the_rest_dropped():
    assert feed_all(["<|im_end|>"], ["Hello", " wor", "ld<|im", "_end|>", "junk"]) == ("Hello world", True)


def test_a_partial_stop_at_the_end_is_shown_after_all():
    assert feed_all(["<|im_end|>"], ["a <|im"]) == ("a <|im", False)


def test_no_stops_passes_everything():
    assert feed_all([], ["a", "b"]) == ("ab", False)


@given(st.text(max_size=40), st.lists(st.integers(1, 5), max_size=20))
def test_any_split_of_a_stream_gives_the_same_text(text, cuts):
    stops = ["STOP", "<e>"]
    pieces, rest = [], text + "STOP tail"
    for cut in cuts:
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    whole = text + "STOP tail"
    first = min(i for i in (whole.find(s) for s in stops) if i >= 0)
    assert feed_all(stops, pieces) == (whole[:first], True)
