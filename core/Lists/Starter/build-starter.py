#!/usr/bin/env python3
"""Rebuilds core/Lists/Starter/*.txt, FilterProxy's offline starter lists, from permissively licensed sources in
../shared/data/lists (MIT, Unlicense, CC BY 4.0 only: no GPL, no share-alike). Run from the repository root:
    python3 core/Lists/Starter/build-starter.py ../shared/data/lists
Rules: a name is kept only once (a name whose parent domain is listed is dropped: the parent covers it); names on the
shared safe list (news, education, sex education, children's sites) are dropped; each category is capped."""
import sys, os, re

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/lists"
out = os.path.dirname(os.path.abspath(__file__))
name_re = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")

def read(rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        for line in f:
            s = line.strip().lower()
            if s.startswith("www."):
                s = s[4:]
            if s and not s.startswith("#") and name_re.match(s):
                yield s

safe = set(read("merged-domains-by-category/SAFE_news_education_sexed_kids.txt"))

def collapse(names):
    names = set(names) - safe
    kept = set()
    for n in sorted(names, key=lambda x: x.count(".")):
        parts = n.split(".")
        if any(".".join(parts[i:]) in kept for i in range(1, len(parts) - 1)):
            continue
        kept.add(n)
    return kept

def cap(names, limit):
    # Shorter names first: the well-known sites have short names; then alphabetical, so the file is stable.
    return sorted(sorted(names, key=lambda n: (len(n), n))[:limit])

BRANDS = ("paypal", "apple", "icloud", "microsoft", "office365", "outlook", "netflix", "amazon", "google", "gmail",
          "facebook", "instagram", "whatsapp", "steam", "roblox", "fortnite", "epicgames", "discord", "tiktok", "snapchat",
          "hmrc", "gov-uk", "royalmail", "dpd", "evri", "hsbc", "barclays", "natwest", "lloyds", "santander", "nationwide",
          "halifax", "monzo", "revolut", "coinbase", "binance", "metamask", "dhl", "ups", "fedex", "ebay", "wellsfargo",
          "chase", "bankofamerica", "linkedin", "dropbox", "docusign", "adobe", "yahoo", "att", "verizon", "xbox", "playstation")

lists = {
    # sinfonietta (MIT) ∩ clefspeare13 (MIT): both maintainers list it; plus tiuxo (CC BY 4.0).
    "pornography": (collapse((set(read("sinfonietta-hostfiles/domains/porn.txt")) & set(read("clefspeare13-pornhosts/domains/porn.txt")))
                             | set(read("tiuxo-hosts/domains/porn.txt"))), 6000),
    "gambling": (collapse(read("sinfonietta-hostfiles/domains/gambling.txt")), 3000),
    "piracy": (collapse(set(read("blocklistproject/domains/piracy.txt")) | set(read("blocklistproject/domains/torrent.txt"))), 4000),
    # Phishing names change by the day; the starter keeps those imitating brands pupils and staff use.
    "phishing": (collapse(n for n in read("blocklistproject/domains/phishing.txt") if any(b in n for b in BRANDS)), 5000),
}

header = {
    "pornography": "sinfonietta/hostfiles porn (MIT) names also in Clefspeare13/pornhosts (MIT), and tiuxo/hosts porn (CC BY 4.0)",
    "gambling": "sinfonietta/hostfiles gambling (MIT)",
    "piracy": "The Block List Project piracy and torrent (Unlicense)",
    "phishing": "The Block List Project phishing (Unlicense), names imitating well-known brands",
}
for cat, (names, limit) in lists.items():
    chosen = cap(names, limit)
    with open(os.path.join(out, cat + ".txt"), "w", encoding="utf-8") as f:
        f.write(f"# FilterProxy offline starter list: {cat}. From {header[cat]}; see README.md here.\n")
        f.write("\n".join(chosen) + "\n")
    print(cat, len(names), "->", len(chosen))
