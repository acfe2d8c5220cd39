import Foundation
import TestSupport
import XCTest

/// accounts.csv has the shape survival libraries expect, and agrees with curves.csv.
final class AccountsExportTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func testKaplanMeierOnExportedAccountsBracketsTheDefaultCurve() throws {
        try TestProcess.ensurePythonPackages(["lifelines", "pandas"])
        let dir = TestRun.temporaryDirectory()
        let scenario = dir.appendingPathComponent("s.yaml")
        try """
        name: accounts
        seed: 2
        replications: 3
        horizon_days: 180
        population: {size: 5000}
        strategies: [gentle, strict]
        """.write(to: scenario, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let r = try TestProcess.shell("'\(binary.path)' run '\(scenario.path)' --out '\(run.path)' --export-accounts --quiet")
        XCTAssertEqual(r.status, 0, r.stdout)
        let text = try String(contentsOf: run.appendingPathComponent("accounts.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.first, "strategy,replication,account,segment,grade,entry_stage,entry_balance,default_event,days_to_default,cure_event,days_to_cure,collected,complaints")
        XCTAssertEqual(lines.count - 1, 5000 * 2 * 3, "one row per account, strategy and replication")
        let script = """
        import sys
        import pandas as pd
        from lifelines import KaplanMeierFitter
        accounts = pd.read_csv("accounts.csv")
        curves = pd.read_csv("curves.csv")
        failures = []
        for s in ["gentle", "strict"]:
            d = accounts[accounts.strategy == s]
            km = KaplanMeierFitter().fit(d.days_to_default, event_observed=d.default_event)
            band = km.confidence_interval_cumulative_density_
            for day in range(30, 181, 30):
                low, high = band.loc[:day].iloc[-1, 0], band.loc[:day].iloc[-1, 1]
                estimate = km.cumulative_density_.loc[:day].iloc[-1, 0]
                curve = curves[(curves.strategy == s) & (curves.curve == "default") & (curves.day == day)]["mean"].iloc[0]
                print(s, day, low, estimate, high, curve)
                # Censoring happens only at the horizon, so KM is the empirical share: equal, not just inside.
                if not (low <= curve <= high) or abs(estimate - curve) > 1e-9:
                    failures.append((s, day, low, estimate, high, curve))
        print("failures", failures)
        sys.exit(1 if failures else 0)
        """
        try script.write(to: dir.appendingPathComponent("km.py"), atomically: true, encoding: .utf8)
        let km = try TestProcess.shell("python3 '\(dir.appendingPathComponent("km.py").path)'", in: run)
        XCTAssertEqual(km.status, 0, km.stdout)
        XCTAssertTrue(km.stdout.contains("failures []"), km.stdout)
    }
}
