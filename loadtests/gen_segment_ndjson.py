#!/usr/bin/env python3
"""Segment-spec NDJSON with many persons and heavy identity merging: a data shape Uplift did not write.

An independent generator (it shares no code or distributions with `uplift generate`) for the query
benchmark, so that Uplift is not measured only on data shaped by its own generator. One Segment
message per line (`track`, `page`, `identify`, `alias`), each with a random UUID `messageId`, a
millisecond ISO 8601 `timestamp`, `context` and `properties`, written in person order (as a per-user
export would be; `uplift import` sorts and compacts).

The persons:
- Event counts per person are Zipf-like (weight of the person of rank r ∝ r^-zipf, at least one
  message each), ranks shuffled, so a few persons have tens of thousands of events and most a few.
- Each person arrives on a day of the range and uses 1 to 5 devices, each with its own anonymousId.
  Events on a device carry only the anonymousId until the person identifies (`identify` with userId
  and that device's anonymousId): most persons (--identified) sign up, the device they sign up on
  at once, every other device at its first event after the sign-up. Devices used only before the
  sign-up stay anonymous (separate persons, as they would be in reality).
- Alias chains: some identified persons change their userId later, once or several times
  (`alias` userId=new, previousId=old); their later events carry the new id.
- Cross-person merges: some persons alias another person's userId into theirs, merging two persons
  that each already had several ids.
- Funnel: a signed-up person does signed_up at the identify, then onboarding_completed,
  experiment_viewed, checkout_started, purchase_completed each with a probability and a delay that
  sometimes falls outside a 7-day window; feature_x_used is used by a share of the persons.
  The rest are page views and a mix of other track events.

The same options always give the same bytes (Python's `random.Random` with the seed).

    python3 loadtests/gen_segment_ndjson.py --persons 500000 --events 10000000 --seed 1 \\
        | uplift import --data /work/bench-seg-10m --project bench -
"""
import argparse
import bisect
import datetime as dt
import itertools
import random
import sys

MS_DAY = 86_400_000
OTHER_EVENTS = ["item_viewed", "search_performed", "button_clicked", "cart_updated", "settings_changed",
                "file_uploaded", "comment_posted", "notification_opened", "invite_sent", "report_exported"]
OTHER_WEIGHTS = [30, 18, 15, 8, 5, 5, 7, 6, 3, 3]
PAGES = ["/", "/pricing", "/docs", "/blog", "/features", "/login", "/dashboard", "/settings", "/checkout", "/account"]
LIBRARIES = ['{"name":"analytics.js","version":"4.1.0"}', '{"name":"analytics-ios","version":"4.1.8"}',
             '{"name":"analytics-android","version":"4.11.3"}', '{"name":"analytics-node","version":"6.2.0"}']
# Funnel after sign-up: (event, probability given the previous step, mean delay in hours after it).
FUNNEL = [("onboarding_completed", 0.62, 20.0), ("experiment_viewed", 0.85, 30.0),
          ("checkout_started", 0.45, 40.0), ("purchase_completed", 0.55, 30.0)]


class Writer:
    """Formats messages by hand (ids and names need no escaping), which is several times json.dumps' speed."""

    def __init__(self, out, rng, start_day):
        self.out, self.rng = out, rng
        self.start_ms = (start_day - dt.date(1970, 1, 1)).days * MS_DAY
        self.day_strings = {}
        self.lines = []

    def uuid(self):
        x = self.rng.getrandbits(128)
        s = f"{x:032x}"
        return f"{s[:8]}-{s[8:12]}-4{s[13:16]}-{'89ab'[x >> 62 & 3]}{s[17:20]}-{s[20:]}"

    def time(self, ms):
        day, rest = divmod(ms, MS_DAY)
        d = self.day_strings.get(day)
        if d is None:
            d = self.day_strings[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
        s, milli = divmod(rest, 1000)
        m, s = divmod(s, 60)
        h, m = divmod(m, 60)
        return f"{d}T{h:02d}:{m:02d}:{s:02d}.{milli:03d}Z"

    def emit(self, kind, ms, user, anon, context, body):
        ids = (f'"userId":"{user}","anonymousId":"{anon}"' if user and anon
               else f'"userId":"{user}"' if user else f'"anonymousId":"{anon}"')
        self.lines.append(f'{{"type":"{kind}","messageId":"{self.uuid()}","timestamp":"{self.time(ms)}",{ids},'
                          f'"context":{context}{body}}}\n')
        if len(self.lines) >= 4096:
            self.flush()

    def flush(self):
        self.out.write("".join(self.lines))
        self.lines.clear()


def event_counts(rng, persons, events, zipf):
    """At least one message per person, the rest by Zipf-like weights over shuffled ranks; sums to `events`."""
    weights = [(r + 1) ** -zipf for r in range(persons)]
    rng.shuffle(weights)
    total = sum(weights)
    rest = events - persons
    counts = [1 + int(rest * w / total) for w in weights]
    left = events - sum(counts)
    for p in sorted(range(persons), key=lambda p: -weights[p])[:left]:
        counts[p] += 1
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=20_000, help="persons (each with 1–5 devices)")
    ap.add_argument("--events", type=int, default=200_000, help="messages in all (track, page, identify, alias)")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--start", default="2026-01-01", help="first day, UTC")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--zipf", type=float, default=0.7, help="exponent of events per person (rank^-zipf)")
    ap.add_argument("--identified", type=float, default=0.8, help="share of persons who sign up (identify)")
    ap.add_argument("--renames", type=float, default=0.12, help="share of identified persons with an alias chain")
    ap.add_argument("--merges", type=float, default=0.03, help="share of identified persons aliasing another person in")
    ap.add_argument("--output", default="-", help="file to write (default: standard output)")
    args = ap.parse_args()
    if args.events < args.persons:
        sys.exit("--events must be at least --persons (every person sends a message)")

    rng = random.Random(args.seed)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    w = Writer(out, rng, dt.date.fromisoformat(args.start))
    span = args.days * MS_DAY
    counts = event_counts(rng, args.persons, args.events, args.zipf)
    # The userId each person ends with, for cross-person merges (a later person aliases an earlier one in).
    final_user = {}
    written = 0
    for p, budget in enumerate(counts):
        written += person(w, rng, p, budget, span, args, final_user)
    w.flush()
    if out is not sys.stdout:
        out.close()
    print(f"gen_segment_ndjson: {written:,} messages, {args.persons:,} persons", file=sys.stderr)


def person(w, rng, p, budget, span, args, final_user):
    """Writes one person's messages (exactly `budget` of them) and returns how many it wrote."""
    r = rng.random
    arrive = int(r() ** 1.5 * span * 0.9)  # more persons arrive early; everyone has some time left
    end = min(span - 1, arrive + int(span * (0.1 + 0.9 * r())))
    ndev = 1 if r() < 0.7 else 2 if r() < 0.65 else rng.randint(3, 5)
    anons = [w.uuid() for _ in range(ndev)]
    contexts = [f'{{"library":{LIBRARIES[rng.randrange(4)]},"ip":"10.{rng.randrange(256)}.{rng.randrange(256)}.'
                f'{rng.randrange(1, 255)}","locale":"{rng.choice(("en-US", "de-DE", "fr-FR", "ja-JP"))}"}}'
                for _ in range(ndev)]
    times = sorted(w.start_ms + arrive + int((end - arrive) * r()) for _ in range(budget))
    for i in range(1, budget):  # strictly increasing per person: no ties between a person's steps
        if times[i] <= times[i - 1]:
            times[i] = times[i - 1] + 1
    device = [0 if r() < 0.6 else rng.randrange(ndev) for _ in range(budget)]

    # Special messages by slot index: identify (+ signed_up), funnel steps, aliases.
    signs_up = budget >= 3 and r() < args.identified
    user = f"user-{p}-{rng.getrandbits(32):08x}" if signs_up else None
    special = {}  # slot → ("identify" | "step" | "alias", payload)
    identified_devices = set()
    signup_slot = None
    if signs_up:
        signup_slot = min(budget - 2, int(rng.expovariate(1 / 3)))  # a few anonymous events first
        special[signup_slot] = ("identify", device[signup_slot])
        special[signup_slot + 1] = ("step", "signed_up")
        device[signup_slot + 1] = device[signup_slot]
        at = times[signup_slot + 1]
        for name, prob, hours in FUNNEL:
            if r() >= prob:
                break
            at += int(rng.expovariate(1 / hours) * 3_600_000) + 1000
            slot = bisect.bisect_left(times, at)
            while slot < budget and slot in special:
                slot += 1
            if slot >= budget:
                break
            special[slot] = ("step", name)
            at = times[slot]
        if r() < args.renames:
            for _ in range(1 if r() < 0.7 else rng.randint(2, 3)):
                slot = rng.randrange(signup_slot + 2, budget + 1) if budget > signup_slot + 2 else budget
                if slot < budget and slot not in special:
                    special[slot] = ("alias", None)
        if final_user and r() < args.merges / max(args.identified, 1e-9):
            slot = rng.randrange(signup_slot + 2, budget + 1) if budget > signup_slot + 2 else budget
            if slot < budget and slot not in special:
                special[slot] = ("merge", final_user[rng.randrange(len(final_user))])
    adopts = r() < 0.35

    current = None  # the userId once signed up
    for i, ms in enumerate(times):
        d = device[i]
        anon, ctx = anons[d], contexts[d]
        kind = special.get(i)
        if current and d not in identified_devices and kind is None:
            # First event of another device after sign-up: the person logs in there.
            kind = ("identify", d)
        if kind is not None:
            what, arg = kind
            if what == "identify":
                current = current or user
                identified_devices.add(d)
                w.emit("identify", ms, current, anon, ctx,
                       f',"traits":{{"plan":"{rng.choice(("free", "pro", "team"))}","devices":{ndev}}}')
                continue
            if what == "step":
                props = (f',"properties":{{"amount":{rng.randint(5, 400)}.{rng.randrange(100):02d},"currency":"USD"}}'
                         if arg == "purchase_completed" else
                         f',"properties":{{"variant":"{"control" if rng.random() < 0.5 else "treatment"}"}}'
                         if arg == "experiment_viewed" else ',"properties":{}')
                w.emit("track", ms, current, anon, ctx, f',"event":"{arg}"{props}')
                continue
            if what == "alias":
                new = f"{user}-r{i}"
                w.emit("alias", ms, new, None, ctx, f',"previousId":"{current}"')
                current = new
                continue
            if what == "merge":
                # This person's current id absorbs an earlier person's final id.
                w.emit("alias", ms, current, None, ctx, f',"previousId":"{arg}"')
                continue
        ident = current if d in identified_devices else None
        x = r()
        if x < 0.4:
            w.emit("page", ms, ident, anon, ctx,
                   f',"name":"page","properties":{{"path":"{PAGES[int(r() * r() * 10)]}"}}')
        elif adopts and x < 0.5:
            w.emit("track", ms, ident, anon, ctx, f',"event":"feature_x_used","properties":{{"source":"menu"}}')
        else:
            name = rng.choices(OTHER_EVENTS, OTHER_WEIGHTS)[0]
            w.emit("track", ms, ident, anon, ctx, f',"event":"{name}","properties":{{"n":{rng.randrange(1000)}}}')
    if current:
        final_user[len(final_user)] = current
    return len(times)


if __name__ == "__main__":
    main()
