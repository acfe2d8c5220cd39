import CollectionsModel
import Foundation
import Scenario
import XCTest

final class ScenarioLoaderTests: XCTestCase {
    func testAThreeLineScenarioGetsEveryDefault() throws {
        let s = try ScenarioLoader.parse(yaml: "name: tiny\nseed: 3\nreplications: 2\n", file: "tiny.yaml")
        XCTAssertEqual(s.name, "tiny")
        XCTAssertEqual(s.seed, 3)
        XCTAssertEqual(s.horizonDays, 360)
        XCTAssertEqual(s.population.size, 100_000)
        XCTAssertEqual(s.strategies.map(\.name), ["gentle", "strict", "graded", "personalized"])
        XCTAssertEqual(s.baseline, "graded")
        XCTAssertEqual(s.parameters["risk.score_auc"], 0.75)
        XCTAssertEqual(s.population.segments.map(\.name), ["salaried", "self_employed", "low_income"])
    }

    func testTheDefaultScenarioAndBuiltinStrategiesLoad() throws {
        let s = try ScenarioLoader.defaultScenario()
        XCTAssertEqual(s.baseline, "graded")
        let names = ScenarioLoader.builtinStrategies().map(\.name)
        for n in ["gentle", "strict", "graded", "personalized", "agency_firm"] { XCTAssertTrue(names.contains(n), n) }
        // Strict places accounts with an agency, so it carries the agency's rules.
        let strict = try XCTUnwrap(s.strategies.first { $0.name == "strict" })
        XCTAssertFalse(strict.agencyRules.isEmpty)
    }

    func testModelOverridesReachTheParameterTable() throws {
        let s = try ScenarioLoader.parse(yaml: """
        name: o
        model:
          capacity: {macro_stress: 2.5}
          payment.base_hazard.A: 0.1
        """, file: "o.yaml")
        XCTAssertEqual(s.parameters["capacity.macro_stress"], 2.5)
        XCTAssertEqual(s.parameters["payment.base_hazard.A"], 0.1)
    }

    func testExtendsInheritsRulesAndOverridesFields() throws {
        let s = try ScenarioLoader.parse(yaml: """
        name: e
        strategies:
          graded: builtin
          trained: {extends: graded, collector_skill: 1.5, priority: balance}
        """, file: "e.yaml")
        XCTAssertEqual(s.strategies[1].rules, s.strategies[0].rules)
        XCTAssertEqual(s.strategies[1].collectorSkill, 1.5)
        XCTAssertEqual(s.strategies[1].priority, .balance)
    }

    /// `rules` under `extends` replace the parent's, and the description says so rather than
    /// keeping the parent's promises; `rules_before` and `rules_after` add to them.
    func testExtendsWithRulesSaysWhetherItReplacesOrAddsToTheParentsRules() throws {
        let s = try ScenarioLoader.parse(yaml: """
        name: e
        strategies:
          graded: builtin
          own_rules:
            extends: graded
            rules: [{when: {dpd: [1, null]}, do: [{action: sms, every_days: 2}]}]
          early_first:
            extends: graded
            rules_before: [{when: {dpd: [-3, -1]}, do: [{action: sms, every_days: 1}]}]
          late_last:
            extends: graded
            description: Graded, and legal action for what graded leaves.
            rules_after: [{when: {dpd: [-30, -20]}, do: [{action: email, every_days: 5}]}]
        """, file: "e.yaml")
        let graded = s.strategies[0]
        let own = s.strategies[1], before = s.strategies[2], after = s.strategies[3]
        XCTAssertEqual(own.rules.count, 1)
        XCTAssertNotEqual(own.description, graded.description)
        XCTAssertEqual(own.description, "graded's settings with 1 rule of its own in place of graded's rules.")
        XCTAssertEqual(own.priority, graded.priority)
        XCTAssertEqual(before.rules.count, graded.rules.count + 1)
        XCTAssertEqual(Array(before.rules.dropFirst()), graded.rules)
        XCTAssertEqual(before.description, graded.description + " graded's rules, with 1 rule of its own checked before them.")
        XCTAssertEqual(Array(after.rules.dropLast()), graded.rules)
        XCTAssertEqual(after.rules.last?.actions.first?.kind, .email)
        XCTAssertEqual(after.description, "Graded, and legal action for what graded leaves.", "a description given is kept")
    }

    /// A scenario's own strategy can be extended, in any order, and placed with an agency.
    func testCustomStrategiesCanBeExtendedAndUsedAsAnAgencysStrategy() throws {
        let s = try ScenarioLoader.parse(yaml: """
        name: e
        strategies:
          firm_follow_up:
            extends: base
            collector_skill: 1.3
          base:
            rules:
              - when: {dpd: [1, 89]}
                do: [{action: call, every_days: 3}]
              - when: {dpd: [90, null]}
                do: [{action: agency, every_days: 30}]
            agency_strategy: agency_soft
          agency_soft:
            rules: [{when: {dpd: [1, null]}, do: [{action: sms, every_days: 7, tone: gentle}]}]
          graded: {extends: graded}
        """, file: "e.yaml")
        let byName = Dictionary(uniqueKeysWithValues: s.strategies.map { ($0.name, $0) })
        let base = try XCTUnwrap(byName["base"]), follow = try XCTUnwrap(byName["firm_follow_up"])
        XCTAssertEqual(follow.rules, base.rules)
        XCTAssertEqual(follow.collectorSkill, 1.3)
        XCTAssertEqual(base.agencyStrategy, "agency_soft")
        XCTAssertEqual(base.agencyRules, byName["agency_soft"]?.rules)
        XCTAssertEqual(follow.agencyRules, byName["agency_soft"]?.rules, "an extended strategy keeps its parent's agency")
        let builtin = try ScenarioLoader.parse(yaml: "name: b\nstrategies: [graded]\n", file: "b.yaml").strategies[0]
        XCTAssertEqual(byName["graded"]?.rules, builtin.rules, "a strategy extending its own name extends the built-in one")
    }

    func testCompliancePresetThenOverrides() throws {
        let s = try ScenarioLoader.parse(yaml: """
        name: c
        compliance:
          preset: us_reg_f
          mode: report
          caps: {call: {per_day: 2}}
        """, file: "c.yaml")
        XCTAssertEqual(s.compliance.preset, "us_reg_f")
        XCTAssertEqual(s.compliance.mode, .report)
        XCTAssertEqual(s.compliance.caps[.call]?.perDay, 2)
        XCTAssertEqual(s.compliance.afterConversationDays, 7)
        XCTAssertEqual(s.compliance.windows[.call]?.fromHour, 8)
    }

    func testResolvedYAMLReadsBackToTheSameScenario() throws {
        let s = try ScenarioLoader.parse(yaml: """
        name: "round: trip \\"quoted\\""
        description: multi
        seed: 99
        calendar: {start_weekday: wednesday, holidays: [3, 10]}
        compliance: {preset: cn_nifa_2024}
        strategies:
          graded: builtin
          mine:
            priority: dpd
            agency_strategy: strict
            rules:
              - when: {dpd: [1, 30], grade: [A, C], risk: [0.2, 0.9], on_plan: false}
                do: [{action: call, every_days: 3, slot: evening, tone: empathetic, attempts_per_day: 2}]
              - when: {dpd: [31, null], day: working}
                do: [{action: installment, installments: 9, down_payment: 0.1, fee_waiver: true}, {action: agency, commission: 0.18}]
              - when: {dpd: [31, null], day: non_working}
                do: sms
        baseline: mine
        """, file: "r.yaml")
        let text = ScenarioWriter.yaml(s)
        let again = try ScenarioLoader.parse(yaml: text, file: "resolved")
        XCTAssertEqual(ScenarioWriter.yaml(again), text)
        XCTAssertEqual(again.name, s.name)
        XCTAssertEqual(again.strategies.map(\.rules), s.strategies.map(\.rules))
        XCTAssertEqual(again.strategies.map(\.agencyRules), s.strategies.map(\.agencyRules))
        XCTAssertEqual(again.strategies.map(\.agencyStrategy), [nil, "strict"])
        XCTAssertEqual(again.strategies[1].rules.map(\.condition.workingDay), [nil, true, false])
        // An open bound is written as the user wrote it, not as the number it stands for.
        XCTAssertTrue(text.contains("- when: {dpd: [31, null], day: working}"), text)
        XCTAssertFalse(text.contains(", 100000]"), text)
        XCTAssertEqual(again.parameters, s.parameters)
        XCTAssertEqual(again.population, s.population)
        XCTAssertEqual(again.compliance, s.compliance)
        XCTAssertEqual(again.calendar, s.calendar)
    }

    func testSchemaIsJSONAndCoversTheParameterTable() throws {
        let data = Data(ScenarioSchema.json().utf8)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try XCTUnwrap(object["properties"] as? [String: Any])
        XCTAssertEqual(Set(properties.keys), ["name", "description", "seed", "replications", "precision", "horizon_days", "calendar",
                                              "population", "model", "compliance", "strategies", "baseline", "output", "verdict", "experiment"])
        XCTAssertEqual(object["required"] as? [String], ["name"])
        let model = try XCTUnwrap(properties["model"] as? [String: Any])
        let payment = try XCTUnwrap((model["properties"] as? [String: Any])?["payment"] as? [String: Any])
        XCTAssertNotNil((payment["properties"] as? [String: Any])?["excitation_decay"])
    }
}
