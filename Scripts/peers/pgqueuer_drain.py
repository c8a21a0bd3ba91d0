"""pgqueuer, the peer of `vigil bench claim`: drains one job per case of a database Vigil seeded.

The database holds cases written by `vigil bench import`. Each open case becomes one pgqueuer job,
enqueued in received order, whose priority encodes Vigil's backlog key as far as one integer can:
effective grade * 1000 + child access * 100 + (99 - youngest child's age), imminent danger above all.
`consumers` queue managers (one connection each) then drain the queue one job per dequeue. Prints one
JSON line: jobs, claims per second, p50/p99 of a dequeue, and order inversions: pairs where a job that
ranks ahead of another was dequeued only after the other's dequeue had finished.
"""

import argparse
import asyncio
import json
import time
from datetime import timedelta

import asyncpg
from pgqueuer import QueueManager
from pgqueuer.db import AsyncpgDriver
from pgqueuer.domain.types import QueueExecutionMode
from pgqueuer.queries import Queries


def order_inversions(claims, rank):
    """Counts pairs (x, y) with rank[y] < rank[x] whose y was dequeued after x's dequeue had ended."""
    size = len(rank) + 1
    tree = [0] * (size + 1)

    def add(index):
        index += 1
        while index <= size:
            tree[index] += 1
            index += index & -index

    def below(index):
        total = 0
        while index > 0:
            total += tree[index]
            index -= index & -index
        return total

    by_start = sorted(claims, key=lambda claim: claim[0], reverse=True)
    inversions, next_start = 0, 0
    for started, ended, job in sorted(claims, key=lambda claim: claim[1], reverse=True):
        while next_start < len(by_start) and by_start[next_start][0] > ended:
            add(rank[by_start[next_start][2]])
            next_start += 1
        inversions += below(rank[job])
    return inversions


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="postgres:// URL of a database `vigil bench import` seeded")
    parser.add_argument("--consumers", type=int, default=16)
    args = parser.parse_args()

    setup = await asyncpg.connect(args.db)
    queries = Queries(AsyncpgDriver(setup))
    await queries.uninstall() if await setup.fetchval("SELECT to_regclass('pgqueuer') IS NOT NULL") else None
    await queries.install()
    now_ms = int(time.time() * 1000)
    cases = await setup.fetch(
        """
        SELECT id, imminent_rank,
            CASE WHEN promoted_rank IS NOT NULL AND due_at < $1 THEN promoted_rank ELSE grade_rank END AS effective,
            access_rank, youngest_rank
        FROM cases WHERE status = 'open' AND claimed_by IS NULL ORDER BY received_at, id
        """,
        now_ms,
    )
    priorities = [
        (1 - case["imminent_rank"]) * 10_000 + case["effective"] * 1000 + (2 - case["access_rank"]) * 100 + (99 - case["youngest_rank"])
        for case in cases
    ]
    job_ids = []
    for start in range(0, len(cases), 1000):
        batch = priorities[start : start + 1000]
        job_ids += await queries.enqueue(["claim"] * len(batch), [None] * len(batch), batch)
    order = sorted(range(len(job_ids)), key=lambda index: (-priorities[index], job_ids[index]))
    rank = {job_ids[index]: position for position, index in enumerate(order)}

    claims = []
    managers = []
    for _ in range(args.consumers):
        connection = await asyncpg.connect(args.db)
        manager = QueueManager(Queries(AsyncpgDriver(connection)))
        dequeue = manager.queries.dequeue

        async def timed(*positional, _dequeue=dequeue, **named):
            started = time.perf_counter()
            jobs = await _dequeue(*positional, **named)
            ended = time.perf_counter()
            for job in jobs:
                claims.append((started, ended, job.id))
            return jobs

        manager.queries.dequeue = timed

        @manager.entrypoint("claim")
        async def claim(job):
            return None

        managers.append((manager, connection))

    started = time.perf_counter()
    await asyncio.gather(
        *(manager.run(batch_size=1, mode=QueueExecutionMode.drain, dequeue_timeout=timedelta(seconds=1)) for manager, _ in managers)
    )
    seconds = time.perf_counter() - started
    latencies = sorted((ended - began) * 1000 for began, ended, _ in claims)
    version = __import__("importlib.metadata").metadata.version("pgqueuer")
    print(
        json.dumps(
            {
                "peer": f"pgqueuer {version}",
                "jobs": len(job_ids),
                "claims": len(claims),
                "consumers": args.consumers,
                "seconds": seconds,
                "claimsPerSecond": len(claims) / seconds,
                "p50Ms": latencies[len(latencies) // 2] if latencies else 0,
                "p99Ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0,
                "orderInversions": order_inversions(claims, rank),
            }
        )
    )
    for _, connection in managers:
        await connection.close()
    await setup.close()


asyncio.run(main())
