#!/usr/bin/env python3
"""cite-random.py - random CSL-JSON records of every type, for
tests/cite-compare.sh to set evidence's references beside pandoc's on
works the corpus does not have (books, theses, data sets, odd fields).

Usage: tests/cite-random.py SEED COUNT >FILE.json
The same SEED always gives the same records.
"""
import json
import random
import sys

TYPES = ["article-journal", "article-magazine", "article-newspaper",
         "report", "book", "chapter", "thesis", "paper-conference",
         "webpage", "post-weblog", "post", "dataset", "review",
         "manuscript", "document", "article", "entry-encyclopedia", "map",
         "software", "speech", "interview", "legislation", "patent",
         "broadcast"]
NAMES = [("Smith", "John"), ("Ó Súilleabháin", "Aoife"),
         ("Müller", "Jean-Pierre"), ("Pettigrew", "Louise M."),
         ("Lee", "K."), ("Wang", "Xiao Ming"), ("de Vries", "Anna")]
ORGS = ["NHS England", "The King's Fund", "World Health Organization"]
TITLES = ["Primary care networks: a review", "What next? Lessons for "
          "practice", "The \"marathon\" of change", "Integrated care in "
          "2020", "Why 'focus' matters.", "Costs & benefits of scale",
          "Workforce: the \u2018new\u2019 roles"]
CONTAINERS = ["BMJ", "Br. J. Gen. Pract.", "journal of integrated care",
              "The King's Fund blog", "Health Affairs (Project Hope)",
              "Proceedings of the GP conference"]
FIELDS = [("publisher", ["The King's Fund", "Nuffield Trust",
                         "University of Manchester"], .5),
          ("volume", ["12", "3", "2014", "IV"], .5),
          ("issue", ["7", "2", "S1"], .4),
          ("page", ["1-10", "e168-77", "321-8", "12", "1-118",
                    "e0213978"], .5),
          ("language", ["en", "en-GB", "fr", "eng"], .3)]


def record(rng, seed, i):
    r = {"type": rng.choice(TYPES), "title": rng.choice(TITLES),
         "DOI": "10.5555/random.%d.%d" % (seed, i)}
    if rng.random() < .3:
        del r["DOI"]
        r["URL"] = "https://example.org/%d/%d" % (seed, i)
    elif rng.random() < .4:
        r["URL"] = "https://example.org/u/%d/%d" % (seed, i)
    pick = rng.random()
    if pick < .15:
        pass
    elif pick < .3:
        r["author"] = [{"literal": rng.choice(ORGS)}]
    else:
        n = rng.choice([1, 2, 3, 6, 7, 8, 20, 21, 25])
        r["author"] = [dict(zip(("family", "given"), rng.choice(NAMES)))
                       for _ in range(n)]
    if rng.random() < .8:
        parts = [rng.randint(1990, 2024)]
        if rng.random() < .6:
            parts.append(rng.randint(1, 12))
            if rng.random() < .5:
                parts.append(rng.randint(1, 28))
        r["issued"] = {"date-parts": [parts]}
    if rng.random() < .6:
        r["container-title"] = rng.choice(CONTAINERS)
    for key, values, p in FIELDS:
        if rng.random() < p:
            r[key] = rng.choice(values)
    return r


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    json.dump([record(rng, seed, i) for i in range(count)], sys.stdout,
              ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
