import CollectionsModel
import Foundation

/// A JSON Schema (draft 2020-12) of the scenario format, generated from the same field
/// declarations (`ScenarioFields`) and parameter catalog the loader reads with and the writer
/// writes with, so editor hints never drift from the engine: the tests validate every scenario
/// of the repository and every file the tool writes against it, and the bad-scenario corpus.
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
        let population = ScenarioFields.population.schema(others: [
            "segments": ["type": "object", "minProperties": 1, "maxProperties": 60, "additionalProperties": ScenarioFields.segment.schema(),
                         "propertyNames": ["not": ["pattern": "^(\(ReportGroups.all)|\(ReportGroups.reservedPrefixes.joined(separator: "|")))"]],
                         "description": "segment name → attributes; weights sum to 1. A segment the defaults name inherits their attributes, a new one salaried's."],
            "portfolio": ["type": "string", "minLength": 1,
                          "description": "a lender's book (CSV, docs/portfolio.md) whose accounts are the population; path relative to the scenario file"],
            "sample": ["type": "integer", "minimum": 1, "maximum": ScenarioLoader.maxPopulation,
                       "description": "run a stratified sample of this many of the portfolio's accounts (segment × grade × DPD bucket, proportional)"],
            "ignore_columns": ["type": "array", "items": ["type": "string"], "description": "columns of the portfolio file the model skips"],
            "portfolio_sha256": ["type": "string", "pattern": "^[0-9a-f]{64}$",
                                 "description": "SHA-256 the portfolio file must have (written into resolved scenarios)"],
            "records": ["type": "string", "minLength": 1,
                        "description": "the portfolio as checked when a cluster job was prepared (collectsim slurm writes it beside the job's scenario); read instead of the CSV"],
        ], description: "The accounts a run simulates: a generated cohort, or a lender's book (portfolio).")
        let model = modelSchema()
        let channels = Channel.allCases.map(\.name)
        var windows: [String: Any] = [:]
        var caps: [String: Any] = [:]
        for c in channels {
            windows[c] = ScenarioFields.window.schema()
            caps[c] = ScenarioFields.caps.schema()
        }
        let compliance = ScenarioFields.compliance.schema(others: [
            "preset": enumeration(ComplianceRules.presetNames).merging(["description": "named rules to start from; the fields given here change them"]) { a, _ in a },
            "windows": object(windows, description: "channel → permitted contact window (a channel not named is unrestricted)"),
            "caps": object(caps, description: "channel → contact caps"),
        ], description: "Contact rules; a preset first, then the fields given here.")
        var condition: [String: Any] = [
            "dpd": range(["type": "integer"]),
            "grade": ["anyOf": [enumeration(Grade.allCases.map(\.name)), ["type": "array", "minItems": 1, "items": enumeration(Grade.allCases.map(\.name))]]],
            "segment": ["anyOf": [["type": "string"], ["type": "array", "minItems": 1, "items": ["type": "string"]]]],
            "risk": range(number(p)),
            "overdue": range(number()),
            "day": enumeration(["working", "non_working"]),
        ]
        for (name, _) in AccountFlags.named { condition[name] = ["type": "boolean"] }
        let actionFields = ScenarioFields.action
        let action: [String: Any] = ["anyOf": [enumeration(ActionKind.allCases.map(\.name)), actionFields.schema(others: [
            "action": enumeration(ActionKind.allCases.map(\.name)),
        ], required: ["action"])]]
        let ruleDefaults = actionFields.properties.filter { ["every_days", "slot", "tone"].contains($0.key) }
        let rule = object([
            "when": object(condition),
            "do": ["anyOf": [action, ["type": "array", "minItems": 1, "items": action]]],
        ].merging(ruleDefaults) { a, _ in a }, required: ["do"])
        let builtinNames = ScenarioLoader.builtinDefinitions().map(\.0)
        var strategy = ScenarioFields.strategy.schema(others: [
            "extends": ["type": "string", "description": "a strategy of this scenario or a built-in one (\(builtinNames.joined(separator: ", "))) to start from"],
            "priority": enumeration(Priority.allCases.map(\.rawValue)),
            "rules": ["type": "array", "minItems": 1, "items": rule, "description": "the strategy's rules; with extends, in place of the parent's"],
            "rules_before": ["type": "array", "minItems": 1, "items": rule, "description": "with extends: rules checked before the parent's"],
            "rules_after": ["type": "array", "minItems": 1, "items": rule, "description": "with extends: rules checked after the parent's"],
            "agency_strategy": ["type": "string", "description": "the strategy an agency applies to placed accounts: one of this scenario or a built-in one"],
        ])
        // rules_before and rules_after add to a parent's rules; rules replace them.
        strategy["dependentRequired"] = ["rules_before": ["extends"], "rules_after": ["extends"]]
        strategy["not"] = ["anyOf": [["required": ["rules", "rules_before"]], ["required": ["rules", "rules_after"]]]]
        let strategies: [String: Any] = ["anyOf": [
            ["type": "array", "minItems": 1, "uniqueItems": true, "items": enumeration(builtinNames)],
            ["type": "object", "minProperties": 1, "additionalProperties": ["anyOf": [strategy, ["const": "builtin"], ["type": "null"]]]],
        ]]
        let factor = object(["path": ["type": "string", "description": "a numeric field of the resolved scenario, e.g. model.capacity.macro_stress or strategies.graded.rules[2].every_days"],
                             "values": ["type": "array", "items": number(), "minItems": 1],
                             "range": ["type": "array", "minItems": 2, "maxItems": 2, "items": number()], "steps": integer(1, 10_000), "start": number()], required: ["path"])
        let factors: [String: Any] = ["type": "array", "items": factor, "minItems": 1]
        let experiment = ExperimentFields.experiment.schema(others: [
            "strategies": ["type": "array", "items": ["type": "string"]],
            "metrics": ["type": "array", "items": ["type": "string"], "minItems": 1],
            "sweep": ExperimentFields.sweep.schema(others: ["factors": factors], required: ["factors"]),
            "sensitivity": ExperimentFields.sensitivity.schema(others: ["factors": factors], required: ["factors"]),
            "optimize": ExperimentFields.optimize.schema(others: ["strategy": ["type": "string"], "objective": ["type": "string"], "direction": enumeration(["maximize", "minimize"]),
                                "constraints": ["type": "array", "items": object(["metric": ["type": "string"], "max": number(), "min": number()], required: ["metric"])],
                                "frontier": object(["against": ["type": "string"], "points": integer(2, 50)], required: ["against"]),
                                "factors": factors], required: ["factors"]),
            "calibrate": ExperimentFields.calibrate.schema(others: ["strategy": ["type": "string"], "observed": ["type": "string"], "factors": factors], required: ["factors"]),
        ], description: "Experiments: collectsim sweep, sensitivity, optimize and calibrate (docs/experiments.md).")
        var root = object(ScenarioFields.head.properties.merging([
            "experiment": experiment,
            "name": ["type": "string", "minLength": 1, "maxLength": 200, "description": "The scenario's name: reports, folders and the registry show it."],
            "precision": ScenarioFields.precision.schema(others: [
                "targets": ["type": "object", "minProperties": 1, "additionalProperties": number(1e-12...1e12, "largest 95% CI half-width of the metric"),
                            "description": "metric name → largest 95% CI half-width, for every strategy"],
            ], required: ["targets"], description: "Stop by precision: `replications` is the minimum; more are added until every target is met."),
            "calendar": ScenarioFields.calendar.schema(others: [
                "holidays": ["type": "array", "items": ["type": "integer", "minimum": 0, "maximum": ScenarioLoader.maxHorizonDays - 1],
                             "description": "days (0-based, within the horizon) that are holidays"],
            ]),
            "population": population,
            "model": model,
            "compliance": compliance,
            "strategies": strategies,
            "baseline": ["type": "string", "description": "The strategy the others are compared with (default: graded when run, else the first)."],
            "output": ScenarioFields.output.schema(description: "Where runs are written and which extra files they write."),
            "verdict": ScenarioFields.verdict.schema(description: "How the report's verdict chooses a strategy."),
        ]) { a, _ in a }, required: ["name"], description: "A CollectSim scenario. Everything but `name` has a default.")
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["title"] = "CollectSim scenario"
        return root
    }

    /// The parameter table as nested objects, in every form the loader reads: each step of a
    /// parameter's path may be a nested key or joined with dots to the next
    /// (`model: {action: {call: {jump: 0.05}}}`, `model: {action.call.jump: 0.05}`,
    /// `model: {action: {call.jump: 0.05}}`), as resolved scenarios write them.
    static func modelSchema() -> [String: Any] {
        let leaves = ParameterCatalog.all.map { spec in
            (spec.key.split(separator: ".").map(String.init), number(spec.range, "\(spec.meaning) [\(spec.unit)] default \(spec.defaultValue)"))
        }
        var model = node(leaves)
        model["description"] = "Model parameters (docs/parameters.md, `collectsim parameters`): nested, or dotted as in resolved scenarios."
        return model
    }

    /// An object whose keys are every dotted join of the paths' first steps.
    static func node(_ leaves: [([String], [String: Any])]) -> [String: Any] {
        var groups: [String: [([String], [String: Any])]] = [:]
        for (path, leaf) in leaves where !path.isEmpty {
            for cut in 1...path.count {
                groups[path.prefix(cut).joined(separator: "."), default: []].append((Array(path.dropFirst(cut)), leaf))
            }
        }
        var properties: [String: Any] = [:]
        for (key, rest) in groups {
            properties[key] = rest.count == 1 && rest[0].0.isEmpty ? rest[0].1 : node(rest)
        }
        return ["type": "object", "additionalProperties": false, "properties": properties]
    }
}
