"""Dates a document states about itself: datelines, headers, URLs, file names; never the running text."""
import socket
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from analysis import dates


@pytest.mark.parametrize(
    "text_in, expected, evidence",
    [
        ("IDLIB, Syria, Jan. 28, 2017 (Levant Wire) - Rebels clashed.", date(2017, 1, 28),
         "IDLIB, Syria, Jan. 28, 2017 (Levant Wire) -"),
        ("HAMA, Syria, Sept. 5, 2016 (AP) - Government troops advanced.", date(2016, 9, 5),
         "HAMA, Syria, Sept. 5, 2016 (AP) -"),
        ("Deir ez-Zor, 6 October 2016 - Shells hit the airport.", date(2016, 10, 6), "Deir ez-Zor, 6 October 2016 -"),
        ("Damascus Monitor | 24 March 2015\nHeadline\n\nText.", date(2015, 3, 24), "Damascus Monitor | 24 March 2015"),
        ("24 March 2015 | Damascus Monitor\nHeadline", date(2015, 3, 24), "24 March 2015"),
        ("Headline\nBy Jane Roe, Oct 25 2015\n\nText.", date(2015, 10, 25), "By Jane Roe, Oct 25 2015"),
        ("Sat, 14 Apr 2018 10:32:00 +0000\nStrikes hit Damascus.", date(2018, 4, 14), "Sat, 14 Apr 2018 10:32:00 +0000"),
        ("Published February 18 2015 The Syrian army captured villages.", date(2015, 2, 18), "Published February 18 2015"),
        ("Posted on April 19 2017 by the desk. Six people were killed.", date(2017, 4, 19), "Posted on April 19 2017"),
        ("Wed 05 Apr 2017 at 0914 Homs governor says the strike caused deaths.", date(2017, 4, 5), "Wed 05 Apr 2017"),
        ("Tuesday 22 November 2016 A photo showing a family went viral.", date(2016, 11, 22), "Tuesday 22 November 2016"),
        ("24.08.2013 Syrian state media accused rebels.", date(2013, 8, 24), "24.08.2013"),
        ("Last updated: 2018-04-14 Strikes hit.", date(2018, 4, 14), "Last updated: 2018-04-14"),
        # no complete date, or a date inside a sentence, or below the head: nothing
        ("DAMASCUS, March 3 (Reuters) - Strikes hit.", None, None),
        ("JUNE 2023\n\nSupport us.", None, None),
        ("Last updated at Apr 232017 An attack killed three.", None, None),
        ("On 23 February 2015, rebels attacked the town.", None, None),
        ("Rebels attacked the town on 23 February 2015, activists said.", None, None),
        ("The 9/11 attacks of September 11, 2001 changed the region.", None, None),
        ("One\nTwo\nThree\nFour\n24 March 2015 | Damascus Monitor", None, None),
    ],
)
def test_datelines(text_in, expected, evidence):
    found = dates.dateline_date(text_in)
    assert (found.value if found else None, found.evidence if found else None) == (expected, evidence)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.reuters.com/article/us-mideast-crisis/2018/04/14/syria-strikes-idUSKBN1HL", date(2018, 4, 14)),
        ("https://example.org/2018-04-14-strikes-hit-damascus", date(2018, 4, 14)),
        ("https://example.org/news/2018/04/", None),  # a month is not a date
        ("https://example.org/news/2018/13/45/x", None),  # not a real day
        ("https://example.org/story/20180414", None),
        ("", None), (None, None),
    ],
)
def test_url_dates(url, expected):
    found = dates.url_date(url)
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(
    "path, expected",
    [("2018-04-14_idlib.txt", date(2018, 4, 14)), ("export/2018/04/12/story.html", date(2018, 4, 12)),
     ("wire_2018_04_11.txt", date(2018, 4, 11)), ("wire_0412.txt", None), ("2018-04-14_export.csv#row=3", None)],
)
def test_path_dates(path, expected):
    found = dates.path_date(path)
    assert (found.value if found else None) == expected


def test_range():
    today = date(2024, 1, 1)
    assert dates.check_range(date(2023, 12, 31), today=today) is None
    assert dates.check_range(date(2024, 1, 2), today=today) == "after the build date 2024-01-01"
    assert dates.check_range(date(1989, 12, 31), today=today) == "before 1990"


def test_nothing_is_fetched(monkeypatch):
    """htmldate fetches strings that look like URLs; the finders must never give it one."""
    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    dates.url_date.cache_clear()
    assert dates.url_date("http://example.org/2018/04/14/x").value == date(2018, 4, 14)
    assert dates.url_date("http://example.org/x") is None
    assert dates.path_date("http://example.org/2018/04/15/x").value == date(2018, 4, 15)


PROSE = st.lists(st.sampled_from([
    "Rebels attacked the town on 23 February 2015, activists said.", "It recalled the attacks of September 11, 2001.",
    "The truce of 2016-12-30 collapsed.", "Talks resumed on Jan. 28, 2017 in Astana.", "Shelling continued.",
    "Fighting began on 4/5/2017 near Hama.",
]), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(PROSE, st.sampled_from(["", "Clashes in Idlib\n\n", "Clashes in Idlib\n"]))
def test_running_text_never_gives_a_date(sentences, head):
    """Whatever dates the sentences mention, a text that opens with a sentence has no dateline."""
    text = head + " ".join(sentences)
    if sentences[0][0].isdigit():
        return
    assert dates.dateline_date(text) is None
