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

    /// replication_curves.csv, on request, holds the points curves.csv averages: one row per
    /// strategy, replication, curve and day, whose mean over replications is the curve's mean.
    func testReplicationCurvesAreThePointsTheCurvesAverage() throws {
        let dir = TestRun.temporaryDirectory()
        let scenario = dir.appendingPathComponent("s.yaml")
        try "name: per-replication\nseed: 6\nreplications: 3\nhorizon_days: 40\npopulation: {size: 1500}\nstrategies: [gentle, strict]\n"
            .write(to: scenario, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run"), plain = dir.appendingPathComponent("plain")
        XCTAssertEqual(try TestProcess.run(binary, ["run", scenario.path, "--out", run.path, "--export-replication-curves", "--quiet"]).status, 0)
        XCTAssertEqual(try TestProcess.run(binary, ["run", scenario.path, "--out", plain.path, "--quiet"]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: plain.appendingPathComponent("replication_curves.csv").path), "only on request")
        let rows = try String(contentsOf: run.appendingPathComponent("replication_curves.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first, "strategy,replication,curve,day,value")
        XCTAssertEqual(rows.count - 1, 2 * 3 * 5 * 40)
        var sums: [String: Double] = [:]
        for row in rows.dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            sums["\(f[0]),\(f[2]),\(f[3])", default: 0] += Double(f[4])!
        }
        let curves = try String(contentsOf: run.appendingPathComponent("curves.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(curves.count, sums.count)
        for row in curves {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            let mean = Double(f[3])!, key = "\(f[0]),\(f[1]),\(f[2])"
            XCTAssertEqual(try XCTUnwrap(sums[key]) / 3, mean, accuracy: 1e-12 * max(1, abs(mean)), key)
        }
        // The other outputs are those of the run without the option.
        for file in ["metrics.csv", "curves.csv", "replications.csv"] {
            XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent(file)), try Data(contentsOf: plain.appendingPathComponent(file)), file)
        }
    }
}
