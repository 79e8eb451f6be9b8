"""Rounds a paged reading takes, by the order its requests go out (docs/BENCHMARKS.md, g.).

Every request takes one round; SLOTS run at once; each listing page names a query's worth of
numbers. `query-first` is the order before 2026-12-08 (a query whenever a page's numbers wait,
the first page alone), `page-first` the order after (the pages first, a first round of SLOTS
guessed pages). Prints the rounds from the first request to the last answer.
"""
import heapq
import sys


def rounds(order, pages=100, slots=8, first=1):
    events = [(1, "page") for _ in range(first)]
    heapq.heapify(events)
    next_page, in_flight, waiting, started = first + 1, first, 0, False
    t = 0
    while events:
        t, kind = heapq.heappop(events)
        in_flight -= 1
        if kind == "page":
            waiting, started = waiting + 1, True
        while started and in_flight < slots:
            if order == "query-first" and waiting:
                waiting -= 1
                heapq.heappush(events, (t + 1, "query"))
            elif next_page <= pages:
                next_page += 1
                heapq.heappush(events, (t + 1, "page"))
            elif waiting:
                waiting -= 1
                heapq.heappush(events, (t + 1, "query"))
            else:
                break
            in_flight += 1
    return t


if __name__ == "__main__":
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(f"query-first, page 1 alone: {rounds('query-first', pages)} rounds")
    print(f"page-first, 8 pages first: {rounds('page-first', pages, first=8)} rounds")
    print(f"fewest possible: {-(-2 * pages // 8)} rounds")
