"""Small corpora in the shapes researchers bring, generated for the tests (never copied from a fixture).

Each writer takes a folder and returns it. Texts are composed from sentence templates with actor names, places
and numbers drawn by a seeded generator, so documents differ (no near-duplicates unless asked) and the facts a
test asserts (outlets, dates, pairs) are known by construction.
"""
from __future__ import annotations

import csv
import json
import random
from pathlib import Path

PLACES = ["Idlib", "Aleppo", "Raqqa", "Deir ez-Zor", "Hama", "Homs", "Daraa", "Manbij", "Afrin", "Palmyra",
          "Jisr al-Shughur", "Tal Abyad", "Qamishli", "Douma", "al-Bab", "Saraqib"]
COOP = [
    "Fighters of {a} and {b} launched a joint offensive on {place} on {weekday}.",
    "{a} said it had formed a joint operations room with {b} to hold the front near {place}.",
    "{a} fought alongside {b} in the villages south of {place}, a commander told reporters.",
    "Units of {b} were reinforced by {a} before the assault on {place}.",
]
CONFLICT = [
    "Heavy clashes broke out between {a} and {b} on the outskirts of {place}, killing {n} fighters.",
    "{a} shelled positions held by {b} near {place} overnight.",
    "{a} accused {b} of attacking its checkpoints around {place}.",
    "{b} retook two villages from {a} west of {place} after days of fighting.",
]
FILLER = [
    "Residents of {place} reported shortages of bread and fuel as the winter began.",
    "Aid agencies said {n} families had fled {place} in the past week.",
    "The local council in {place} reopened two schools that had been closed since spring.",
    "Prices at the main market of {place} doubled within a month, traders said.",
    "A monitoring group counted {n} air raids on the province of {place} since Monday.",
    "Hospitals in {place} were running short of anaesthetics and blood bags.",
    "Talks on the future of {place} were postponed until after the holidays.",
    "Local journalists in {place} said communications had been cut for two days.",
]
NEUTRAL_PAIR = "Both {a} and {b} have a presence in the countryside of {place}."
OFFTOPIC = [
    "The central bank left its main interest rate unchanged at {n} basis points above inflation.",
    "The league leaders drew {n}-{n2} at home after a late penalty was saved.",
    "Shares in the retailer fell after it warned that {n} stores would close.",
    "The orchestra announced a season of {n} concerts, most of them free for students.",
    "Farmers said the harvest was the best in {n} years despite a dry spring.",
    "The ministry promised {n} new trains for the coastal line by next summer.",
    "The museum reopened its ceramics wing after {n} months of repairs to the roof.",
    "A new bakery chain plans {n} outlets in the suburbs, its founder told investors.",
    "The football federation fined the club for crowd trouble during the derby.",
    "Tourism revenue rose by {n} percent as flights from the north resumed.",
    "The university will offer {n} scholarships in engineering and medicine.",
    "Dockworkers ended a strike after the port agreed to raise wages.",
    "The cycling race crossed the mountains in heavy rain on its fourth stage.",
    "Exporters of citrus fruit complained about delays at the border crossings.",
    "The film festival opened with a comedy about a family wedding.",
    "Insurance premiums for small businesses climbed for the {n}th month in a row.",
    "The city zoo welcomed two lion cubs, the first born there in {n} years.",
    "Bond yields eased after the treasury sold {n} million in short-term notes.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
#: Actor names as articles write them (all in the gazetteer).
ACTORS = ["Hayat Tahrir al-Sham", "the Islamic State", "the Syrian Democratic Forces", "Ahrar al-Sham",
          "Jaysh al-Islam", "the Syrian army", "Faylaq al-Rahman", "the Nour al-Din al-Zenki Movement"]


def _fill(template: str, rng: random.Random, a: str = "", b: str = "") -> str:
    text = template.format(a=a, b=b, place=rng.choice(PLACES), n=rng.randint(3, 90), n2=rng.randint(0, 4),
                           weekday=rng.choice(WEEKDAYS))
    return text[0].upper() + text[1:]


def article(rng: random.Random, *, pairs: list[tuple[str, str, str]] = (), n_filler: int = 6) -> str:
    """A body of filler sentences with one sentence per (a, b, kind) pair, kind in coop/conflict/neutral."""
    sents = [_fill(rng.choice(FILLER), rng) for _ in range(n_filler)]
    for a, b, kind in pairs:
        t = {"coop": rng.choice(COOP), "conflict": rng.choice(CONFLICT), "neutral": NEUTRAL_PAIR}[kind]
        sents.insert(rng.randint(0, len(sents)), _fill(t, rng, a, b))
    paras = [" ".join(sents[i:i + 3]) for i in range(0, len(sents), 3)]
    return "\n\n".join(paras)


def offtopic(rng: random.Random, n: int = 7) -> str:
    return " ".join(_fill(rng.choice(OFFTOPIC), rng) for _ in range(n))


def _pairs(rng: random.Random, k: int) -> list[tuple[str, str, str]]:
    out = []
    for _ in range(k):
        a, b = rng.sample(ACTORS, 2)
        out.append((a, b, rng.choice(["coop", "conflict", "conflict", "neutral"])))
    return out


# ----------------------------------------------------------------------------------------------- corpora
def empty(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def one_document(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    (folder / "report.txt").write_text("Fighting near Idlib\n\n" + article(rng, pairs=[
        ("Hayat Tahrir al-Sham", "the Syrian army", "conflict")]), encoding="utf-8")
    return folder


def one_outlet_week(folder: Path, *, n: int = 14) -> Path:
    """A CSV export of one outlet covering one week (2018-04-09 to 2018-04-15)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2)
    with open(folder / "levant_wire_export.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "body", "source", "date"])
        for i in range(n):
            w.writerow([f"lw-{i:03d}", f"Dispatch {i} from the north", article(rng, pairs=_pairs(rng, 2)),
                        "Levant Wire", f"2018-04-{9 + i % 7:02d}"])
    return folder


def undated(folder: Path, *, n: int = 10) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(3)
    for i in range(n):
        (folder / f"note_{i:02d}.txt").write_text(f"Field note {i}\n\n" + article(rng, pairs=_pairs(rng, 2)),
                                                  encoding="utf-8")
    return folder


def no_mentions(folder: Path, *, n: int = 24) -> Path:
    """A JSONL export of general news from two outlets over a year: no armed group is named."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4)
    with open(folder / "news.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"n{i}", "title": f"Business and culture {i}", "text": offtopic(rng),
                                "outlet": ["Morning Ledger", "City Courier"][i % 2],
                                "published": f"2019-{1 + i % 12:02d}-{1 + i % 27:02d}"}) + "\n")
    return folder


def several_outlets(folder: Path, *, n: int = 60, outlets: int = 5, seed: int = 5) -> Path:
    """A JSONL export: ``outlets`` outlets, dates over two years (2016-2017), two pairs per article."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = ["Levant Wire", "Damascus Monitor", "Northern Herald", "Gulf Dispatch", "Euphrates Post",
             "Coastal Times", "Border Observer", "Capital Journal"][:outlets]
    with open(folder / "export.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"a{i:03d}", "title": f"Report {i}: fighting and aid",
                                "text": article(rng, pairs=_pairs(rng, 2)), "outlet": names[i % outlets],
                                "published": f"{2016 + (i % 2)}-{1 + i % 12:02d}-{1 + (i * 7) % 28:02d}"}) + "\n")
    return folder


def mixed_formats(folder: Path) -> Path:
    """HTML pages (with site chrome and a comment widget), a CSV export and plain text from 8 outlets."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(6)
    sites = ["Northern Herald", "Gulf Dispatch", "Euphrates Post"]
    for i in range(6):
        body = "".join(f"<p>{p}</p>" for p in article(rng, pairs=_pairs(rng, 2)).split("\n\n"))
        (folder / f"page_{i}.html").write_text(
            f"<html><head><title>Story {i}</title><meta property='og:site_name' content='{sites[i % 3]}'>"
            f"<meta property='article:published_time' content='2017-0{1 + i}-12T08:00:00Z'></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Story {i}</h1>{body}</article>"
            f"<aside>Sign up for our newsletter</aside><div class='comments'>Loading comments...</div>"
            f"</body></html>", encoding="utf-8")
    with open(folder / "export.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["title", "text", "source", "date"])
        for i in range(8):
            w.writerow([f"Export story {i}", article(rng, pairs=_pairs(rng, 2)),
                        ["Coastal Times", "Border Observer", "Capital Journal", "Levant Wire"][i % 4],
                        f"2017-{3 + i:02d}-0{1 + i % 9}"])
    for i in range(4):
        (folder / f"dispatch_{i}.txt").write_text(
            f"Dispatch {i}\n\nDAMASCUS MONITOR\n\n" + article(rng, pairs=_pairs(rng, 1)), encoding="utf-8")
    return folder


MATRIX = {"empty": empty, "one_document": one_document, "one_outlet_week": one_outlet_week,
          "undated": undated, "no_mentions": no_mentions, "several_outlets": several_outlets,
          "mixed_formats": mixed_formats}
