import Analysis
import Scenario
import XCTest

/// The observed file of a calibration: each bad row is an error naming file, line and field.
final class ObservedDataTests: XCTestCase {
    func parse(_ text: String) throws -> [ObservedTarget] {
        try ObservedData.parse(text, file: "obs.csv", strategy: "graded", strategies: ["graded", "strict"],
                               groups: ["all", "salaried", "grade_A", "entry_defaulted"], horizon: 120)
    }

    func error(_ text: String) -> ScenarioError? {
        do { _ = try parse(text); return nil } catch { return error as? ScenarioError }
    }

    func testEveryKindOfTargetIsRead() throws {
        let t = try parse("""
        kind,name,period,value,std_error,strategy
        metric,complaints_per_1000,,9.4,0.8,
        curve,recovery,90,0.213,0.004,strict
        roll,30-59>60-89,2,0.47,0.02,
        """)
        XCTAssertEqual(t.map(\.label), ["complaints_per_1000", "curve recovery day 90", "roll 30-59>60-89 month 2"])
        XCTAssertEqual(t.map(\.strategy), ["graded", "strict", "graded"])
        XCTAssertEqual(t.map(\.line), [2, 3, 4])
    }

    func testAMetricIsObservedOnTheGroupItsRowNames() throws {
        let t = try parse("""
        kind,name,period,value,std_error,group
        metric,default_rate,,0.004,0.001,grade_A
        metric,recovery_rate,,0.2,0.01,entry_defaulted
        metric,recovery_rate,,0.6,0.01,
        roll,1-29>30-59,3,0.3,0.02,all
        """)
        XCTAssertEqual(t.map(\.label), ["default_rate [grade_A]", "recovery_rate [entry_defaulted]", "recovery_rate", "roll 1-29>30-59 month 3"])
        XCTAssertEqual(t.map(\.groupIndex), [2, 3, 0, 0])
        XCTAssertEqual(t.map(\.source), ["", "", "", ""], "one portfolio when no source is named")
        // The same metric on two groups is two targets, with two statistics.
        XCTAssertNotEqual(t[1].statistic(horizon: 120).name, t[2].statistic(horizon: 120).name)
    }

    func testEachRowNamesItsSource() throws {
        let t = try parse("""
        kind,name,period,value,std_error,group,source
        metric,complaints_per_1000_calls,,0.05,0.02,,ACA International
        metric,complaints_per_1000,,1.45,0.6,,CFPB
        metric,default_rate,,0.005,0.0026,grade_A,CFPB
        """)
        XCTAssertEqual(t.map(\.source), ["ACA International", "CFPB", "CFPB"])
    }

    func testBadRowsNameLineAndField() {
        let header = "kind,name,period,value,std_error\n"
        let cases: [(String, Int, String, String)] = [
            ("kind,name,value,std_error\n", 1, "period", "missing column 'period'"),
            ("kind,name,period,value,std_eror\n", 1, "std_error", "missing column 'std_error'"),
            (header + "metric,complaints_per_100,,9,1\n", 2, "name", "did you mean 'complaints_per_1000'?"),
            (header + "curve,recovery,400,0.2,0.01\n", 2, "period", "whole number in [1, 120]"),
            (header + "curve,recovered,90,0.2,0.01\n", 2, "name", "unknown curve 'recovered'"),
            (header + "roll,30-59>61-89,2,0.4,0.01\n", 2, "name", "expected a roll as FROM>TO"),
            (header + "roll,30-59>60-89,5,0.4,0.01\n", 2, "period", "whole number in [1, 4]"),
            (header + "metric,default_rate,,0.2,0\n", 2, "std_error", "positive standard error"),
            (header + "metric,default_rate,,abc,0.1\n", 2, "value", "expected a number"),
            (header + "metric,default_rate,,0.2\n", 2, "", "expected 5 comma-separated fields, found 4"),
            (header + "metric,default_rate,,0.2,0.1\nmetric,default_rate,,0.3,0.1\n", 3, "", "observed twice"),
            (header, 1, "", "no rows"),
            ("kind,name,period,value,std_error,groups\n", 1, "groups", "did you mean 'group'?"),
            ("kind,name,period,value,std_error,group\nmetric,default_rate,,0.2,0.1,grade_F\n", 2, "group", "unknown group 'grade_F'; did you mean 'grade_A'?"),
            ("kind,name,period,value,std_error,group\nroll,30-59>60-89,2,0.4,0.01,grade_A\n", 2, "group", "only a metric is observed on a group"),
        ]
        for (text, line, field, message) in cases {
            guard let e = error(text) else { XCTFail("no error for \(text)"); continue }
            XCTAssertEqual(e.file, "obs.csv")
            XCTAssertEqual(e.line, line, "\(e)")
            XCTAssertEqual(e.field, field, "\(e)")
            XCTAssertTrue(e.message.contains(message), "\(e) should say \(message)")
        }
    }
}
