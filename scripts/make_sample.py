#!/usr/bin/env python3
"""Writes samples/extensions.csv: 200 realistic yeastar-v2 rows, ten of them invalid on
purpose, each breaking a different rule (listed in INVALID below). Deterministic: re-running
gives the same file."""
import csv
import random
import string
import sys

rng = random.Random(20261122)
FIRST = ["Alice", "Bruno", "Chloé", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ingrid", "Jamal",
         "Katarzyna", "Luis", "Mei", "Nikolai", "Olivia", "Pedro", "Quentin", "Rosa", "Sven", "Tariq",
         "Ursula", "Victor", "Wen", "Ximena", "Yusuf", "Zoë", "Amara", "Björn", "Carmen", "Dmitri"]
LAST = ["Martin", "Silva", "Dubois", "Kowalski", "Nakamura", "Haddad", "Okafor", "Rossi", "Jensen",
        "García", "Müller", "Chen", "Novak", "Andersson", "Patel", "Moreau", "Costa", "Schmidt",
        "Ivanova", "Brennan", "Lindqvist", "Yilmaz", "Fischer", "Santos", "Kim", "Ferreira"]
COLUMNS = ["number", "username", "callerid", "registername", "registerpassword", "maxregistrations",
           "loginpassword", "email", "mobile", "hasvoicemail", "vmsecret", "enablevmtoemail",
           "noanswerforward", "ntransferto", "ntransferext", "ntransfernum", "busyforward",
           "btransferto", "btransferext", "enablemobile", "ringtimeout", "maxduration", "dnd",
           "monitormode"]


def password(length, avoid):
    alphabet = string.ascii_letters + string.digits + "~^*-_?"
    while True:
        p = "".join(rng.choice(alphabet) for _ in range(length))
        digits_ok = not any(p[i:i + 4].isdigit() and len({int(p[i + k + 1]) - int(p[i + k]) for k in range(3)}) == 1
                            and abs(int(p[i + 1]) - int(p[i])) <= 1 for i in range(len(p) - 3))
        if (any(c.isupper() for c in p) and any(c.islower() for c in p) and any(c.isdigit() for c in p)
                and digits_ok and all(a.lower() not in p.lower() for a in avoid)):
            return p


def row(number, numbers_so_far):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    email = f"{first}.{last}@example.com".lower()
    email = email.translate(str.maketrans("éëüíá", "eeuia")).replace("ö", "o").replace("ç", "c")
    mobile = "1555" + "".join(rng.choice(string.digits) for _ in range(7))
    r = dict.fromkeys(COLUMNS, "")
    r.update(number=number, username=name, callerid=number, registername=number,
             registerpassword=password(20, [number, name]), maxregistrations=str(rng.choice([1, 1, 2, 3])),
             loginpassword=password(12, [number, name]), email=email, hasvoicemail="on",
             vmsecret="".join(rng.choice("13579") + rng.choice("02468") for _ in range(2)),
             enablevmtoemail=rng.choice(["on", "off"]), ringtimeout=rng.choice(["15", "30", "30", "60"]),
             maxduration=rng.choice(["Follow System", "Follow System", "3600"]), dnd="off",
             monitormode=rng.choice(["Disabled", "Disabled", "Listen", "Whisper"]))
    kind = rng.random()
    if kind < 0.3:
        r.update(mobile=mobile, noanswerforward="on", ntransferto="Mobile Number")
    elif kind < 0.5 and numbers_so_far:
        r.update(noanswerforward="on", ntransferto="Extension", ntransferext=rng.choice(numbers_so_far))
    elif kind < 0.6:
        r.update(noanswerforward="on", ntransferto="Custom Number", ntransfernum="0044" + mobile[4:])
    elif kind < 0.8:
        r.update(mobile=mobile, noanswerforward="on", ntransferto="Voicemail", enablemobile="on")
    if rng.random() < 0.4:
        r.update(busyforward="on", btransferto="Voicemail")
    return r


# (row index, what to break) — each a different rule, so the demo shows each kind of error.
INVALID = {
    12: lambda r: r.update(ringtimeout="45"),                             # enumeration
    27: lambda r: r.update(email=r["email"].replace(".com", "")),         # e-mail format
    41: lambda r: r.update(registerpassword="password123"),               # strong password
    58: lambda r: r.update(mobile="", noanswerforward="on", ntransferto="Mobile Number", enablemobile=""),  # forward needs mobile
    73: lambda r: r.update(username=r["username"].split()[0] + " O'Brien"),  # forbidden character
    96: lambda r: r.update(number=r["number"][:2] + "A" + r["number"][3:]),   # digits only
    118: lambda r: r.update(registername=""),                             # required to add
    135: lambda r: r.update(maxregistrations="9"),                        # range 1-5
    152: lambda r: r.update(noanswerforward="on", ntransferto="Custom Number", ntransfernum=""),  # needs the number
}

rows, numbers = [], []
for i in range(199):
    number = str(2001 + i)
    r = row(number, numbers)
    if i in INVALID:
        INVALID[i](r)
    else:
        numbers.append(number)
    rows.append(r)
# The last row repeats an earlier number: a duplicate within the file.
dup = row("2005", numbers)
rows.append(dup)

out = sys.argv[1] if len(sys.argv) > 1 else "samples/extensions.csv"
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
print(f"wrote {len(rows)} rows to {out}")
