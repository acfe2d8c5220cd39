"""The engine's per-account files, written by a peer: `accounts.csv` (`collectsim run
--export-accounts`) and replication 1's `history.csv` (`--export-history`), in the engine's
columns and number formats, so that `benchmarks/same-accounts` can set a peer's accounts beside
the engine's row by row.
"""
from __future__ import annotations

import math

import collectsim_scenario as cs
import engine_draws


def cents(x: float) -> int:
    """`PortfolioWriter.cents`: round half away from zero."""
    y = x * 100
    return int(math.floor(y + 0.5)) if y >= 0 else -int(math.floor(-y + 0.5))


def decimal(units: int) -> str:
    return ("-" if units < 0 else "") + f"{abs(units) // 100}.{abs(units) % 100:02d}"


def month_end_state(dpd, closed, balance, collected, chargeoff_day) -> tuple:
    """An account's state as the engine's history records it (`MonthEndState`): DPD, charged off
    (or, as the engine's roll bucket 5, unpaid and closed or 180+ days past due), balance and
    collected. Works on scalars and on arrays alike."""
    bucket5 = (balance > 0.005) & (closed | (dpd >= 180))
    return dpd, (chargeoff_day != cs.BIG) | bucket5, balance, collected


def write(sc: cs.Scenario, n: int, replications: int, path: str, history_path: str | None, cohort, outcomes) -> None:
    """Every account's outcome, strategy by strategy and replication by replication, and (with
    `history_path`) replication 1's month-end states.

    `cohort(r)` gives replication r's borrowers as engine_draws.cohort does (segment, grade,
    stage, balance); `outcomes(cohort, strategy, history)` runs a strategy on them and gives
    arrays by account of the default day, cure day, amount collected and complaints, and — with
    `history` — the month-end states as an array [account, month, (dpd, charged off, balance,
    collected)], month 0 being entry."""
    names = [s["name"] for s in sc.segments]

    def duration(day: int) -> str:
        return f"0,{sc.horizon}" if day == cs.BIG else f"1,{0 if day < 0 else day + 1}"

    with open(path, "w", encoding="utf-8") as out:
        out.write("strategy,replication,account,segment,grade,entry_stage,entry_balance,default_event,days_to_default,"
                  "cure_event,days_to_cure,collected,complaints\n")
        history = open(history_path, "w", encoding="utf-8") if history_path else None
        if history:
            history.write("strategy,account_id,month,days_past_due,balance,paid,charged_off\n")
        for r in range(replications):
            pop = cohort(r)
            for s in sc.strategies:
                default_day, cure_day, collected, complaints, H = outcomes(pop, s, history is not None and r == 0)
                if H is not None:
                    for j in range(H.shape[0]):
                        before = 0
                        for m in range(H.shape[1]):
                            paid = cents(H[j, m, 3])
                            history.write(f"{s.name},{j},{m},{int(H[j, m, 0])},{decimal(max(cents(H[j, m, 2]), 0))},"
                                          f"{decimal(0 if m == 0 else paid - before)},{'true' if H[j, m, 1] else 'false'}\n")
                            before = paid
                for j in range(n):
                    out.write(f"{s.name},{r},{j},{names[pop['segment'][j]]},{cs.GRADES[pop['grade'][j]]},"
                              f"{engine_draws.ENTRY_STAGES[pop['stage'][j]]},{float(pop['balance'][j])!r},"
                              f"{duration(int(default_day[j]))},{duration(int(cure_day[j]))},{float(collected[j])!r},"
                              f"{int(complaints[j])}\n")
        if history:
            history.close()


def command_line(description: str, cohort, outcomes) -> None:
    """`PEER.py SCENARIO --population N [--replications R] --accounts FILE [--history FILE]`."""
    import argparse
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("scenario")
    parser.add_argument("--population", type=int, required=True)
    parser.add_argument("--replications", type=int, default=1)
    parser.add_argument("--block", type=int, default=1024)
    parser.add_argument("--accounts", required=True)
    parser.add_argument("--history")
    a = parser.parse_args()
    sc = cs.load(a.scenario)
    write(sc, a.population, a.replications, a.accounts, a.history,
          lambda r: cohort(sc, a.population, r), lambda pop, s, h: outcomes(sc, pop, s, a.block, h))
