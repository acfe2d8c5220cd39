import Foundation

/// A numeric field set on the command line: `--set PATH=VALUE`, PATH in the experiments' path
/// syntax (`model.capacity.macro_stress`, `strategies.graded.rules[2].every_days`,
/// `population.segments.low_income.weight`), so a study can be shrunk or varied without
/// editing its YAML.
///
/// The overridden scenario is made the way an experiment makes its points (`ScenarioEditor`):
/// the resolved scenario with the fields set is loaded again, so an override passes every check
/// a scenario file passes, and the run's `scenario.resolved.yaml` records the value it ran with.
public struct ScenarioOverride: Sendable, Hashable, CustomStringConvertible {
    public let path: ScenarioPath
    public let value: Double

    public var description: String { "\(path.text)=\(ScenarioEditor.format(value))" }

    /// Parses `PATH=VALUE`; the error says what is wrong, for `--set` to print.
    public init(argument: String) throws(ScenarioPath.PathError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw ScenarioPath.PathError("expected PATH=VALUE, such as model.capacity.macro_stress=1.2")
        }
        let pathText = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        let valueText = String(argument[argument.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        if pathText.count > 300 { throw ScenarioPath.PathError("the path is \(pathText.count) characters long; no field's path is") }
        let path = try ScenarioPath(pathText)
        guard let first = path.steps.first, case let .key(top) = first else { throw ScenarioPath.PathError("the path is empty") }
        switch top {
        case "seed":
            throw ScenarioPath.PathError("the seed is a whole number up to 2^64; set it with --seed")
        case "experiment":
            throw ScenarioPath.PathError("--set changes the scenario an experiment starts from, not the experiment; give --replications or --population for its sizes, or edit its factors in the file")
        default: break
        }
        guard let value = Self.number(valueText) else {
            throw ScenarioPath.PathError("'\(valueText.prefix(60))' is not a number; --set takes decimal numbers, such as 0.25, 12 or 1e-3")
        }
        self.path = path
        self.value = value
    }

    /// A finite decimal number (YAML's plain numbers, without hex, octal, `.inf` or `.nan`).
    static func number(_ text: String) -> Double? {
        guard !text.isEmpty, text.count <= 40,
              text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let v = Double(text), v.isFinite else { return nil }
        return v
    }

    /// The scenario with every override applied, its experiment section kept. Overrides of the
    /// same field twice, or of a field an experiment varies (its factors would set it anyway), are
    /// refused. Errors are `ScenarioError`s whose field is the override's path. `editor`, when
    /// given, is `ScenarioEditor(scenario)` made once for many calls.
    public static func apply(_ overrides: [ScenarioOverride], to scenario: Scenario, editor: ScenarioEditor? = nil) throws -> Scenario {
        guard !overrides.isEmpty else { return scenario }
        var seen: Set<String> = []
        for o in overrides where !seen.insert(o.path.text).inserted {
            throw ScenarioError(file: scenario.sourceFile, line: 0, column: 0, field: o.path.text, message: "set twice on the command line")
        }
        if let e = scenario.experiment {
            for o in overrides where e.allFactors.contains(where: { $0.path.text == o.path.text }) {
                throw ScenarioError(file: scenario.sourceFile, line: 0, column: 0, field: o.path.text,
                                    message: "is a factor of the experiment, which sets it at every point; change its values or range in the file instead")
            }
        }
        var changed = try (editor ?? ScenarioEditor(scenario)).scenario(setting: overrides.map { ($0.path, $0.value) })
        changed.experiment = scenario.experiment
        return changed
    }
}
