import CollectionsModel
import Foundation

/// A JSON Schema (draft 2020-12) of the scenario format, generated from the same key lists and
/// parameter catalog the loader validates against, so editor hints never drift from the engine.
public enum ScenarioSchema {
    public static func json() -> String {
        let data = try! JSONSerialization.data(withJSONObject: schema(), options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func number(_ range: ClosedRange<Double>? = nil, _ description: String? = nil) -> [String: Any] {
        var d: [String: Any] = ["type": "number"]
        if let r = range { d["minimum"] = r.lowerBound; d["maximum"] = r.upperBound }
        if let description { d["description"] = description }
        return d
    }

    static func integer(_ lo: Int, _ hi: Int, _ description: String? = nil) -> [String: Any] {
        var d: [String: Any] = ["type": "integer", "minimum": lo, "maximum": hi]
        if let description { d["description"] = description }
        return d
    }

    static func object(_ properties: [String: Any], required: [String] = [], description: String? = nil) -> [String: Any] {
        var d: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
        if !required.isEmpty { d["required"] = required }
        if let description { d["description"] = description }
        return d
    }

    static func enumeration(_ values: [String]) -> [String: Any] { ["type": "string", "enum": values] }

    static func range(_ item: [String: Any]) -> [String: Any] {
        ["type": "array", "minItems": 2, "maxItems": 2, "items": ["anyOf": [item, ["type": "null"]]],
         "description": "[low, high], inclusive; null for open"]
    }

    static func schema() -> [String: Any] {
        let p = 0.0...1.0
        var segment: [String: Any] = [:]
        for key in ScenarioLoader.segmentKeys { segment[key] = number() }
        segment["grade_weights"] = ["type": "array", "minItems": 5, "maxItems": 5, "items": number(0...1e6)]
        for key in ["weight", "hardship_rate", "recovery_rate", "initial_hardship_current", "initial_hardship_delinquent",
                    "reach_phone", "reach_sms", "reach_email", "reach_app"] { segment[key] = number(p) }
        let population = object([
            "size": integer(1, ScenarioLoader.maxPopulation),
            "delinquent_share": number(p),
            "initial_dpd_mean": number(1...3650),
            "max_initial_dpd": integer(1, 3650),
            "due_within_days": integer(1, 365),
            "segments": ["type": "object", "additionalProperties": object(segment), "description": "segment name → attributes; weights sum to 1"],
            "portfolio": ["type": "string", "minLength": 1,
                          "description": "a lender's book (CSV, docs/portfolio.md) whose accounts are the population; path relative to the scenario file"],
            "sample": ["type": "integer", "minimum": 1, "maximum": ScenarioLoader.maxPopulation,
                       "description": "run a stratified sample of this many of the portfolio's accounts (segment × grade × DPD bucket, proportional)"],
            "ignore_columns": ["type": "array", "items": ["type": "string"], "description": "columns of the portfolio file the model skips"],
            "portfolio_sha256": ["type": "string", "pattern": "^[0-9a-f]{64}$",
                                 "description": "SHA-256 the portfolio file must have (written into resolved scenarios)"],
        ])
        // The parameter table as nested objects.
        var model: [String: Any] = ["type": "object", "additionalProperties": false, "properties": [String: Any]()]
        for spec in ParameterCatalog.all {
            insert(&model, path: spec.key.split(separator: ".").map(String.init),
                   leaf: number(spec.range, "\(spec.meaning) [\(spec.unit)] default \(spec.defaultValue)"))
        }
        let channels = Channel.allCases.map(\.name)
        var windows: [String: Any] = [:]
        var caps: [String: Any] = [:]
        for c in channels {
            windows[c] = object(["days": enumeration(["all", "working"]), "from": integer(0, 24), "to": integer(0, 24)])
            caps[c] = object(["per_day": integer(0, 1000), "per_7_days": integer(0, 7000)])
        }
        let compliance = object([
            "preset": enumeration(ComplianceRules.presetNames),
            "mode": enumeration(ComplianceRules.Mode.allCases.map(\.rawValue)),
            "windows": object(windows),
            "caps": object(caps),
            "cool_off_days": integer(0, 3650),
            "after_conversation_days": integer(0, 3650),
            "third_party_contact": ["type": "boolean"],
        ])
        var condition: [String: Any] = [
            "dpd": range(["type": "integer"]),
            "grade": ["anyOf": [enumeration(Grade.allCases.map(\.name)), ["type": "array", "items": enumeration(Grade.allCases.map(\.name))]]],
            "segment": ["anyOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]],
            "risk": range(number(p)),
            "overdue": range(number()),
            "day": enumeration(["working", "non_working"]),
        ]
        for (name, _) in AccountFlags.named { condition[name] = ["type": "boolean"] }
        let action: [String: Any] = ["anyOf": [enumeration(ActionKind.allCases.map(\.name)), object([
            "action": enumeration(ActionKind.allCases.map(\.name)),
            "every_days": integer(1, 3650),
            "slot": enumeration(Slot.allCases.map(\.name)),
            "tone": enumeration(Tone.allCases.map(\.name)),
            "attempts_per_day": integer(1, 20),
            "third_party": ["type": "boolean"],
            "installments": integer(1, 120),
            "down_payment": number(p),
            "fee_waiver": ["type": "boolean"],
            "break_after_misses": integer(1, 120),
            "deferral_days": integer(1, 3650),
            "commission": number(p),
        ], required: ["action"])]]
        let rule = object([
            "when": object(condition),
            "do": ["anyOf": [action, ["type": "array", "minItems": 1, "items": action]]],
            "every_days": integer(1, 3650),
            "slot": enumeration(Slot.allCases.map(\.name)),
            "tone": enumeration(Tone.allCases.map(\.name)),
        ], required: ["do"])
        let builtinNames = ScenarioLoader.builtinDefinitions().map(\.0)
        let strategy = object([
            "description": ["type": "string"],
            "extends": ["type": "string", "description": "a strategy of this scenario or a built-in one (\(builtinNames.joined(separator: ", "))) to start from"],
            "priority": enumeration(Priority.allCases.map(\.rawValue)),
            "rules": ["type": "array", "minItems": 1, "items": rule, "description": "the strategy's rules; with extends, in place of the parent's"],
            "rules_before": ["type": "array", "minItems": 1, "items": rule, "description": "with extends: rules checked before the parent's"],
            "rules_after": ["type": "array", "minItems": 1, "items": rule, "description": "with extends: rules checked after the parent's"],
            "agency_strategy": ["type": "string", "description": "the strategy an agency applies to placed accounts: one of this scenario or a built-in one"],
            "collector_skill": number(0...10),
            "calls_per_day_per_1000": number(0...1e6),
            "visits_per_day_per_1000": number(0...1e6),
        ])
        let strategies: [String: Any] = ["anyOf": [
            ["type": "array", "minItems": 1, "uniqueItems": true, "items": enumeration(builtinNames)],
            ["type": "object", "minProperties": 1, "additionalProperties": ["anyOf": [strategy, ["const": "builtin"], ["type": "null"]]]],
        ]]
        let factor = object(["path": ["type": "string", "description": "a numeric field of the resolved scenario, e.g. model.capacity.macro_stress or strategies.graded.rules[2].every_days"],
                             "values": ["type": "array", "items": number(), "minItems": 1],
                             "range": ["type": "array", "minItems": 2, "maxItems": 2, "items": number()], "steps": integer(1, 10_000), "start": number()], required: ["path"])
        let factors: [String: Any] = ["type": "array", "items": factor, "minItems": 1]
        let experiment = object([
            "replications": integer(1, 10_000), "population": integer(1, 50_000_000),
            "strategies": ["type": "array", "items": ["type": "string"]],
            "metrics": ["type": "array", "items": ["type": "string"], "minItems": 1],
            "sweep": object(["design": enumeration(["grid", "sobol"]), "points": integer(1, 100_000), "factors": factors], required: ["factors"]),
            "sensitivity": object(["samples": integer(2, 100_000), "bootstrap": integer(10, 100_000), "confidence": number(0.5...0.999), "factors": factors], required: ["factors"]),
            "optimize": object(["strategy": ["type": "string"], "objective": ["type": "string"], "direction": enumeration(["maximize", "minimize"]),
                                "method": enumeration(["nelder_mead", "cross_entropy"]), "max_evaluations": integer(2, 100_000),
                                "constraints": ["type": "array", "items": object(["metric": ["type": "string"], "max": number(), "min": number()], required: ["metric"])],
                                "frontier": object(["against": ["type": "string"], "points": integer(2, 50)], required: ["against"]),
                                "factors": factors], required: ["factors"]),
            "calibrate": object(["strategy": ["type": "string"], "max_evaluations": integer(2, 100_000), "observed": ["type": "string"], "factors": factors], required: ["factors"]),
        ], description: "Experiments: collectsim sweep, sensitivity, optimize and calibrate (docs/experiments.md).")
        var root = object([
            "experiment": experiment,
            "name": ["type": "string", "minLength": 1, "maxLength": 200],
            "description": ["type": "string"],
            "seed": integer(0, Int.max),
            "replications": integer(1, 100_000),
            "precision": object([
                "targets": ["type": "object", "minProperties": 1, "additionalProperties": number(1e-12...1e12),
                            "description": "metric name → largest 95% CI half-width, for every strategy"],
                "max_replications": integer(2, 100_000),
                "batch": integer(1, 100_000),
            ], required: ["targets"], description: "Stop by precision: `replications` is the minimum; more are added until every target is met."),
            "horizon_days": integer(1, 3650),
            "calendar": object(["start_weekday": enumeration(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]),
                                "holidays": ["type": "array", "items": ["type": "integer", "minimum": 0]]]),
            "population": population,
            "model": model,
            "compliance": compliance,
            "strategies": strategies,
            "baseline": ["type": "string"],
            "output": object(["dir": ["type": "string"], "export_accounts": ["type": "boolean"], "export_history": ["type": "boolean"],
                              "export_replication_curves": ["type": "boolean", "description": "also write replication_curves.csv: every curve's daily value in every replication"]]),
            "verdict": object(["objective": ["type": "string", "description": "the metric the report's verdict ranks strategies on (default net_recovery_rate)"],
                               "complaints_cap": ["type": ["number", "null"], "minimum": 0, "maximum": 1e6,
                                                  "description": "most complaints per 1,000 accounts a recommended strategy may have"]]),
        ], required: ["name"], description: "A CollectSim scenario. Everything but `name` has a default.")
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["title"] = "CollectSim scenario"
        return root
    }

    static func insert(_ node: inout [String: Any], path: [String], leaf: [String: Any]) {
        var props = node["properties"] as? [String: Any] ?? [:]
        if path.count == 1 {
            props[path[0]] = leaf
        } else {
            var child = props[path[0]] as? [String: Any] ?? ["type": "object", "additionalProperties": false, "properties": [String: Any]()]
            insert(&child, path: Array(path.dropFirst()), leaf: leaf)
            props[path[0]] = child
        }
        node["properties"] = props
    }
}
